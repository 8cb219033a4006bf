package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults injected by the simulator over real TCP: each ends in a one-line error, a NetworkStatus
 * event, recovery, and every payment emitted exactly once.
 */
@Timeout(60)
class WalletFaultsTest
{
    private final WalletHarness harness = new WalletHarness();
    private final String address = WalletHarness.address(0);

    @AfterEach
    void tearDown()
    {
        harness.close();
    }

    @Test
    void shouldRecoverWhenTheServerDropsMidSubscription() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        simulator.stallNext("blockchain.scripthash.subscribe");
        // the conductor awaits the stalled request: it runs on its own thread while the test steps the clock
        harness.start(harness.context().useAgentInvoker(false).addresses(List.of(address, WalletHarness.address(1))));
        harness.awaitUntil(() -> simulator.requestCount("blockchain.scripthash.subscribe") == 2);
        assertThat(harness.statusCount(NetworkState.CONNECTED)).isZero();
        final ElectrumSimulator.Payment payment = simulator.pay(address, 1_500, null);

        simulator.dropClients();

        harness.awaitUntil(() -> harness.statusCount(NetworkState.DISCONNECTED) == 1);
        assertThat(harness.lastStatus().reason()).isEqualTo(simulator.url() + " closed the connection");
        assertThat(harness.errors).containsExactly(simulator.url() + " closed the connection");
        harness.awaitConnected(1);
        harness.awaitReceived(payment.txid());
        assertExactlyOnce(payment, recoverAndPayAgain(simulator, 1));
    }

    @Test
    void shouldEmitAPaymentThatArrivedDuringAnOutageExactlyOnce() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        harness.start(harness.context().addresses(List.of(address)));
        harness.awaitConnected(1);
        final ElectrumSimulator.Payment before = simulator.pay(address, 2_000, null);
        harness.awaitReceived(before.txid());

        simulator.rejectConnections(true);
        simulator.dropClients();
        harness.awaitUntil(() -> harness.statusCount(NetworkState.DISCONNECTED) >= 1);
        final ElectrumSimulator.Payment during = simulator.pay(address, 3_000, "while you were away");
        simulator.mine(1);
        harness.awaitAdvancing(() -> simulator.connectionsAccepted() >= 3);
        assertThat(harness.source.status().state()).isEqualTo(NetworkState.DISCONNECTED);
        assertThat(harness.publisher.receivedCount(during.txid())).isZero();

        simulator.rejectConnections(false);
        harness.awaitConnected(2);

        final RecordingPublisher.Decoded received = harness.publisher.received().getLast();
        assertThat(received.txid()).isEqualTo(during.txid());
        assertThat(received.memo()).isEqualTo("while you were away");
        assertThat(received.confirmations()).isEqualTo(1);
        assertThat(harness.publisher.confirmed()).extracting(RecordingPublisher.Decoded::txid)
            .containsExactlyInAnyOrder(before.txid(), during.txid());
        assertExactlyOnce(before, during);
    }

    @Test
    void shouldRecoverFromMalformedJson() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        harness.start(harness.context().addresses(List.of(address)));
        harness.awaitConnected(1);

        simulator.sendMalformedJson();

        awaitDegraded(simulator.url() + " sent malformed JSON: {\"jsonrpc\": \"2.0\", \"result\": [1, 2");
        assertExactlyOnce(recoverAndPayAgain(simulator));
    }

    @Test
    void shouldRecoverFromALineOverTheLimit() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        harness.start(harness.context().addresses(List.of(address)).maxLineLength(4096));
        harness.awaitConnected(1);

        simulator.sendOverlongLine(10_000);

        awaitDegraded(simulator.url() + " sent a line longer than the 4096-byte limit (wallet.electrum.maxLineLength)");
        assertThat(harness.source.limitTrips("maxLineLength")).isEqualTo(1);
        assertExactlyOnce(recoverAndPayAgain(simulator));
    }

    @Test
    void shouldRecoverFromAnErrorResponseAndEmitThePaymentOnce() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        harness.start(harness.context().addresses(List.of(address)));
        harness.awaitConnected(1);
        simulator.failNext("blockchain.scripthash.get_history", 1, "history too large");

        final ElectrumSimulator.Payment payment = simulator.pay(address, 9_000, null);

        awaitDegraded(simulator.url() + " answered blockchain.scripthash.get_history with an error (code 1: history too large)");
        assertThat(harness.publisher.receivedCount(payment.txid())).isZero();
        harness.awaitConnected(2);
        harness.awaitReceived(payment.txid());
        assertExactlyOnce(payment, recoverAndPayAgain(simulator));
    }

    @Test
    void shouldRecoverFromAResponseToAnIdNeverSent() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        harness.start(harness.context().addresses(List.of(address)));
        harness.awaitConnected(1);

        simulator.sendResponseToUnknownId(424_242);

        awaitDegraded(simulator.url() + " sent a response to id 424242 which was never sent");
        assertThat(harness.source.limitTrips("unknownReplyId")).isEqualTo(1);
        assertExactlyOnce(recoverAndPayAgain(simulator));
    }

    @Test
    void shouldTimeOutAServerTooSlowToAnswerAndRecover() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        // the conductor awaits the stalled ping: it runs on its own thread while the test steps the clock
        harness.start(harness.context().useAgentInvoker(false).addresses(List.of(address))
            .keepaliveIntervalMs(5_000).requestTimeoutMs(10_000));
        harness.awaitConnected(1);
        simulator.stallNext("server.ping");

        harness.clock.advance(5_000);
        harness.awaitUntil(() -> simulator.requestCount("server.ping") == 1);
        assertThat(harness.source.status().state()).isEqualTo(NetworkState.CONNECTED);
        harness.clock.advance(10_000);

        awaitDegraded(simulator.url() + " did not answer server.ping within 10000 ms");
        assertExactlyOnce(recoverAndPayAgain(simulator));
    }

    @Test
    void shouldFailOverToTheNextServer() throws Exception
    {
        final ElectrumSimulator primary = harness.simulator();
        final ElectrumSimulator secondary = ElectrumSimulator.start(new ElectrumSimulator.Context().clock(harness.clock));
        harness.simulators.add(secondary);
        final String primaryUrl = primary.url();
        primary.close();

        harness.start(harness.context().addresses(List.of(address)).servers(List.of(primaryUrl, secondary.url())));

        harness.awaitConnected(1);
        assertThat(harness.publisher.statuses().getFirst().state()).isEqualTo(NetworkState.DISCONNECTED);
        // normally "cannot connect to <url>: Connection refused"; a closed port may also reset
        assertThat(harness.publisher.statuses().getFirst().reason()).contains(primaryUrl);
        assertThat(harness.errors.getFirst()).contains(primaryUrl);
        assertThat(harness.source.status().server()).isEqualTo(secondary.url());
        final ElectrumSimulator.Payment payment = secondary.pay(address, 5_500, null);
        harness.awaitReceived(payment.txid());
        assertExactlyOnce(payment);
    }

    @Test
    void shouldRetryAnEventTheEngineRejectedAndEmitItOnce() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        harness.start(harness.context().addresses(List.of(address)));
        harness.awaitConnected(1);
        harness.publisher.reject = true;

        final ElectrumSimulator.Payment payment = simulator.pay(address, 2_500, null);

        harness.awaitUntil(() -> harness.errors.contains("wallet event rejected by the engine (input ring full): it will be retried"));
        assertThat(harness.ledger.isReceived(payment.txid(), payment.scriptHash())).isFalse();
        harness.publisher.reject = false;
        harness.awaitAdvancing(() -> harness.publisher.receivedCount(payment.txid()) == 1);
        harness.awaitAdvancing(() -> harness.publisher.balances().size() >= 2);
        assertExactlyOnce(payment);
        assertThat(harness.source.status().state()).isEqualTo(NetworkState.CONNECTED);
    }

    private void awaitDegraded(final String reason)
    {
        harness.awaitUntil(() -> harness.statusCount(NetworkState.DEGRADED) >= 1);
        final RecordingPublisher.Decoded status = harness.publisher.statuses().stream()
            .filter((event) -> event.state() == NetworkState.DEGRADED).findFirst().orElseThrow();
        assertThat(status.reason()).isEqualTo(reason);
        assertThat(status.tipHeight()).isEqualTo(100);
        assertThat(harness.errors).contains(reason);
        assertThat(reason).doesNotContain("\n");
    }

    private ElectrumSimulator.Payment recoverAndPayAgain(final ElectrumSimulator simulator)
    {
        return recoverAndPayAgain(simulator, 2);
    }

    private ElectrumSimulator.Payment recoverAndPayAgain(final ElectrumSimulator simulator, final int connections)
    {
        harness.awaitConnected(connections);
        final ElectrumSimulator.Payment payment = simulator.pay(address, 777, "after recovery");
        harness.awaitReceived(payment.txid());
        return payment;
    }

    private void assertExactlyOnce(final ElectrumSimulator.Payment... payments)
    {
        for (final ElectrumSimulator.Payment payment : payments)
        {
            assertThat(harness.publisher.receivedCount(payment.txid())).as(payment.txid()).isEqualTo(1);
        }
        assertThat(harness.publisher.received()).hasSize(payments.length);
    }
}
