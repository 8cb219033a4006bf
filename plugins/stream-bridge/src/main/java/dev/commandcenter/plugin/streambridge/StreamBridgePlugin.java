package dev.commandcenter.plugin.streambridge;

import dev.commandcenter.codecs.sbe.AlertKind;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayAlertEncoder;
import dev.commandcenter.codecs.sbe.TransactionConfirmedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.LongArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

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
 * <b>Note:</b> all state is owned by the plugin's thread; nothing is allocated per event once warm.
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

    private static final int MAX_SOURCE_ID = 63;
    private static final List<String> KNOWN_KEYS =
        List.of(MIN_AMOUNT_SATS_KEY, ALERT_DURATION_MS_KEY, TITLE_KEY, MESSAGE_KEY, ALERT_ON_KEY,
            ACCEPT_PAYMENTS_FROM_KEY);
    private static final MessageWriter<StreamBridgePlugin> ALERT_WRITER = StreamBridgePlugin::writeAlert;

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
    private final boolean[] acceptedSources = new boolean[MAX_SOURCE_ID + 1];
    private long ignoredPayments;

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
        emitter = context.emitter();
        seen = new SeenPayments(seenCapacity);
        pendingEndsMs.clear();
        lastEndMs = Long.MIN_VALUE;
    }

    /**
     * Alert on a payment: filter by amount and duplicates, schedule it, render it and emit it.
     *
     * @param event a {@code TransactionReceived} or {@code TransactionConfirmed}.
     */
    public void onEvent(final Event event)
    {
        final int source = event.source();
        if (source < 0 || source > MAX_SOURCE_ID || !acceptedSources[source])
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
        alertId = event.sequence();
        queued = pendingEndsMs.size();
        showAtMs = Math.max(eventMs, lastEndMs);
        titleLength = titleTemplate.render(payment, titleBuffer, TITLE_MAX_BYTES);
        messageLength = messageTemplate.render(payment, messageBuffer, MESSAGE_MAX_BYTES);

        if (emitter.emit(ALERT_WRITER, this))
        {
            seen.add(event.buffer(), txidOffset, scriptHashOffset);
            lastEndMs = showAtMs + durationMs;
            pendingEndsMs.addLong(lastEndMs);
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

        final boolean[] sources = acceptedSources(config.asMap().get(ACCEPT_PAYMENTS_FROM_KEY));

        System.arraycopy(sources, 0, acceptedSources, 0, acceptedSources.length);
        minAmountSats = minAmount;
        alertOnConfirmed = "confirmed".equals(alertOn);
        durationMs = (int)duration;
        titleTemplate = title;
        messageTemplate = message;
    }

    private static boolean[] acceptedSources(final Object value)
    {
        final List<String> names = new ArrayList<>();
        if (null == value)
        {
            names.add(ACCEPT_PAYMENTS_FROM_DEFAULT);
        }
        else if (value instanceof String text)
        {
            names.addAll(Arrays.asList(text.split(",")));
        }
        else if (value instanceof List<?> list)
        {
            for (final Object item : list)
            {
                names.add(String.valueOf(item));
            }
        }
        else
        {
            throw new IllegalArgumentException(key(ACCEPT_PAYMENTS_FROM_KEY) +
                ": expected source names such as wallet or [wallet, rest], got '" + value + "'");
        }
        final boolean[] sources = new boolean[MAX_SOURCE_ID + 1];
        for (final String raw : names)
        {
            final String name = raw.trim();
            final int source = sourceId(name);
            if (source <= 0)
            {
                throw new IllegalArgumentException(key(ACCEPT_PAYMENTS_FROM_KEY) + ": unknown source '" + name +
                    "', expected wallet, websocket, aeron, timer, cli, rest or engine");
            }
            sources[source] = true;
        }
        return sources;
    }

    private static int sourceId(final String name)
    {
        for (int source = 1; source <= MAX_SOURCE_ID; source++)
        {
            final String known = Sources.name(source);
            if ("unknown".equals(known))
            {
                break;
            }
            if (known.equals(name))
            {
                return source;
            }
        }
        return 0;
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
            .putTitle(plugin.titleBuffer, 0, plugin.titleLength)
            .putMessage(plugin.messageBuffer, 0, plugin.messageLength);

        return MessageHeaderEncoder.ENCODED_LENGTH + plugin.alertEncoder.encodedLength();
    }
}
