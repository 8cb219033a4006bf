package dev.commandcenter.transport.electrum;

import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.crypto.HDKeyDerivation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wallet's payment memo hook against the Electrum simulator over TCP: a memo is asked for once per new payment and
 * published as a TipMemo just before its TransactionReceived; a lookup that throws loses no payment; the watch list
 * records every used index (from the server's history and from the ledger at start); the wallet says when its
 * history was synced once.
 */
@Timeout(60)
class PaymentMemosTest
{
    private static final String TPUB = "p2wpkh:" + HDKeyDerivation.createMasterPrivateKey(new byte[32]).dropPrivateBytes()
        .dropParent().serializePubB58(BitcoinNetwork.REGTEST);

    private final WalletHarness harness = new WalletHarness();

    private record Asked(WatchedScript script, String txid, long amountSats, long nowMs)
    {
    }

    @AfterEach
    void tearDown()
    {
        harness.close();
    }

    @Test
    void shouldPublishTheMemoOfANewPaymentJustBeforeItsTransactionReceivedOnce() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final List<Asked> asked = new CopyOnWriteArrayList<>();
        final PaymentMemos memos = (script, txid, amountSats, nowMs) ->
        {
            asked.add(new Asked(script, txid, amountSats, nowMs));
            return script.index() == 3 ? new PaymentMemos.Memo("ann", "gg well played") : null;
        };
        harness.start(harness.context().xpubs(List.of(TPUB)).gapLimit(5).confirmations(2).paymentMemos(memos));
        harness.awaitConnected(1);
        final WatchList watchList = harness.source.watchList();

        final ElectrumSimulator.Payment tip = simulator.pay(watchList.address(0, 0, 3), 42_000, null);
        harness.awaitReceived(tip.txid());
        final ElectrumSimulator.Payment plain = simulator.pay(watchList.address(0, 0, 1), 1_000, null);
        harness.awaitReceived(plain.txid());
        simulator.mine(1);
        harness.awaitUntil(() -> harness.publisher.confirmed().size() == 2);
        simulator.mine(1);
        harness.awaitUntil(() -> harness.publisher.confirmed().size() == 4);

        final List<RecordingPublisher.Decoded> events = harness.publisher.events();
        final int memoAt = indexOf(events, RecordingPublisher.Decoded::tipMemo, tip.txid());
        final RecordingPublisher.Decoded memo = events.get(memoAt);
        assertThat(memo.address()).isEqualTo("ann");
        assertThat(memo.memo()).isEqualTo("gg well played");
        assertThat(events.get(memoAt + 1).received()).isTrue();
        assertThat(events.get(memoAt + 1).txid()).isEqualTo(tip.txid());
        assertThat(events).filteredOn(RecordingPublisher.Decoded::tipMemo).hasSize(1);
        assertThat(harness.publisher.allFromWallet()).isTrue();

        // asked once per new payment, never for confirmations, with the script, txid, amount and the wallet's clock
        assertThat(asked).extracting(Asked::txid).containsExactly(tip.txid(), plain.txid());
        assertThat(asked.getFirst().script().index()).isEqualTo(3);
        assertThat(asked.getFirst().amountSats()).isEqualTo(42_000);
        assertThat(asked.getFirst().nowMs()).isEqualTo(harness.clock.time());
        assertThat(harness.errors).isEmpty();

        // every used index is recorded, below the highest too
        assertThat(watchList.isUsed(0, 0, 3)).isTrue();
        assertThat(watchList.isUsed(0, 0, 1)).isTrue();
        assertThat(watchList.isUsed(0, 0, 2)).isFalse();
        assertThat(watchList.highestUsed(0, 0)).isEqualTo(3);
        assertThat(watchList.highestUsed(0, 1)).isEqualTo(-1);
        assertThat(watchList.keyCount()).isEqualTo(1);
    }

    @Test
    void shouldPublishThePaymentWhenTheMemoLookupThrows() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final AtomicInteger calls = new AtomicInteger();
        harness.start(harness.context().xpubs(List.of(TPUB)).gapLimit(5).paymentMemos((script, txid, amountSats, nowMs) ->
        {
            calls.incrementAndGet();
            throw new IllegalStateException("book broken");
        }));
        harness.awaitConnected(1);
        final ElectrumSimulator.Payment first = simulator.pay(harness.source.watchList().address(0, 0, 0), 5_000, null);
        harness.awaitReceived(first.txid());
        final ElectrumSimulator.Payment second = simulator.pay(harness.source.watchList().address(0, 0, 2), 6_000, null);
        harness.awaitReceived(second.txid());

        assertThat(harness.publisher.received()).extracting(RecordingPublisher.Decoded::txid)
            .containsExactly(first.txid(), second.txid());
        assertThat(harness.publisher.events()).noneMatch(RecordingPublisher.Decoded::tipMemo);
        assertThat(calls.get()).isEqualTo(2);
        assertThat(harness.errors).containsOnly("payment memo lookup failed, the payment is published without a name " +
            "and message: java.lang.IllegalStateException: book broken");
    }

    @Test
    void shouldKeepTheMemoOfARefusedPaymentForTheRetryAndAskOnce() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final AtomicInteger calls = new AtomicInteger();
        harness.start(harness.context().xpubs(List.of(TPUB)).gapLimit(5).paymentMemos((script, txid, amountSats, nowMs) ->
        {
            calls.incrementAndGet();
            return new PaymentMemos.Memo("bob", "hello");
        }));
        harness.awaitConnected(1);
        harness.publisher.reject = true;
        final ElectrumSimulator.Payment payment = simulator.pay(harness.source.watchList().address(0, 0, 0), 5_000, null);
        harness.awaitUntil(() -> !harness.errors.isEmpty());
        harness.publisher.reject = false;
        harness.awaitAdvancing(() -> harness.publisher.receivedCount(payment.txid()) == 1);

        final List<RecordingPublisher.Decoded> events = harness.publisher.events();
        final int memoAt = indexOf(events, RecordingPublisher.Decoded::tipMemo, payment.txid());
        assertThat(events.get(memoAt + 1).received()).isTrue();
        assertThat(events).filteredOn(RecordingPublisher.Decoded::tipMemo).hasSize(1);
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void shouldSayWhenTheHistoryWasSyncedAndRestoreUsedIndexesFromTheLedger() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        final String probe = WatchList.create(WalletNetwork.REGTEST, List.of(), List.of(TPUB), 5).address(0, 0, 4);
        final ElectrumSimulator.Payment earlier = simulator.pay(probe, 3_000, null);
        final AtomicBoolean askedForOld = new AtomicBoolean();
        harness.start(harness.context().xpubs(List.of(TPUB)).gapLimit(5).paymentMemos((script, txid, amountSats, nowMs) ->
        {
            askedForOld.set(true);
            return null;
        }));
        assertThat(harness.source.historySynced()).isFalse();
        assertThat(harness.source.watchList().isUsed(0, 0, 4)).isFalse();
        harness.awaitConnected(1);
        assertThat(harness.source.historySynced()).isTrue();
        assertThat(harness.source.watchList().isUsed(0, 0, 4)).isTrue();
        assertThat(harness.publisher.receivedCount(earlier.txid())).isEqualTo(1);
        harness.closeSource();

        // a restart with the ledger: the used index is known before any server answers, and nothing is asked again
        askedForOld.set(false);
        try (WalletHarness restarted = new WalletHarness())
        {
            restarted.simulators.add(simulator);
            restarted.ledger = harness.ledger;
            restarted.start(restarted.context().xpubs(List.of(TPUB)).gapLimit(5).paymentMemos((script, txid, amountSats, nowMs) ->
            {
                askedForOld.set(true);
                return null;
            }));
            final WatchList watchList = restarted.source.watchList();
            assertThat(watchList.isUsed(0, 0, 4)).isTrue();
            assertThat(watchList.highestUsed(0, 0)).isEqualTo(4);
            assertThat(watchList.byAddress(watchList.address(0, 0, 9))).isNotNull();
            assertThat(restarted.source.historySynced()).isFalse();
            restarted.awaitConnected(1);
            assertThat(restarted.source.historySynced()).isTrue();
            assertThat(askedForOld.get()).isFalse();
            assertThat(restarted.publisher.received()).isEmpty();
            restarted.simulators.clear();
        }
    }

    private static int indexOf(
        final List<RecordingPublisher.Decoded> events,
        final java.util.function.Predicate<RecordingPublisher.Decoded> kind,
        final String txid)
    {
        for (int i = 0; i < events.size(); i++)
        {
            if (kind.test(events.get(i)) && txid.equals(events.get(i).txid()))
            {
                return i;
            }
        }
        throw new AssertionError("no such event for " + txid + " in " + events);
    }
}
