package dev.commandcenter.app;

import java.util.Map;

/**
 * A running wallet source as the node sees it: something to close, URLs to print, a status to report.
 */
public interface WalletSourceHandle extends AutoCloseable
{
    /**
     * URLs the wallet source serves or uses, by name (for example the simulator's Electrum URL).
     *
     * @return name to URL.
     */
    Map<String, String> urls();

    /**
     * Health of the source, JSON-serialisable.
     *
     * @return the status.
     */
    Object status();

    /**
     * The demo wallet whose simulator this source watches (the demo), or null for any other source: the demo's
     * simulated tip viewer pays through it.
     *
     * @return the demo wallet, or null.
     */
    default dev.commandcenter.transport.electrum.sim.DemoWallet demo()
    {
        return null;
    }

    /**
     * The wallet source itself: its status, network and ledger.
     *
     * @return the source.
     */
    dev.commandcenter.transport.electrum.ElectrumWalletSource source();

    /**
     * Stop the source.
     */
    void close();
}
