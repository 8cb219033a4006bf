package dev.commandcenter.plugin.streambridge;

import dev.commandcenter.codecs.sbe.AlertKind;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayAlertEncoder;
import dev.commandcenter.codecs.sbe.TransactionConfirmedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.PluginStorage;
import dev.commandcenter.engine.plugin.Recovery;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns received payments into overlay alerts for OBS browser sources. For each
 * {@code TransactionReceived} of at least {@code minAmountSats} not seen before (same txid and
 * script hash), it emits one {@code OverlayAlert} with its title and message rendered from templates,
 * scheduled one at a time: it shows at the later of the payment's event time and the end of the
 * alert before it, and carries how many earlier alerts are still pending or showing, and whether a merkle
 * proof backs the payment ({@code verified}).
 * <p>
 * With {@code alertOn: mempool} (the default) a payment alerts when first seen, in the mempool on the
 * server's word; with {@code alertOn: confirmed} only once proven confirmed: a {@code TransactionReceived}
 * marked verified, or the first {@code TransactionConfirmed} of a payment (the wallet emits those only with
 * a proof). The wallet journals every sighting either way; this plugin decides what is worth an alert.
 * <p>
 * The schedule depends only on event timestamps and sequences, never on a wall clock, so replaying
 * a journal reproduces the same alerts byte for byte. Its overlay page is served from
 * {@link #webResourceRoot()} at {@code /plugins/stream-bridge/?token=TOKEN} and listens on
 * {@code /ws/stream-bridge}.
 * <p>
 * Configuration keys ({@code plugins.stream-bridge.*}): {@value #MIN_AMOUNT_SATS_KEY} (default
 * {@value #MIN_AMOUNT_SATS_DEFAULT}), {@value #ALERT_DURATION_MS_KEY} (default
 * {@value #ALERT_DURATION_MS_DEFAULT}), {@value #TITLE_KEY} (default {@value #TITLE_DEFAULT}),
 * {@value #MESSAGE_KEY} (default {@value #MESSAGE_DEFAULT}), {@value #ALERT_ON_KEY} ({@code mempool} or
 * {@code confirmed}, default {@code mempool}). Templates take the placeholders
 * {@code {amount}} (as {@code 0.00012345 BTC}), {@code {sats}} (as {@code 12345}), {@code {address}},
 * {@code {memo}} and {@code {txid}} (hex); <code>{{</code> and <code>}}</code> are literal braces.
 * {@value #ACCEPT_PAYMENTS_FROM_KEY} (default {@value #ACCEPT_PAYMENTS_FROM_DEFAULT}) lists the event sources whose
 * payments raise alerts, as a list or a comma-separated string of source names ({@code wallet}, {@code rest},
 * {@code websocket}, {@code aeron}, {@code cli}, ...): a payment from any other source (a fake posted with a leaked
 * token) is ignored and counted in {@link #ignoredPayments()}.
 * <p>
 * <p>
 * State across restarts ({@link #recovery()}: snapshot): every {@value #SNAPSHOT_EVERY_EVENTS_KEY} handled events
 * (default {@value #SNAPSHOT_EVERY_EVENTS_DEFAULT}) and when it stops, the plugin writes {@value #SNAPSHOT_ENTRY} to
 * its storage: the payments seen, the alert schedule and the alerts still pending (at most
 * {@value #PENDING_ALERTS_KEPT}, as encoded {@code OverlayAlert}s), and the sequence of the first event it does not
 * cover. At start it restores it, the engine hands it the journal's events after it (with emits dropped), and
 * {@link #onRecovered(PluginContext)} re-announces the alerts still pending, with their own alertId, which the
 * overlay shows once. A payment reported again after a restart raises no second alert.
 * <p>
 * <b>Note:</b> all state is owned by the plugin's thread; nothing is allocated per event once warm (a snapshot,
 * every {@value #SNAPSHOT_EVERY_EVENTS_KEY} events, is written off the per-event path).
 */
public final class StreamBridgePlugin implements Plugin
{
    /** Plugin id, used in configuration, URLs and counters. */
    public static final String ID = "stream-bridge";

    /** Class path folder of the overlay page. */
    public static final String WEB_RESOURCE_ROOT = "stream-bridge/web";

    /** Key: smallest payment in satoshis that raises an alert (0 or more; a payment of 0 sats never does). */
    public static final String MIN_AMOUNT_SATS_KEY = "minAmountSats";
    /** Default smallest payment that raises an alert. */
    public static final long MIN_AMOUNT_SATS_DEFAULT = 1000;

    /** Key: how long each alert shows, in milliseconds. */
    public static final String ALERT_DURATION_MS_KEY = "alertDurationMs";
    /** Default time each alert shows. */
    public static final long ALERT_DURATION_MS_DEFAULT = 8000;
    /** Longest time an alert may show: one hour. */
    public static final long ALERT_DURATION_MS_MAX = 3_600_000;

    /** Key: template of the alert title. */
    public static final String TITLE_KEY = "title";
    /** Default title template. */
    public static final String TITLE_DEFAULT = "New tip!";

    /** Key: template of the alert message. */
    public static final String MESSAGE_KEY = "message";
    /** Default message template. */
    public static final String MESSAGE_DEFAULT = "{amount} from {address}";

    /** Longest rendered title in UTF-8 bytes; longer ones are cut and end with an ellipsis. */
    public static final int TITLE_MAX_BYTES = 256;
    /** Longest rendered message in UTF-8 bytes; longer ones are cut and end with an ellipsis. */
    public static final int MESSAGE_MAX_BYTES = 1024;
    /** How many payments are remembered to ignore repeated reports of the same one. */
    public static final int SEEN_PAYMENTS_CAPACITY = 8192;

    /** Key: {@code mempool} to alert on payments when first seen, {@code confirmed} only once proven confirmed. */
    public static final String ALERT_ON_KEY = "alertOn";
    /** Default of {@value #ALERT_ON_KEY}. */
    public static final String ALERT_ON_DEFAULT = "mempool";


    /** Key: sources whose payments raise alerts, a list or comma-separated source names. */
    public static final String ACCEPT_PAYMENTS_FROM_KEY = "acceptPaymentsFrom";
    /** Default: payments the wallet source reported, nothing else. */
    public static final String ACCEPT_PAYMENTS_FROM_DEFAULT = "wallet";

    /** Key: handled events between two snapshots of the plugin's state (1 to 10,000,000). */
    public static final String SNAPSHOT_EVERY_EVENTS_KEY = "snapshotEveryEvents";
    /** Default of {@value #SNAPSHOT_EVERY_EVENTS_KEY}. */
    public static final long SNAPSHOT_EVERY_EVENTS_DEFAULT = 1000;
    /** Largest {@value #SNAPSHOT_EVERY_EVENTS_KEY}. */
    public static final long SNAPSHOT_EVERY_EVENTS_MAX = 10_000_000;
    /** Storage entry of the snapshot. */
    public static final String SNAPSHOT_ENTRY = "stream-bridge-state.bin";
    /** Pending alerts kept for re-announcement after a restart; older pending ones are not re-announced. */
    public static final int PENDING_ALERTS_KEPT = 64;
    /** Journal events read back at most when the snapshot is missing or older. */
    public static final long RECOVERY_MAX_EVENTS = 100_000;

    /** First bytes of a snapshot: {@code CCSB} little-endian. */
    static final int SNAPSHOT_MAGIC = 0x42534343;
    /** Version of the snapshot layout this build writes and reads. */
    static final int SNAPSHOT_VERSION = 1;

    private static final byte[] NO_BYTES = new byte[0];

    private static final int ALERT_MAX_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + OverlayAlertEncoder.BLOCK_LENGTH +
        TITLE_MAX_BYTES + MESSAGE_MAX_BYTES + 64;
    private static final List<String> KNOWN_KEYS =
        List.of(MIN_AMOUNT_SATS_KEY, ALERT_DURATION_MS_KEY, TITLE_KEY, MESSAGE_KEY, ALERT_ON_KEY,
            ACCEPT_PAYMENTS_FROM_KEY, SNAPSHOT_EVERY_EVENTS_KEY);

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionReceivedDecoder received = new TransactionReceivedDecoder();
    private final TransactionConfirmedDecoder confirmed = new TransactionConfirmedDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final OverlayAlertEncoder alertEncoder = new OverlayAlertEncoder();
    private final Payment payment = new Payment();
    private final UnsafeBuffer titleBuffer = new UnsafeBuffer(new byte[TITLE_MAX_BYTES]);
    private final UnsafeBuffer messageBuffer = new UnsafeBuffer(new byte[MESSAGE_MAX_BYTES]);
    private final LongArrayQueue pendingEndsMs = new LongArrayQueue(64, Long.MIN_VALUE);
    private final int seenCapacity;
    private SeenPayments seen;
    private Emitter emitter;

    private long minAmountSats = MIN_AMOUNT_SATS_DEFAULT;
    private int durationMs = (int)ALERT_DURATION_MS_DEFAULT;
    private AlertTemplate titleTemplate;
    private AlertTemplate messageTemplate;
    private long lastEndMs = Long.MIN_VALUE;
    private boolean alertOnConfirmed;
    private boolean verified;
    private final boolean[] acceptedSources = new boolean[Sources.MAX_ID + 1];
    private long ignoredPayments;

    private final UnsafeBuffer[] pendingAlerts = new UnsafeBuffer[PENDING_ALERTS_KEPT];
    private final int[] pendingAlertLengths = new int[PENDING_ALERTS_KEPT];
    private final long[] pendingAlertEndsMs = new long[PENDING_ALERTS_KEPT];
    private int pendingAlertsHead;
    private int pendingAlertsCount;
    private PluginContext context;
    private long snapshotEveryEvents = SNAPSHOT_EVERY_EVENTS_DEFAULT;
    private long handledSinceSnapshot;
    private long nextSequence;
    private long lastEventMs = Long.MIN_VALUE;

    private long alertId;
    private long showAtMs;
    private int queued;
    private int titleLength;
    private int messageLength;

    /**
     * Create the plugin; configuration is read in {@link #onStart(PluginContext)}.
     */
    public StreamBridgePlugin()
    {
        this(SEEN_PAYMENTS_CAPACITY);
    }

    /**
     * Create the plugin with a given memory of seen payments.
     *
     * @param seenCapacity number of payments remembered for de-duplication.
     */
    StreamBridgePlugin(final int seenCapacity)
    {
        this.seenCapacity = seenCapacity;
        for (int i = 0; i < PENDING_ALERTS_KEPT; i++)
        {
            pendingAlerts[i] = new UnsafeBuffer(new byte[ALERT_MAX_LENGTH]);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String id()
    {
        return ID;
    }

    /**
     * {@code TransactionReceived}, and {@code TransactionConfirmed} for {@code alertOn: confirmed}; a payment
     * already alerted raises nothing more.
     *
     * @return the subscription.
     */
    public Subscription subscription()
    {
        return Subscription.of(TransactionReceivedDecoder.TEMPLATE_ID, TransactionConfirmedDecoder.TEMPLATE_ID);
    }

    /**
     * Read and check the configuration, compile the templates and start with an empty schedule.
     *
     * @param context of this plugin.
     * @throws IllegalArgumentException with a one-line message naming the wrong key and what was expected.
     */
    public void onStart(final PluginContext context)
    {
        configure(context.config());
        this.context = context;
        emitter = context.emitter();
        clearState();
    }

    /**
     * Snapshot recovery: the snapshot in {@value #SNAPSHOT_ENTRY}, then at most {@value #RECOVERY_MAX_EVENTS} journal
     * events after it.
     *
     * @return {@link Recovery#snapshot(long)}.
     */
    public Recovery recovery()
    {
        return Recovery.snapshot(RECOVERY_MAX_EVENTS);
    }

    /**
     * Restore the state {@value #SNAPSHOT_ENTRY} holds.
     *
     * @param context of this plugin.
     * @return the sequence of the first event the snapshot does not cover, or {@link Recovery#NO_SNAPSHOT}.
     * @throws IllegalStateException naming the entry and what is wrong with it; the state is empty again then.
     */
    public long restoreSnapshot(final PluginContext context)
    {
        final PluginStorage storage = context.config().hasStorage() ? context.storage() : null;
        final byte[] bytes = null == storage ? null : storage.read(SNAPSHOT_ENTRY);
        if (null == bytes)
        {
            return Recovery.NO_SNAPSHOT;
        }
        try
        {
            return decodeSnapshot(new UnsafeBuffer(bytes));
        }
        catch (final RuntimeException ex)
        {
            clearState();
            throw new IllegalStateException(SNAPSHOT_ENTRY + " of plugin " + ID + " cannot be restored: " +
                (ex instanceof IllegalStateException ? ex.getMessage() : "expected a complete snapshot of version " +
                SNAPSHOT_VERSION + " (" + bytes.length + " bytes, " + ex + ")"), ex);
        }
    }

    /**
     * Re-announce the alerts that were still pending at the last recovered event, oldest first, as they were first
     * emitted (same alertId, schedule and text).
     *
     * @param context of this plugin.
     */
    public void onRecovered(final PluginContext context)
    {
        for (int n = 0; n < pendingAlertsCount; n++)
        {
            final int slot = (pendingAlertsHead + n) % PENDING_ALERTS_KEPT;
            if (pendingAlertEndsMs[slot] > lastEventMs)
            {
                emitter.emit(pendingAlerts[slot], 0, pendingAlertLengths[slot]);
            }
        }
    }

    /**
     * Write the snapshot a last time.
     */
    public void onStop()
    {
        if (null != context && !context.recovering())
        {
            writeSnapshot();
        }
    }

    /**
     * Alert on a payment: filter by amount and duplicates, schedule it, render it and emit it; write a snapshot every
     * {@value #SNAPSHOT_EVERY_EVENTS_KEY} events.
     *
     * @param event a {@code TransactionReceived} or {@code TransactionConfirmed}.
     */
    public void onEvent(final Event event)
    {
        handle(event);
        nextSequence = event.sequence() + 1;
        lastEventMs = Math.max(lastEventMs, Math.floorDiv(event.timestampNs(), 1_000_000L));
        if (++handledSinceSnapshot >= snapshotEveryEvents && !context.recovering())
        {
            writeSnapshot();
        }
    }

    private void handle(final Event event)
    {
        final int source = event.source();
        if (source < 0 || source > Sources.MAX_ID || !acceptedSources[source])
        {
            ignoredPayments++;
            return;
        }
        final long amountSats;
        final int txidOffset;
        final int scriptHashOffset;
        if (TransactionReceivedDecoder.TEMPLATE_ID == event.templateId())
        {
            final TransactionReceivedDecoder decoder = received.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
            verified = BooleanType.TRUE == decoder.verified();
            if (alertOnConfirmed && !verified)
            {
                return;
            }
            amountSats = decoder.amountSats();
            txidOffset = decoder.offset() + TransactionReceivedDecoder.txidEncodingOffset();
            scriptHashOffset = decoder.offset() + TransactionReceivedDecoder.scriptHashEncodingOffset();
            if (!isNewAndLargeEnough(event, amountSats, txidOffset, scriptHashOffset))
            {
                return;
            }
            payment.set(amountSats, event.buffer(), txidOffset);
            decoder.wrapAddress(payment.address);
            decoder.wrapMemo(payment.memo);
        }
        else if (TransactionConfirmedDecoder.TEMPLATE_ID == event.templateId() && alertOnConfirmed)
        {
            final TransactionConfirmedDecoder decoder =
                confirmed.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
            verified = true;
            amountSats = decoder.amountSats();
            txidOffset = decoder.offset() + TransactionConfirmedDecoder.txidEncodingOffset();
            scriptHashOffset = decoder.offset() + TransactionConfirmedDecoder.scriptHashEncodingOffset();
            if (!isNewAndLargeEnough(event, amountSats, txidOffset, scriptHashOffset))
            {
                return;
            }
            payment.set(amountSats, event.buffer(), txidOffset);
            decoder.wrapAddress(payment.address);
            decoder.wrapMemo(payment.memo);
        }
        else
        {
            return;
        }

        final long eventMs = Math.floorDiv(event.timestampNs(), 1_000_000L);
        while (!pendingEndsMs.isEmpty() && pendingEndsMs.peekLong() <= eventMs)
        {
            pendingEndsMs.pollLong();
        }
        while (pendingAlertsCount > 0 && pendingAlertEndsMs[pendingAlertsHead] <= eventMs)
        {
            pendingAlertsHead = (pendingAlertsHead + 1) % PENDING_ALERTS_KEPT;
            pendingAlertsCount--;
        }
        alertId = event.sequence();
        queued = pendingEndsMs.size();
        showAtMs = Math.max(eventMs, lastEndMs);
        titleLength = titleTemplate.render(payment, titleBuffer, TITLE_MAX_BYTES);
        messageLength = messageTemplate.render(payment, messageBuffer, MESSAGE_MAX_BYTES);

        // Encoded where it is kept while pending, then emitted from there: one copy, nothing allocated.
        final int slot = (pendingAlertsHead + pendingAlertsCount) % PENDING_ALERTS_KEPT;
        final UnsafeBuffer alert = pendingAlerts[slot];
        final int length = writeAlert(alert, 0, this);
        if (emitter.emit(alert, 0, length))
        {
            seen.add(event.buffer(), txidOffset, scriptHashOffset);
            lastEndMs = showAtMs + durationMs;
            pendingEndsMs.addLong(lastEndMs);
            pendingAlertLengths[slot] = length;
            pendingAlertEndsMs[slot] = lastEndMs;
            if (pendingAlertsCount == PENDING_ALERTS_KEPT)
            {
                pendingAlertsHead = (pendingAlertsHead + 1) % PENDING_ALERTS_KEPT;
            }
            else
            {
                pendingAlertsCount++;
            }
        }
    }

    private void clearState()
    {
        seen = new SeenPayments(seenCapacity);
        pendingEndsMs.clear();
        lastEndMs = Long.MIN_VALUE;
        pendingAlertsHead = 0;
        pendingAlertsCount = 0;
        nextSequence = 0;
        lastEventMs = Long.MIN_VALUE;
        handledSinceSnapshot = 0;
    }

    /**
     * The snapshot of the state: magic, version, the first sequence not covered, the schedule ({@code lastEndMs},
     * the last event's time, the pending ends), the payments seen (oldest first) and the pending alerts kept.
     *
     * @return the bytes written to {@value #SNAPSHOT_ENTRY}.
     */
    byte[] encodeSnapshot()
    {
        int length = 4 + 4 + 8 + 8 + 8 + 4 + pendingEndsMs.size() * 8 + 4 + seen.size() * SeenPayments.KEY_BYTES + 4;
        for (int n = 0; n < pendingAlertsCount; n++)
        {
            length += 8 + 4 + pendingAlertLengths[(pendingAlertsHead + n) % PENDING_ALERTS_KEPT];
        }
        final byte[] bytes = new byte[length];
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        int position = 0;
        buffer.putInt(position, SNAPSHOT_MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(position + 4, SNAPSHOT_VERSION, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(position + 8, nextSequence, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(position + 16, lastEndMs, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(position + 24, lastEventMs, ByteOrder.LITTLE_ENDIAN);
        position += 32;
        final int pendingEnds = pendingEndsMs.size();
        buffer.putInt(position, pendingEnds, ByteOrder.LITTLE_ENDIAN);
        position += 4;
        for (int n = 0; n < pendingEnds; n++)
        {
            final long endMs = pendingEndsMs.pollLong();
            buffer.putLong(position, endMs, ByteOrder.LITTLE_ENDIAN);
            pendingEndsMs.addLong(endMs);
            position += 8;
        }
        buffer.putInt(position, seen.size(), ByteOrder.LITTLE_ENDIAN);
        position = seen.encode(buffer, position + 4);
        buffer.putInt(position, pendingAlertsCount, ByteOrder.LITTLE_ENDIAN);
        position += 4;
        for (int n = 0; n < pendingAlertsCount; n++)
        {
            final int slot = (pendingAlertsHead + n) % PENDING_ALERTS_KEPT;
            buffer.putLong(position, pendingAlertEndsMs[slot], ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(position + 8, pendingAlertLengths[slot], ByteOrder.LITTLE_ENDIAN);
            buffer.putBytes(position + 12, pendingAlerts[slot], 0, pendingAlertLengths[slot]);
            position += 12 + pendingAlertLengths[slot];
        }
        return bytes;
    }

    private long decodeSnapshot(final UnsafeBuffer buffer)
    {
        clearState();
        if (buffer.capacity() < 8 || SNAPSHOT_MAGIC != buffer.getInt(0, ByteOrder.LITTLE_ENDIAN))
        {
            throw new IllegalStateException("not a " + ID + " snapshot (expected it to start with CCSB)");
        }
        final int version = buffer.getInt(4, ByteOrder.LITTLE_ENDIAN);
        if (SNAPSHOT_VERSION != version)
        {
            throw new IllegalStateException("expected snapshot version " + SNAPSHOT_VERSION + ", got " + version);
        }
        final long covered = buffer.getLong(8, ByteOrder.LITTLE_ENDIAN);
        lastEndMs = buffer.getLong(16, ByteOrder.LITTLE_ENDIAN);
        lastEventMs = buffer.getLong(24, ByteOrder.LITTLE_ENDIAN);
        int position = 32;
        final int pendingEnds = count(buffer, position, 8, "pending alert ends");
        position += 4;
        for (int n = 0; n < pendingEnds; n++)
        {
            pendingEndsMs.addLong(buffer.getLong(position, ByteOrder.LITTLE_ENDIAN));
            position += 8;
        }
        final int seenCount = count(buffer, position, SeenPayments.KEY_BYTES, "payments seen");
        position += 4;
        for (int n = 0; n < seenCount; n++)
        {
            seen.add(buffer, position, position + SeenPayments.KEY_BYTES / 2);
            position += SeenPayments.KEY_BYTES;
        }
        final int alerts = count(buffer, position, 12, "pending alerts");
        if (alerts > PENDING_ALERTS_KEPT)
        {
            throw new IllegalStateException("expected at most " + PENDING_ALERTS_KEPT + " pending alerts, got " + alerts);
        }
        position += 4;
        for (int n = 0; n < alerts; n++)
        {
            final long endMs = buffer.getLong(position, ByteOrder.LITTLE_ENDIAN);
            final int length = buffer.getInt(position + 8, ByteOrder.LITTLE_ENDIAN);
            if (length < 1 || length > ALERT_MAX_LENGTH || position + 12 + length > buffer.capacity())
            {
                throw new IllegalStateException("pending alert " + n + " has a length of " + length +
                    ", expected 1 to " + ALERT_MAX_LENGTH + " bytes within the snapshot");
            }
            pendingAlerts[n].putBytes(0, buffer, position + 12, length);
            pendingAlertLengths[n] = length;
            pendingAlertEndsMs[n] = endMs;
            position += 12 + length;
        }
        pendingAlertsCount = alerts;
        if (position != buffer.capacity())
        {
            throw new IllegalStateException("expected " + position + " bytes, got " + buffer.capacity());
        }
        nextSequence = covered;
        return covered;
    }

    private static int count(final UnsafeBuffer buffer, final int position, final int itemBytes, final String what)
    {
        final int count = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN);
        if (count < 0 || (long)count * itemBytes > buffer.capacity() - position - 4)
        {
            throw new IllegalStateException("the count of " + what + " (" + count + ") does not fit in the " +
                buffer.capacity() + " bytes of the snapshot");
        }
        return count;
    }

    private void writeSnapshot()
    {
        handledSinceSnapshot = 0;
        if (context.config().hasStorage())
        {
            context.storage().write(SNAPSHOT_ENTRY, encodeSnapshot());
        }
    }

    private boolean isNewAndLargeEnough(
        final Event event, final long amountSats, final int txidOffset, final int scriptHashOffset)
    {
        return amountSats >= minAmountSats && amountSats > 0 && !seen.contains(event.buffer(), txidOffset, scriptHashOffset);
    }

    /**
     * Payments ignored because their source is not in {@value #ACCEPT_PAYMENTS_FROM_KEY}.
     * <p>
     * <b>Note:</b> written by the plugin's thread; read it from another thread only after the engine has drained.
     *
     * @return the count since start.
     */
    public long ignoredPayments()
    {
        return ignoredPayments;
    }

    /**
     * The overlay page: {@code index.html}, {@code overlay.js} and {@code overlay.css}.
     *
     * @return {@value #WEB_RESOURCE_ROOT}.
     */
    public String webResourceRoot()
    {
        return WEB_RESOURCE_ROOT;
    }

    private void configure(final PluginConfig config)
    {
        config.requireOnly(KNOWN_KEYS);
        final long minAmount = config.getLong(MIN_AMOUNT_SATS_KEY, MIN_AMOUNT_SATS_DEFAULT);
        if (minAmount < 0)
        {
            throw new IllegalArgumentException(
                key(MIN_AMOUNT_SATS_KEY) + ": expected 0 or more satoshis, got " + minAmount);
        }
        final long duration = config.getLong(ALERT_DURATION_MS_KEY, ALERT_DURATION_MS_DEFAULT);
        if (duration < 1 || duration > ALERT_DURATION_MS_MAX)
        {
            throw new IllegalArgumentException(key(ALERT_DURATION_MS_KEY) + ": expected 1 to " + ALERT_DURATION_MS_MAX +
                " milliseconds, got " + duration);
        }
        final AlertTemplate title = AlertTemplate.compile(key(TITLE_KEY), config.getString(TITLE_KEY, TITLE_DEFAULT));
        final AlertTemplate message = AlertTemplate.compile(key(MESSAGE_KEY), config.getString(MESSAGE_KEY, MESSAGE_DEFAULT));

        final String alertOn = config.getString(ALERT_ON_KEY, ALERT_ON_DEFAULT).trim().toLowerCase(Locale.ROOT);
        if (!"mempool".equals(alertOn) && !"confirmed".equals(alertOn))
        {
            throw new IllegalArgumentException(key(ALERT_ON_KEY) + ": expected mempool or confirmed, got '" +
                config.getString(ALERT_ON_KEY, ALERT_ON_DEFAULT) + "'");
        }

        final boolean[] sources = PluginConfig.acceptedSources(
            key(ACCEPT_PAYMENTS_FROM_KEY),
            Objects.requireNonNullElse(config.asMap().get(ACCEPT_PAYMENTS_FROM_KEY), ACCEPT_PAYMENTS_FROM_DEFAULT));
        final long snapshotEvery = config.getLong(SNAPSHOT_EVERY_EVENTS_KEY, SNAPSHOT_EVERY_EVENTS_DEFAULT);
        if (snapshotEvery < 1 || snapshotEvery > SNAPSHOT_EVERY_EVENTS_MAX)
        {
            throw new IllegalArgumentException(key(SNAPSHOT_EVERY_EVENTS_KEY) + ": expected 1 to " +
                SNAPSHOT_EVERY_EVENTS_MAX + " events, got " + snapshotEvery);
        }
        snapshotEveryEvents = snapshotEvery;

        System.arraycopy(sources, 0, acceptedSources, 0, acceptedSources.length);
        minAmountSats = minAmount;
        alertOnConfirmed = "confirmed".equals(alertOn);
        durationMs = (int)duration;
        titleTemplate = title;
        messageTemplate = message;
    }

    private static String key(final String name)
    {
        return "plugins." + ID + "." + name;
    }

    private static int writeAlert(final MutableDirectBuffer buffer, final int offset, final StreamBridgePlugin plugin)
    {
        final Payment payment = plugin.payment;
        plugin.alertEncoder.wrapAndApplyHeader(buffer, offset, plugin.headerEncoder)
            .alertId(plugin.alertId)
            .amountSats(payment.amountSats)
            .showAtEpochMs(plugin.showAtMs)
            .durationMs(plugin.durationMs)
            .queued(plugin.queued)
            .kind(AlertKind.PAYMENT)
            .putTxid(payment.txidBuffer, payment.txidOffset, Payment.TXID_LENGTH)
            .verified(plugin.verified ? BooleanType.TRUE : BooleanType.FALSE)
            .delayMs(0)
            .putTitle(plugin.titleBuffer, 0, plugin.titleLength)
            .putMessage(plugin.messageBuffer, 0, plugin.messageLength)
            .putSound(NO_BYTES, 0, 0)
            .putImage(NO_BYTES, 0, 0);

        return MessageHeaderEncoder.ENCODED_LENGTH + plugin.alertEncoder.encodedLength();
    }
}
