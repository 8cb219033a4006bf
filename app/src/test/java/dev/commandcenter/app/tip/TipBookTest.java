package dev.commandcenter.app.tip;

import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.TipReservedDecoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.transport.electrum.PaymentMemos;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.WatchList;
import dev.commandcenter.transport.electrum.WatchedScript;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.crypto.HDKeyDerivation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reservation rules of docs/tips.md on a {@link JournalTipBook} bound to a real watch list of a regtest key, with
 * a stepped clock and a publisher that keeps what was journaled.
 */
class TipBookTest
{
    static final long START_MS = 1_750_000_000_000L;
    static final long EXPIRY_MS = 30 * 60 * 1000L;
    static final String TPUB = "p2wpkh:" + HDKeyDerivation.createMasterPrivateKey(new byte[32]).dropPrivateBytes().dropParent()
        .serializePubB58(BitcoinNetwork.REGTEST);
    private static final String TXID_A = "aa".repeat(32);
    private static final String TXID_B = "bb".repeat(32);

    private final CachedEpochClock clock = new CachedEpochClock();
    private final Journal journal = new Journal();
    private final AtomicBoolean synced = new AtomicBoolean(true);
    private WatchList watchList;
    private JournalTipBook book;

    /**
     * A publisher that keeps a copy of each message it accepts (the test's journal), or refuses all of them.
     */
    static final class Journal implements EventPublisher
    {
        final List<byte[]> messages = new CopyOnWriteArrayList<>();
        final List<Integer> sources = new CopyOnWriteArrayList<>();
        volatile long refuseWith;

        public long publish(final int source, final DirectBuffer buffer, final int offset, final int length)
        {
            return tryPublish(source, buffer, offset, length);
        }

        public long tryPublish(final int source, final DirectBuffer buffer, final int offset, final int length)
        {
            if (refuseWith < 0)
            {
                return refuseWith;
            }
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            messages.add(copy);
            sources.add(source);
            return messages.size() - 1;
        }

