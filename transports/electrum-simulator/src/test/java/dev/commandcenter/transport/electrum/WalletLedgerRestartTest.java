package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The wallet's own ledger file across restarts of the source, the start-up reconcile, the counters
 * and the bounded inbox, against the simulator.
 */
@Timeout(60)
class WalletLedgerRestartTest
{
    private final WalletHarness harness = new WalletHarness();
    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(new byte[16 * CountersReader.METADATA_LENGTH]), new UnsafeBuffer(new byte[16 * CountersReader.COUNTER_LENGTH]));
    private final Map<CounterType, AtomicCounter> allocated = new HashMap<>();
    private final CounterAllocator allocator = (type, suffix) ->
    {
        final AtomicCounter counter = counters.newCounter(type.label(), type.id());
        allocated.put(type, counter);
        return counter;
    };

    @TempDir
    Path dir;

    @AfterEach
    void tearDown()
    {
        harness.close();
    }

    @Test
    void shouldReportAtStartAnUnconfirmedPaymentDoubleSpentWhileStopped() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final String address = WalletHarness.address(0);
        final Path file = WalletLedgerFile.in(dir);
        harness.start(harness.context().addresses(List.of(address)).ledgerFile(file));
        harness.awaitConnected(1);
        final ElectrumSimulator.Payment payment = simulator.pay(address, 4_000, null);
        harness.awaitReceived(payment.txid());
        harness.awaitUntil(() -> Files.exists(file) && WalletLedgerFile.load(file).isReceived(payment.txid(), payment.scriptHash()));
        harness.closeSource();

        // The address's history is now empty: its status is null, as a never-used address's is.
        simulator.doubleSpend(payment.txid());
        assertThat(simulator.status(payment.scriptHash())).isNull();

        harness.ledger = WalletLedgerFile.load(file);
        harness.start(harness.context().addresses(List.of(address)).ledgerFile(file));
        harness.awaitUntil(() -> harness.publisher.reorged().size() == 1 && harness.statusCount(NetworkState.CONNECTED) == 2);

        final RecordingPublisher.Decoded reorged = harness.publisher.reorged().getFirst();
        assertThat(reorged.txid()).isEqualTo(payment.txid());
        assertThat(reorged.height()).isZero();
        assertThat(harness.publisher.balances().getLast().unconfirmedSats()).isZero();
        assertThat(harness.publisher.received()).hasSize(1);
        harness.awaitUntil(() -> WalletLedgerFile.load(file).entry(payment.txid(), payment.scriptHash()).reorged());
    }

    @Test
    void shouldCountStateEventsReconnectsAndRequestsInFlight() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final String address = WalletHarness.address(0);
        harness.start(harness.context().addresses(List.of(address)).counterAllocator(allocator));
        harness.awaitConnected(1);

        final AtomicCounter state = allocated.get(CounterType.WALLET_STATE);
        assertThat(state.get()).isEqualTo(NetworkState.CONNECTED.ordinal());
        assertThat(counters.getCounterLabel(state.id())).isEqualTo("wallet state: CONNECTED " + simulator.url());
        assertThat(allocated.get(CounterType.WALLET_EVENTS).get()).isEqualTo(harness.source.status().eventsPublished())
            .isEqualTo(harness.publisher.events().size());
        assertThat(allocated.get(CounterType.WALLET_RECONNECTS).get()).isZero();
        assertThat(allocated.get(CounterType.WALLET_REQUESTS_IN_FLIGHT).get()).isZero();

        simulator.dropClients();
        harness.awaitConnected(2);
        assertThat(allocated.get(CounterType.WALLET_RECONNECTS).get()).isEqualTo(1);
        assertThat(harness.statusCount(NetworkState.DISCONNECTED)).isEqualTo(1);
        assertThat(allocated.get(CounterType.WALLET_REQUESTS_IN_FLIGHT).get()).isZero();
    }

    @Test
    void shouldCoalesceNotificationsTheConductorHasNotTakenAndStillEmitEachPaymentOnce() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final String address = WalletHarness.address(0);
        harness.start(harness.context().addresses(List.of(address)).inboxCapacity(16));
        harness.awaitConnected(1);

        // The conductor is not invoked while the payments' notifications arrive: they coalesce into one.
        for (int i = 0; i < 40; i++)
        {
            simulator.pay(address, 1_000 + i, null);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> harness.source.limitTrips("notificationsCoalesced") == 39);
        assertThat(harness.source.inboxSize()).isEqualTo(1);

        harness.awaitUntil(() -> harness.publisher.received().size() == 40);
        assertThat(harness.publisher.received()).extracting(RecordingPublisher.Decoded::txid).doesNotHaveDuplicates();
        assertThat(harness.source.inboxOverflows()).isZero();
        assertThat(harness.statusCount(NetworkState.DEGRADED)).isZero();
        assertThat(harness.statusCount(NetworkState.CONNECTED)).isEqualTo(1);
    }
}
