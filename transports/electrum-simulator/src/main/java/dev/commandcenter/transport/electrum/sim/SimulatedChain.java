package dev.commandcenter.transport.electrum.sim;

import dev.commandcenter.transport.electrum.ScriptHashes;
import dev.commandcenter.transport.electrum.client.HistoryItem;
import org.agrona.concurrent.EpochClock;
import org.bitcoinj.base.Coin;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.base.internal.ByteUtils;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionInput;
import org.bitcoinj.core.TransactionOutPoint;
import org.bitcoinj.core.TransactionOutput;
import org.bitcoinj.script.Script;
import org.bitcoinj.script.ScriptBuilder;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The regtest chain and mempool the simulator serves: blocks with real 80-byte headers, transactions
 * paying scripts, and the per-script index the Electrum history, balance and status answers are built
 * from. Payments enter the mempool, mining moves the mempool into a block, reorgs replace the last
 * blocks and a double spend removes an unconfirmed transaction.
 * <p>
 * <b>Note:</b> not thread safe; the {@link ElectrumSimulator} calls it only while holding its lock.
 */
final class SimulatedChain
{
    /** Compact proof-of-work target of regtest blocks (the network's limit). */
    static final int BITS_REGTEST = 0x207fffff;

    private final EpochClock clock;
    private final SplittableRandom random;
    private final List<Block> blocks = new ArrayList<>();
    private final Map<String, SimTx> txs = new HashMap<>();
    private final Map<String, Integer> txHeight = new HashMap<>();
    private final Map<String, Integer> txPosition = new HashMap<>();
    private final Set<String> mempool = new LinkedHashSet<>();
    private final Map<String, Set<String>> byScriptHash = new HashMap<>();
    private int nonce;

    /**
     * A block of the chain.
     *
     * @param height    of the block.
     * @param hash      display hex.
     * @param headerHex the 80-byte header as hex.
     * @param txids     transactions in the block, in order.
     */
    record Block(int height, String hash, String headerHex, List<String> txids)
    {
    }

    /**
     * A transaction the chain knows.
     *
     * @param txid                 display hex.
     * @param rawHex               serialised transaction as hex.
     * @param receivedByScriptHash sats each output script hash receives.
     */
    record SimTx(String txid, String rawHex, Map<String, Long> receivedByScriptHash)
    {
    }

    /**
     * A chain of {@code initialHeight + 1} empty blocks, genesis included.
     *
     * @param clock         time of block headers.
     * @param seed          seed of the random parts of transactions (outpoints, change).
     * @param initialHeight height of the tip.
     */
    SimulatedChain(final EpochClock clock, final long seed, final int initialHeight)
    {
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        for (int i = 0; i <= initialHeight; i++)
        {
            appendBlock(List.of());
        }
    }

    /**
     * Height of the chain tip.
     *
     * @return the tip height.
     */
    int height()
    {
        return blocks.size() - 1;
    }

    /**
     * The tip block.
     *
     * @return the last block.
     */
    Block tip()
    {
        return blocks.getLast();
    }

    /**
     * The genesis block.
     *
     * @return the first block.
     */
    Block genesis()
    {
        return blocks.getFirst();
    }

    /**
     * A block by height.
     *
     * @param height of the block.
     * @return the block, or null when the height is out of range.
     */
    Block block(final int height)
    {
        return height < 0 || height >= blocks.size() ? null : blocks.get(height);
    }

    /**
     * A transaction by txid.
     *
     * @param txid display hex.
     * @return the transaction, or null when unknown (or removed).
     */
    SimTx transaction(final String txid)
    {
        return txs.get(txid);
    }

    /**
     * Sats a transaction pays a script.
     *
     * @param txid       display hex of a known transaction.
     * @param scriptHash hex.
     * @return the amount, 0 when it pays the script nothing.
     */
    long received(final String txid, final String scriptHash)
    {
        return txs.get(txid).receivedByScriptHash().getOrDefault(scriptHash, 0L);
    }

    /**
     * Height of a transaction.
     *
     * @param txid display hex.
     * @return its block height, 0 in the mempool, -1 when unknown (or removed by a reorg).
     */
    int heightOf(final String txid)
    {
        if (mempool.contains(txid))
        {
            return 0;
        }
        return txHeight.getOrDefault(txid, -1);
    }

