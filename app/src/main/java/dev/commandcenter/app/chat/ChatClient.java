package dev.commandcenter.app.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.plugins.EngineRestClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The terminal's way into the chat of the engine running on a data dir: its web server found through the data
 * dir's control file, the admin token from its secrets store, and the chat gateway's routes. Errors are one line
 * and never contain the token.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class ChatClient
{
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)?");

    private final EngineRestClient rest;

    private ChatClient(final EngineRestClient rest)
    {
        this.rest = rest;
    }

    /**
     * Connect to the engine running on a data dir, with its admin token.
     *
     * @param dataDir the engine's data dir.
     * @return the client.
     * @throws IllegalStateException when no engine runs there or its token cannot be read.
     */
    public static ChatClient connect(final Path dataDir)
    {
        return new ChatClient(EngineRestClient.connect(dataDir, Duration.ofSeconds(10)));
    }

    /**
     * Parse a duration such as {@code 10s}, {@code 5m}, {@code 1h}, {@code 250ms} or a bare number of seconds.
     *
     * @param text the duration.
     * @return milliseconds.
     * @throws IllegalArgumentException naming the value and the forms expected.
     */
    public static long parseDuration(final String text)
    {
        final Matcher matcher = DURATION.matcher(null == text ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches())
        {
            throw new IllegalArgumentException("duration: expected a number with ms, s, m, h or d such as 10s, 5m or 1h, " +
                "got '" + text + "'");
        }
        final long amount = Long.parseLong(matcher.group(1));
        final String unit = null == matcher.group(2) ? "s" : matcher.group(2);
        return switch (unit)
        {
            case "ms" -> amount;
            case "m" -> amount * 60_000L;
            case "h" -> amount * 3_600_000L;
            case "d" -> amount * 86_400_000L;
            default -> amount * 1_000L;
        };
    }

    /**
     * Publish a moderation action.
     *
     * @param body the moderation route's body.
     * @return the receipt (engine sequence).
     */
    public long moderate(final Map<String, Object> body)
    {
        return send("/api/chat/moderation", body).path("receipt").asLong();
    }

    /**
     * Post a message as the streamer (the admin token posts with the admin role).
     *
     * @param name the streamer's name.
     * @param text the message.
     * @return the answer: receipt and lineId, or pending.
     */
    public JsonNode say(final String name, final String text)
    {
        return send("/api/chat/messages", Map.of("name", name, "text", text));
    }

    /**
     * Post a tip memo: the name and message a payment shows with as a paid line, whichever comes first.
     *
     * @param txid    the payment's transaction id, 64 hex digits.
     * @param name    the tipper's display name.
     * @param message the message.
     * @param room    the room, or null for the default room.
     * @return the receipt (engine sequence).
     */
    public long tip(final String txid, final String name, final String message, final String room)
    {
        final Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("txid", txid);
        body.put("name", name);
        body.put("message", message);
        if (null != room)
        {
            body.put("room", room);
        }
        return send("/api/chat/tips", body).path("receipt").asLong();
    }

    /**
     * The chat's session view: rooms, limits, the streamer's name.
     *
     * @return the session.
     */
    public JsonNode session()
    {
        return rest.send("GET", "/api/chat/session", null);
    }

    private JsonNode send(final String path, final Map<String, Object> body)
    {
        return rest.send("POST", path, body);
    }
}
