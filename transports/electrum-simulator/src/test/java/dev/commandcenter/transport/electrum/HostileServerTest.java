package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import dev.commandcenter.transport.electrum.sim.HostileElectrumServer;
import dev.commandcenter.transport.electrum.sim.HostileElectrumServer.Behaviour;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks of a hostile Electrum server over real TCP on loopback: each is held by a bound (the connection is
 * dropped with a one-line error naming the server and the limit, and counted), memory stays bounded, and the
 * wallet fails over to a good server where payments are tracked again.
 */
@Timeout(60)
class HostileServerTest
{
    private final WalletHarness harness = new WalletHarness();
    private final String address = WalletHarness.address(0);
    private final Map<String, AtomicCounter> counters = new HashMap<>();
    private HostileElectrumServer hostile;

    @AfterEach
    void tearDown()
    {
        harness.close();
        if (null != hostile)
        {
            hostile.close();
        }
    }

    @Test
    void shouldDropAServerFloodingMegabyteHeadersAndFailOver() throws Exception
    {
        hostile = HostileElectrumServer.start(0, EnumSet.of(Behaviour.STALL_HISTORY, Behaviour.HEADER_FLOOD))
            .notificationCount(64).notificationBytes(1_000_000);
        final ElectrumSimulator good = harness.simulator();
        // the conductor awaits the unanswered history on its own thread
        harness.start(context().useAgentInvoker(false).servers(List.of(hostile.url(), good.url())));

        final String reason = hostile.url() + " sent a header notification of 1000000 hex characters: expected 160";
        awaitDegraded(reason);
        assertThat(harness.source.limitTrips("headerSize")).isEqualTo(1);
        assertThat(trips("headerSize")).isEqualTo(1);
        assertThat(harness.source.inboxSize()).isLessThanOrEqualTo(2);

        assertTrackedOn(good);
    }

