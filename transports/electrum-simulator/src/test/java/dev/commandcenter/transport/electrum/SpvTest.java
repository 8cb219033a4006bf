package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.BooleanType;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Simplified payment verification against lying servers: a liar listed first, an honest server on the same
 * chain second. A confirmation counts only with a merkle proof against a validated header; a bad header or
 * proof names the liar, is counted, and fails the wallet over to the honest server.
 */
@Timeout(60)
class SpvTest
{
    private final WalletHarness harness = new WalletHarness();
    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(new byte[16 * CountersReader.METADATA_LENGTH]), new UnsafeBuffer(new byte[16 * CountersReader.COUNTER_LENGTH]));
    private final Map<CounterType, AtomicCounter> allocated = new ConcurrentHashMap<>();
    private final CounterAllocator allocator = (type, suffix) ->
    {
        final AtomicCounter counter = counters.newCounter(type.label(), type.id());
        allocated.put(type, counter);
        return counter;
    };
    private final String address = WalletHarness.address(0);

    @AfterEach
    void tearDown()
    {
        harness.close();
    }

    @Test
    void shouldNotReportAnInventedConfirmationAndFailOverToTheNextServer() throws Exception
    {
        final ElectrumSimulator liar = harness.simulator();
        final ElectrumSimulator honest = honestServer();
        startWith(liar, honest);

        final ElectrumSimulator.Payment invented = liar.inventConfirmedPayment(address, 50_000);

        awaitFailedOverTo(honest);
        assertThat(harness.errors).anyMatch((error) -> error.startsWith(liar.url() + " lied: reported transaction " +
            invented.txid() + " confirmed at height 100 with a merkle proof that does not lead to the merkle root"));
        assertThat(harness.publisher.receivedCount(invented.txid())).isZero();
        assertThat(harness.publisher.confirmed()).isEmpty();
        assertThat(harness.ledger.isReceived(invented.txid(), invented.scriptHash())).isFalse();
        assertThat(allocated.get(CounterType.WALLET_SERVER_LIES).get()).isEqualTo(1);
    }

    @Test
    void shouldRefuseACorruptedProofOfARealPayment() throws Exception
    {
        final ElectrumSimulator liar = harness.simulator();
        final ElectrumSimulator honest = honestServer();
        startWith(liar, honest);
        liar.lieAboutMerkleProofs(true);

        final ElectrumSimulator.Payment payment = liar.pay(address, 9_000, null);
        harness.awaitReceived(payment.txid());
        liar.mine(1);

        awaitFailedOverTo(honest);
        assertThat(harness.errors).anyMatch((error) -> error.startsWith(liar.url() + " lied: reported transaction " +
            payment.txid() + " confirmed at height 101"));
        assertThat(harness.publisher.confirmed()).isEmpty();
        assertThat(harness.publisher.receivedFlags(payment.txid())).containsExactly(BooleanType.FALSE);
        assertThat(allocated.get(CounterType.WALLET_SERVER_LIES).get()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(ElectrumSimulator.ForgedHeader.class)
    void shouldRefuseAForgedHeaderAndFailOverToTheNextServer(final ElectrumSimulator.ForgedHeader forged) throws Exception
    {
        final ElectrumSimulator liar = harness.simulator();
        final ElectrumSimulator honest = honestServer();
        startWith(liar, honest);

        liar.announceForgedHeader(forged);

        awaitFailedOverTo(honest);
        final String expected = switch (forged)
        {
            // a notification of the wrong size is refused by the inbox before the header chain sees it
            case SHORT -> " sent a header notification of 158 hex characters: expected 160";
            case UNLINKED -> " lied: sent a header at height 101 that does not link to the one at 100";
            case LOW_WORK -> " lied: sent a block header at height 101 whose hash";
            case ABOVE_POW_LIMIT -> " lied: sent a block header at height 101 with bits 2100ffff above the regtest " +
                "proof-of-work limit";
        };
        assertThat(harness.errors).anyMatch((error) -> error.startsWith(liar.url() + expected));
        assertThat(allocated.get(CounterType.WALLET_SERVER_LIES).get())
            .isEqualTo(ElectrumSimulator.ForgedHeader.SHORT == forged ? 0 : 1);
        assertThat(harness.source.status().tipHeight()).isEqualTo(100);
    }

    @Test
    void shouldMarkAMempoolPaymentUnverifiedAndConfirmItOnlyWithAProof() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final ElectrumSimulator.Payment earlier = simulator.pay(address, 3_000, null);
        simulator.mine(2);
        harness.start(harness.context().addresses(List.of(address)).counterAllocator(allocator));
        harness.awaitConnected(1);
        assertThat(harness.publisher.receivedFlags(earlier.txid())).containsExactly(BooleanType.TRUE);

        final ElectrumSimulator.Payment payment = simulator.pay(address, 4_000, null);
        harness.awaitReceived(payment.txid());
        assertThat(harness.publisher.receivedFlags(payment.txid())).containsExactly(BooleanType.FALSE);
        final int proofsBefore = simulator.requestCount("blockchain.transaction.get_merkle");

        simulator.mine(1);

        harness.awaitUntil(() -> harness.publisher.confirmed().stream().anyMatch((event) -> event.txid().equals(payment.txid())));
        assertThat(simulator.requestCount("blockchain.transaction.get_merkle")).isEqualTo(proofsBefore + 1);
        assertThat(allocated.get(CounterType.WALLET_SERVER_LIES).get()).isZero();
    }

    @Test
    void shouldFollowSkippedBlocksThroughFetchedHeaders() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        harness.start(harness.context().addresses(List.of(address)).counterAllocator(allocator));
        harness.awaitConnected(1);
        simulator.muteNotifications(true);
        final ElectrumSimulator.Payment payment = simulator.pay(address, 6_000, null);
        simulator.mine(5);
        final int headerRequests = simulator.requestCount("blockchain.block.headers");

        simulator.muteNotifications(false);

        harness.awaitUntil(() -> harness.publisher.confirmed().stream().anyMatch((event) -> event.txid().equals(payment.txid())));
        assertThat(harness.source.status().tipHeight()).isEqualTo(105);
        assertThat(simulator.requestCount("blockchain.block.headers")).isGreaterThan(headerRequests);
        assertThat(harness.publisher.confirmed().getLast().confirmations()).isEqualTo(5);
    }

    @Test
    void shouldRefuseAReorgDeeperThanTheConfiguredDepth() throws Exception
    {
        final ElectrumSimulator liar = harness.simulator();
        final ElectrumSimulator honest = honestServer();
        harness.start(harness.context().addresses(List.of(address)).servers(List.of(liar.url(), honest.url()))
            .counterAllocator(allocator).maxReorgDepth(2));
        harness.awaitConnected(1);

        liar.reorg(3, false);

        awaitFailedOverTo(honest);
        assertThat(harness.errors).anyMatch((error) -> error.equals(liar.url() + " lied: announced a tip at height 101 " +
            "whose chain does not join the one held within 2 blocks (wallet.electrum.maxReorgDepth)"));
        assertThat(harness.source.status().tipHeight()).isEqualTo(100);
        assertThat(allocated.get(CounterType.WALLET_SERVER_LIES).get()).isEqualTo(1);
    }

    @Test
    void shouldRejectBadSpvSettingsInOneLine() throws Exception
    {
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of(address)).headerWindow(10)))
            .hasMessage("wallet.electrum.headerWindow: expected 144 to 100000, got 10");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of(address)).maxReorgDepth(2016)))
            .hasMessage("wallet.electrum.maxReorgDepth: expected 1 to 2015, got 2016");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of(address)).headersPerRequest(0)))
            .hasMessage("wallet.electrum.headersPerRequest: expected 1 to 2016, got 0");
    }

    private ElectrumSimulator honestServer() throws IOException
    {
        final ElectrumSimulator honest = ElectrumSimulator.start(new ElectrumSimulator.Context().clock(harness.clock));
        harness.simulators.add(honest);
        return honest;
    }

    private void startWith(final ElectrumSimulator liar, final ElectrumSimulator honest) throws IOException
    {
        assertThat(liar.tipHash()).isEqualTo(honest.tipHash());
        harness.start(harness.context().addresses(List.of(address)).servers(List.of(liar.url(), honest.url()))
            .counterAllocator(allocator));
        harness.awaitConnected(1);
        assertThat(harness.source.status().server()).isEqualTo(liar.url());
    }

    private void awaitFailedOverTo(final ElectrumSimulator honest)
    {
        harness.awaitAdvancing(() -> harness.source.status().state() == NetworkState.CONNECTED &&
            harness.source.status().server().equals(honest.url()));
        assertThat(harness.statusCount(NetworkState.DEGRADED)).isGreaterThanOrEqualTo(1);
    }
}
