package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Accepts the Electrum wallet daemon's {@code notify} callbacks: an HTTP POST to
 * {@code /notify?token=…} with the JSON body {@code {"address": "…", "status": "…"}}, sent each time a
 * watched address changes. A good request hands the address to the {@link Handler}; a wrong token
 * gets 401, a bad body 400, an address that is not watched 404, each with a one-line reason.
 * <p>
 * <b>Note:</b> requests are served on virtual threads; the handler must be thread safe.
 */
public final class NotifyEndpoint implements AutoCloseable
{
    /** Path the endpoint serves. */
    public static final String PATH = "/notify";

    /** Largest body accepted. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();

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

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] token;
    private final Handler handler;

    /**
     * Bind and start the endpoint.
     *
     * @param bindAddress host to bind, 127.0.0.1 by default.
     * @param port        port, 0 for an ephemeral one.
     * @param token       secret expected in the {@code token} query parameter.
     * @param handler     receives notified addresses.
     * @throws IOException when the port cannot be bound.
     */
    public NotifyEndpoint(final String bindAddress, final int port, final String token, final Handler handler)
        throws IOException
    {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.handler = handler;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 16);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        server.start();
    }

    /**
     * Port the endpoint listens on.
     *
     * @return the bound port.
     */
    public int port()
    {
        return server.getAddress().getPort();
    }

    /**
     * Stop serving.
     */
    public void close()
    {
        server.stop(0);
        executor.close();
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            if (!exchange.getRequestURI().getPath().equals(PATH))
            {
                respond(exchange, 404, "not found: expected POST " + PATH + "?token=...");
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().add("Allow", "POST");
                respond(exchange, 405, "method " + exchange.getRequestMethod() + " not allowed: expected POST");
                return;
            }
            final String given = queryParameter(exchange.getRequestURI().getRawQuery(), "token");
            if (null == given || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8)))
            {
                respond(exchange, 401, "missing or wrong token: expected the token configured in wallet.notify.token");
                return;
            }
            final byte[] body;
            try (InputStream in = exchange.getRequestBody())
            {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (body.length > MAX_BODY_BYTES)
            {
                respond(exchange, 400, "body larger than " + MAX_BODY_BYTES + " bytes: expected {\"address\": \"...\", \"status\": \"...\"}");
                return;
            }
            final JsonNode json;
            try
            {
                json = MAPPER.readTree(body);
            }
            catch (final IOException ex)
            {
                respond(exchange, 400, "body is not JSON: expected {\"address\": \"...\", \"status\": \"...\"}");
                return;
            }
            if (null == json || !json.isObject() || !json.path("address").isTextual() ||
                !(json.path("status").isTextual() || json.path("status").isNull() || json.path("status").isMissingNode()))
            {
                respond(exchange, 400, "body lacks a string 'address': expected {\"address\": \"...\", \"status\": \"...\"}");
                return;
            }
            final String address = json.get("address").asText();
            final String status = json.path("status").isTextual() ? json.get("status").asText() : null;
            if (!handler.onNotify(address, status))
            {
                respond(exchange, 404, "address '" + address + "' is not watched: expected one of wallet.watch addresses");
                return;
            }
            respond(exchange, 200, "ok");
        }
    }

    private static String queryParameter(final String rawQuery, final String name)
    {
        if (null == rawQuery)
        {
            return null;
        }
        for (final String pair : rawQuery.split("&"))
        {
            final int equals = pair.indexOf('=');
            final String key = equals < 0 ? pair : pair.substring(0, equals);
            if (name.equals(URLDecoder.decode(key, StandardCharsets.UTF_8)))
            {
                return equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void respond(final HttpExchange exchange, final int status, final String message) throws IOException
    {
        final byte[] bytes = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(bytes);
        }
    }
}
