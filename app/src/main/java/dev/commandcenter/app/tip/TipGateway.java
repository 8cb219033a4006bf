package dev.commandcenter.app.tip;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.rest.JsonBodies;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.chat.TokenBuckets;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.persistence.TimeArgs;
import dev.commandcenter.plugin.chat.ChatFilterSet;
import dev.commandcenter.transport.websocket.HttpApi;
import dev.commandcenter.transport.websocket.Scope;
import dev.commandcenter.transport.websocket.WebServer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The tip page's API (docs/tips.md), routes of the web server under {@value #PREFIX} that need the tip token
 * ({@link Scope#TIP}) or the admin token:
 * <ul>
 *   <li>{@code GET /api/tip/info}: the page's settings, or why it is off.</li>
 *   <li>{@code POST /api/tip/reservations} {@code {"name","message","amountSats"}}: validated (one-line 400s naming
 *   the field), the text neutralised, length-limited and masked ({@link TipText}), reserved in the {@link TipBook}
 *   (journaled before the answer) and answered 201 with the address, the BIP21 URI ({@link Bip21}) and its QR code
 *   as SVG ({@link QrSvg}).</li>
 *   <li>{@code GET /api/tip/reservations/<id>}: where a reservation stands, for the page's poll.</li>
 * </ul>
 * Reservations and polls are rate limited per client address (behind a trusted proxy, the address it forwarded)
 * with token buckets over a bounded set of addresses: past the limit, 429 with {@code Retry-After}. Routes run on
 * event loops and never block there: the book's reserve only appends to the engine's input ring without waiting.
 * No name or message is ever logged.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class TipGateway
{
    /** Prefix of the routes. */
    public static final String PREFIX = "/api/tip";
    /** Path of the page's settings. */
    public static final String INFO_PATH = PREFIX + "/info";
    /** Path of the reservations. */
    public static final String RESERVATIONS_PATH = PREFIX + "/reservations";
    /** Retry-After of a refusal while the page is off, in seconds. */
    public static final long OFF_RETRY_AFTER_SECONDS = 60;

    private static final List<String> RESERVATION_KEYS = List.of("name", "message", "amountSats");
    private static final Pattern RESERVATION_ID = Pattern.compile("[0-9a-f]{" + TipBook.RESERVATION_ID_LENGTH + "}");
    private static final long MS_PER_DAY = 86_400_000L;
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private final TipBook book;
    private final AppConfig.Tips tips;
    private final String network;
    private final long expiryMs;
    private final Supplier<ChatFilterSet> filters;
    private final TokenBuckets reservationLimits;
    private final TokenBuckets pollLimits;
    private final NanoClock nanoClock;
    private final EpochClock epochClock;
    private final AtomicCounter reservations;
    private final AtomicCounter refused;
    private final AtomicCounter rateLimited;

    /**
     * @param book       the reservations.
     * @param tips       the {@code tips:} section: creator, goal, bounds, limits.
     * @param network    the wallet's network, for the page ({@code mainnet}, {@code regtest}, ...).
     * @param filters    the chat filter set in force, read at each reservation.
     * @param counters   where the gateway's counters are allocated.
     * @param nanoClock  monotonic clock of the rate limits; null for the system's.
     * @param epochClock wall clock of the goal's day; null for the system's.
     * @throws IllegalArgumentException naming a setting of {@code tips:} that is wrong.
     */
    public TipGateway(
        final TipBook book,
        final AppConfig.Tips tips,
        final String network,
        final Supplier<ChatFilterSet> filters,
        final CounterAllocator counters,
        final NanoClock nanoClock,
        final EpochClock epochClock)
    {
        this.book = book;
        this.tips = tips;
        this.network = network;
        this.filters = filters;
        try
        {
            this.expiryMs = TimeArgs.parseDuration(tips.expiry).toMillis();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("tips.expiry: " + ex.getMessage(), ex);
        }
        requirePositive("tips.reservationsPerMinutePerAddress", tips.reservationsPerMinutePerAddress);
        requirePositive("tips.pollsPerSecondPerAddress", tips.pollsPerSecondPerAddress);
        requirePositive("tips.reservationBurstPerAddress", tips.reservationBurstPerAddress);
        requirePositive("tips.pollBurstPerAddress", tips.pollBurstPerAddress);
        requirePositive("tips.maxTrackedAddresses", tips.maxTrackedAddresses);
        this.reservationLimits = new TokenBuckets(tips.reservationsPerMinutePerAddress / 60.0,
            tips.reservationBurstPerAddress, tips.maxTrackedAddresses);
        this.pollLimits = new TokenBuckets(tips.pollsPerSecondPerAddress, tips.pollBurstPerAddress,
            tips.maxTrackedAddresses);
        this.nanoClock = null == nanoClock ? new SystemNanoClock() : nanoClock;
        this.epochClock = null == epochClock ? SystemEpochClock.INSTANCE : epochClock;
        this.reservations = counters.allocate(CounterType.TIP_RESERVATIONS, "");
        this.refused = counters.allocate(CounterType.TIP_REQUESTS_REFUSED, "");
        this.rateLimited = counters.allocate(CounterType.TIP_REQUESTS_RATE_LIMITED, "");
    }

    /**
     * Register the routes on a web server's context, with the tip scope.
     *
     * @param web the context.
     * @return the context.
     */
    public WebServer.Context register(final WebServer.Context web)
    {
        return web.apiRoute(PREFIX, Scope.TIP, this::handle);
    }

    /**
     * Client addresses with a bucket of the reservation limit now, at most {@code tips.maxTrackedAddresses}.
     *
     * @return the count.
     */
    public int trackedAddresses()
    {
        return Math.max(reservationLimits.size(), pollLimits.size());
    }

    void handle(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        final String path = request.path();
        final String method = request.method();
        if (INFO_PATH.equals(path))
        {
            if (!"GET".equals(method) && !"HEAD".equals(method))
            {
                responder.respond(405, Map.of("error", "expected GET " + INFO_PATH));
                return;
            }
            if (pollLimited(request, responder))
            {
                return;
            }
            responder.respond(200, info());
        }
        else if (RESERVATIONS_PATH.equals(path))
        {
            if (!"POST".equals(method))
            {
                responder.respond(405, Map.of("error", "expected POST " + RESERVATIONS_PATH +
                    " with {\"name\":\"...\",\"message\":\"...\",\"amountSats\":" + tips.minSats + "}"));
                return;
            }
            reserve(request, responder);
        }
        else if (path.startsWith(RESERVATIONS_PATH + "/"))
        {
            if (!"GET".equals(method) && !"HEAD".equals(method))
            {
                responder.respond(405, Map.of("error", "expected GET " + RESERVATIONS_PATH + "/<id>"));
                return;
            }
            status(path.substring(RESERVATIONS_PATH.length() + 1), request, responder);
        }
        else
        {
            responder.respond(404, Map.of("error", "unknown tip route '" + clip(path) + "': expected GET " + INFO_PATH +
                ", POST " + RESERVATIONS_PATH + " or GET " + RESERVATIONS_PATH + "/<id>"));
        }
    }

    /**
     * The page's settings as {@code GET /api/tip/info} answers them.
     *
     * @return a JSON-serialisable map.
     */
    public Map<String, Object> info()
    {
        final Map<String, Object> info = new LinkedHashMap<>();
        final String offReason = book.offReason();
        if (null != offReason)
        {
            info.put("enabled", false);
            info.put("reason", offReason);
            return info;
        }
        info.put("enabled", true);
        info.put("creator", null == tips.creator ? "" : tips.creator);
        info.put("network", network);
        info.put("minSats", tips.minSats);
        info.put("maxSats", tips.maxSats);
        info.put("expiryMs", expiryMs);
        info.put("maxNameGraphemes", tips.maxNameGraphemes);
        info.put("maxMessageGraphemes", tips.maxMessageGraphemes);
        if (null != tips.goal && null != tips.goal.title && !tips.goal.title.isBlank() && tips.goal.sats > 0)
        {
            final Map<String, Object> goal = new LinkedHashMap<>();
            goal.put("title", tips.goal.title);
            goal.put("sats", tips.goal.sats);
            goal.put("raisedSats", book.raisedSats(startOfDayUtc(epochClock.time())));
            info.put("goal", goal);
        }
        return info;
    }

    private void reserve(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        final String name;
        final String message;
        final long amountSats;
        try
        {
            requireJson(request.header("Content-Type"));
            final JsonNode body = parseObject(request.body());
            final ChatFilterSet filterSet = filters.get();
            name = TipText.clean("name", requiredString(body, "name"), 1, tips.maxNameGraphemes, filterSet);
            message = TipText.clean("message", optionalString(body, "message"), 0, tips.maxMessageGraphemes, filterSet);
            amountSats = amount(body);
        }
        catch (final IllegalArgumentException ex)
        {
            refused.increment();
            responder.respond(400, Map.of("error", ex.getMessage()));
            return;
        }
        final String offReason = book.offReason();
        if (null != offReason)
        {
            refused.increment();
            responder.respond(503, Map.of("error", offReason),
                Map.of("Retry-After", Long.toString(OFF_RETRY_AFTER_SECONDS)));
            return;
        }
        final long waitMs = reservationLimits.tryTake(addressOf(request), nanoClock.nanoTime());
        if (waitMs > 0)
        {
            rateLimit(responder, waitMs, "too many tip requests from this address: at most " +
                tips.reservationsPerMinutePerAddress + " a minute (tips.reservationsPerMinutePerAddress), wait " +
                retryAfterSeconds(waitMs) + " s");
            return;
        }

        final TipBook.Outcome outcome = book.reserve(name, message, amountSats);
        final TipBook.Reservation reservation = outcome.reservation();
        if (null == reservation)
        {
            refused.increment();
            final String reason = null == outcome.reason() ? "the tip page cannot reserve an address now" : outcome.reason();
            final int status = outcome.httpStatus() >= 400 ? outcome.httpStatus() : 503;
            if (503 == status)
            {
                final long retryAfter = outcome.retryAfterMs() > 0 ? retryAfterSeconds(outcome.retryAfterMs()) :
                    OFF_RETRY_AFTER_SECONDS;
                final Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", reason);
                body.put("retryAfterMs", Math.max(outcome.retryAfterMs(), retryAfter * 1000));
                responder.respond(503, body, Map.of("Retry-After", Long.toString(retryAfter)));
            }
            else
            {
                responder.respond(status, Map.of("error", reason));
            }
            return;
        }
        reservations.increment();
        final String uri = Bip21.uri(reservation.address(), reservation.amountSats(),
            null == tips.creator ? "" : tips.creator.trim(), reservation.message());
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", reservation.id());
        body.put("address", reservation.address());
        body.put("amountSats", reservation.amountSats());
        body.put("expiresAtEpochMs", reservation.expiresAtEpochMs());
        body.put("uri", uri);
        body.put("qrSvg", QrSvg.of(uri));
        responder.respond(201, body);
    }

    private void status(final String id, final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (!RESERVATION_ID.matcher(id).matches())
        {
            refused.increment();
            responder.respond(400, Map.of("error", "id: expected " + TipBook.RESERVATION_ID_LENGTH +
                " lower-case hex digits, got '" + clip(id) + "'"));
            return;
        }
        if (pollLimited(request, responder))
        {
            return;
        }
        final TipBook.Status status = book.status(id);
        if (null == status)
        {
            responder.respond(404, Map.of("error", "no reservation " + id + " (never made, or forgotten after it expired)"));
            return;
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("state", status.state().name());
        body.put("txid", status.txid());
        body.put("paidSats", status.paidSats());
        body.put("expiresAtEpochMs", status.expiresAtEpochMs());
        responder.respond(200, body);
    }

    private boolean pollLimited(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        final long waitMs = pollLimits.tryTake(addressOf(request), nanoClock.nanoTime());
        if (waitMs > 0)
        {
            rateLimit(responder, waitMs, "too many tip page requests from this address: at most " +
                tips.pollsPerSecondPerAddress + " a second (tips.pollsPerSecondPerAddress), wait " +
                retryAfterSeconds(waitMs) + " s");
            return true;
        }
        return false;
    }

    private void rateLimit(final HttpApi.Responder responder, final long waitMs, final String message)
    {
        rateLimited.increment();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("retryAfterMs", waitMs);
        responder.respond(429, body, Map.of("Retry-After", Long.toString(retryAfterSeconds(waitMs))));
    }

    private long amount(final JsonNode body)
    {
        final JsonNode value = body.get("amountSats");
        final String expected = "amountSats: expected a whole number of sats from " + tips.minSats + " to " + tips.maxSats;
        if (null == value || value.isNull())
        {
            throw new IllegalArgumentException(expected + ", got none");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong())
        {
            throw new IllegalArgumentException(expected + ", got " + clip(value.toString()));
        }
        final long sats = value.longValue();
        if (sats < tips.minSats || sats > tips.maxSats)
        {
            throw new IllegalArgumentException(expected + ", got " + sats);
        }
        return sats;
    }

    private static void requireJson(final String contentType)
    {
        if (null != contentType &&
            !contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/json"))
        {
            throw new IllegalArgumentException("body: expected Content-Type application/json, got '" + clip(contentType) + "'");
        }
    }

    private static JsonNode parseObject(final byte[] body)
    {
        return JsonBodies.object(body, "{\"name\":\"ann\",\"message\":\"gg\",\"amountSats\":5000}", RESERVATION_KEYS);
    }

    private static String requiredString(final JsonNode body, final String key)
    {
        final String value = optionalString(body, key);
        if (null == value)
        {
            throw new IllegalArgumentException(key + ": expected a string, got none");
        }
        return value;
    }

    private static String optionalString(final JsonNode body, final String key)
    {
        final JsonNode value = body.get(key);
        if (null == value || value.isNull())
        {
            return null;
        }
        if (!value.isTextual())
        {
            throw new IllegalArgumentException(key + ": expected a string, got " +
                value.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return value.textValue();
    }

    private static String addressOf(final HttpApi.Request request)
    {
        return null == request.clientAddress() ? "" : request.clientAddress();
    }

    static long startOfDayUtc(final long epochMs)
    {
        return Math.floorDiv(epochMs, MS_PER_DAY) * MS_PER_DAY;
    }

    private static long retryAfterSeconds(final long ms)
    {
        return Math.max(1, (ms + 999) / 1000);
    }

    private static void requirePositive(final String key, final double value)
    {
        if (!(value > 0))
        {
            throw new IllegalArgumentException(key + ": expected a number above 0, got " + value);
        }
    }

    private static String clip(final String value)
    {
        final String oneLine = value.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > 40 ? oneLine.substring(0, 40) + "..." : oneLine;
    }
}
