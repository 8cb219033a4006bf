package dev.commandcenter.app.chat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.rest.JsonBodies;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.sbe.ChatAction;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.ChatModerationEncoder;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TipMemoEncoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.transport.websocket.HttpApi;
import dev.commandcenter.transport.websocket.Scope;
import dev.commandcenter.transport.websocket.WebServer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The chat's REST side, four routes of the web server:
 * <ul>
 *   <li>{@code POST /api/chat/messages} (chat scope or wider): a viewer's message, validated, rate limited per
 *   connection and per client address, published as a {@code ChatMessage} with the role of the token (never of the
 *   body) and the viewer key of the client address, then answered with the chat plugin's verdict: 200
 *   {@code {"receipt","lineId"}}, 403/429/400 with the refusal, or 202 {@code {"receipt","pending":true}} when no
 *   verdict came within {@code chat.verdictTimeoutMs}.</li>
 *   <li>{@code POST /api/chat/moderation} (moderator scope or wider): a {@code ChatModeration}, 202 {@code {"receipt"}}.</li>
 *   <li>{@code GET /api/chat/session} (chat scope or wider): the role, rooms, limits and slow mode for the page.</li>
 *   <li>{@code POST /api/chat/tips} (admin scope): a tip memo, the name and message of a payment posted apart from
 *   it, published as a {@code TipMemo}; the chat plugin shows it with its payment as one paid line. 202
 *   {@code {"receipt"}}.</li>
 * </ul>
 * No message text is ever logged. Routes run on event loops and never block there: publishing uses
 * {@link EventPublisher#tryPublish} (a full ring answers 503) and a verdict is awaited without a thread.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class ChatGateway implements AutoCloseable
{
    /** Path of the posting route. */
    public static final String MESSAGES_PATH = "/api/chat/messages";
    /** Path of the moderation route. */
    public static final String MODERATION_PATH = "/api/chat/moderation";
    /** Path of the session route. */
    public static final String SESSION_PATH = "/api/chat/session";
    /** Path of the tip memo route. */
    public static final String TIPS_PATH = "/api/chat/tips";
    /** Longest display name accepted before publishing, in UTF-8 bytes (the plugin limits graphemes). */
    public static final int MAX_NAME_BYTES = 256;
    /** Longest message accepted before publishing, in UTF-8 bytes (the plugin limits graphemes). */
    public static final int MAX_TEXT_BYTES = 3000;
    /** Longest room name, in UTF-8 bytes. */
    public static final int MAX_ROOM_BYTES = 64;
    /** Longest moderation target, actor or reason, in UTF-8 bytes. */
    public static final int MAX_FIELD_BYTES = 256;

    private static final List<String> MESSAGE_KEYS = List.of("name", "text", "room", "messageId");
    private static final List<String> TIP_KEYS = List.of("txid", "name", "message", "room");
    private static final List<String> MODERATION_KEYS =
        List.of("action", "target", "durationMs", "lineId", "room", "reason", "actor");
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final ThreadLocal<Encoders> ENCODERS = ThreadLocal.withInitial(Encoders::new);

    private final EventPublisher publisher;
    private final ChatVerdicts verdicts;
    private final ChatSettings settings;
    private final long verdictTimeoutMs;
    private final TokenBuckets perConnection;
    private final TokenBuckets perAddress;
    private final NanoClock clock;
    private final byte[] keySecret;
    private final ScheduledExecutorService timer;
    private final AtomicCounter accepted;
    private final AtomicCounter refused;
    private final AtomicCounter rateLimited;
    private final AtomicCounter timeouts;
    private final AtomicCounter moderations;

    private static final class Encoders
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final ChatMessageEncoder message = new ChatMessageEncoder();
        final ChatModerationEncoder moderation = new ChatModerationEncoder();
        final TipMemoEncoder memo = new TipMemoEncoder();
        final Mac mac;

        Encoders()
        {
            try
            {
                mac = Mac.getInstance("HmacSHA256");
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException("HmacSHA256 is not available", ex);
            }
        }
    }

    /**
     * The gateway's settings.
     *
     * @param postsPerSecondPerConnection tokens a second per connection.
     * @param burstPerConnection          burst per connection.
     * @param postsPerSecondPerAddress    tokens a second per client address.
     * @param burstPerAddress             burst per client address.
     * @param maxTrackedAddresses         addresses (and connections) with a bucket, the idlest evicted beyond.
     * @param verdictTimeoutMs            how long a post waits for the plugin's verdict before 202 pending.
     */
    public record Limits(
        double postsPerSecondPerConnection,
        int burstPerConnection,
        double postsPerSecondPerAddress,
        int burstPerAddress,
        int maxTrackedAddresses,
        long verdictTimeoutMs)
    {
    }

    /**
     * @param publisher where events go.
     * @param verdicts  the chat plugin's verdicts, an egress of the engine.
     * @param settings  the chat plugin's settings.
     * @param limits    rate limits and the verdict timeout.
     * @param keySecret HMAC key of viewer keys ({@code chatKeySecret} of the secrets store).
     * @param counters  where the gateway's counters are allocated.
     * @param clock     monotonic clock of the rate limits.
     */
    public ChatGateway(
        final EventPublisher publisher,
        final ChatVerdicts verdicts,
        final ChatSettings settings,
        final Limits limits,
        final String keySecret,
        final CounterAllocator counters,
        final NanoClock clock)
    {
        this.publisher = publisher;
        this.verdicts = verdicts;
        this.settings = settings;
        this.verdictTimeoutMs = limits.verdictTimeoutMs();
        this.perConnection = new TokenBuckets(limits.postsPerSecondPerConnection(), limits.burstPerConnection(),
            limits.maxTrackedAddresses());
        this.perAddress = new TokenBuckets(limits.postsPerSecondPerAddress(), limits.burstPerAddress(),
            limits.maxTrackedAddresses());
        this.clock = null == clock ? new SystemNanoClock() : clock;
        this.keySecret = keySecret.getBytes(StandardCharsets.UTF_8);
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cc-chat-verdicts").factory());
        this.accepted = counters.allocate(CounterType.CHAT_POSTS_ACCEPTED, "");
        this.refused = counters.allocate(CounterType.CHAT_POSTS_REFUSED, "");
        this.rateLimited = counters.allocate(CounterType.CHAT_POSTS_RATE_LIMITED, "");
        this.timeouts = counters.allocate(CounterType.CHAT_VERDICT_TIMEOUTS, "");
        this.moderations = counters.allocate(CounterType.CHAT_MODERATION_ACTIONS, "");
    }

    /**
     * Register the four routes on a web server's context.
     *
     * @param web the context.
     * @return the context.
     */
    public WebServer.Context register(final WebServer.Context web)
    {
        return web
            .apiRoute(MESSAGES_PATH, Scope.CHAT, this::post)
            .apiRoute(MODERATION_PATH, Scope.MODERATOR, this::moderate)
            .apiRoute(SESSION_PATH, Scope.CHAT, this::session)
            .apiRoute(TIPS_PATH, Scope.ADMIN, this::tip);
    }

    /**
     * The chat plugin's settings this gateway answers with.
     *
     * @return the settings.
     */
    public ChatSettings settings()
    {
        return settings;
    }

    /**
     * Connections and addresses with a rate-limit bucket.
     *
     * @return the larger of both counts.
     */
    public int trackedBuckets()
    {
        return Math.max(perConnection.size(), perAddress.size());
    }

    /**
     * Buckets of addresses kept now, at most {@code chat.maxTrackedAddresses}.
     *
     * @return the count.
     */
    public int trackedAddresses()
    {
        return perAddress.size();
    }

    /**
     * The role a scope posts with.
     *
     * @param scope the token's scope.
     * @return VIEWER, MODERATOR or ADMIN.
     */
    public static ChatRole roleOf(final Scope scope)
    {
        return Scope.ADMIN == scope ? ChatRole.ADMIN : Scope.MODERATOR == scope ? ChatRole.MODERATOR : ChatRole.VIEWER;
    }

    /**
     * The viewer key of a client address: the first 8 bytes of HMAC-SHA256(chatKeySecret, address), so a ban holds
     * when the name changes while the address itself is never written to the journal.
     *
     * @param clientAddress the address, or null.
     * @return the key, 0 when the address is unknown.
     */
    public long viewerKey(final String clientAddress)
    {
        if (null == clientAddress)
        {
            return 0;
        }
        final Mac mac = ENCODERS.get().mac;
        try
        {
            mac.init(new SecretKeySpec(keySecret, "HmacSHA256"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("cannot key the viewer key HMAC", ex);
        }
        final byte[] digest = mac.doFinal(clientAddress.getBytes(StandardCharsets.UTF_8));
        long key = 0;
        for (int i = 0; i < 8; i++)
        {
            key = (key << 8) | (digest[i] & 0xFF);
        }
        return key;
    }

    void post(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (!MESSAGES_PATH.equals(request.path()) || !"POST".equals(request.method()))
        {
            responder.respond(405, Map.of("error", "expected POST " + MESSAGES_PATH + " with " +
                "{\"name\":\"...\",\"text\":\"...\",\"room\":\"main\",\"messageId\":1}"));
            return;
        }
        final JsonNode body;
        final String name;
        final String text;
        final String room;
        final long messageId;
        try
        {
            body = parseObject(request.body(), MESSAGE_KEYS);
            name = requiredString(body, "name", MAX_NAME_BYTES);
            text = requiredString(body, "text", MAX_TEXT_BYTES);
            room = optionalString(body, "room", MAX_ROOM_BYTES);
            messageId = optionalLong(body, "messageId", 0);
        }
        catch (final IllegalArgumentException ex)
        {
            responder.respond(400, Map.of("error", ex.getMessage(), "refusal", "INVALID"));
            return;
        }
        if (null != room && !room.isEmpty() && !settings.rooms().contains(room))
        {
            responder.respond(400, Map.of("error", "room: expected one of " + String.join(", ", settings.rooms()) +
                ", got '" + clip(room) + "'", "refusal", "INVALID"));
            return;
        }

        final long nowNs = clock.nanoTime();
        final String connection = null == request.connectionId() ? "" : request.connectionId();
        final String address = null == request.clientAddress() ? "" : request.clientAddress();
        final long connectionWaitMs = perConnection.tryTake(connection, nowNs);
        if (connectionWaitMs > 0)
        {
            rateLimit(responder, connectionWaitMs, "too many messages from this connection: at most " +
                "chat.postsPerSecondPerConnection, wait " + seconds(connectionWaitMs));
            return;
        }
        final long addressWaitMs = perAddress.tryTake(address, nowNs);
        if (addressWaitMs > 0)
        {
            perConnection.giveBack(connection);
            rateLimit(responder, addressWaitMs, "too many messages from this address: at most " +
                "chat.postsPerSecondPerAddress, wait " + seconds(addressWaitMs));
            return;
        }
        if (!verdicts.hasRoom())
        {
            responder.respond(503, Map.of("error", "chat is busy: too many messages wait for the chat plugin " +
                "(chat.maxPendingVerdicts), retry shortly"), Map.of("Retry-After", "1"));
            return;
        }

        final Encoders encoders = ENCODERS.get();
        final ChatMessageEncoder encoder = encoders.message.wrapAndApplyHeader(encoders.buffer, 0, encoders.header)
            .messageId(messageId)
            .role(roleOf(request.scope()))
            .viewerKey(viewerKey(request.clientAddress()));
        encoder.channel(null == room ? "" : room).user(name).text(text);
        final long receipt = publisher.tryPublish(
            Sources.REST, encoders.buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        if (receipt < 0)
        {
            unpublished(responder, receipt);
            return;
        }
        awaitVerdict(receipt, responder);
    }

    private void awaitVerdict(final long receipt, final HttpApi.Responder responder)
    {
        final Consumer<ChatVerdicts.Verdict> listener = new Consumer<>()
        {
            public void accept(final ChatVerdicts.Verdict verdict)
            {
                answer(verdict, responder);
            }
        };
        verdicts.await(receipt, listener);
        timer.schedule(() ->
        {
            if (verdicts.cancel(receipt, listener))
            {
                timeouts.increment();
                responder.respond(202, Map.of("receipt", receipt, "pending", true));
            }
        }, verdictTimeoutMs, TimeUnit.MILLISECONDS);
    }

    private void answer(final ChatVerdicts.Verdict verdict, final HttpApi.Responder responder)
    {
        if (verdict.shown())
        {
            accepted.increment();
            responder.respond(200, Map.of("receipt", verdict.receipt(), "lineId", verdict.receipt()));
            return;
        }
        refused.increment();
        final int status = statusOf(verdict.refusal());
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", null == verdict.reason() || verdict.reason().isEmpty() ?
            verdict.refusal().toLowerCase(Locale.ROOT).replace('_', ' ') : verdict.reason());
        body.put("refusal", verdict.refusal());
        body.put("retryAfterMs", verdict.retryAfterMs());
        body.put("receipt", verdict.receipt());
        if (429 == status && verdict.retryAfterMs() > 0)
        {
            responder.respond(status, body, Map.of("Retry-After", Long.toString(retryAfterSeconds(verdict.retryAfterMs()))));
        }
        else
        {
            responder.respond(status, body);
        }
    }

    /**
     * The HTTP status of a refusal: 429 for the rate-like ones, 400 for a bad message, 403 for the rest.
     *
     * @param refusal the refusal's name.
     * @return the status.
     */
    public static int statusOf(final String refusal)
    {
        return switch (refusal)
        {
            case "SLOW_MODE", "REPEATED", "SPAM" -> 429;
            case "TOO_LONG", "INVALID" -> 400;
            default -> 403;
        };
    }

    void moderate(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (!MODERATION_PATH.equals(request.path()) || !"POST".equals(request.method()))
        {
            responder.respond(405, Map.of("error", "expected POST " + MODERATION_PATH + " with " +
                "{\"action\":\"ban|unban|timeout|delete|slow|clear\",...}"));
            return;
        }
        final ChatAction action;
        final String target;
        final String room;
        final String reason;
        final String actor;
        final long durationMs;
        final long lineId;
        try
        {
            final JsonNode body = parseObject(request.body(), MODERATION_KEYS);
            action = actionOf(requiredString(body, "action", 16));
            target = optionalString(body, "target", MAX_FIELD_BYTES);
            room = optionalString(body, "room", MAX_ROOM_BYTES);
            reason = optionalString(body, "reason", MAX_FIELD_BYTES);
            final String givenActor = optionalString(body, "actor", MAX_FIELD_BYTES);
            actor = null != givenActor && !givenActor.isBlank() ? givenActor :
                Scope.ADMIN == request.scope() ? settings.streamerName() : "moderator";
            durationMs = optionalLong(body, "durationMs", -1);
            lineId = optionalLong(body, "lineId", -1);
            requireFor(action, target, durationMs, lineId);
            if (null != room && !room.isEmpty() && !settings.rooms().contains(room))
            {
                throw new IllegalArgumentException("room: expected one of " + String.join(", ", settings.rooms()) +
                    ", got '" + clip(room) + "'");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            responder.respond(400, Map.of("error", ex.getMessage()));
            return;
        }
        final Encoders encoders = ENCODERS.get();
        final ChatModerationEncoder encoder = encoders.moderation.wrapAndApplyHeader(encoders.buffer, 0, encoders.header)
            .action(action)
            .lineId(Math.max(0, lineId))
            .durationMs(Math.max(0, durationMs))
            .role(Scope.ADMIN == request.scope() ? ChatRole.ADMIN : ChatRole.MODERATOR);
        encoder.channel(null == room ? "" : room)
            .target(null == target ? "" : target)
            .actor(actor)
            .reason(null == reason ? "" : reason);
        final long receipt = publisher.tryPublish(
            Sources.REST, encoders.buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        if (receipt < 0)
        {
            unpublished(responder, receipt);
            return;
        }
        moderations.increment();
        responder.respond(202, Map.of("receipt", receipt));
    }

    void tip(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (!TIPS_PATH.equals(request.path()) || !"POST".equals(request.method()))
        {
            responder.respond(405, Map.of("error", "expected POST " + TIPS_PATH + " with " +
                "{\"txid\":\"<64 hex digits>\",\"name\":\"...\",\"message\":\"...\",\"room\":\"main\"}"));
            return;
        }
        final byte[] txid;
        final String name;
        final String message;
        final String room;
        try
        {
            final JsonNode body = parseObject(request.body(), TIP_KEYS);
            txid = txidOf(requiredString(body, "txid", MAX_FIELD_BYTES));
            name = requiredString(body, "name", MAX_NAME_BYTES);
            message = requiredString(body, "message", MAX_TEXT_BYTES);
            room = optionalString(body, "room", MAX_ROOM_BYTES);
            if (null != room && !room.isEmpty() && !settings.rooms().contains(room))
            {
                throw new IllegalArgumentException("room: expected one of " + String.join(", ", settings.rooms()) +
                    ", got '" + clip(room) + "'");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            responder.respond(400, Map.of("error", ex.getMessage()));
            return;
        }
        final Encoders encoders = ENCODERS.get();
        final TipMemoEncoder encoder = encoders.memo.wrapAndApplyHeader(encoders.buffer, 0, encoders.header)
            .putTxid(txid, 0, txid.length);
        encoder.channel(null == room ? "" : room).user(name).text(message);
        final long receipt = publisher.tryPublish(
            Sources.REST, encoders.buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        if (receipt < 0)
        {
            unpublished(responder, receipt);
            return;
        }
        responder.respond(202, Map.of("receipt", receipt));
    }

    private static byte[] txidOf(final String txid)
    {
        if (64 != txid.length())
        {
            throw new IllegalArgumentException("txid: expected 64 hex digits, got " + txid.length() + " characters");
        }
        try
        {
            return HexFormat.of().parseHex(txid);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("txid: expected 64 hex digits, got '" + clip(txid) + "'");
        }
    }

    void session(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (!SESSION_PATH.equals(request.path()) || !"GET".equals(request.method()))
        {
            responder.respond(405, Map.of("error", "expected GET " + SESSION_PATH));
            return;
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("role", roleOf(request.scope()).name().toLowerCase(Locale.ROOT));
        body.put("room", ChatSettings.DEFAULT_ROOM);
        body.put("rooms", settings.rooms());
        body.put("maxGraphemes", settings.maxGraphemes());
        body.put("maxNameGraphemes", settings.maxNameGraphemes());
        final long announced = verdicts.slowModeMs(ChatSettings.DEFAULT_ROOM);
        body.put("slowModeMs", announced >= 0 ? announced : settings.slowModeMs());
        body.put("streamerName", settings.streamerName());
        responder.respond(200, body);
    }

    /**
     * Stop the verdict timer.
     */
    public void close()
    {
        timer.shutdownNow();
    }

    private void rateLimit(final HttpApi.Responder responder, final long waitMs, final String message)
    {
        rateLimited.increment();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        body.put("refusal", "RATE_LIMITED");
        body.put("retryAfterMs", waitMs);
        responder.respond(429, body, Map.of("Retry-After", Long.toString(retryAfterSeconds(waitMs))));
    }

    private void unpublished(final HttpApi.Responder responder, final long result)
    {
        if (EventPublisher.INVALID == result)
        {
            responder.respond(400, Map.of("error", "message could not be encoded: expected a shorter name, text or room"));
        }
        else if (EventPublisher.HALTED == result)
        {
            responder.respond(503, Map.of("error", "the engine accepts no events: " + publisher.haltReason()));
        }
        else
        {
            responder.respond(503, Map.of("error", "chat is busy: the engine's input ring is full, retry shortly"),
                Map.of("Retry-After", "1"));
        }
    }

    private static long retryAfterSeconds(final long ms)
    {
        return Math.max(1, (ms + 999) / 1000);
    }

    private static String seconds(final long ms)
    {
        return retryAfterSeconds(ms) + " s";
    }

    private static ChatAction actionOf(final String action)
    {
        return switch (action.toLowerCase(Locale.ROOT))
        {
            case "ban" -> ChatAction.BAN;
            case "unban" -> ChatAction.UNBAN;
            case "timeout" -> ChatAction.TIMEOUT;
            case "delete" -> ChatAction.DELETE;
            case "slow" -> ChatAction.SLOW;
            case "clear" -> ChatAction.CLEAR;
            default -> throw new IllegalArgumentException("action: expected ban, unban, timeout, delete, slow or clear, " +
                "got '" + clip(action) + "'");
        };
    }

    private static void requireFor(final ChatAction action, final String target, final long durationMs, final long lineId)
    {
        switch (action)
        {
            case BAN, UNBAN, TIMEOUT ->
            {
                if (null == target || target.isBlank())
                {
                    throw new IllegalArgumentException("target: expected the viewer's display name for " +
                        action.name().toLowerCase(Locale.ROOT) + ", got none");
                }
                if (ChatAction.TIMEOUT == action && durationMs <= 0)
                {
                    throw new IllegalArgumentException("durationMs: expected a time-out of 1 ms or more, got " +
                        (durationMs < 0 ? "none" : durationMs));
                }
            }
            case DELETE ->
            {
                if (lineId < 0)
                {
                    throw new IllegalArgumentException("lineId: expected the lineId of the ChatLine to delete, got none");
                }
            }
            case SLOW ->
            {
                if (durationMs < 0)
                {
                    throw new IllegalArgumentException("durationMs: expected ms between a viewer's messages (0 turns " +
                        "slow mode off), got none");
                }
            }
            default ->
            {
            }
        }
    }

    /**
     * The body as a JSON object with only known keys.
     *
     * @throws IllegalArgumentException one line naming what is wrong.
     */
    static JsonNode parseObject(final byte[] body, final List<String> known)
    {
        return JsonBodies.object(body, "{\"name\":\"ann\",\"text\":\"hi\"}", known);
    }

    private static String requiredString(final JsonNode body, final String key, final int maxBytes)
    {
        final String value = optionalString(body, key, maxBytes);
        if (null == value || value.isBlank())
        {
            throw new IllegalArgumentException(key + ": expected a non-empty string, got " + (null == value ? "none" : "a blank one"));
        }
        return value;
    }

    private static String optionalString(final JsonNode body, final String key, final int maxBytes)
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
        final String text = value.textValue();
        final int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes)
        {
            throw new IllegalArgumentException(key + " too long: " + bytes + " bytes, at most " + maxBytes);
        }
        return text;
    }

    private static long optionalLong(final JsonNode body, final String key, final long fallback)
    {
        final JsonNode value = body.get(key);
        if (null == value || value.isNull())
        {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0)
        {
            throw new IllegalArgumentException(key + ": expected a whole number of 0 or more, got " + clip(value.toString()));
        }
        return value.longValue();
    }

    private static String clip(final String value)
    {
        final String oneLine = value.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() > 40 ? oneLine.substring(0, 40) + "..." : oneLine;
    }

    /**
     * Keys a message body may carry.
     *
     * @return name, text, room, messageId.
     */
    public static Set<String> messageKeys()
    {
        return Set.copyOf(MESSAGE_KEYS);
    }
}
