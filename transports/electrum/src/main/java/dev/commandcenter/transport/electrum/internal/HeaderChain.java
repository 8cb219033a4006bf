package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Block;
import org.bitcoinj.core.NetworkParameters;
import org.bitcoinj.core.ProtocolException;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The block headers the wallet has validated: a contiguous window of the most recent ones (at most
 * {@code headerWindow}), each 80 bytes, linked to the one before it by its previous-block hash, with a hash
 * that meets the target its {@code bits} encode and {@code bits} no easier than the network's proof-of-work
 * limit. On mainnet the difficulty may change only at a retarget boundary (every 2016 blocks) and then by at
 * most a factor of four, so a header cannot drop the work of the chain it extends. A replacing chain must
 * fork within {@code maxReorgDepth} blocks of the tip and carry at least the work of the blocks it replaces.
 * <p>
 * The first header seen (the tip of the first server, with the blocks below it up to the reorg depth) is
 * trusted as a checkpoint; everything after it must link to it. Missing headers are fetched with
 * {@code blockchain.block.headers}, at most {@code headersPerRequest} a request. A header that breaks a rule is
 * a lie: the server is named, the lie counted, and the connection failed over.
 * <p>
 * <b>Note:</b> not thread safe; owned by the conductor's thread.
 */
final class HeaderChain
{
    /** Length of a block header in bytes. */
    static final int HEADER_LENGTH = 80;
    /** Blocks between difficulty retargets on mainnet. */
    static final int RETARGET_INTERVAL = 2016;

    private static final BigInteger FOUR = BigInteger.valueOf(4);

    /** How a new tip relates to the headers held. */
    enum Move
    {
        /** The same block: nothing changed. */
        SAME,
        /** Blocks were added on top of the tip held. */
        EXTENDED,
        /** Blocks held were replaced by a chain with more work, or the server is behind the tip held. */
        REPLACED
    }

    private final WalletNetwork network;
    private final BigInteger powLimit;
    private final int window;
    private final int maxReorgDepth;
    private final int headersPerRequest;
    private final AtomicCounter liesCounter;
    private final ErrorHandler errorHandler;
    private final TreeMap<Integer, Block> headers = new TreeMap<>();

    /**
     * An empty chain.
     *
     * @param network           network whose proof-of-work limit applies.
     * @param window            most headers held.
     * @param maxReorgDepth     deepest fork a replacing chain may have.
     * @param headersPerRequest most headers asked for in one request.
     * @param liesCounter       counts servers caught lying.
     * @param errorHandler      told when the chain starts over from a new checkpoint.
     */
    HeaderChain(
        final WalletNetwork network,
        final int window,
        final int maxReorgDepth,
        final int headersPerRequest,
        final AtomicCounter liesCounter,
        final ErrorHandler errorHandler)
    {
        this.network = network;
        this.powLimit = NetworkParameters.of(network.bitcoinNetwork()).getMaxTarget();
        this.window = window;
        this.maxReorgDepth = maxReorgDepth;
        this.headersPerRequest = headersPerRequest;
        this.liesCounter = liesCounter;
        this.errorHandler = errorHandler;
    }

    /**
     * Whether no header is held yet.
     *
     * @return true before the first tip.
     */
    boolean isEmpty()
    {
        return headers.isEmpty();
    }

    /**
     * Height of the tip held.
     *
     * @return the height, or -1 when empty.
     */
    int tipHeight()
    {
        return headers.isEmpty() ? -1 : headers.lastKey();
    }

    /**
     * Height of the oldest header held.
     *
     * @return the height, or -1 when empty.
     */
    int lowestHeight()
    {
        return headers.isEmpty() ? -1 : headers.firstKey();
    }

    /**
     * Headers held.
     *
     * @return the count.
     */
    int size()
    {
        return headers.size();
    }

    /**
     * Hash of the validated header at a height.
     *
     * @param height block height.
     * @return the hash, or null when not held.
     */
    Sha256Hash hashAt(final int height)
    {
        final Block block = headers.get(height);
        return null == block ? null : block.getHash();
    }