        public <A> long publish(final int source, final MessageWriter<A> writer, final A arg)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MAX_MESSAGE_LENGTH]);
            return publish(source, buffer, 0, writer.write(buffer, 0, arg));
        }

        public boolean isJournaled(final long sequence)
        {
            return true;
        }

        TipReservedDecoder reserved(final int n)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(messages.get(n));
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
            assertThat(header.templateId()).isEqualTo(TipReservedDecoder.TEMPLATE_ID);
            return new TipReservedDecoder().wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
                header.version());
        }
    }

    @BeforeEach
    void setUp()
    {
        clock.update(START_MS);
        watchList = WatchList.create(WalletNetwork.REGTEST, List.of(), List.of(TPUB), 20);
        book = newBook(EXPIRY_MS, 1_000, 1_000_000);
        book.bindWallet(watchList, synced::get);
    }

    private JournalTipBook newBook(final long expiryMs, final long minSats, final long maxSats)
    {
        return new JournalTipBook(new JournalTipBook.Settings(0, 20, expiryMs, minSats, maxSats), journal, clock,
            new SecureRandom());
    }

    private TipBook.Reservation reserve(final String name)
    {
        final TipBook.Outcome outcome = book.reserve(name, "msg of " + name, 5_000);
        assertThat(outcome.httpStatus()).as(outcome.reason()).isEqualTo(201);
        assertThat(outcome.reason()).isNull();
        return outcome.reservation();
    }

    private WatchedScript script(final int index)
    {
        return watchList.byAddress(watchList.address(0, 0, index));
    }

    @Test
    void shouldGiveTheLowestFreeIndexAndJournalItBeforeReturning()
    {
        final TipBook.Reservation first = reserve("ann");
        assertThat(first.index()).isZero();
        assertThat(first.address()).isEqualTo(watchList.address(0, 0, 0)).startsWith("bcrt1q");
        assertThat(first.expiresAtEpochMs()).isEqualTo(START_MS + EXPIRY_MS);
        assertThat(journal.messages).hasSize(1);
        assertThat(journal.sources).containsExactly(Sources.REST);
        final TipReservedDecoder journaled = journal.reserved(0);
        assertThat(journaled.index()).isZero();
        assertThat(journaled.amountSats()).isEqualTo(5_000);
        assertThat(journaled.expiresAtEpochMs()).isEqualTo(START_MS + EXPIRY_MS);
        assertThat(journaled.reservationId()).isEqualTo(first.id());
        assertThat(journaled.address()).isEqualTo(first.address());
        assertThat(journaled.name()).isEqualTo("ann");
        assertThat(journaled.message()).isEqualTo("msg of ann");

        assertThat(reserve("bob").index()).isEqualTo(1);
        assertThat(reserve("cat").index()).isEqualTo(2);
        assertThat(book.openReservations()).isEqualTo(3);
        assertThat(book.status(first.id())).isEqualTo(
            new TipBook.Status(TipBook.State.WAITING, null, 0, START_MS + EXPIRY_MS));
    }

    @Test
    void shouldSkipUsedIndexesAndMoveTheWindowWithTheHighestUsed()
    {
        watchList.markUsed(script(0));
        watchList.markUsed(script(2));
        assertThat(reserve("ann").index()).isEqualTo(1);
        assertThat(reserve("bob").index()).isEqualTo(3);

        watchList.markUsed(script(5));
        // window is now 0..25: 0, 2 and 5 used, 1 and 3 reserved
        final List<Integer> indexes = new ArrayList<>();
        TipBook.Outcome outcome;
        while ((outcome = book.reserve("x", "", 5_000)).httpStatus() == 201)
        {
            indexes.add(outcome.reservation().index());
        }
        assertThat(indexes).first().isEqualTo(4);
        assertThat(indexes).doesNotContain(0, 1, 2, 3, 5).hasSize(26 - 5).last().isEqualTo(25);
    }

    @Test
    void shouldNeverGiveAnIndexPastTheGapAndSayWhenTheNextFrees()
    {
        for (int i = 0; i < 20; i++)
        {
            assertThat(reserve("viewer" + i).index()).isEqualTo(i);
            clock.advance(1_000);
        }
        final TipBook.Outcome full = book.reserve("late", "", 5_000);
        assertThat(full.reservation()).isNull();
        assertThat(full.httpStatus()).isEqualTo(503);
        // the first reservation lapses 30 min after it was made, 20 s ago
        assertThat(full.retryAfterMs()).isEqualTo(EXPIRY_MS - 20_000);
        assertThat(full.reason()).isEqualTo("every tip address is reserved (20 at once, the wallet's gap limit): " +
            "the next one frees in 1780 s");
        assertThat(journal.messages).hasSize(20);
        assertThat(book.capacity()).isEqualTo(20);
        assertThat(book.openReservations()).isEqualTo(20);
    }

    @Test
    void shouldRecycleExpiredIndexesLowestFirst()
    {
        final List<TipBook.Reservation> made = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            made.add(reserve("viewer" + i));
            clock.advance(60_000);
        }
        // 0, 1 and 2 have lapsed; 3 and 4 still hold
        clock.update(START_MS + 2 * 60_000 + EXPIRY_MS);
        assertThat(book.status(made.get(2).id()).state()).isEqualTo(TipBook.State.EXPIRED);
        assertThat(book.status(made.get(3).id()).state()).isEqualTo(TipBook.State.WAITING);
        assertThat(book.openReservations()).isEqualTo(2);

        assertThat(reserve("a").index()).isEqualTo(0);
        assertThat(reserve("b").index()).isEqualTo(1);
        assertThat(reserve("c").index()).isEqualTo(2);
        assertThat(reserve("d").index()).isEqualTo(5);
        assertThat(book.status(made.get(0).id()).state()).isEqualTo(TipBook.State.EXPIRED);
    }

    @Test
    void shouldGiveUnguessableDistinctIdsOf32Hex()
    {
        final Set<String> ids = new HashSet<>();
        for (int round = 0; round < 10; round++)
        {
            for (int i = 0; i < 20; i++)
            {
                final String id = reserve("v").id();
                assertThat(id).hasSize(TipBook.RESERVATION_ID_LENGTH).matches("[0-9a-f]{32}");
                ids.add(id);
            }
            clock.advance(EXPIRY_MS);
        }
        assertThat(ids).hasSize(200);
        assertThat(book.status("0".repeat(32))).isNull();
        assertThat(book.status(null)).isNull();
    }

    @Test
    void shouldGiveTheMemoOnceToTheFirstPaymentOnly()
    {
        final TipBook.Reservation ann = reserve("ann");
        final TipBook.Reservation bob = reserve("bob");
        clock.advance(5_000);

        assertThat(book.memoFor(script(1), TXID_A, 7_000, clock.time())).isEqualTo(new PaymentMemos.Memo("bob", "msg of bob"));
        assertThat(book.memoFor(script(1), TXID_B, 9_000, clock.time())).isNull();
        assertThat(book.status(bob.id())).isEqualTo(new TipBook.Status(TipBook.State.SEEN, TXID_A, 7_000, bob.expiresAtEpochMs()));
        assertThat(book.status(ann.id()).state()).isEqualTo(TipBook.State.WAITING);
        assertThat(book.openReservations()).isEqualTo(1);
        assertThat(book.raisedSats(START_MS)).isEqualTo(7_000);
        assertThat(book.raisedSats(clock.time() + 1)).isZero();

        // an unreserved address, a change address and a configured address have no memo
        assertThat(book.memoFor(script(2), TXID_B, 1_000, clock.time())).isNull();
        assertThat(book.memoFor(watchList.byAddress(watchList.address(0, 1, 0)), TXID_B, 1_000, clock.time())).isNull();
        final WatchedScript configured = WatchList.parseAddress(watchList.address(0, 0, 0), WalletNetwork.REGTEST);
        assertThat(book.memoFor(configured, TXID_B, 1_000, clock.time())).isNull();

        // a paid index is not given out again, even before the wallet marks it used
        assertThat(reserve("cat").index()).isEqualTo(2);
    }

    @Test
    void shouldGiveTheMemoToALatePaymentAfterExpiryButBeforeReuse()
    {
        final TipBook.Reservation ann = reserve("ann");
        clock.advance(EXPIRY_MS + 60_000);
        assertThat(book.status(ann.id()).state()).isEqualTo(TipBook.State.EXPIRED);

        assertThat(book.memoFor(script(0), TXID_A, 5_000, clock.time())).isEqualTo(new PaymentMemos.Memo("ann", "msg of ann"));
        assertThat(book.status(ann.id()).state()).isEqualTo(TipBook.State.SEEN);
        assertThat(reserve("bob").index()).isEqualTo(1);
    }

    @Test
    void shouldGiveTheNewViewersMemoToAPaymentAfterReuse()
    {
        final TipBook.Reservation ann = reserve("ann");
        clock.advance(EXPIRY_MS);
        final TipBook.Reservation bob = reserve("bob");
        assertThat(bob.index()).isEqualTo(ann.index());

        assertThat(book.memoFor(script(0), TXID_A, 5_000, clock.time())).isEqualTo(new PaymentMemos.Memo("bob", "msg of bob"));
        assertThat(book.status(ann.id()).state()).isEqualTo(TipBook.State.EXPIRED);
        assertThat(book.status(bob.id()).state()).isEqualTo(TipBook.State.SEEN);
    }

    @Test
    void shouldRefuseWhileTheWalletSyncsAndAmountsOutOfBoundsAndWhenTheEngineIsBusy()
    {
        synced.set(false);
        final TipBook.Outcome syncing = book.reserve("ann", "", 5_000);
        assertThat(syncing.httpStatus()).isEqualTo(503);
        assertThat(syncing.retryAfterMs()).isEqualTo(2_000);
        assertThat(syncing.reason()).startsWith("the wallet is still syncing");

        final JournalTipBook unbound = newBook(EXPIRY_MS, 1_000, 1_000_000);
        assertThat(unbound.reserve("ann", "", 5_000).httpStatus()).isEqualTo(503);
        assertThat(unbound.offReason()).isNull();
        synced.set(true);

        final TipBook.Outcome low = book.reserve("ann", "", 999);
        assertThat(low.httpStatus()).isEqualTo(400);
        assertThat(low.reason()).isEqualTo("amountSats: expected 1000 to 1000000 sats, got 999");
        assertThat(book.reserve("ann", "", 1_000_001).httpStatus()).isEqualTo(400);
        assertThat(book.reserve("ann", "x".repeat(JournalTipBook.MAX_TEXT_BYTES), 5_000).httpStatus()).isEqualTo(400);

        journal.refuseWith = EventPublisher.WOULD_WAIT;
        final TipBook.Outcome busy = book.reserve("ann", "", 5_000);
        assertThat(busy.httpStatus()).isEqualTo(503);
        assertThat(busy.reason()).isEqualTo("the engine is busy: nothing was reserved, try again shortly");
        assertThat(busy.retryAfterMs()).isEqualTo(1_000);
        journal.refuseWith = EventPublisher.REJECTED;
        assertThat(book.reserve("ann", "", 5_000).httpStatus()).isEqualTo(503);
        assertThat(book.openReservations()).isZero();
        assertThat(journal.messages).isEmpty();

        journal.refuseWith = 0;
        assertThat(reserve("ann").index()).isZero();
    }

    @Test
    void shouldTellListenersOfEachReservationAfterItIsJournaled()
    {
        final List<TipBook.Reservation> seen = new CopyOnWriteArrayList<>();
        book.onReserved((reservation) ->
        {
            assertThat(journal.messages).isNotEmpty();
            seen.add(reservation);
        });
        final TipBook.Reservation ann = reserve("ann");
        assertThat(seen).containsExactly(ann);
        journal.refuseWith = EventPublisher.REJECTED;
        book.reserve("bob", "", 5_000);
        assertThat(seen).containsExactly(ann);
    }

    @Test
    void shouldForgetReservationsADayAfterTheyLapsedOrWerePaid()
    {
        final TipBook.Reservation ann = reserve("ann");
        final TipBook.Reservation bob = reserve("bob");
        assertThat(book.memoFor(script(1), TXID_A, 5_000, clock.time())).isNotNull();

        clock.update(START_MS + JournalTipBook.RETENTION_MS + 1);
        assertThat(book.status(bob.id())).isNull();
        assertThat(book.status(ann.id()).state()).isEqualTo(TipBook.State.EXPIRED);
        clock.update(START_MS + EXPIRY_MS + JournalTipBook.RETENTION_MS);
        assertThat(book.status(ann.id())).isNull();
        assertThat(book.remembered()).isZero();
        assertThat(book.raisedSats(0)).isZero();
        // a forgotten reservation takes no memo
        assertThat(book.memoFor(script(0), TXID_B, 5_000, clock.time())).isNull();
    }

    @Test
    void shouldRememberABoundedNumberOfReservationsWhateverTheRate()
    {
        final JournalTipBook quick = newBook(1_000, 1_000, 1_000_000);
        quick.bindWallet(watchList, synced::get);
        for (int i = 0; i < JournalTipBook.MAX_REMEMBERED_PAST + 500; i++)
        {
            assertThat(quick.reserve("v", "", 5_000).httpStatus()).isEqualTo(201);
            if (i % 20 == 19)
            {
                clock.advance(1_000);
            }
        }
        assertThat(quick.remembered()).isLessThanOrEqualTo(quick.capacity() + JournalTipBook.MAX_REMEMBERED_PAST);
        assertThat(quick.openReservations()).isEqualTo((JournalTipBook.MAX_REMEMBERED_PAST + 500) % 20);
    }

    @Test
    void shouldBeOffWhenTheTipKeyIsNotWatched()
    {
        final JournalTipBook book = new JournalTipBook(new JournalTipBook.Settings(1, 20, EXPIRY_MS, 1_000, 1_000_000),
            journal, clock, new SecureRandom());
        book.bindWallet(watchList, synced::get);
        assertThat(book.offReason()).isEqualTo("tips.keyIndex 1 names no watched key: expected an extended public key " +
            "there in wallet.watch.xpubs (1 watched)");
        final TipBook.Outcome off = book.reserve("ann", "", 5_000);
        assertThat(off.httpStatus()).isEqualTo(503);
        assertThat(off.reason()).isEqualTo(book.offReason());
    }

    @Test
    void shouldRefuseWrongSettingsInOneLine()
    {
        assertThatThrownBy(() -> new JournalTipBook.Settings(0, 20, 10, 1_000, 2_000))
            .hasMessage("tips.expiry: expected 1s to 7d, got 10 ms");
        assertThatThrownBy(() -> new JournalTipBook.Settings(0, 20, EXPIRY_MS, 5_000, 2_000))
            .hasMessage("tips.maxSats: expected tips.minSats (5000) or more, got 2000");
        assertThatThrownBy(() -> new JournalTipBook.Settings(-1, 20, EXPIRY_MS, 1_000, 2_000))
            .hasMessage("tips.keyIndex: expected 0 or more, got -1");
        assertThatThrownBy(() -> new JournalTipBook.Settings(0, 20, EXPIRY_MS, 0, 2_000))
            .hasMessage("tips.minSats: expected 1 or more, got 0");
    }
}
