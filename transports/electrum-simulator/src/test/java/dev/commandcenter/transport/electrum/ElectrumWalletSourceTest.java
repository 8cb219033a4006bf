package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.agrona.concurrent.UnsafeBuffer;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.crypto.DeterministicKey;
import org.bitcoinj.crypto.HDKeyDerivation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class ElectrumWalletSourceTest
{
    private final WalletHarness harness = new WalletHarness();

    @AfterEach
    void tearDown()
    {
        harness.close();
    }

    @Test
    void shouldEmitReceivedThenConfirmationsUpToTheDepthAndBalances() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final String a = WalletHarness.address(0);
        final String b = WalletHarness.address(1);
        harness.start(harness.context().addresses(List.of(a, b)).confirmations(3));
        harness.awaitConnected(1);
        assertThat(harness.lastStatus().server()).isEqualTo(simulator.url());
        assertThat(harness.lastStatus().tipHeight()).isEqualTo(100);

        final ElectrumSimulator.Payment payment = simulator.pay(a, 5_000, "gg");
        harness.awaitReceived(payment.txid());
        final RecordingPublisher.Decoded received = harness.publisher.received().getFirst();
        assertThat(received.amountSats()).isEqualTo(5_000);
        assertThat(received.height()).isZero();
        assertThat(received.confirmations()).isZero();
        assertThat(received.address()).isEqualTo(a);
        assertThat(received.memo()).isEqualTo("gg");
        assertThat(received.scriptHash()).isEqualTo(WatchList.parseAddress(a, WalletNetwork.REGTEST).scriptHash());
        harness.awaitUntil(() -> harness.publisher.balances().size() >= 2);
        assertThat(harness.publisher.balances()).extracting(RecordingPublisher.Decoded::address,
            RecordingPublisher.Decoded::confirmedSats, RecordingPublisher.Decoded::unconfirmedSats)
            .containsExactly(org.assertj.core.groups.Tuple.tuple(a, 0L, 5_000L), org.assertj.core.groups.Tuple.tuple("", 0L, 5_000L));

        simulator.mine(1);
        harness.awaitUntil(() -> harness.publisher.confirmed().size() == 1);
        simulator.mine(1);
        harness.awaitUntil(() -> harness.publisher.confirmed().size() == 2);
        simulator.mine(3);
        harness.awaitUntil(() -> harness.publisher.confirmed().size() == 3);
        simulator.mine(2);
        harness.awaitUntil(() -> harness.source.status().tipHeight() == 107);

        assertThat(harness.publisher.confirmed()).extracting(RecordingPublisher.Decoded::confirmations)
            .containsExactly(1, 2, 3);
        assertThat(harness.publisher.confirmed()).allMatch((event) -> event.height() == 101 &&
            event.txid().equals(payment.txid()) && event.amountSats() == 5_000 && event.memo().equals("gg"));
        assertThat(harness.publisher.receivedCount(payment.txid())).isEqualTo(1);
        harness.awaitUntil(() -> harness.publisher.balances().size() >= 4);
        assertThat(harness.publisher.balances().getLast().address()).isEmpty();
        assertThat(harness.publisher.balances().getLast().confirmedSats()).isEqualTo(5_000);
        assertThat(harness.publisher.allFromWallet()).isTrue();
        assertThat(harness.errors).isEmpty();
    }

    @Test
    void shouldReportAPaymentFirstSeenConfirmedOnceWithItsConfirmations() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final String a = WalletHarness.address(0);
        final ElectrumSimulator.Payment first = simulator.pay(a, 1_000, null);
        final ElectrumSimulator.Payment second = simulator.pay(a, 2_000, null);
        simulator.mine(3);

        harness.start(harness.context().addresses(List.of(a)));
        harness.awaitConnected(1);

        assertThat(harness.publisher.received()).extracting(RecordingPublisher.Decoded::txid)
            .containsExactlyInAnyOrder(first.txid(), second.txid());
        assertThat(harness.publisher.received()).allMatch((event) -> event.height() == 101 && event.confirmations() == 3);
        assertThat(harness.publisher.confirmed()).extracting(RecordingPublisher.Decoded::confirmations).containsExactly(3, 3);
        assertThat(harness.publisher.events().getLast().status()).isTrue();
    }

    @Test
    void shouldEmitReorgedWhenAReorgRemovesAConfirmedPaymentAndReconfirmItWhenMinedAgain() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final String a = WalletHarness.address(0);
        harness.start(harness.context().addresses(List.of(a)));
        harness.awaitConnected(1);

        final ElectrumSimulator.Payment vanishing = simulator.pay(a, 7_000, null);
        simulator.mine(1);
        harness.awaitUntil(() -> harness.publisher.confirmed().size() == 1);
        assertThat(simulator.reorg(1, false)).containsExactly(vanishing.txid());
        harness.awaitUntil(() -> harness.publisher.reorged().size() == 1);
        final RecordingPublisher.Decoded reorged = harness.publisher.reorged().getFirst();
        assertThat(reorged.txid()).isEqualTo(vanishing.txid());
        assertThat(reorged.height()).isEqualTo(101);
        assertThat(reorged.amountSats()).isEqualTo(7_000);

        final ElectrumSimulator.Payment returning = simulator.pay(a, 8_000, null);
        simulator.mine(1);
        harness.awaitUntil(() -> harness.publisher.confirmed().size() == 2);
        simulator.reorg(1, true);
        harness.awaitUntil(() -> harness.publisher.reorged().size() == 2);
        simulator.mine(1);
        harness.awaitUntil(() -> harness.publisher.confirmed().size() == 3);

        final RecordingPublisher.Decoded reconfirmed = harness.publisher.confirmed().getLast();
        assertThat(reconfirmed.txid()).isEqualTo(returning.txid());
        assertThat(reconfirmed.confirmations()).isEqualTo(1);
        assertThat(reconfirmed.height()).isEqualTo(simulator.height());
        assertThat(harness.publisher.receivedCount(vanishing.txid())).isEqualTo(1);
        assertThat(harness.publisher.receivedCount(returning.txid())).isEqualTo(1);
        assertThat(harness.ledger.entry(vanishing.txid(), reorged.scriptHash()).reorgs()).isEqualTo(1);
    }

    @Test
    void shouldExtendTheGapLimitAsDerivedAddressesGetUsed() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final DeterministicKey account = HDKeyDerivation.createMasterPrivateKey(new byte[32]).dropPrivateBytes().dropParent();
        final String tpub = account.serializePubB58(BitcoinNetwork.REGTEST);
        final ExtendedKey key = ExtendedKey.parse(tpub, WalletNetwork.REGTEST);
        final DeterministicKey receive = key.chainKey(0);
        harness.start(harness.context().xpubs(List.of(tpub)).gapLimit(5));
        harness.awaitConnected(1);
        assertThat(harness.source.watchList().size()).isEqualTo(10);

        final ElectrumSimulator.Payment at4 = simulator.pay(key.address(ExtendedKey.child(receive, 4)), 1_000, null);
        harness.awaitReceived(at4.txid());
        harness.awaitUntil(() -> harness.source.watchList().size() == 15);
        final ElectrumSimulator.Payment at9 = simulator.pay(key.address(ExtendedKey.child(receive, 9)), 2_000, null);
        harness.awaitReceived(at9.txid());
        final ElectrumSimulator.Payment at14 = simulator.pay(key.address(ExtendedKey.child(receive, 14)), 3_000, null);
        harness.awaitReceived(at14.txid());

        harness.awaitUntil(() -> harness.source.watchList().size() == 25);
        assertThat(harness.publisher.received()).extracting(RecordingPublisher.Decoded::amountSats)
            .containsExactly(1_000L, 2_000L, 3_000L);
    }

    @Test
    void shouldEmitNothingTwiceAfterARestartFromTheJournal() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final String a = WalletHarness.address(0);
        harness.start(harness.context().addresses(List.of(a)));
        harness.awaitConnected(1);
        final ElectrumSimulator.Payment before = simulator.pay(a, 4_000, "first");
        harness.awaitReceived(before.txid());
        simulator.mine(1);
        harness.awaitUntil(() -> harness.publisher.confirmed().size() == 1);
        simulator.mine(1);
        harness.awaitUntil(() -> harness.publisher.confirmed().size() == 2);
        harness.closeSource();

        final ElectrumSimulator.Payment whileDown = simulator.pay(a, 6_000, "second");
        simulator.mine(1);

        final List<byte[]> journal = List.copyOf(harness.publisher.messages);
        final RecordingPublisher afterRestart = new RecordingPublisher();
        try (WalletHarness restarted = new WalletHarness(afterRestart))
        {
            restarted.simulators.add(simulator);
            for (final byte[] message : journal)
            {
                restarted.ledger.replayJournaled(new UnsafeBuffer(message), 0, message.length);
            }
            assertThat(restarted.ledger.isReceived(before.txid(), before.scriptHash())).isTrue();
            assertThat(restarted.ledger.confirmations(before.txid(), before.scriptHash())).isEqualTo(2);

            restarted.start(restarted.context().addresses(List.of(a)));
            restarted.awaitConnected(1);

            assertThat(afterRestart.received()).extracting(RecordingPublisher.Decoded::txid).containsExactly(whileDown.txid());
            assertThat(afterRestart.confirmed()).extracting(RecordingPublisher.Decoded::txid, RecordingPublisher.Decoded::confirmations)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(before.txid(), 3),
                    org.assertj.core.groups.Tuple.tuple(whileDown.txid(), 1));
            restarted.simulators.clear();
        }

        final RecordingPublisher third = new RecordingPublisher();
        try (WalletHarness again = new WalletHarness(third))
        {
            again.simulators.add(simulator);
            for (final byte[] message : journal)
            {
                again.ledger.replayJournaled(new UnsafeBuffer(message), 0, message.length);
            }
            for (final byte[] message : afterRestart.messages)
            {
                again.ledger.replayJournaled(new UnsafeBuffer(message), 0, message.length);
            }
            again.start(again.context().addresses(List.of(a)));
            again.awaitConnected(1);
            assertThat(third.events()).allMatch(RecordingPublisher.Decoded::status);
            again.simulators.clear();
        }
    }

    @Test
    void shouldDeliverWalletEventsThroughARealEngine(@TempDir final Path dataDir) throws Exception
    {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final Plugin recorder = new Plugin()
        {
            public String id()
            {
                return "recorder";
            }

            public void onEvent(final Event event)
            {
                if (event.templateId() == TransactionReceivedDecoder.TEMPLATE_ID)
                {
                    final byte[] copy = new byte[event.length()];
                    event.buffer().getBytes(event.offset(), copy);
                    seen.add(Sources.name(event.source()) + " " + RecordingPublisher.decode(copy).txid());
                }
            }
        };
        final ElectrumSimulator simulator = harness.simulator();
        try (Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir).plugin(recorder)))
        {
            final String a = WalletHarness.address(3);
            final ElectrumWalletSource.Context ctx = harness.context().addresses(List.of(a)).publisher(engine.publisher());
            harness.start(ctx);
            harness.awaitUntil(() -> harness.source.status().state() == NetworkState.CONNECTED);
            final ElectrumSimulator.Payment payment = simulator.pay(a, 21_000, null);
            harness.awaitUntil(() -> seen.contains("wallet " + payment.txid()));
            assertThat(harness.ledger.isReceived(payment.txid(), payment.scriptHash())).isTrue();
            harness.closeSource();
        }
    }

    @Test
    void shouldRejectBadConfigurationInOneLine() throws Exception
    {
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of())))
            .hasMessage("wallet.watch: expected at least one address (wallet.watch.addresses) or extended public key (wallet.watch.xpubs)");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of("x")).servers(List.of())))
            .hasMessage("wallet.electrum.servers: expected at least one tcp://host:port or ssl://host:port");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of(WalletHarness.address(0)))
            .servers(List.of("electrum.example.org:50002"))))
            .hasMessageStartingWith("wallet.electrum.servers: electrum server 'electrum.example.org:50002'");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of(WalletHarness.address(0)))
            .confirmations(0)))
            .hasMessage("wallet.confirmations: expected 1 to 1000, got 0");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of(WalletHarness.address(0)))
            .pinnedCertSha256(List.of("abc"))))
            .hasMessageStartingWith("wallet.electrum.tls.pinnedCertSha256: pinned certificate fingerprint 'abc'");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of(WalletHarness.address(0)))
            .maxHistoryItems(0)))
            .hasMessage("wallet.electrum.maxHistoryItems: expected 1 to 10000000, got 0");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of(WalletHarness.address(0)))
            .maxRequestsInFlight(5000)))
            .hasMessage("wallet.electrum.maxRequestsInFlight: expected 1 to 1024, got 5000");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of(WalletHarness.address(0)))
            .maxTransactionBytes(-1)))
            .hasMessage("wallet.electrum.maxTransactionBytes: expected 100 to 4000000, got -1");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context().addresses(List.of(WalletHarness.address(0)))
            .txCacheBytes(-1)))
            .hasMessage("wallet.electrum.txCacheBytes: expected 0 to 1073741824, got -1");
        assertThatThrownBy(() -> new ElectrumWalletSource.Context().network("bitcoin"))
            .hasMessage("wallet.network: 'bitcoin' is not a network: expected mainnet, testnet, signet or regtest");
        assertThatThrownBy(() -> ElectrumWalletSource.create(harness.context()
            .addresses(List.of("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"))))
            .hasMessageContaining("is a mainnet address: expected a regtest address");
    }
}