    /**
     * Add a transaction paying a script to the mempool.
     *
     * @param scriptPubKey recipient script.
     * @param sats         amount, 1 or more.
     * @param memo         text for an OP_RETURN output (at most 80 bytes of UTF-8 are kept), or null.
     * @return the txid.
     */
    String pay(final byte[] scriptPubKey, final long sats, final String memo)
    {
        if (sats < 1)
        {
            throw new IllegalArgumentException("payment amount: expected 1 sat or more, got " + sats);
        }
        final Transaction tx = new Transaction();
        final byte[] previous = new byte[32];
        fill(previous);
        tx.addInput(new TransactionInput(tx, new byte[0], new TransactionOutPoint(random.nextInt(4), Sha256Hash.wrap(previous))));
        tx.addOutput(Coin.valueOf(sats), Script.parse(scriptPubKey));
        final byte[] changeHash = new byte[20];
        fill(changeHash);
        tx.addOutput(Coin.valueOf(10_000 + random.nextLong(5_000_000)), ScriptBuilder.createP2WPKHOutputScript(changeHash));
        if (null != memo && !memo.isEmpty())
        {
            byte[] data = memo.getBytes(StandardCharsets.UTF_8);
            if (data.length > 80)
            {
                data = Arrays.copyOf(data, 80);
            }
            tx.addOutput(Coin.ZERO, ScriptBuilder.createOpReturnScript(data));
        }
        final String txid = tx.getTxId().toString();
        final Map<String, Long> received = new LinkedHashMap<>();
        for (final TransactionOutput output : tx.getOutputs())
        {
            final String scriptHash = ScriptHashes.scriptHash(output.getScriptBytes());
            received.merge(scriptHash, output.getValue().value, Long::sum);
            byScriptHash.computeIfAbsent(scriptHash, (key) -> new LinkedHashSet<>()).add(txid);
        }
        txs.put(txid, new SimTx(txid, HexFormat.of().formatHex(tx.serialize()), received));
        mempool.add(txid);
        return txid;
    }