    @Test
    void shouldCoalesceATipStormIntoTheLatestTipWithABoundedInbox() throws Exception
    {
        hostile = HostileElectrumServer.start(0, EnumSet.of(Behaviour.TIP_STORM)).notificationCount(500);
        harness.start(context().inboxCapacity(16).servers(List.of(hostile.url())));

        harness.awaitUntil(() -> harness.source.status().tipHeight() == HostileElectrumServer.INITIAL_HEIGHT + 500 &&
            harness.source.status().state() == NetworkState.CONNECTED && harness.source.inboxSize() == 0);

        assertThat(harness.source.inboxOverflows()).isZero();
        assertThat(harness.statusCount(NetworkState.DEGRADED)).isZero();
        // a script never subscribed is reported once per connection, then only counted
        assertThat(harness.errors).hasSize(1);
        assertThat(harness.errors.getFirst()).startsWith(hostile.url() + " sent a status notification for script hash ")
            .endsWith(" which is not watched: ignored (further ones on this connection are only counted)");
        // 500 tips and 500 statuses of the watched script reached an inbox whose queue holds 16: all but the
        // last of each were replaced before the conductor took them
        assertThat(harness.source.limitTrips("notificationsCoalesced")).isGreaterThanOrEqualTo(2 * 500 - 4);
        assertThat(harness.source.limitTrips("unknownScriptHash")).isEqualTo(500);
        assertThat(trips("unknownScriptHash")).isEqualTo(500);
        assertThat(hostile.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void shouldTreatAHistoryOverTheCapAsAFaultyServer() throws Exception
    {
        hostile = HostileElectrumServer.start(0, EnumSet.of(Behaviour.HUGE_HISTORY)).historyItems(1_000);
        final ElectrumSimulator good = harness.simulator();
        harness.start(context().maxHistoryItems(100).servers(List.of(hostile.url(), good.url())));

        final String scriptHash = harness.source.watchList().byAddress(address).scriptHash();
        awaitDegraded(hostile.url() + " answered blockchain.scripthash.get_history for " + scriptHash +
            " with 1000 items: over the 100-item limit (wallet.electrum.maxHistoryItems)");
        assertThat(hostile.requestCount("blockchain.transaction.get")).isZero();
        assertThat(trips("maxHistoryItems")).isEqualTo(1);

        assertTrackedOn(good);
    }

    @Test
    void shouldKeepAtMostMaxRequestsInFlight() throws Exception
    {
        hostile = HostileElectrumServer.start(0, EnumSet.of(Behaviour.STALL_TRANSACTIONS)).historyItems(200);
        final ElectrumSimulator good = harness.simulator();
        // the conductor awaits the unanswered transactions on its own thread while the test steps the clock
        harness.start(context().useAgentInvoker(false).maxRequestsInFlight(8).requestTimeoutMs(10_000)
            .servers(List.of(hostile.url(), good.url())));

        harness.awaitUntil(() -> hostile.requestCount("blockchain.transaction.get") >= 8);
        harness.awaitAdvancing(() -> harness.statusCount(NetworkState.DEGRADED) >= 1);
        awaitDegraded(hostile.url() + " did not answer blockchain.transaction.get within 10000 ms");
        harness.awaitUntil(() -> hostile.connectionsClosed() >= 1);

        assertThat(hostile.requestCount("blockchain.transaction.get")).isEqualTo(8);
        assertThat(trips("maxRequestsInFlight")).isEqualTo(1);
        assertTrackedOn(good);
    }

    @Test
    void shouldRefuseATransactionOverTheSizeLimit() throws Exception
    {
        hostile = HostileElectrumServer.start(0, EnumSet.of(Behaviour.HUGE_TRANSACTION))
            .historyItems(1).transactionBytes(5_000);
        final ElectrumSimulator good = harness.simulator();
        harness.start(context().maxTransactionBytes(1_000).servers(List.of(hostile.url(), good.url())));

        harness.awaitUntil(() -> harness.statusCount(NetworkState.DEGRADED) >= 1);
        final String reason = degradedReason();
        assertThat(reason).startsWith(hostile.url() + " sent transaction ")
            .endsWith(" of 5000 bytes: over the 1000-byte limit (wallet.electrum.maxTransactionBytes)");
        assertThat(harness.errors).contains(reason);
        assertThat(trips("maxTransactionBytes")).isEqualTo(1);

        assertTrackedOn(good);
    }

    @Test
    void shouldRestartTheConductorAfterAFailureAndTrackThePaymentOnce() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        harness.start(context());
        harness.awaitConnected(1);
        harness.publisher.failNextPayment.set(new StackOverflowError("injected"));

        final ElectrumSimulator.Payment payment = simulator.pay(address, 4_200, null);

        harness.awaitUntil(() -> harness.statusCount(NetworkState.DEGRADED) >= 1);
        final String reason = degradedReason();
        assertThat(reason).startsWith("wallet conductor failed with " + simulator.url() +
            " (java.lang.StackOverflowError: injected): restarting in ").endsWith(" ms");
        assertThat(harness.errors).contains(reason);
        assertThat(harness.source.status().conductorRestarts()).isEqualTo(1);
        assertThat(counters.get(CounterType.WALLET_CONDUCTOR_RESTARTS.label()).get()).isEqualTo(1);

        harness.awaitConnected(2);
        harness.awaitAdvancing(() -> harness.publisher.receivedCount(payment.txid()) == 1);
        final ElectrumSimulator.Payment after = simulator.pay(address, 777, "after restart");
        harness.awaitReceived(after.txid());
        assertThat(harness.publisher.receivedCount(payment.txid())).isEqualTo(1);
        assertThat(harness.publisher.received()).hasSize(2);
        assertThat(harness.source.status().conductorRestarts()).isEqualTo(1);
    }

    private ElectrumWalletSource.Context context() throws IOException
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(new byte[64 * CountersReader.METADATA_LENGTH]),
            new UnsafeBuffer(new byte[64 * CountersReader.COUNTER_LENGTH]));
        return harness.context().addresses(List.of(address)).counterAllocator((type, suffix) ->
        {
            final String label = suffix.isEmpty() ? type.label() : type.label() + ": " + suffix;
            final AtomicCounter counter = manager.newCounter(label, type.id());
            counters.put(label, counter);
            return counter;
        });
    }

    private long trips(final String limit)
    {
        return counters.get(CounterType.WALLET_LIMIT_TRIPS.label() + ": " + limit).get();
    }

    private void awaitDegraded(final String reason)
    {
        harness.awaitUntil(() -> harness.statusCount(NetworkState.DEGRADED) >= 1);
        assertThat(degradedReason()).isEqualTo(reason);
        assertThat(harness.errors).contains(reason);
    }

    private String degradedReason()
    {
        return harness.publisher.statuses().stream()
            .filter((event) -> event.state() == NetworkState.DEGRADED).findFirst().orElseThrow().reason();
    }

    private void assertTrackedOn(final ElectrumSimulator good)
    {
        harness.awaitAdvancing(() -> harness.source.status().state() == NetworkState.CONNECTED &&
            harness.source.status().server().equals(good.url()));
        final ElectrumSimulator.Payment payment = good.pay(address, 1_234, "after the attack");
        harness.awaitReceived(payment.txid());
        assertThat(harness.publisher.receivedCount(payment.txid())).isEqualTo(1);
    }
}
