package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.transport.electrum.ElectrumWalletSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Judges the Electrum wallet daemon's {@code notify} callbacks: an HTTP POST with the secret in its
 * {@code token} query parameter and the JSON body {@code {"address": "…", "status": "…"}}, sent each time a watched
 * address changes. It serves no socket of its own: the application's web server routes the requests here. A good
 * request hands the address to the {@link Handler}; a wrong token gets 401, a bad body 400 (413 when too large), an
 * address that is not watched 404, each with a one-line reason that never contains the token.
 * <p>
 * <b>Note:</b> stateless apart from its settings; thread safe when the handler is.
 */
public final class NotifyEndpoint
{
    /** Largest body accepted. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String EXPECTED_BODY = "expected {\"address\": \"...\", \"status\": \"...\"}";

    /**
     * Receives notified addresses.
     */
    @FunctionalInterface
    public interface Handler
    {
        /**
         * An address changed.
         *
         * @param address as sent by the daemon.
         * @param status  its new status hash, or null.
         * @return true when the address is watched (and a reconcile was queued).
         */
        boolean onNotify(String address, String status);
    }

    private final byte[] token;
    private final Handler handler;

    /**
     * An endpoint expecting a secret.
     *
     * @param token   secret expected in the {@code token} query parameter.
     * @param handler receives notified addresses.
     */
    public NotifyEndpoint(final String token, final Handler handler)
    {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.handler = handler;
    }

    /**
     * Judge one request.
     *
     * @param method HTTP method.
     * @param given  the {@code token} query parameter, or null.
     * @param body   the request body.
     * @return status and one-line message.
     */
    public ElectrumWalletSource.NotifyReply handle(final String method, final String given, final byte[] body)
    {
        if (!"POST".equals(method))
        {
            return reply(405, "method " + method + " not allowed: expected POST");
        }
        if (null == given || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8)))
        {
            return reply(401, "missing or wrong token: expected the token configured in wallet.notify.token");
        }
        if (body.length > MAX_BODY_BYTES)
        {
            return reply(413, "body of " + body.length + " bytes larger than " + MAX_BODY_BYTES + " bytes: " +
                EXPECTED_BODY);
        }
        final JsonNode json;
        try
        {
            json = MAPPER.readTree(body);
        }
        catch (final IOException ex)
        {
            return reply(400, "body is not JSON: " + EXPECTED_BODY);
        }
        if (null == json || !json.isObject() || !json.path("address").isTextual() ||
            !(json.path("status").isTextual() || json.path("status").isNull() || json.path("status").isMissingNode()))
        {
            return reply(400, "body lacks a string 'address': " + EXPECTED_BODY);
        }
        final String address = json.get("address").asText();
        final String status = json.path("status").isTextual() ? json.get("status").asText() : null;
        if (!handler.onNotify(address, status))
        {
            return reply(404, "address '" + oneLine(address) + "' is not watched: expected one of wallet.watch addresses");
        }
        return reply(200, "ok");
    }

    private static ElectrumWalletSource.NotifyReply reply(final int status, final String message)
    {
        return new ElectrumWalletSource.NotifyReply(status, message);
    }

    private static String oneLine(final String text)
    {
        final String shown = text.length() > 128 ? text.substring(0, 128) + "..." : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
