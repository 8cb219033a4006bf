package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The chain tip as the wallet knows it: height and block hash, kept in the ledger's tip height too. A new
 * tip announced by a server either extends the known one (confirmations advance) or replaces blocks (a
 * reorganisation, which the conductor answers by reconciling every script with confirmed history).
 * <p>
 * <b>Note:</b> not thread safe; owned by the conductor's thread.
 */
final class ChainTip
{
    /** How a new tip relates to the known one. */
    enum Move
    {
        /** The same block: nothing changed. */
        SAME,
        /** Blocks were added on top of the known tip. */
        EXTENDED,
        /** The known tip is no longer on the chain, or cannot be shown to be. */
        REPLACED
    }

    private final WalletLedger ledger;
    private int height;
    private byte[] hash = new byte[32];

    /**
     * A tip starting at the ledger's height, its hash unknown.
     *
     * @param ledger the wallet ledger.
     */
    ChainTip(final WalletLedger ledger)
    {
        this.ledger = ledger;
        this.height = ledger.tipHeight();
    }

    /**
     * Last known height.
     *
     * @return the height.
     */
    int height()
    {
        return height;
    }

    /**
     * Raise the height to one seen in a script's history (a server may announce blocks late).
     *
     * @param seen a height from a history.
     */
    void raiseTo(final int seen)
    {
        height = Math.max(height, seen);
    }

    /**
     * Take the tip a server answered to {@code blockchain.headers.subscribe} on connecting.
     *
     * @param connected  connection it came on.
     * @param tipHeight  its height.
     * @param headerHex  its header.
     * @throws ElectrumException when the header is not 80 bytes of hex.
     */
    void reset(final ElectrumClient connected, final int tipHeight, final String headerHex) throws ElectrumException
    {
        height = tipHeight;
        ledger.tipHeight(tipHeight);
        hash = ElectrumReplies.headerHash(connected, headerHex);
    }

    /**
     * Move to a tip a server announced, asking it for the header at the known height when blocks were
     * skipped, to tell an extension from a replacement.
     *
     * @param connected connection it came on.
     * @param newHeight its height.
     * @param headerHex its header.
     * @return how it relates to the known tip.
     * @throws ElectrumException    when it has no height, a header is malformed or the request fails.
     * @throws InterruptedException when interrupted while awaiting the server.
     */
    Move advance(final ElectrumClient connected, final int newHeight, final String headerHex)
        throws ElectrumException, InterruptedException
    {
        if (newHeight < 0)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL,
                connected.server() + " sent a header notification without a height");
        }
        final byte[] newHash = ElectrumReplies.headerHash(connected, headerHex);
        if (Arrays.equals(newHash, hash))
        {
            return Move.SAME;
        }
        final boolean extension;
        if (newHeight == height + 1)
        {
            extension = Arrays.equals(Arrays.copyOfRange(HexFormat.of().parseHex(headerHex), 4, 36), hash);
        }
        else if (newHeight > height + 1)
        {
            final JsonNode old = connected.call("blockchain.block.header", height);
            extension = old.isTextual() && Arrays.equals(ElectrumReplies.headerHash(connected, old.asText()), hash);
        }
        else
        {
            extension = false;
        }
        height = newHeight;
        ledger.tipHeight(newHeight);
        hash = newHash;
        return extension ? Move.EXTENDED : Move.REPLACED;
    }
}
