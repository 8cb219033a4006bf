package dev.commandcenter.app.tip;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TipMemoDecoder;
import dev.commandcenter.codecs.sbe.TipReservedDecoder;
import dev.commandcenter.codecs.sbe.TipReservedEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.persistence.JournalReader;
import dev.commandcenter.persistence.JournalRecord;
import dev.commandcenter.persistence.TimeRange;
import dev.commandcenter.transport.electrum.WatchList;
import dev.commandcenter.transport.electrum.WatchedScript;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The tip page's reservations, journaled as {@code TipReserved} events and rebuilt from the journal at start
 * (docs/tips.md, "Addresses" and "Payments"). A reservation takes the lowest index of the tip key's receive chain that
 * the wallet does not know as used and that no live reservation holds, within {@code highestUsed + gapLimit}; it
 * holds its index until it lapses unpaid (then the index is given out again, lowest first) or is paid. The first
 * payment to a reserved address, while it is reserved or after it lapsed but before its index was given out again,
 * takes the reservation's name and message once ({@link #memoFor}).
 * <p>
 * The wallet is bound late ({@link #bindWallet}): until then, and until the wallet has read the history of every
 * watched script once, reservations are refused as "syncing" (503).
 * <p>
 * Memory is bounded: at most {@link #capacity()} reservations are live at once (one per index of the gap window), a
 * reservation is forgotten {@value #RETENTION_MS} ms after it lapsed unpaid or was paid, and at most
 * {@code capacity() + }{@value #MAX_REMEMBERED_PAST} reservations are remembered whatever the rate (the oldest that
 * are no longer live are forgotten first).
 * <p>
 * <b>Note:</b> thread safe (one lock): HTTP threads reserve and poll, the wallet's thread asks for memos.
 */
public final class JournalTipBook implements TipBook
{
    /** How long a reservation is remembered after it lapsed unpaid or was paid: the goal counts a day of tips. */
    public static final long RETENTION_MS = 24L * 60 * 60 * 1000;
    /** Reservations remembered beyond the live ones, at most. */
    public static final int MAX_REMEMBERED_PAST = 4096;
    /** How long a viewer is asked to wait while the wallet syncs, or after the engine was busy. */
    public static final long RETRY_SYNCING_MS = 2_000;
    /** How long a viewer is asked to wait when the engine's input ring was full. */
    public static final long RETRY_BUSY_MS = 1_000;
    /** Longest name and message together, in UTF-8 bytes, so a {@code TipReserved} fits one ring slot. */
    public static final int MAX_TEXT_BYTES = 3_600;
    /** The receive chain of the tip key. */
    public static final int RECEIVE_CHAIN = 0;

    private static final long FORGET_INTERVAL_MS = 1_000;
    private static final int ID_BYTES = RESERVATION_ID_LENGTH / 2;

    /**
     * What the book is configured with.
     *
     * @param keyIndex position of the tip key in {@code wallet.watch.xpubs} ({@code tips.keyIndex}).
     * @param gapLimit the wallet's gap limit ({@code wallet.gapLimit}): the reservations possible at once.
     * @param expiryMs how long an unpaid reservation holds its address ({@code tips.expiry}).
     * @param minSats  smallest amount a viewer may choose ({@code tips.minSats}).
     * @param maxSats  largest amount a viewer may choose ({@code tips.maxSats}).
     */
    public record Settings(int keyIndex, int gapLimit, long expiryMs, long minSats, long maxSats)
    {
        /**
         * Validate.
         *
         * @throws IllegalArgumentException naming the setting and what was expected.
         */
        public Settings
        {
            if (keyIndex < 0)
            {
                throw new IllegalArgumentException("tips.keyIndex: expected 0 or more, got " + keyIndex);
            }
            if (gapLimit < 1 || gapLimit > 10_000)
            {
                throw new IllegalArgumentException("wallet.gapLimit: expected 1 to 10000, got " + gapLimit);
            }
            if (expiryMs < 1_000 || expiryMs > 7L * RETENTION_MS)
            {
                throw new IllegalArgumentException("tips.expiry: expected 1s to 7d, got " + expiryMs + " ms");
            }
            if (minSats < 1)
            {
                throw new IllegalArgumentException("tips.minSats: expected 1 or more, got " + minSats);
            }
            if (maxSats < minSats)
            {
                throw new IllegalArgumentException("tips.maxSats: expected tips.minSats (" + minSats + ") or more, got " +
                    maxSats);
            }
        }
    }

    private static final class Entry
    {
        final Reservation reservation;
        boolean seen;
        String txid;
        long paidSats;
        long seenAtMs;

        Entry(final Reservation reservation)
        {
            this.reservation = reservation;
        }

        boolean waiting(final long nowMs)
        {
            return !seen && nowMs < reservation.expiresAtEpochMs();
        }

        boolean holdsIndex(final long nowMs)
        {
            return seen || nowMs < reservation.expiresAtEpochMs();
        }

        long forgetAtMs()
        {
            return (seen ? seenAtMs : reservation.expiresAtEpochMs()) + RETENTION_MS;
        }
    }

    private final Settings settings;
    private final EventPublisher publisher;
    private final EpochClock clock;
    private final SecureRandom random;
    private final List<Consumer<Reservation>> listeners = new CopyOnWriteArrayList<>();
    private final LinkedHashMap<String, Entry> byId = new LinkedHashMap<>();
    private final Map<Integer, Entry> byIndex = new HashMap<>();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final TipReservedEncoder reservedEncoder = new TipReservedEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TipReservedDecoder reservedDecoder = new TipReservedDecoder();
    private final TipMemoDecoder memoDecoder = new TipMemoDecoder();
    private final TransactionReceivedDecoder receivedDecoder = new TransactionReceivedDecoder();
    private final Set<String> rebuiltMemoTxids = new HashSet<>();
    private final byte[] hash = new byte[32];
    private volatile WatchList watchList;
    private BooleanSupplier historySynced;
    private volatile String offReason;
    private long nextForgetMs;

    /**
     * A book, not bound to a wallet yet.
     *
     * @param settings  what it is configured with.
     * @param publisher where {@code TipReserved} events are published (the engine's).
     * @param clock     the clock of expiries.
     * @param random    source of reservation ids; a {@link SecureRandom}.
     */
    public JournalTipBook(
        final Settings settings, final EventPublisher publisher, final EpochClock clock, final SecureRandom random)
    {
        this.settings = settings;
        this.publisher = publisher;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Bind the wallet once it runs: its watch list says which indexes are used, and its synced flag when the history
     * of every script was read. Rebuilt reservations for addresses other than the tip key's own (a changed key) are
     * dropped. A tip key index past the watched keys turns the book off.
     *
     * @param watchList     the wallet's watch list.
     * @param historySynced true once the wallet read every watched script's history.
     */
    public void bindWallet(final WatchList watchList, final BooleanSupplier historySynced)
    {
        synchronized (this)
        {
            if (settings.keyIndex() >= watchList.keyCount())
            {
                offReason = "tips.keyIndex " + settings.keyIndex() + " names no watched key: expected an extended " +
                    "public key there in wallet.watch.xpubs (" + watchList.keyCount() + " watched)";
                return;
            }
            final Iterator<Entry> entries = byId.values().iterator();
            while (entries.hasNext())
            {
                final Entry entry = entries.next();
                final Reservation reservation = entry.reservation;
                if (!reservation.address().equals(watchList.address(settings.keyIndex(), RECEIVE_CHAIN, reservation.index())))
                {
                    entries.remove();
                    byIndex.remove(reservation.index(), entry);
                }
            }
            this.watchList = watchList;
            this.historySynced = historySynced;
        }
    }

    /**
     * Rebuild the reservations that can still matter from a journal: its {@code TipReserved} events of the last
     * {@code expiry + }{@value #RETENTION_MS} ms, and the wallet's {@code TipMemo} and {@code TransactionReceived}
     * events after them, which say which reservations were paid and with what. Call before the book is used.
     *
     * @param journalDir the journal directory; nothing is read when it does not exist.
     * @return the reservations rebuilt.
     */
    public int rebuild(final Path journalDir)
    {
        if (!Files.isDirectory(journalDir))
        {
            return 0;
        }
        final long fromMs = clock.time() - settings.expiryMs() - RETENTION_MS;
        try (JournalReader reader = JournalReader.open(journalDir)
            .types(List.of("TipReserved", "TipMemo", "TransactionReceived"))
            .range(new TimeRange(fromMs * 1_000_000L, Long.MAX_VALUE)))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                replayJournaled(record.source(), record.buffer(), record.offset(), record.length(),
                    Math.floorDiv(record.timestampNs(), 1_000_000L));
            }
        }
        synchronized (this)
        {
            rebuiltMemoTxids.clear();
            return byId.size();
        }
    }

    /**
     * Rebuild state from one journaled event: a {@code TipReserved} (source rest) is a reservation, a wallet's
     * {@code TipMemo} followed by its {@code TransactionReceived} to a reserved address marks the reservation paid.
     * Other events are ignored.
     *
     * @param source      the event's source.
     * @param buffer      holding the SBE message, header included.
     * @param offset      of the header.
     * @param length      of the message.
     * @param timestampMs when it was published.
     */
    public synchronized void replayJournaled(
        final int source, final DirectBuffer buffer, final int offset, final int length, final long timestampMs)
    {
        if (null != MessageSchema.validate(buffer, offset, length))
        {
            return;
        }
        headerDecoder.wrap(buffer, offset);
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int templateId = headerDecoder.templateId();
        if (TipReservedDecoder.TEMPLATE_ID == templateId && Sources.REST == source)
        {
            reservedDecoder.wrap(buffer, bodyOffset, headerDecoder.blockLength(), headerDecoder.version());
            final int index = reservedDecoder.index();
            final long amountSats = reservedDecoder.amountSats();
            final long expiresAtMs = reservedDecoder.expiresAtEpochMs();
            final String id = reservedDecoder.reservationId();
            final String address = reservedDecoder.address();
            final String name = reservedDecoder.name();
            final String message = reservedDecoder.message();
            if (index >= 0 && expiresAtMs + RETENTION_MS > clock.time() && !byId.containsKey(id))
            {
                add(new Entry(new Reservation(id, index, address, amountSats, expiresAtMs, name, message)));
            }
        }
        else if (TipMemoDecoder.TEMPLATE_ID == templateId && Sources.WALLET == source)
        {
            memoDecoder.wrap(buffer, bodyOffset, headerDecoder.blockLength(), headerDecoder.version());
            memoDecoder.getTxid(hash, 0, 32);
            rebuiltMemoTxids.add(HexFormat.of().formatHex(hash));
        }
        else if (TransactionReceivedDecoder.TEMPLATE_ID == templateId && Sources.WALLET == source)
        {
            receivedDecoder.wrap(buffer, bodyOffset, headerDecoder.blockLength(), headerDecoder.version());
            final long amountSats = receivedDecoder.amountSats();
            receivedDecoder.getTxid(hash, 0, 32);
            final String txid = HexFormat.of().formatHex(hash);
            final String address = receivedDecoder.address();
            if (rebuiltMemoTxids.remove(txid))
            {
                for (final Entry entry : byIndex.values())
                {
                    if (!entry.seen && entry.reservation.address().equals(address))
                    {
                        markSeen(entry, txid, amountSats, timestampMs);
                        break;
                    }
                }
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public String offReason()
    {
        return offReason;
    }

    /**
     * {@inheritDoc}
     */
    public Outcome reserve(final String name, final String message, final long amountSats)
    {
        final String off = offReason;
        if (null != off)
        {
            return new Outcome(null, 503, off, 0);
        }
        if (amountSats < settings.minSats() || amountSats > settings.maxSats())
        {
            return new Outcome(null, 400, "amountSats: expected " + settings.minSats() + " to " + settings.maxSats() +
                " sats, got " + amountSats, 0);
        }
        final String safeName = null == name ? "" : name;
        final String safeMessage = null == message ? "" : message;
        final int textBytes = safeName.getBytes(StandardCharsets.UTF_8).length +
            safeMessage.getBytes(StandardCharsets.UTF_8).length;
        if (textBytes > MAX_TEXT_BYTES)
        {
            return new Outcome(null, 400, "name and message: expected at most " + MAX_TEXT_BYTES +
                " bytes of UTF-8 together, got " + textBytes, 0);
        }
        final Reservation reservation;
        synchronized (this)
        {
            if (null == watchList || !historySynced.getAsBoolean())
            {
                return new Outcome(null, 503, "the wallet is still syncing: expected its history read once " +
                    "before addresses are given out, try again shortly", RETRY_SYNCING_MS);
            }
            final long nowMs = clock.time();
            forgetIfDue(nowMs);
            final int keyIndex = settings.keyIndex();
            final int last = watchList.highestUsed(keyIndex, RECEIVE_CHAIN) + watchList.gapLimit();
            int index = -1;
            long earliestExpiryMs = Long.MAX_VALUE;
            for (int i = 0; i <= last; i++)
            {
                if (watchList.isUsed(keyIndex, RECEIVE_CHAIN, i))
                {
                    continue;
                }
                final Entry holder = byIndex.get(i);
                if (null != holder && holder.holdsIndex(nowMs))
                {
                    if (!holder.seen)
                    {
                        earliestExpiryMs = Math.min(earliestExpiryMs, holder.reservation.expiresAtEpochMs());
                    }
                    continue;
                }
                index = i;
                break;
            }
            if (index < 0)
            {
                final long retryMs = Long.MAX_VALUE == earliestExpiryMs ? RETRY_SYNCING_MS :
                    Math.max(RETRY_BUSY_MS, earliestExpiryMs - nowMs);
                return new Outcome(null, 503, "every tip address is reserved (" + watchList.gapLimit() +
                    " at once, the wallet's gap limit): the next one frees in " + ((retryMs + 999) / 1000) + " s", retryMs);
            }
            final String id = newId();
            final String address = watchList.address(keyIndex, RECEIVE_CHAIN, index);
            final long expiresAtMs = nowMs + settings.expiryMs();
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + reservedEncoder
                .wrapAndApplyHeader(buffer, 0, headerEncoder)
                .index(index)
                .amountSats(amountSats)
                .expiresAtEpochMs(expiresAtMs)
                .reservationId(id)
                .address(address)
                .name(safeName)
                .message(safeMessage)
                .encodedLength();
            final long receipt = publisher.tryPublish(Sources.REST, buffer, 0, length);
            if (receipt < 0)
            {
                return refused(receipt);
            }
            reservation = new Reservation(id, index, address, amountSats, expiresAtMs, safeName, safeMessage);
            add(new Entry(reservation));
        }
        for (final Consumer<Reservation> listener : listeners)
        {
            listener.accept(reservation);
        }
        return new Outcome(reservation, 201, null, 0);
    }

    /**
     * {@inheritDoc}
     */
    public synchronized Status status(final String reservationId)
    {
        final long nowMs = clock.time();
        forgetIfDue(nowMs);
        final Entry entry = null == reservationId ? null : byId.get(reservationId);
        if (null == entry)
        {
            return null;
        }
        final long expiresAtMs = entry.reservation.expiresAtEpochMs();
        if (entry.seen)
        {
            return new Status(State.SEEN, entry.txid, entry.paidSats, expiresAtMs);
        }
        return new Status(nowMs < expiresAtMs ? State.WAITING : State.EXPIRED, null, 0, expiresAtMs);
    }

    /**
     * {@inheritDoc}
     */
    public synchronized int openReservations()
    {
        final long nowMs = clock.time();
        int open = 0;
        for (final Entry entry : byIndex.values())
        {
            if (entry.waiting(nowMs))
            {
                open++;
            }
        }
        return open;
    }

    /**
     * {@inheritDoc}
     */
    public synchronized long raisedSats(final long sinceEpochMs)
    {
        long sum = 0;
        for (final Entry entry : byId.values())
        {
            if (entry.seen && entry.seenAtMs >= sinceEpochMs)
            {
                sum += entry.paidSats;
            }
        }
        return sum;
    }

    /**
     * {@inheritDoc}
     */
    public void onReserved(final Consumer<Reservation> listener)
    {
        listeners.add(listener);
    }

    /**
     * {@inheritDoc}
     */
    public int capacity()
    {
        final WatchList bound = watchList;
        return null == bound ? settings.gapLimit() : bound.gapLimit();
    }

    /**
     * The first payment to a reserved address of the tip key's receive chain, while reserved or after it lapsed but
     * before its index was given out again, takes the reservation's name and message; the reservation is then SEEN
     * with the payment's txid and amount. Any later payment to it has no memo.
     *
     * @param script     the watched script paid.
     * @param txid       the payment's transaction id, hex.
     * @param amountSats what the script received.
     * @param nowEpochMs the wallet's clock.
     * @return the memo, or null.
     */
    public synchronized Memo memoFor(
        final WatchedScript script, final String txid, final long amountSats, final long nowEpochMs)
    {
        if (!script.derived() || script.keyIndex() != settings.keyIndex() || script.chain() != RECEIVE_CHAIN)
        {
            return null;
        }
        forgetIfDue(nowEpochMs);
        final Entry entry = byIndex.get(script.index());
        if (null == entry || entry.seen || !entry.reservation.address().equals(script.address()))
        {
            return null;
        }
        markSeen(entry, txid, amountSats, nowEpochMs);
        return new Memo(entry.reservation.name(), entry.reservation.message());
    }

    /**
     * Reservations remembered now (live, lapsed or paid, until forgotten): bounded by
     * {@code capacity() + }{@value #MAX_REMEMBERED_PAST}.
     *
     * @return the count.
     */
    public synchronized int remembered()
    {
        return byId.size();
    }

    private void markSeen(final Entry entry, final String txid, final long amountSats, final long atMs)
    {
        entry.seen = true;
        entry.txid = txid;
        entry.paidSats = amountSats;
        entry.seenAtMs = atMs;
    }

    private Outcome refused(final long receipt)
    {
        if (EventPublisher.HALTED == receipt)
        {
            final String why = publisher.haltReason();
            return new Outcome(null, 503, "the engine accepts no event: " + (null == why ? "its journal halted" : why),
                RETRY_SYNCING_MS);
        }
        if (EventPublisher.INVALID == receipt)
        {
            return new Outcome(null, 500, "the reservation could not be journaled: the engine refused it as invalid", 0);
        }
        return new Outcome(null, 503, "the engine is busy: nothing was reserved, try again shortly", RETRY_BUSY_MS);
    }

    private String newId()
    {
        final byte[] bytes = new byte[ID_BYTES];
        String id;
        do
        {
            random.nextBytes(bytes);
            id = HexFormat.of().formatHex(bytes);
        }
        while (byId.containsKey(id));
        return id;
    }

    private void add(final Entry entry)
    {
        byId.put(entry.reservation.id(), entry);
        // a later reservation of an index supersedes the earlier one: it takes the index's memo from now on
        byIndex.put(entry.reservation.index(), entry);
        final int bound = capacity() + MAX_REMEMBERED_PAST;
        if (byId.size() > bound)
        {
            final long nowMs = clock.time();
            final Iterator<Entry> oldest = byId.values().iterator();
            while (byId.size() > bound && oldest.hasNext())
            {
                final Entry candidate = oldest.next();
                if (!candidate.waiting(nowMs))
                {
                    oldest.remove();
                    byIndex.remove(candidate.reservation.index(), candidate);
                }
            }
        }
    }

    private void forgetIfDue(final long nowMs)
    {
        if (nowMs < nextForgetMs)
        {
            return;
        }
        nextForgetMs = nowMs + FORGET_INTERVAL_MS;
        final Iterator<Entry> entries = byId.values().iterator();
        while (entries.hasNext())
        {
            final Entry entry = entries.next();
            if (entry.forgetAtMs() <= nowMs)
            {
                entries.remove();
                byIndex.remove(entry.reservation.index(), entry);
            }
        }
    }
}
