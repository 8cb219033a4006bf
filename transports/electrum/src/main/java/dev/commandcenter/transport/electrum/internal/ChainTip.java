package dev.commandcenter.transport.electrum.internal;

import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;

/**
 * The chain tip as the wallet knows it: the tip of the {@link HeaderChain} of validated headers, kept in the
 * ledger's tip height too. A new tip announced by a server either extends the known one (confirmations
 * advance) or replaces blocks (a reorganisation, which the conductor answers by reconciling every script with
 * confirmed history); a header that fails validation is a lie that fails the connection over.
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
    private final HeaderChain headers;

    /**
     * A tip starting at the ledger's height until the first server answers.
     *
     * @param ledger  the wallet ledger.
     * @param headers the validated headers.
     */
    ChainTip(final WalletLedger ledger, final HeaderChain headers)
    {
        this.ledger = ledger;
        this.headers = headers;
    }

    /**
     * Last known height: of the validated tip, or the ledger's before any.
     *
     * @return the height.
     */
    int height()
    {
        return headers.isEmpty() ? ledger.tipHeight() : headers.tipHeight();
    }

    /**
     * The validated headers.
     *
     * @return the header chain.
     */
    HeaderChain headers()
    {
        return headers;
    }

    /**
     * Take the tip a server answered to {@code blockchain.headers.subscribe} on connecting.
     *
     * @param connected  connection it came on.
     * @param tipHeight  its height.
     * @param headerHex  its header.
     * @return how it relates to the tip known before.
     * @throws ElectrumException    when the server lied about a header or a request failed.
     * @throws InterruptedException when interrupted while awaiting the server.
     */
    Move reset(final ElectrumClient connected, final int tipHeight, final String headerHex)
        throws ElectrumException, InterruptedException
    {
        return move(headers.connect(connected, tipHeight, headerHex, true));
    }

    /**
     * Move to a tip a server announced, fetching and validating the headers between it and the known one.
     *
     * @param connected connection it came on.
     * @param newHeight its height.
     * @param headerHex its header.
     * @return how it relates to the known tip.
     * @throws ElectrumException    when it has no height, the server lied about a header or a request failed.
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
        return move(headers.connect(connected, newHeight, headerHex, false));
    }

    private Move move(final HeaderChain.Move move)
    {
        ledger.tipHeight(headers.tipHeight());
        return switch (move)
        {
            case SAME -> Move.SAME;
            case EXTENDED -> Move.EXTENDED;
            case REPLACED -> Move.REPLACED;
        };
    }
}
