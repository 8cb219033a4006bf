package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import org.bitcoinj.base.Sha256Hash;

import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Simplified payment verification: a transaction counts as confirmed at a height only once
 * {@code blockchain.transaction.get_merkle} proves it against the merkle root of the header the
 * {@link HeaderChain} validated at that height. A proof that does not lead to that root, or a server that
 * cannot prove a confirmation it reported, is a lie: counted, named and failed over. Proofs are remembered
 * with the hash of the block they were checked against, so a reorganisation that replaces the block
 * makes them void.
 * <p>
 * <b>Note:</b> not thread safe; owned by the conductor's thread.
 */
final class MerkleProofs
{
    /** Longest merkle branch accepted: a block of 2^32 transactions. */
    static final int MAX_BRANCH_LENGTH = 32;

    /** What a proof request showed. */
    enum Result
    {
        /** Proven against a validated header. */
        PROVEN,
        /** No validated header at that height (too old for the window, or above the tip): not proven yet. */
        NO_HEADER
    }

    private record Proven(int height, Sha256Hash blockHash)
    {
    }

    private final HeaderChain chain;
    private final int capacity;
    private final Map<String, Proven> proven = new LinkedHashMap<>();

    /**
     * Proofs against a header chain.
     *
     * @param chain    validated headers.
     * @param capacity most proofs remembered; when full, the oldest are forgotten (and proven again if needed).
     */
    MerkleProofs(final HeaderChain chain, final int capacity)
    {
        this.chain = chain;
        this.capacity = capacity;
    }

    /**
     * Whether a transaction was proven at a height against the block held there now. A proof older than the
     * headers held still counts: the block is deeper than any reorganisation the wallet follows.
     *
     * @param txid   display hex.
     * @param height block height.
     * @return true when proven.
     */
    boolean isProven(final String txid, final int height)
    {
        final Proven proof = proven.get(txid);
        if (null == proof || proof.height() != height)
        {
            return false;
        }
        final Sha256Hash held = chain.hashAt(height);
        return null == held ? height < chain.lowestHeight() : held.equals(proof.blockHash());
    }

    /**
     * Prove a transaction a server reported confirmed at a height.
     *
     * @param connected the server's connection.
     * @param txid      display hex.
     * @param height    block height it reported.
     * @return {@link Result#PROVEN}, or {@link Result#NO_HEADER} when no validated header can be had for the height.
     * @throws ElectrumException    when the server lied (a bad proof, or none for a confirmation it reported) or
     *                              the request failed.
     * @throws InterruptedException when interrupted while awaiting the server.
     */
    Result prove(final ElectrumClient connected, final String txid, final int height)
        throws ElectrumException, InterruptedException
    {
        if (isProven(txid, height))
        {
            return Result.PROVEN;
        }
        if (!chain.ensure(connected, height))
        {
            return Result.NO_HEADER;
        }
        final JsonNode result;
        try
        {
            result = connected.call("blockchain.transaction.get_merkle", txid, height);
        }
        catch (final ElectrumException ex)
        {
            if (ex.kind() == ElectrumException.Kind.SERVER_ERROR)
            {
                throw chain.lie(connected, "reported transaction " + txid + " confirmed at height " + height +
                    " but gave no merkle proof of it: " + ex.getMessage());
            }
            throw ex;
        }
        final Sha256Hash root = root(connected, txid, height, result);
        if (!root.equals(chain.merkleRootAt(height)))
        {
            throw chain.lie(connected, "reported transaction " + txid + " confirmed at height " + height +
                " with a merkle proof that does not lead to the merkle root of the block validated there");
        }
        if (proven.size() >= capacity)
        {
            final Iterator<String> oldest = proven.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        proven.put(txid, new Proven(height, chain.hashAt(height)));
        return Result.PROVEN;
    }

    /**
     * Forget a transaction's proof (it left the chain).
     *
     * @param txid display hex.
     */
    void forget(final String txid)
    {
        proven.remove(txid);
    }

    /**
     * Proofs remembered.
     *
     * @return the count.
     */
    int size()
    {
        return proven.size();
    }

    /**
     * Fold a merkle branch from a transaction up to the root it leads to.
     *
     * @param txid     display hex.
     * @param position position of the transaction in the block.
     * @param branch   sibling hashes from the leaf up, display hex.
     * @return the root.
     */
    static Sha256Hash fold(final String txid, final long position, final String[] branch)
    {
        byte[] hash = Sha256Hash.wrap(txid).getReversedBytes();
        long index = position;
        for (final String sibling : branch)
        {
            final byte[] other = Sha256Hash.wrap(sibling).getReversedBytes();
            hash = (index & 1) == 0 ? Sha256Hash.hashTwice(hash, 0, 32, other, 0, 32) : Sha256Hash.hashTwice(other, 0, 32, hash, 0, 32);
            index >>>= 1;
        }
        return Sha256Hash.wrapReversed(hash);
    }

    private static Sha256Hash root(final ElectrumClient connected, final String txid, final int height, final JsonNode result)
        throws ElectrumException
    {
        final JsonNode merkle = result.path("merkle");
        final JsonNode pos = result.path("pos");
        if (!merkle.isArray() || merkle.size() > MAX_BRANCH_LENGTH || !pos.canConvertToLong() || pos.asLong() < 0 ||
            pos.asLong() >= (1L << merkle.size()) || result.path("block_height").asInt(-1) != height)
        {
            throw malformed(connected, txid, height);
        }
        final String[] branch = new String[merkle.size()];
        for (int i = 0; i < branch.length; i++)
        {
            final String sibling = merkle.get(i).asText("");
            if (sibling.length() != 64 || !sibling.chars().allMatch((c) -> Character.digit(c, 16) >= 0))
            {
                throw malformed(connected, txid, height);
            }
            branch[i] = sibling;
        }
        return fold(txid, pos.asLong(), branch);
    }

    private static ElectrumException malformed(final ElectrumClient connected, final String txid, final int height)
    {
        return new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() +
            " answered blockchain.transaction.get_merkle(" + txid + ", " + height + ") with a malformed proof: expected " +
            "{\"block_height\": " + height + ", \"merkle\": [at most " + MAX_BRANCH_LENGTH + " hashes], \"pos\": int}");
    }
}