    /**
     * Mine blocks; the first takes every mempool transaction.
     *
     * @param count blocks to mine.
     */
    void mine(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final List<String> included = new ArrayList<>(mempool);
            mempool.clear();
            appendBlock(included);
        }
    }

    /**
     * Replace the last blocks with {@code depth + 1} new empty ones.
     *
     * @param depth           blocks to replace, 1 or more and below the chain height.
     * @param returnToMempool whether their transactions go back to the mempool.
     * @return txids of the transactions that left the chain.
     */
    List<String> reorg(final int depth, final boolean returnToMempool)
    {
        if (depth < 1 || depth >= blocks.size())
        {
            throw new IllegalArgumentException("reorg depth: expected 1 to " + (blocks.size() - 1) + ", got " + depth);
        }
        final List<String> removed = new ArrayList<>();
        for (int i = 0; i < depth; i++)
        {
            final Block block = blocks.removeLast();
            removed.addAll(0, block.txids());
        }
        for (final String txid : removed)
        {
            txHeight.remove(txid);
            txPosition.remove(txid);
            if (returnToMempool)
            {
                mempool.add(txid);
            }
            else
            {
                forget(txid);
            }
        }
        for (int i = 0; i <= depth; i++)
        {
            appendBlock(List.of());
        }
        return removed;
    }

    /**
     * Remove an unconfirmed transaction from the mempool and every script's history.
     *
     * @param txid display hex of a mempool transaction.
     * @throws IllegalArgumentException when the transaction is unknown or already confirmed.
     */
    void doubleSpend(final String txid)
    {
        if (txHeight.containsKey(txid))
        {
            throw new IllegalArgumentException("double spend: transaction " + txid + " is confirmed at height " +
                txHeight.get(txid) + ": expected a mempool transaction (double-spend a confirmed one with reorg(depth, false))");
        }
        if (!mempool.remove(txid))
        {
            throw new IllegalArgumentException("double spend: transaction " + txid + " is unknown: expected a mempool transaction");
        }
        forget(txid);
    }

    /**
     * History of a script as the server reports it.
     *
     * @param scriptHash hex.
     * @return confirmed items by height and position, then mempool items ordered by txid.
     */
    List<HistoryItem> history(final String scriptHash)
    {
        final Set<String> all = byScriptHash.getOrDefault(scriptHash, Set.of());
        final List<String> confirmed = new ArrayList<>();
        final List<String> pending = new ArrayList<>();
        for (final String txid : all)
        {
            if (txHeight.containsKey(txid))
            {
                confirmed.add(txid);
            }
            else if (mempool.contains(txid))
            {
                pending.add(txid);
            }
        }
        confirmed.sort(Comparator.<String>comparingInt(txHeight::get).thenComparingInt(txPosition::get));
        pending.sort(Comparator.naturalOrder());
        final List<HistoryItem> history = new ArrayList<>(confirmed.size() + pending.size());
        for (final String txid : confirmed)
        {
            history.add(new HistoryItem(txid, txHeight.get(txid)));
        }
        for (final String txid : pending)
        {
            history.add(new HistoryItem(txid, 0));
        }
        return history;
    }

    /**
     * Status hash of a script.
     *
     * @param scriptHash hex.
     * @return the status, or null with no history.
     */
    String status(final String scriptHash)
    {
        return ScriptHashes.status(history(scriptHash));
    }

    private void forget(final String txid)
    {
        final SimTx tx = txs.remove(txid);
        for (final String scriptHash : tx.receivedByScriptHash().keySet())
        {
            byScriptHash.get(scriptHash).remove(txid);
        }
    }

    private void appendBlock(final List<String> txids)
    {
        final int height = blocks.size();
        final byte[] previous = blocks.isEmpty() ? new byte[32] : Sha256Hash.wrap(blocks.getLast().hash()).serialize();
        final byte[] header = mineHeader(previous, merkleRoot(leaves(height, txids)), BITS_REGTEST, true);
        final String hash = Sha256Hash.wrapReversed(Sha256Hash.hashTwice(header)).toString();
        blocks.add(new Block(height, hash, HexFormat.of().formatHex(header), List.copyOf(txids)));
        for (int i = 0; i < txids.size(); i++)
        {
            txHeight.put(txids.get(i), height);
            txPosition.put(txids.get(i), i + 1);
        }
    }

    /**
     * An 80-byte header on a previous block whose nonce meets (or, for a lying server, misses) the
     * target its bits encode; on regtest about every other nonce meets it.
     *
     * @param previous   hash of the previous block, internal byte order.
     * @param merkleRoot merkle root, internal byte order.
     * @param bits       compact target.
     * @param meet       whether the hash must meet the target or miss it.
     * @return the header.
     */
    byte[] mineHeader(final byte[] previous, final byte[] merkleRoot, final int bits, final boolean meet)
    {
        final BigInteger target = ByteUtils.decodeCompactBits(bits & 0xFFFFFFFFL);
        final ByteBuffer header = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0x20000000);
        header.put(previous);
        header.put(merkleRoot);
        header.putInt((int)(clock.time() / 1000));
        header.putInt(bits);
        while (true)
        {
            header.putInt(76, nonce++);
            final BigInteger hash = Sha256Hash.wrapReversed(Sha256Hash.hashTwice(header.array())).toBigInteger();
            if ((hash.compareTo(target) <= 0) == meet)
            {
                return header.array();
            }
        }
    }

    /**
     * The merkle branch proving a transaction is in the block at a height, as
     * {@code blockchain.transaction.get_merkle} returns it.
     *
     * @param txid   display hex.
     * @param height of the block.
     * @return the branch, or null when the transaction is not in that block.
     */
    MerkleBranch merkleBranch(final String txid, final int height)
    {
        final Block block = block(height);
        if (null == block)
        {
            return null;
        }
        final int index = block.txids().indexOf(txid);
        if (index < 0)
        {
            return null;
        }
        List<byte[]> level = leaves(height, block.txids());
        int position = index + 1;
        final List<String> branch = new ArrayList<>();
        int at = position;
        while (level.size() > 1)
        {
            final int sibling = (at ^ 1) < level.size() ? at ^ 1 : at;
            branch.add(Sha256Hash.wrapReversed(level.get(sibling)).toString());
            level = nextLevel(level);
            at >>= 1;
        }
        return new MerkleBranch(height, position, branch);
    }

    /**
     * A merkle branch: sibling hashes from the leaf up, in display hex.
     *
     * @param height   block height.
     * @param position of the transaction in the block, the coinbase being 0.
     * @param merkle   sibling hashes.
     */
    record MerkleBranch(int height, int position, List<String> merkle)
    {
    }

    /**
     * Put a transaction paying a script into the history at the tip's height although no block holds it,
     * as a lying server would to make a payment look confirmed.
     *
     * @param scriptPubKey recipient script.
     * @param sats         amount.
     * @return the txid.
     */
    String inventConfirmed(final byte[] scriptPubKey, final long sats)
    {
        final String txid = pay(scriptPubKey, sats, null);
        mempool.remove(txid);
        txHeight.put(txid, height());
        txPosition.put(txid, 1);
        return txid;
    }

    private static List<byte[]> leaves(final int height, final List<String> txids)
    {
        final List<byte[]> leaves = new ArrayList<>(txids.size() + 1);
        // the simulator's blocks have no real coinbase: a stand-in leaf takes position 0
        leaves.add(Sha256Hash.hashTwice(("coinbase " + height).getBytes(StandardCharsets.US_ASCII)));
        for (final String txid : txids)
        {
            leaves.add(Sha256Hash.wrap(txid).getReversedBytes());
        }
        return leaves;
    }

    private static byte[] merkleRoot(final List<byte[]> leaves)
    {
        List<byte[]> level = leaves;
        while (level.size() > 1)
        {
            level = nextLevel(level);
        }
        return level.getFirst();
    }

    private static List<byte[]> nextLevel(final List<byte[]> level)
    {
        final List<byte[]> next = new ArrayList<>((level.size() + 1) / 2);
        for (int i = 0; i < level.size(); i += 2)
        {
            final byte[] left = level.get(i);
            final byte[] right = i + 1 < level.size() ? level.get(i + 1) : left;
            next.add(Sha256Hash.hashTwice(left, 0, 32, right, 0, 32));
        }
        return next;
    }

    private void fill(final byte[] bytes)
    {
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
    }
}