    /**
     * Merkle root of the validated header at a height.
     *
     * @param height block height.
     * @return the root, or null when not held.
     */
    Sha256Hash merkleRootAt(final int height)
    {
        final Block block = headers.get(height);
        return null == block ? null : block.getMerkleRoot();
    }

    /**
     * Take a tip a server announced (on connecting or in a notification): validate it, fetch and validate
     * the headers between it and those held, and keep the chain with the most work.
     *
     * @param connected  connection it came on.
     * @param height     its height.
     * @param headerHex  its header.
     * @param connecting true for the tip answered on connecting: a chain that does not link to the one held
     *                   within the reorg depth then starts over from it (another server may follow another
     *                   chain), where a notification of such a tip is a lie.
     * @return how it relates to the tip held.
     * @throws ElectrumException    when the server lied or a request failed.
     * @throws InterruptedException when interrupted while awaiting the server.
     */
    Move connect(final ElectrumClient connected, final int height, final String headerHex, final boolean connecting)
        throws ElectrumException, InterruptedException
    {
        final Block tip = parse(connected, height, headerHex);
        if (headers.isEmpty())
        {
            startFrom(connected, height, tip);
            return Move.EXTENDED;
        }
        final int tipHeight = tipHeight();
        final Block held = headers.get(height);
        if (null != held && held.getHash().equals(tip.getHash()))
        {
            if (height == tipHeight)
            {
                return Move.SAME;
            }
            // the server is behind: its tip is a block held; drop the blocks above it
            headers.tailMap(height, false).clear();
            return Move.REPLACED;
        }
        if (height == tipHeight + 1 && tip.getPrevBlockHash().equals(headers.lastEntry().getValue().getHash()))
        {
            checkDifficulty(connected, height, headers.lastEntry().getValue(), tip);
            headers.put(height, tip);
            trim();
            return Move.EXTENDED;
        }

        if (height <= lowestHeight())
        {
            if (connecting)
            {
                startOver(connected, height, tip, "its tip is below the headers held");
                return Move.REPLACED;
            }
            throw lie(connected, "announced a tip at height " + height + ", below the " + size() + " headers held");
        }
        if (height > tipHeight + 1 && height - tipHeight <= window)
        {
            final List<Block> gap = fetch(connected, tipHeight + 1, height - tipHeight - 1);
            gap.add(tip);
            if (gap.getFirst().getPrevBlockHash().equals(headers.lastEntry().getValue().getHash()))
            {
                checkLinked(connected, tipHeight + 1, gap);
                checkDifficulty(connected, tipHeight + 1, headers.lastEntry().getValue(), gap.getFirst());
                for (int i = 0; i < gap.size(); i++)
                {
                    headers.put(tipHeight + 1 + i, gap.get(i));
                }
                trim();
                return Move.EXTENDED;
            }
        }

        final int start = Math.max(lowestHeight() + 1, Math.min(tipHeight + 1, height) - maxReorgDepth);
        if (height - start > window)
        {
            if (connecting)
            {
                startOver(connected, height, tip, "its tip is " + (height - tipHeight) + " blocks away from the one held");
                return Move.REPLACED;
            }
            throw lie(connected, "announced a tip at height " + height + ", " + (height - tipHeight) +
                " blocks from the tip held at " + tipHeight + ": expected at most " + window);
        }
        final List<Block> chain = fetch(connected, start, height - start);
        chain.add(tip);
        checkLinked(connected, start, chain);
        final Block below = headers.get(start - 1);
        if (!chain.getFirst().getPrevBlockHash().equals(below.getHash()))
        {
            if (connecting)
            {
                startOver(connected, height, tip, "its chain does not join the one held within " + maxReorgDepth + " blocks");
                return Move.REPLACED;
            }
            throw lie(connected, "announced a tip at height " + height + " whose chain does not join the one held " +
                "within " + maxReorgDepth + " blocks (wallet.electrum.maxReorgDepth)");
        }
        checkDifficulty(connected, start, below, chain.getFirst());

        int fork = start;
        while (fork <= tipHeight && fork - start < chain.size() &&
            headers.get(fork).getHash().equals(chain.get(fork - start).getHash()))
        {
            fork++;
        }
        BigInteger replacedWork = BigInteger.ZERO;
        for (final Block replaced : headers.tailMap(fork, true).values())
        {
            replacedWork = replacedWork.add(replaced.getWork());
        }
        BigInteger newWork = BigInteger.ZERO;
        for (int i = fork - start; i < chain.size(); i++)
        {
            newWork = newWork.add(chain.get(i).getWork());
        }
        if (newWork.compareTo(replacedWork) < 0)
        {
            throw lie(connected, "announced a chain from height " + fork + " with less work than the " +
                (tipHeight - fork + 1) + " blocks held there");
        }
        headers.tailMap(fork, true).clear();
        for (int i = fork - start; i < chain.size(); i++)
        {
            headers.put(start + i, chain.get(i));
        }
        trim();
        return fork <= tipHeight ? Move.REPLACED : Move.EXTENDED;
    }

