package dev.commandcenter.transport.electrum.internal;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.transport.electrum.ElectrumWalletSource;
import dev.commandcenter.transport.electrum.WatchList;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The wallet's health as others read it: the {@link ElectrumWalletSource.Status} snapshot, rebuilt on the
 * conductor's thread whenever the state, the tip or the count of published events changes, and the state
 * and events counters.
 * <p>
 * <b>Note:</b> written by the conductor's thread only; {@link #status()} may be read from any thread.
 */
final class WalletHealth
{
    private final WatchList watchList;
    private final ChainTip tip;
    private final AtomicCounter stateCounter;
    private final AtomicCounter eventsCounter;
    private final AtomicCounter restartsCounter;
    private final AtomicLong eventsPublished = new AtomicLong();
    private volatile ElectrumWalletSource.Status status;

    /**
     * Health of a wallet, with no status until the first {@link #update}.
     *
     * @param watchList       the watch list, whose size the status reports.
     * @param tip             the chain tip, whose height the status reports.
     * @param stateCounter    counter of the network state (its ordinal), labelled with the state and server.
     * @param eventsCounter   counter of events published.
     * @param restartsCounter counter of conductor restarts, which the status reports.
     */
    WalletHealth(
        final WatchList watchList,
        final ChainTip tip,
        final AtomicCounter stateCounter,
        final AtomicCounter eventsCounter,
        final AtomicCounter restartsCounter)
    {
        this.watchList = watchList;
        this.tip = tip;
        this.stateCounter = stateCounter;
        this.eventsCounter = eventsCounter;
        this.restartsCounter = restartsCounter;
    }

    /**
     * Current status snapshot.
     *
     * @return the status.
     */
    ElectrumWalletSource.Status status()
    {
        return status;
    }

    /**
     * A new network state; the state counter changes when the state or the server does.
     *
     * @param state  connection state.
     * @param server server in use or last tried.
     * @param reason why, one line.
     */
    void update(final NetworkState state, final String server, final String reason)
    {
        final ElectrumWalletSource.Status previous = status;
        status = new ElectrumWalletSource.Status(state, server, tip.height(), reason, watchList.size(), eventsPublished.get(),
            restartsCounter.get());
        if (null == previous || previous.state() != state || !previous.server().equals(server))
        {
            stateCounter.setRelease(state.ordinal());
            stateCounter.updateLabel(CounterType.WALLET_STATE.label() + ": " + state.name() + " " + server);
        }
    }

    /**
     * Count an event the engine accepted.
     */
    void onEventPublished()
    {
        eventsPublished.incrementAndGet();
        eventsCounter.increment();
        refresh();
    }

    /**
     * Rebuild the snapshot with the current tip, watch list size and event count.
     */
    void refresh()
    {
        final ElectrumWalletSource.Status current = status;
        status = new ElectrumWalletSource.Status(current.state(), current.server(), tip.height(), current.reason(),
            watchList.size(), eventsPublished.get(), restartsCounter.get());
    }
}
