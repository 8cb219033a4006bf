package dev.commandcenter.plugin.streambridge;

import dev.commandcenter.codecs.sbe.AlertKind;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayAlertDecoder;
import dev.commandcenter.codecs.sbe.OverlayAlertEncoder;
import dev.commandcenter.codecs.sbe.OverlayControlAction;
import dev.commandcenter.codecs.sbe.OverlayControlDecoder;
import dev.commandcenter.codecs.sbe.OverlayQueueEncoder;
import dev.commandcenter.codecs.sbe.TipMemoDecoder;
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
import dev.commandcenter.engine.plugin.SnapshotCadence;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * <b>Tip memos.</b> A {@code TipMemo} (the tip page's viewer name and message, which the wallet publishes just before
 * the payment; or an admin's {@code POST /api/chat/tips}) from a source in {@value #ACCEPT_MEMOS_FROM_KEY} waits for
 * its payment by txid (at most {@value #MEMOS_KEPT}, each at most {@value #MEMO_MAX_AGE_MS} ms of event time). When
 * the payment's alert is made and a memo waits for its txid, the alert is rendered from {@value #TIP_TITLE_KEY} and
 * {@value #TIP_MESSAGE_KEY} with {@code {name}} and {@code {message}} filled; a memo that comes after the payment's
 * alert changes nothing.
 * <p>
 * <b>Alert-queue control.</b> An {@code OverlayControl} from a source in {@value #ACCEPT_CONTROLS_FROM_KEY} (others
 * are ignored and counted in {@link #ignoredControls()}): {@code PAUSE} holds new payment alerts (at most
 * {@value #HELD_ALERTS_KEPT}; past it the oldest held is dropped and counted in {@link #droppedHeldAlerts()});
 * {@code RESUME} emits the held ones one after another from the resume's time; {@code SKIP} ends the alert showing
 * now and pulls the rest of the schedule forward by the time it had left; {@code REPLAY_LAST} emits the last payment
 * alert again with the control's sequence as its alertId; {@code TEST_ALERT} emits an {@code AlertKind.TEST} alert from
 * {@value #TEST_TITLE_KEY} and {@value #TEST_MESSAGE_KEY}. A replay and a test alert are the streamer's own request:
 * they show while paused too, scheduled after the alerts already scheduled. After each control, each held alert and
 * on {@link #onRecovered(PluginContext)} (unless the queue is as new) it emits an {@code OverlayQueue}: paused, alerts pending (held or scheduled
 * and not finished at that event's time), the alert skipped, the last payment alert and the action.
 * <p>
 * The schedule depends only on event timestamps and sequences, never on a wall clock, so replaying
 * a journal reproduces the same alerts byte for byte. Its overlay page is served from
 * {@link #webResourceRoot()} at {@code /plugins/stream-bridge/?token=TOKEN} and listens on
 * {@code /ws/stream-bridge}.
 * <p>
 * Configuration keys ({@code plugins.stream-bridge.*}): {@value #MIN_AMOUNT_SATS_KEY} (default
 * {@value #MIN_AMOUNT_SATS_DEFAULT}), {@value #ALERT_DURATION_MS_KEY} (default
 * {@value #ALERT_DURATION_MS_DEFAULT}), {@value #TITLE_KEY} (default {@value #TITLE_DEFAULT}),
 * {@value #MESSAGE_KEY} (default {@value #MESSAGE_DEFAULT}), {@value #TIP_TITLE_KEY} (default
 * {@value #TIP_TITLE_DEFAULT}), {@value #TIP_MESSAGE_KEY} (default {@value #TIP_MESSAGE_DEFAULT}),
 * {@value #TEST_TITLE_KEY} (default {@value #TEST_TITLE_DEFAULT}), {@value #TEST_MESSAGE_KEY} (default
 * {@value #TEST_MESSAGE_DEFAULT}), {@value #ALERT_ON_KEY} ({@code mempool} or {@code confirmed}, default
 * {@code mempool}). Templates take the placeholders {@code {amount}} (as {@code 0.00012345 BTC}), {@code {sats}}
 * (as {@code 12345}), {@code {address}}, {@code {memo}}, {@code {txid}} (hex), {@code {name}} and {@code {message}}
 * (the tip memo's, empty without one); <code>{{</code> and <code>}}</code> are literal braces.
 * {@value #ACCEPT_PAYMENTS_FROM_KEY} (default {@value #ACCEPT_PAYMENTS_FROM_DEFAULT}) lists the event sources whose
 * payments raise alerts, as a list or a comma-separated string of source names ({@code wallet}, {@code rest},
 * {@code websocket}, {@code aeron}, {@code cli}, ...): a payment from any other source (a fake posted with a leaked
 * token) is ignored and counted in {@link #ignoredPayments()}. {@value #ACCEPT_MEMOS_FROM_KEY} (default
 * {@value #ACCEPT_MEMOS_FROM_DEFAULT}) and {@value #ACCEPT_CONTROLS_FROM_KEY} (default
 * {@value #ACCEPT_CONTROLS_FROM_DEFAULT}) do the same for tip memos and controls.
 * <p>
 * State across restarts ({@link #recovery()}: snapshot): every {@value #SNAPSHOT_EVERY_EVENTS_KEY} handled events
 * (default {@value #SNAPSHOT_EVERY_EVENTS_DEFAULT}), but not sooner than {@code snapshotMinIntervalMs} of event time
 * after the last one (default 1,000; 0 for every {@value #SNAPSHOT_EVERY_EVENTS_KEY} events) and never more than
 * 50,000 events after it ({@link SnapshotCadence}), and when it stops, the plugin writes {@value #SNAPSHOT_ENTRY} to
 * its storage: the payments seen, the alert schedule and the alerts still pending (at most
 * {@value #PENDING_ALERTS_KEPT}, as encoded {@code OverlayAlert}s), whether it is paused, the held alerts, the last
 * payment alert, the tip memos waiting, and the sequence of the first event it does not cover. At start it restores
 * it (version 1 snapshots too), the engine hands it the journal's events after it (with emits dropped), and
 * {@link #onRecovered(PluginContext)} re-announces the alerts still pending, with their own alertId, which the
 * overlay shows once, and the queue's state. A payment reported again after a restart raises no second alert. A
 * snapshot the host's storage refuses (over {@code plugins.storage.maxEntryBytes}) is counted in
 * {@link #refusedSnapshots()} and the previous one stays; alerting goes on.
 * <p>
 * <b>Bounds.</b> At most {@value #MAX_QUEUED_ALERTS_KEY} alerts (default {@value #MAX_QUEUED_ALERTS_DEFAULT}) are
 * scheduled and not finished at once: a payment that comes while the line is full raises no alert (counted in
 * {@link #droppedQueuedAlerts()}), stays seen, and reaches other plugins as usual.
 * <p>
 * <b>Note:</b> all state is owned by the plugin's thread; nothing is allocated per event once warm. A snapshot, every
 * {@value #SNAPSHOT_EVERY_EVENTS_KEY} events, is encoded into a buffer kept for it and handed to
 * {@link PluginStorage#writeLatest}: the host's storage copies it and writes it to disk off this thread.
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

    /** Key: template of the title of a payment that came with a tip memo. */
    public static final String TIP_TITLE_KEY = "tipTitle";
    /** Default tip title template. */
    public static final String TIP_TITLE_DEFAULT = "{name} tipped {amount}";

    /** Key: template of the message of a payment that came with a tip memo. */
    public static final String TIP_MESSAGE_KEY = "tipMessage";
    /** Default tip message template. */
    public static final String TIP_MESSAGE_DEFAULT = "{message}";

    /** Key: template of a test alert's title (placeholders render as for a payment of 0 sats without a memo). */
    public static final String TEST_TITLE_KEY = "testTitle";
    /** Default test title template. */
    public static final String TEST_TITLE_DEFAULT = "Test alert";

    /** Key: template of a test alert's message. */
    public static final String TEST_MESSAGE_KEY = "testMessage";
    /** Default test message template. */
    public static final String TEST_MESSAGE_DEFAULT = "This is how your alerts will look.";

    /** The name {@code {name}} shows for a tip memo with an empty name. */
    public static final String ANONYMOUS = "Anonymous";

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

    /** Key: sources whose tip memos name a payment's viewer, a list or comma-separated source names. */
    public static final String ACCEPT_MEMOS_FROM_KEY = "acceptMemosFrom";
    /** Default: the wallet (the tip page's memos) and REST (an admin's {@code POST /api/chat/tips}). */
    public static final String ACCEPT_MEMOS_FROM_DEFAULT = "wallet, rest";

    /** Key: sources whose {@code OverlayControl}s are obeyed, a list or comma-separated source names. */
    public static final String ACCEPT_CONTROLS_FROM_KEY = "acceptControlsFrom";
    /** Default: REST (the dashboard, {@code commandcenter overlay}) and the command line. */
    public static final String ACCEPT_CONTROLS_FROM_DEFAULT = "rest, cli";

    /** Key: handled events between two snapshots of the plugin's state (1 to 10,000,000). */
    public static final String SNAPSHOT_EVERY_EVENTS_KEY = "snapshotEveryEvents";
    /** Default of {@value #SNAPSHOT_EVERY_EVENTS_KEY}. */
    public static final long SNAPSHOT_EVERY_EVENTS_DEFAULT = 1000;
    /** Largest {@value #SNAPSHOT_EVERY_EVENTS_KEY}. */
    public static final long SNAPSHOT_EVERY_EVENTS_MAX = 10_000_000;
    /** First capacity of the buffer a snapshot is encoded into; it grows to the largest snapshot and stays. */
    private static final int SNAPSHOT_INITIAL_CAPACITY = 64 * 1024;
    /** Key: alerts scheduled and not finished at most (1 to 1,000,000); past it a payment's alert is dropped. */
    public static final String MAX_QUEUED_ALERTS_KEY = "maxQueuedAlerts";
    /** Default of {@value #MAX_QUEUED_ALERTS_KEY}: with the default 8 s alerts, over 22 hours of alerts in line. */
    public static final long MAX_QUEUED_ALERTS_DEFAULT = 10_000;
    /** Largest {@value #MAX_QUEUED_ALERTS_KEY}. */
    public static final long MAX_QUEUED_ALERTS_MAX = 1_000_000;
    /** Storage entry of the snapshot. */
    public static final String SNAPSHOT_ENTRY = "stream-bridge-state.bin";
    /** Pending alerts kept for re-announcement after a restart; older pending ones are not re-announced. */
    public static final int PENDING_ALERTS_KEPT = 64;
    /** Journal events read back at most when the snapshot is missing or older. */
    public static final long RECOVERY_MAX_EVENTS = 100_000;

    /** Alerts held while paused; past it the oldest held is dropped. */
    public static final int HELD_ALERTS_KEPT = 1000;
    /** Tip memos waiting for their payment; past it the oldest is forgotten. */
    public static final int MEMOS_KEPT = 1024;
    /** How long a tip memo waits for its payment, in milliseconds of event time: one hour. */
    public static final long MEMO_MAX_AGE_MS = 3_600_000;

    /** First bytes of a snapshot: {@code CCSB} little-endian. */
    static final int SNAPSHOT_MAGIC = 0x42534343;
    /** Version of the snapshot layout this build writes; it reads this one and version 1. */
    static final int SNAPSHOT_VERSION = 2;

    private static final byte[] NO_BYTES = new byte[0];
    private static final byte[] ANONYMOUS_BYTES = ANONYMOUS.getBytes(StandardCharsets.UTF_8);
    private static final UnsafeBuffer NO_TXID = new UnsafeBuffer(new byte[Payment.TXID_LENGTH]);
    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;

    private static final int ALERT_MAX_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + OverlayAlertEncoder.BLOCK_LENGTH +
        TITLE_MAX_BYTES + MESSAGE_MAX_BYTES + 64;
    private static final List<String> KNOWN_KEYS =
        List.of(MIN_AMOUNT_SATS_KEY, ALERT_DURATION_MS_KEY, TITLE_KEY, MESSAGE_KEY, TIP_TITLE_KEY, TIP_MESSAGE_KEY,
            TEST_TITLE_KEY, TEST_MESSAGE_KEY, ALERT_ON_KEY, ACCEPT_PAYMENTS_FROM_KEY, ACCEPT_MEMOS_FROM_KEY,
            ACCEPT_CONTROLS_FROM_KEY, SNAPSHOT_EVERY_EVENTS_KEY, SnapshotCadence.MIN_INTERVAL_MS_KEY,
            MAX_QUEUED_ALERTS_KEY);

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionReceivedDecoder received = new TransactionReceivedDecoder();
    private final TransactionConfirmedDecoder confirmed = new TransactionConfirmedDecoder();
    private final TipMemoDecoder memoDecoder = new TipMemoDecoder();
    private final OverlayControlDecoder controlDecoder = new OverlayControlDecoder();
    private final OverlayAlertDecoder alertDecoder = new OverlayAlertDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final OverlayAlertEncoder alertEncoder = new OverlayAlertEncoder();
    private final OverlayQueueEncoder queueEncoder = new OverlayQueueEncoder();
    private final Payment payment = new Payment();
    private final UnsafeBuffer memoName = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer memoText = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer titleBuffer = new UnsafeBuffer(new byte[TITLE_MAX_BYTES]);
    private final UnsafeBuffer messageBuffer = new UnsafeBuffer(new byte[MESSAGE_MAX_BYTES]);
    private final UnsafeBuffer alertScratch = new UnsafeBuffer(new byte[ALERT_MAX_LENGTH]);
    private final UnsafeBuffer queueBuffer =
        new UnsafeBuffer(new byte[MessageHeaderEncoder.ENCODED_LENGTH + OverlayQueueEncoder.BLOCK_LENGTH]);
    private final AlertSchedule schedule = new AlertSchedule(64);
    private final TipMemos memos = new TipMemos(MEMOS_KEPT, MEMO_MAX_AGE_MS);
    private final int seenCapacity;
    private SeenPayments seen;
    private Emitter emitter;

    private long minAmountSats = MIN_AMOUNT_SATS_DEFAULT;
    private int durationMs = (int)ALERT_DURATION_MS_DEFAULT;
    private AlertTemplate titleTemplate;
    private AlertTemplate messageTemplate;
    private AlertTemplate tipTitleTemplate;
    private AlertTemplate tipMessageTemplate;
    private AlertTemplate testTitleTemplate;
    private AlertTemplate testMessageTemplate;
    private long lastEndMs = Long.MIN_VALUE;
    private boolean alertOnConfirmed;
    private boolean verified;
    private final boolean[] acceptedSources = new boolean[Sources.MAX_ID + 1];
    private final boolean[] acceptedMemoSources = new boolean[Sources.MAX_ID + 1];
    private final boolean[] acceptedControlSources = new boolean[Sources.MAX_ID + 1];
    private long ignoredPayments;
    private long ignoredMemos;
    private long ignoredControls;
    private long droppedHeldAlerts;
    private long droppedQueuedAlerts;
    private long refusedSnapshots;

    private final UnsafeBuffer[] pendingAlerts = new UnsafeBuffer[PENDING_ALERTS_KEPT];
    private final int[] pendingAlertLengths = new int[PENDING_ALERTS_KEPT];
    private final long[] pendingAlertEndsMs = new long[PENDING_ALERTS_KEPT];
    private final long[] pendingAlertIds = new long[PENDING_ALERTS_KEPT];
    private int pendingAlertsHead;
    private int pendingAlertsCount;

    private final UnsafeBuffer[] heldAlerts = new UnsafeBuffer[HELD_ALERTS_KEPT];
    private final int[] heldAlertLengths = new int[HELD_ALERTS_KEPT];
    private int heldHead;
    private int heldCount;
    private boolean paused;

    private final UnsafeBuffer lastAlert = new UnsafeBuffer(new byte[ALERT_MAX_LENGTH]);
    private int lastAlertLength;
    private long lastAlertId;

    private PluginContext context;
    private SnapshotCadence snapshotCadence =
        new SnapshotCadence(SNAPSHOT_EVERY_EVENTS_DEFAULT, SnapshotCadence.MIN_INTERVAL_MS_DEFAULT);
    private int maxQueuedAlerts = (int)MAX_QUEUED_ALERTS_DEFAULT;
    private final ExpandableArrayBuffer snapshotBuffer = new ExpandableArrayBuffer(SNAPSHOT_INITIAL_CAPACITY);
    private long nextSequence;
    private long lastEventMs = Long.MIN_VALUE;

    private long alertId;
    private AlertKind alertKind = AlertKind.PAYMENT;
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
     * {@code TransactionReceived}, {@code TransactionConfirmed} for {@code alertOn: confirmed}, {@code TipMemo} and
     * {@code OverlayControl}; a payment already alerted raises nothing more.
     *
     * @return the subscription.
     */
    public Subscription subscription()
    {
        return Subscription.of(TransactionReceivedDecoder.TEMPLATE_ID, TransactionConfirmedDecoder.TEMPLATE_ID,
            TipMemoDecoder.TEMPLATE_ID, OverlayControlDecoder.TEMPLATE_ID);
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
     * emitted (same alertId, schedule and text), then the queue's state, unless the queue is as new (never paused,
     * nothing held, pending or alerted).
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
        schedule.drain(lastEventMs);
        // A queue that never held, showed nor was paused is in the state every client assumes: nothing to announce.
        if (paused || heldCount > 0 || schedule.size() > 0 || 0 != lastAlertId)
        {
            emitQueue(paused ? OverlayControlAction.PAUSE : OverlayControlAction.RESUME, 0);
        }
    }

    /**
     * Write the snapshot a last time.
     */
    public void onStop()
    {
        if (null != context && !context.recovering())
        {
            writeSnapshot(true);
        }
    }

    /**
     * Alert on a payment, keep a tip memo or apply a control; write a snapshot every
     * {@value #SNAPSHOT_EVERY_EVENTS_KEY} events.
     *
     * @param event a {@code TransactionReceived}, {@code TransactionConfirmed}, {@code TipMemo} or
     *              {@code OverlayControl}.
     */
    public void onEvent(final Event event)
    {
        final long eventMs = Math.floorDiv(event.timestampNs(), 1_000_000L);
        switch (event.templateId())
        {
            case TransactionReceivedDecoder.TEMPLATE_ID, TransactionConfirmedDecoder.TEMPLATE_ID ->
                onPayment(event, eventMs);
            case TipMemoDecoder.TEMPLATE_ID -> onMemo(event, eventMs);
            case OverlayControlDecoder.TEMPLATE_ID -> onControl(event, eventMs);
            default ->
            {
            }
        }
        nextSequence = event.sequence() + 1;
        lastEventMs = Math.max(lastEventMs, eventMs);
        if (snapshotCadence.onEvent(event.timestampNs()) && !context.recovering())
        {
            writeSnapshot(false);
        }
    }

    private static boolean accepted(final boolean[] sources, final int source)
    {
        return source >= 0 && source <= Sources.MAX_ID && sources[source];
    }

    private void onPayment(final Event event, final long eventMs)
    {
        if (!accepted(acceptedSources, event.source()))
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
        else if (alertOnConfirmed)
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

        drain(eventMs);
        final TipMemos.Memo memo = memos.find(event.buffer(), txidOffset, eventMs);
        if (null == memo)
        {
            payment.name.wrap(NO_BYTES);
            payment.message.wrap(NO_BYTES);
            titleLength = titleTemplate.render(payment, titleBuffer, TITLE_MAX_BYTES);
            messageLength = messageTemplate.render(payment, messageBuffer, MESSAGE_MAX_BYTES);
        }
        else
        {
            if (0 == memo.nameLength)
            {
                payment.name.wrap(ANONYMOUS_BYTES);
            }
            else
            {
                payment.name.wrap(memo.name, 0, memo.nameLength);
            }
            payment.message.wrap(memo.message, 0, memo.messageLength);
            titleLength = tipTitleTemplate.render(payment, titleBuffer, TITLE_MAX_BYTES);
            messageLength = tipMessageTemplate.render(payment, messageBuffer, MESSAGE_MAX_BYTES);
        }
        alertId = event.sequence();
        alertKind = AlertKind.PAYMENT;
        final int length = writeAlert(alertScratch, 0, this);

        if (paused)
        {
            hold(alertScratch, length);
        }
        else if (schedule.size() >= maxQueuedAlerts)
        {
            // A flood of payments: the line of alerts is full, so this one is never shown; the payment stays seen (it
            // must not alert later) and other plugins still get it.
            droppedQueuedAlerts++;
        }
        else if (scheduleAndEmit(alertScratch, length, eventMs))
        {
            rememberLast(alertScratch, length);
        }
        else
        {
            return;
        }
        seen.add(event.buffer(), txidOffset, scriptHashOffset);
        if (null != memo)
        {
            memos.take(memo);
        }
        if (paused)
        {
            emitQueue(OverlayControlAction.PAUSE, 0);
        }
    }

    private void onMemo(final Event event, final long eventMs)
    {
        if (!accepted(acceptedMemoSources, event.source()))
        {
            ignoredMemos++;
            return;
        }
        final TipMemoDecoder decoder = memoDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        final int txidOffset = decoder.offset() + TipMemoDecoder.txidEncodingOffset();
        decoder.skipChannel();
        decoder.wrapUser(memoName);
        decoder.wrapText(memoText);
        if (!memos.add(event.buffer(), txidOffset, eventMs, memoName, 0, memoName.capacity(),
            memoText, 0, memoText.capacity()))
        {
            ignoredMemos++;
        }
    }

    private void onControl(final Event event, final long eventMs)
    {
        final OverlayControlDecoder decoder =
            controlDecoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        final short raw = decoder.actionRaw();
        if (!accepted(acceptedControlSources, event.source()) || raw < 0 || raw > OverlayControlAction.TEST_ALERT.value())
        {
            ignoredControls++;
            return;
        }
        final OverlayControlAction action = OverlayControlAction.get(raw);
        drain(eventMs);
        long skipped = 0;
        switch (action)
        {
            case PAUSE -> paused = true;
            case RESUME -> resume(eventMs);
            case SKIP -> skipped = skip(eventMs);
            case REPLAY_LAST ->
            {
                if (lastAlertLength > 0)
                {
                    alertScratch.putBytes(0, lastAlert, 0, lastAlertLength);
                    alertEncoder.wrap(alertScratch, HEADER_LENGTH).alertId(event.sequence());
                    scheduleAndEmit(alertScratch, lastAlertLength, eventMs);
                }
            }
            case TEST_ALERT ->
            {
                payment.set(0, NO_TXID, 0);
                payment.address.wrap(NO_BYTES);
                payment.memo.wrap(NO_BYTES);
                payment.name.wrap(NO_BYTES);
                payment.message.wrap(NO_BYTES);
                titleLength = testTitleTemplate.render(payment, titleBuffer, TITLE_MAX_BYTES);
                messageLength = testMessageTemplate.render(payment, messageBuffer, MESSAGE_MAX_BYTES);
                alertId = event.sequence();
                alertKind = AlertKind.TEST;
                verified = false;
                scheduleAndEmit(alertScratch, writeAlert(alertScratch, 0, this), eventMs);
            }
            default ->
            {
            }
        }
        emitQueue(action, skipped);
    }

    private void drain(final long nowMs)
    {
        schedule.drain(nowMs);
        while (pendingAlertsCount > 0 && pendingAlertEndsMs[pendingAlertsHead] <= nowMs)
        {
            pendingAlertsHead = (pendingAlertsHead + 1) % PENDING_ALERTS_KEPT;
            pendingAlertsCount--;
        }
    }

    /**
     * Give an encoded alert its place at the end of the schedule, emit it, and keep it for re-announcement.
     *
     * @return true if emitted.
     */
    private boolean scheduleAndEmit(final UnsafeBuffer alert, final int length, final long nowMs)
    {
        if (schedule.size() >= maxQueuedAlerts)
        {
            droppedQueuedAlerts++;
            return false;
        }
        final long showAtMs = Math.max(nowMs, lastEndMs);
        final int duration = alertDecoder.wrap(alert, HEADER_LENGTH, OverlayAlertEncoder.BLOCK_LENGTH,
            OverlayAlertEncoder.SCHEMA_VERSION).durationMs();
        final long id = alertDecoder.alertId();
        alertEncoder.wrap(alert, HEADER_LENGTH).showAtEpochMs(showAtMs).queued(schedule.size());
        if (!emitter.emit(alert, 0, length))
        {
            return false;
        }
        final long endMs = showAtMs + duration;
        lastEndMs = endMs;
        schedule.add(id, showAtMs, endMs);
        final int slot = (pendingAlertsHead + pendingAlertsCount) % PENDING_ALERTS_KEPT;
        pendingAlerts[slot].putBytes(0, alert, 0, length);
        pendingAlertLengths[slot] = length;
        pendingAlertEndsMs[slot] = endMs;
        pendingAlertIds[slot] = id;
        if (pendingAlertsCount == PENDING_ALERTS_KEPT)
        {
            pendingAlertsHead = (pendingAlertsHead + 1) % PENDING_ALERTS_KEPT;
        }
        else
        {
            pendingAlertsCount++;
        }
        return true;
    }

    private void rememberLast(final DirectBuffer alert, final int length)
    {
        lastAlert.putBytes(0, alert, 0, length);
        lastAlertLength = length;
        lastAlertId = alertDecoder.wrap(lastAlert, HEADER_LENGTH, OverlayAlertEncoder.BLOCK_LENGTH,
            OverlayAlertEncoder.SCHEMA_VERSION).alertId();
    }

    private void hold(final DirectBuffer alert, final int length)
    {
        if (heldCount == HELD_ALERTS_KEPT)
        {
            heldHead = (heldHead + 1) % HELD_ALERTS_KEPT;
            heldCount--;
            droppedHeldAlerts++;
        }
        final int slot = (heldHead + heldCount) % HELD_ALERTS_KEPT;
        if (null == heldAlerts[slot])
        {
            heldAlerts[slot] = new UnsafeBuffer(new byte[ALERT_MAX_LENGTH]);
        }
        heldAlerts[slot].putBytes(0, alert, 0, length);
        heldAlertLengths[slot] = length;
        heldCount++;
    }

    private void resume(final long nowMs)
    {
        paused = false;
        for (int n = 0; n < heldCount; n++)
        {
            final int slot = (heldHead + n) % HELD_ALERTS_KEPT;
            if (scheduleAndEmit(heldAlerts[slot], heldAlertLengths[slot], nowMs))
            {
                rememberLast(heldAlerts[slot], heldAlertLengths[slot]);
            }
        }
        heldHead = 0;
        heldCount = 0;
    }

    private long skip(final long nowMs)
    {
        final long skipped = schedule.showingAt(nowMs);
        final long remainingMs = schedule.skipShowing(nowMs);
        if (0 == skipped)
        {
            return 0;
        }
        lastEndMs -= remainingMs;
        for (int n = 0; n < pendingAlertsCount; n++)
        {
            final int slot = (pendingAlertsHead + n) % PENDING_ALERTS_KEPT;
            if (pendingAlertIds[slot] == skipped && pendingAlertEndsMs[slot] > nowMs)
            {
                pendingAlertEndsMs[slot] = nowMs;
            }
            else if (pendingAlertEndsMs[slot] > nowMs)
            {
                pendingAlertEndsMs[slot] -= remainingMs;
                final long showAtMs = alertDecoder.wrap(pendingAlerts[slot], HEADER_LENGTH,
                    OverlayAlertEncoder.BLOCK_LENGTH, OverlayAlertEncoder.SCHEMA_VERSION).showAtEpochMs();
                alertEncoder.wrap(pendingAlerts[slot], HEADER_LENGTH).showAtEpochMs(showAtMs - remainingMs);
            }
        }
        return skipped;
    }

    private void emitQueue(final OverlayControlAction action, final long skipAlertId)
    {
        queueEncoder.wrapAndApplyHeader(queueBuffer, 0, headerEncoder)
            .paused(paused ? BooleanType.TRUE : BooleanType.FALSE)
            .pending(heldCount + schedule.size())
            .skipAlertId(skipAlertId)
            .lastAlertId(lastAlertId)
            .action(action);
        emitter.emit(queueBuffer, 0, HEADER_LENGTH + queueEncoder.encodedLength());
    }

    private void clearState()
    {
        seen = new SeenPayments(seenCapacity);
        schedule.clear();
        memos.clear();
        lastEndMs = Long.MIN_VALUE;
        pendingAlertsHead = 0;
        pendingAlertsCount = 0;
        heldHead = 0;
        heldCount = 0;
        paused = false;
        lastAlertLength = 0;
        lastAlertId = 0;
        nextSequence = 0;
        lastEventMs = Long.MIN_VALUE;
        snapshotCadence.reset();
    }

    /**
     * The snapshot of the state (version 2): magic, version, the first sequence not covered, the schedule
     * ({@code lastEndMs}, the last event's time, each scheduled alert's id, start and end), the payments seen (oldest
     * first), the pending alerts kept (id, end, bytes), paused, the last payment alert, the held alerts and the tip
     * memos waiting.
     *
     * @return the length of the snapshot, encoded from index 0 of {@link #snapshotBuffer} (reused, grown when needed).
     */
    private int encodeSnapshot()
    {
        int length = 4 + 4 + 8 + 8 + 8 + 4 + schedule.size() * 24 + 4 + seen.size() * SeenPayments.KEY_BYTES + 4;
        for (int n = 0; n < pendingAlertsCount; n++)
        {
            length += 8 + 8 + 4 + pendingAlertLengths[(pendingAlertsHead + n) % PENDING_ALERTS_KEPT];
        }
        length += 4 + 8 + 4 + lastAlertLength + 4;
        for (int n = 0; n < heldCount; n++)
        {
            length += 4 + heldAlertLengths[(heldHead + n) % HELD_ALERTS_KEPT];
        }
        length += memos.encodedLength();

        snapshotBuffer.checkLimit(length);
        final ExpandableArrayBuffer buffer = snapshotBuffer;
        int position = 0;
        buffer.putInt(position, SNAPSHOT_MAGIC, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(position + 4, SNAPSHOT_VERSION, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(position + 8, nextSequence, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(position + 16, lastEndMs, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(position + 24, lastEventMs, ByteOrder.LITTLE_ENDIAN);
        position += 32;
        buffer.putInt(position, schedule.size(), ByteOrder.LITTLE_ENDIAN);
        position += 4;
        for (int n = 0; n < schedule.size(); n++)
        {
            buffer.putLong(position, schedule.id(n), ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(position + 8, schedule.start(n), ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(position + 16, schedule.end(n), ByteOrder.LITTLE_ENDIAN);
            position += 24;
        }
        buffer.putInt(position, seen.size(), ByteOrder.LITTLE_ENDIAN);
        position = seen.encode(buffer, position + 4);
        buffer.putInt(position, pendingAlertsCount, ByteOrder.LITTLE_ENDIAN);
        position += 4;
        for (int n = 0; n < pendingAlertsCount; n++)
        {
            final int slot = (pendingAlertsHead + n) % PENDING_ALERTS_KEPT;
            buffer.putLong(position, pendingAlertIds[slot], ByteOrder.LITTLE_ENDIAN);
            buffer.putLong(position + 8, pendingAlertEndsMs[slot], ByteOrder.LITTLE_ENDIAN);
            buffer.putInt(position + 16, pendingAlertLengths[slot], ByteOrder.LITTLE_ENDIAN);
            buffer.putBytes(position + 20, pendingAlerts[slot], 0, pendingAlertLengths[slot]);
            position += 20 + pendingAlertLengths[slot];
        }
        buffer.putInt(position, paused ? 1 : 0, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(position + 4, lastAlertId, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(position + 12, lastAlertLength, ByteOrder.LITTLE_ENDIAN);
        buffer.putBytes(position + 16, lastAlert, 0, lastAlertLength);
        position += 16 + lastAlertLength;
        buffer.putInt(position, heldCount, ByteOrder.LITTLE_ENDIAN);
        position += 4;
        for (int n = 0; n < heldCount; n++)
        {
            final int slot = (heldHead + n) % HELD_ALERTS_KEPT;
            buffer.putInt(position, heldAlertLengths[slot], ByteOrder.LITTLE_ENDIAN);
            buffer.putBytes(position + 4, heldAlerts[slot], 0, heldAlertLengths[slot]);
            position += 4 + heldAlertLengths[slot];
        }
        memos.encode(buffer, position);
        return length;
    }

    private long decodeSnapshot(final UnsafeBuffer buffer)
    {
        clearState();
        if (buffer.capacity() < 32 || SNAPSHOT_MAGIC != buffer.getInt(0, ByteOrder.LITTLE_ENDIAN))
        {
            throw new IllegalStateException("not a " + ID + " snapshot (expected it to start with CCSB)");
        }
        final int version = buffer.getInt(4, ByteOrder.LITTLE_ENDIAN);
        if (1 != version && SNAPSHOT_VERSION != version)
        {
            throw new IllegalStateException("expected snapshot version 1 or " + SNAPSHOT_VERSION + ", got " + version);
        }
        final boolean v1 = 1 == version;
        final long covered = buffer.getLong(8, ByteOrder.LITTLE_ENDIAN);
        lastEndMs = buffer.getLong(16, ByteOrder.LITTLE_ENDIAN);
        lastEventMs = buffer.getLong(24, ByteOrder.LITTLE_ENDIAN);
        int position = 32;
        final int scheduled = count(buffer, position, v1 ? 8 : 24, "scheduled alerts");
        position += 4;
        final long[] v1Ends = v1 ? new long[scheduled] : null;
        for (int n = 0; n < scheduled; n++)
        {
            if (v1)
            {
                v1Ends[n] = buffer.getLong(position, ByteOrder.LITTLE_ENDIAN);
                position += 8;
            }
            else
            {
                schedule.add(buffer.getLong(position, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(position + 8, ByteOrder.LITTLE_ENDIAN),
                    buffer.getLong(position + 16, ByteOrder.LITTLE_ENDIAN));
                position += 24;
            }
        }
        final int seenCount = count(buffer, position, SeenPayments.KEY_BYTES, "payments seen");
        position += 4;
        for (int n = 0; n < seenCount; n++)
        {
            seen.add(buffer, position, position + SeenPayments.KEY_BYTES / 2);
            position += SeenPayments.KEY_BYTES;
        }
        final int alerts = count(buffer, position, v1 ? 12 : 20, "pending alerts");
        if (alerts > PENDING_ALERTS_KEPT)
        {
            throw new IllegalStateException("expected at most " + PENDING_ALERTS_KEPT + " pending alerts, got " + alerts);
        }
        position += 4;
        for (int n = 0; n < alerts; n++)
        {
            if (!v1)
            {
                position += 8;
            }
            final long endMs = buffer.getLong(position, ByteOrder.LITTLE_ENDIAN);
            final int length = alertLength(buffer, position + 8, "pending alert " + n);
            pendingAlerts[n].putBytes(0, buffer, position + 12, length);
            pendingAlertLengths[n] = length;
            pendingAlertEndsMs[n] = endMs;
            pendingAlertIds[n] = alertDecoder.wrap(pendingAlerts[n], HEADER_LENGTH, OverlayAlertEncoder.BLOCK_LENGTH,
                OverlayAlertEncoder.SCHEMA_VERSION).alertId();
            position += 12 + length;
        }
        pendingAlertsCount = alerts;
        if (v1)
        {
            restoreVersion1Schedule(v1Ends);
        }
        else
        {
            paused = 0 != buffer.getInt(position, ByteOrder.LITTLE_ENDIAN);
            lastAlertId = buffer.getLong(position + 4, ByteOrder.LITTLE_ENDIAN);
            final int lastLength = buffer.getInt(position + 12, ByteOrder.LITTLE_ENDIAN);
            if (0 != lastLength)
            {
                alertLength(buffer, position + 12, "the last alert");
            }
            lastAlert.putBytes(0, buffer, position + 16, lastLength);
            lastAlertLength = lastLength;
            position += 16 + lastLength;
            final int held = count(buffer, position, 4, "held alerts");
            if (held > HELD_ALERTS_KEPT)
            {
                throw new IllegalStateException("expected at most " + HELD_ALERTS_KEPT + " held alerts, got " + held);
            }
            position += 4;
            for (int n = 0; n < held; n++)
            {
                final int length = alertLength(buffer, position, "held alert " + n);
                hold(new UnsafeBuffer(buffer, position + 4, length), length);
                position += 4 + length;
            }
            position = memos.decode(buffer, position);
        }
        if (position != buffer.capacity())
        {
            throw new IllegalStateException("expected " + position + " bytes, got " + buffer.capacity());
        }
        nextSequence = covered;
        return covered;
    }

    /**
     * A version 1 snapshot kept only the ends of the scheduled alerts: their ids and starts come from the pending
     * alerts kept with the same end, and the last of those stands for the last payment alert.
     */
    private void restoreVersion1Schedule(final long[] ends)
    {
        for (final long endMs : ends)
        {
            long id = 0;
            long startMs = endMs - durationMs;
            for (int n = 0; n < pendingAlertsCount; n++)
            {
                if (pendingAlertEndsMs[n] == endMs)
                {
                    id = pendingAlertIds[n];
                    startMs = alertDecoder.wrap(pendingAlerts[n], HEADER_LENGTH, OverlayAlertEncoder.BLOCK_LENGTH,
                        OverlayAlertEncoder.SCHEMA_VERSION).showAtEpochMs();
                }
            }
            schedule.add(id, startMs, endMs);
        }
        if (pendingAlertsCount > 0)
        {
            rememberLast(pendingAlerts[pendingAlertsCount - 1], pendingAlertLengths[pendingAlertsCount - 1]);
        }
    }

    private static int alertLength(final DirectBuffer buffer, final int position, final String what)
    {
        final int length = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN);
        if (length < HEADER_LENGTH + OverlayAlertEncoder.BLOCK_LENGTH || length > ALERT_MAX_LENGTH ||
            position + 4 + length > buffer.capacity())
        {
            throw new IllegalStateException(what + " has a length of " + length + ", expected " +
                (HEADER_LENGTH + OverlayAlertEncoder.BLOCK_LENGTH) + " to " + ALERT_MAX_LENGTH +
                " bytes within the snapshot");
        }
        return length;
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

    /**
     * Save the state: every so many events through {@link PluginStorage#writeLatest} (copied now, written to disk off
     * this thread, so the events behind it do not wait for an {@code fsync}), at stop with a write that has landed
     * when it returns.
     */
    private void writeSnapshot(final boolean landed)
    {
        snapshotCadence.taken();
        if (context.config().hasStorage())
        {
            try
            {
                final int length = encodeSnapshot();
                if (landed)
                {
                    context.storage().write(SNAPSHOT_ENTRY, Arrays.copyOf(snapshotBuffer.byteArray(), length));
                }
                else
                {
                    context.storage().writeLatest(SNAPSHOT_ENTRY, snapshotBuffer.byteArray(), length);
                }
            }
            catch (final IllegalStateException ex)
            {
                // Over the host's cap for an entry (a long line of alerts, many held or waiting memos): the previous
                // snapshot stays, and a restart reads more of the journal after it. Alerting goes on.
                refusedSnapshots++;
            }
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
     * Tip memos ignored: their source is not in {@value #ACCEPT_MEMOS_FROM_KEY}, or a memo for the same txid waits.
     * <p>
     * <b>Note:</b> written by the plugin's thread; read it from another thread only after the engine has drained.
     *
     * @return the count since start.
     */
    public long ignoredMemos()
    {
        return ignoredMemos;
    }

    /**
     * Controls ignored: their source is not in {@value #ACCEPT_CONTROLS_FROM_KEY}, or their action is unknown.
     * <p>
     * <b>Note:</b> written by the plugin's thread; read it from another thread only after the engine has drained.
     *
     * @return the count since start.
     */
    public long ignoredControls()
    {
        return ignoredControls;
    }

    /**
     * Held alerts dropped because more than {@value #HELD_ALERTS_KEPT} were held while paused.
     * <p>
     * <b>Note:</b> written by the plugin's thread; read it from another thread only after the engine has drained.
     *
     * @return the count since start.
     */
    public long droppedHeldAlerts()
    {
        return droppedHeldAlerts;
    }

    /**
     * Alerts not shown because {@value #MAX_QUEUED_ALERTS_KEY} alerts were already scheduled and not finished.
     * <p>
     * <b>Note:</b> written by the plugin's thread; read it from another thread only after the engine has drained.
     *
     * @return the count since start.
     */
    public long droppedQueuedAlerts()
    {
        return droppedQueuedAlerts;
    }

    /**
     * Snapshots the host's storage refused (larger than {@code plugins.storage.maxEntryBytes}); the previous one
     * stays.
     * <p>
     * <b>Note:</b> written by the plugin's thread; read it from another thread only after the engine has drained.
     *
     * @return the count since start.
     */
    public long refusedSnapshots()
    {
        return refusedSnapshots;
    }

    /**
     * Tip memos waiting for their payment.
     * <p>
     * <b>Note:</b> written by the plugin's thread; read it from another thread only after the engine has drained.
     *
     * @return the count.
     */
    public int waitingMemos()
    {
        return memos.size();
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
        final AlertTemplate title = template(config, TITLE_KEY, TITLE_DEFAULT);
        final AlertTemplate message = template(config, MESSAGE_KEY, MESSAGE_DEFAULT);
        final AlertTemplate tipTitle = template(config, TIP_TITLE_KEY, TIP_TITLE_DEFAULT);
        final AlertTemplate tipMessage = template(config, TIP_MESSAGE_KEY, TIP_MESSAGE_DEFAULT);
        final AlertTemplate testTitle = template(config, TEST_TITLE_KEY, TEST_TITLE_DEFAULT);
        final AlertTemplate testMessage = template(config, TEST_MESSAGE_KEY, TEST_MESSAGE_DEFAULT);

        final String alertOn = config.getString(ALERT_ON_KEY, ALERT_ON_DEFAULT).trim().toLowerCase(Locale.ROOT);
        if (!"mempool".equals(alertOn) && !"confirmed".equals(alertOn))
        {
            throw new IllegalArgumentException(key(ALERT_ON_KEY) + ": expected mempool or confirmed, got '" +
                config.getString(ALERT_ON_KEY, ALERT_ON_DEFAULT) + "'");
        }

        final boolean[] sources = sources(config, ACCEPT_PAYMENTS_FROM_KEY, ACCEPT_PAYMENTS_FROM_DEFAULT);
        final boolean[] memoSources = sources(config, ACCEPT_MEMOS_FROM_KEY, ACCEPT_MEMOS_FROM_DEFAULT);
        final boolean[] controlSources = sources(config, ACCEPT_CONTROLS_FROM_KEY, ACCEPT_CONTROLS_FROM_DEFAULT);
        final long snapshotEvery = config.getLong(SNAPSHOT_EVERY_EVENTS_KEY, SNAPSHOT_EVERY_EVENTS_DEFAULT);
        if (snapshotEvery < 1 || snapshotEvery > SNAPSHOT_EVERY_EVENTS_MAX)
        {
            throw new IllegalArgumentException(key(SNAPSHOT_EVERY_EVENTS_KEY) + ": expected 1 to " +
                SNAPSHOT_EVERY_EVENTS_MAX + " events, got " + snapshotEvery);
        }
        final long minIntervalMs = SnapshotCadence.minIntervalMs(config, key(SnapshotCadence.MIN_INTERVAL_MS_KEY));
        final long maxQueued = config.getLong(MAX_QUEUED_ALERTS_KEY, MAX_QUEUED_ALERTS_DEFAULT);
        if (maxQueued < 1 || maxQueued > MAX_QUEUED_ALERTS_MAX)
        {
            throw new IllegalArgumentException(key(MAX_QUEUED_ALERTS_KEY) + ": expected 1 to " + MAX_QUEUED_ALERTS_MAX +
                " alerts, got " + maxQueued);
        }
        snapshotCadence = new SnapshotCadence(snapshotEvery, minIntervalMs);
        maxQueuedAlerts = (int)maxQueued;

        System.arraycopy(sources, 0, acceptedSources, 0, acceptedSources.length);
        System.arraycopy(memoSources, 0, acceptedMemoSources, 0, acceptedMemoSources.length);
        System.arraycopy(controlSources, 0, acceptedControlSources, 0, acceptedControlSources.length);
        minAmountSats = minAmount;
        alertOnConfirmed = "confirmed".equals(alertOn);
        durationMs = (int)duration;
        titleTemplate = title;
        messageTemplate = message;
        tipTitleTemplate = tipTitle;
        tipMessageTemplate = tipMessage;
        testTitleTemplate = testTitle;
        testMessageTemplate = testMessage;
    }

    private static AlertTemplate template(final PluginConfig config, final String name, final String defaultValue)
    {
        return AlertTemplate.compile(key(name), config.getString(name, defaultValue));
    }

    private static boolean[] sources(final PluginConfig config, final String name, final String defaultValue)
    {
        return PluginConfig.acceptedSources(key(name), Objects.requireNonNullElse(config.asMap().get(name), defaultValue));
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
            .showAtEpochMs(0)
            .durationMs(plugin.durationMs)
            .queued(0)
            .kind(plugin.alertKind)
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