    /**
     * Make the header at a height below the window held, when it is at most {@code headerWindow} blocks
     * below the tip, by fetching and validating the headers between it and the oldest one held.
     *
     * @param connected connection to ask.
     * @param height    block height.
     * @return true when the header at the height is held.
     * @throws ElectrumException    when the server lied or a request failed.
     * @throws InterruptedException when interrupted while awaiting the server.
     */
    boolean ensure(final ElectrumClient connected, final int height) throws ElectrumException, InterruptedException
    {
        if (headers.containsKey(height))
        {
            return true;
        }
        if (headers.isEmpty() || height > tipHeight() || height < 0 || tipHeight() - height + 1 > window)
        {
            return false;
        }
        final int lowest = lowestHeight();
        final List<Block> chain = fetch(connected, height, lowest - height);
        chain.add(headers.get(lowest));
        checkLinked(connected, height, chain);
        for (int i = 0; i < chain.size() - 1; i++)
        {
            headers.put(height + i, chain.get(i));
        }
        return true;
    }

    /**
     * Count a lie and describe it as a protocol failure naming the server.
     *
     * @param connected the lying server's connection.
     * @param what      what it did, continuing "server lied: ".
     * @return the failure to throw.
     */
    ElectrumException lie(final ElectrumClient connected, final String what)
    {
        liesCounter.increment();
        return new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() + " lied: " + what);
    }

    private void startFrom(final ElectrumClient connected, final int height, final Block tip)
        throws ElectrumException, InterruptedException
    {
        final int start = Math.max(0, height - maxReorgDepth);
        final List<Block> chain = fetch(connected, start, height - start);
        chain.add(tip);
        checkLinked(connected, start, chain);
        headers.clear();
        for (int i = 0; i < chain.size(); i++)
        {
            headers.put(start + i, chain.get(i));
        }
    }

    private void startOver(final ElectrumClient connected, final int height, final Block tip, final String why)
        throws ElectrumException, InterruptedException
    {
        errorHandler.onError(new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() +
            " follows another chain than the headers held (" + why + "): starting over from its tip at height " + height));
        startFrom(connected, height, tip);
    }

    private void trim()
    {
        while (headers.size() > window)
        {
            headers.pollFirstEntry();
        }
    }

    private List<Block> fetch(final ElectrumClient connected, final int start, final int count)
        throws ElectrumException, InterruptedException
    {
        final List<Block> blocks = new ArrayList<>(count + 1);
        int next = start;
        while (next < start + count)
        {
            final int asked = Math.min(headersPerRequest, start + count - next);
            final JsonNode result = connected.call("blockchain.block.headers", next, asked);
            final String hex = result.path("hex").asText("");
            if (result.path("count").asInt(-1) != asked || hex.length() != asked * HEADER_LENGTH * 2)
            {
                throw new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() +
                    " answered blockchain.block.headers(" + next + ", " + asked + ") with " +
                    result.path("count").asInt(-1) + " headers in " + hex.length() / 2 + " bytes: expected " + asked +
                    " headers of 80 bytes");
            }
            for (int i = 0; i < asked; i++)
            {
                blocks.add(parse(connected, next + i, hex.substring(i * HEADER_LENGTH * 2, (i + 1) * HEADER_LENGTH * 2)));
            }
            next += asked;
        }
        return blocks;
    }

    private void checkLinked(final ElectrumClient connected, final int start, final List<Block> chain)
        throws ElectrumException
    {
        for (int i = 1; i < chain.size(); i++)
        {
            if (!chain.get(i).getPrevBlockHash().equals(chain.get(i - 1).getHash()))
            {
                throw lie(connected, "sent a header at height " + (start + i) + " that does not link to the one at " +
                    (start + i - 1) + " (previous block " + chain.get(i).getPrevBlockHash() + ", expected " +
                    chain.get(i - 1).getHash() + ")");
            }
            checkDifficulty(connected, start + i, chain.get(i - 1), chain.get(i));
        }
    }

    private Block parse(final ElectrumClient connected, final int height, final String headerHex) throws ElectrumException
    {
        final byte[] bytes;
        try
        {
            bytes = HexFormat.of().parseHex(headerHex);
        }
        catch (final IllegalArgumentException ex)
        {
            throw lie(connected, "sent a block header at height " + height + " that is not hex");
        }
        if (bytes.length != HEADER_LENGTH)
        {
            throw lie(connected, "sent a block header of " + bytes.length + " bytes at height " + height + ": expected 80");
        }
        final Block block;
        try
        {
            block = Block.read(ByteBuffer.wrap(bytes));
        }
        catch (final ProtocolException ex)
        {
            throw lie(connected, "sent a block header at height " + height + " that does not parse: " + ex.getMessage());
        }
        final BigInteger target = block.getDifficultyTargetAsInteger();
        if (target.signum() <= 0 || target.compareTo(powLimit) > 0)
        {
            throw lie(connected, "sent a block header at height " + height + " with bits " +
                Long.toHexString(block.getDifficultyTarget()) + " above the " + network.id() + " proof-of-work limit");
        }
        if (block.getHash().toBigInteger().compareTo(target) > 0)
        {
            throw lie(connected, "sent a block header at height " + height + " whose hash " + block.getHash() +
                " does not meet its target (bits " + Long.toHexString(block.getDifficultyTarget()) + ")");
        }
        return block;
    }

    private void checkDifficulty(final ElectrumClient connected, final int height, final Block previous, final Block block)
        throws ElectrumException
    {
        if (!network.isMainnet())
        {
            return;
        }
        if (height % RETARGET_INTERVAL != 0)
        {
            if (block.getDifficultyTarget() != previous.getDifficultyTarget())
            {
                throw lie(connected, "sent a block header at height " + height + " that changes the difficulty between " +
                    "retarget boundaries (bits " + Long.toHexString(block.getDifficultyTarget()) + ", expected " +
                    Long.toHexString(previous.getDifficultyTarget()) + ")");
            }
            return;
        }
        final BigInteger before = previous.getDifficultyTargetAsInteger();
        final BigInteger after = block.getDifficultyTargetAsInteger();
        if (after.compareTo(before.multiply(FOUR)) > 0 || after.multiply(FOUR).compareTo(before) < 0)
        {
            throw lie(connected, "sent a block header at retarget height " + height + " whose target moves more than " +
                "four times from the one before");
        }
    }

    /**
     * Headers held, by height, for tests.
     *
     * @return a copy.
     */
    Map<Integer, Sha256Hash> hashes()
    {
        final TreeMap<Integer, Sha256Hash> copy = new TreeMap<>();
        headers.forEach((height, block) -> copy.put(height, block.getHash()));
        return copy;
    }
}
