package dev.commandcenter.app.plugins;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.commandcenter.plugin.host.PluginOperations;
import dev.commandcenter.plugin.host.PluginView;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local control channel of the plugins of a running engine: HTTP on 127.0.0.1 at an ephemeral port, every request
 * authenticated with a random bearer token. Port and token are written to {@code <data-dir>/control.json}
 * (owner read/write only), which {@link PluginControlClient} reads. Protocol, JSON both ways:
 * <pre>
 *   GET  /v1/plugins                 {"plugins": [view, ...]}
 *   GET  /v1/plugins/ID              view
 *   POST /v1/plugins/ID/enable       {"message": "...", "plugin": view}
 *   POST /v1/plugins/ID/disable      idem
 *   POST /v1/plugins/ID/reload       idem
 *   errors: 401 bad token, 404 no such plugin or path, 409 refused, 500 failure; body {"error": "..."}
 * </pre>
 * Each exchange runs on a virtual thread of its own: the JDK server's handlers block on their socket, which is
 * what virtual threads are for at the edge; the operations themselves are serialised by the plugin host.
 * <p>
 * <b>Note:</b> thread safe; {@link #close()} stops the server and its executor.
 */
public final class PluginControlServer implements AutoCloseable
{
    /** Name of the file in the data dir that tells clients where and how to connect. */
    public static final String FILE_NAME = "control.json";
    /** Version of the control protocol, written to {@link #FILE_NAME}. */
    public static final int PROTOCOL_VERSION = 1;
    /** Prefix of every path. */
    public static final String PATH = "/v1/plugins";

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final PluginOperations operations;
    private final byte[] expectedAuthorization;
    private final Path file;

    private PluginControlServer(final Path dataDir, final PluginOperations operations) throws IOException
    {
        this.operations = operations;
        final byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        final String token = HexFormat.of().formatHex(secret);
        this.expectedAuthorization = ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 }), 0), 8);
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cc-plugin-control-", 0).factory());
        server.setExecutor(executor);
        server.createContext(PATH, this::handle);
        server.start();
        file = dataDir.resolve(FILE_NAME);
        try
        {
            writeControlFile(dataDir, token);
        }
        catch (final IOException | RuntimeException ex)
        {
            server.stop(0);
            executor.shutdownNow();
            throw ex;
        }
    }

    /**
     * Start the control channel of a running engine's plugins and write {@code control.json}.
     *
     * @param dataDir    the engine's data dir.
     * @param operations the plugins to control, usually the engine's plugin manager.
     * @return the running server.
     */
    public static PluginControlServer start(final Path dataDir, final PluginOperations operations)
    {
        try
        {
            return new PluginControlServer(dataDir, operations);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open the plugin control channel in " + dataDir + ": " +
                ex.getMessage(), ex);
        }
    }

    /**
     * Port the server listens on, on 127.0.0.1.
     *
     * @return the port.
     */
    public int port()
    {
        return server.getAddress().getPort();
    }

    /**
     * The control file.
     *
     * @return its path.
     */
    public Path file()
    {
        return file;
    }

    /**
     * Stop serving and delete {@code control.json}.
     */
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
        }
    }

    private void writeControlFile(final Path dataDir, final String token) throws IOException
    {
        Files.createDirectories(dataDir);
        final Path temp;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix"))
        {
            temp = Files.createTempFile(dataDir, ".control", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        else
        {
            temp = Files.createTempFile(dataDir, ".control", ".tmp");
        }
        final Map<String, Object> content = new LinkedHashMap<>();
        content.put("version", PROTOCOL_VERSION);
        content.put("pid", ProcessHandle.current().pid());
        content.put("host", "127.0.0.1");
        content.put("port", port());
        content.put("token", token);
        Files.write(temp, JSON.writeValueAsBytes(content));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void handle(final HttpExchange exchange) throws IOException
    {
        try (exchange)
        {
            if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress())
            {
                respond(exchange, 403, Map.of("error", "the control channel serves this machine only"));
                return;
            }
            final String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (null == authorization ||
                !MessageDigest.isEqual(expectedAuthorization, authorization.getBytes(StandardCharsets.US_ASCII)))
            {
                respond(exchange, 401, Map.of("error", "unauthorized: expected the token of " + FILE_NAME));
                return;
            }
            exchange.getRequestBody().readAllBytes();
            route(exchange);
        }
    }

    private void route(final HttpExchange exchange) throws IOException
    {
        final String method = exchange.getRequestMethod();
        final String rest = exchange.getRequestURI().getPath().substring(PATH.length());
        final String[] parts = rest.isEmpty() || "/".equals(rest) ? new String[0] : rest.substring(1).split("/");
        try
        {
            if (parts.length == 0 && "GET".equals(method))
            {
                respond(exchange, 200, Map.of("plugins", operations.list()));
            }
            else if (parts.length == 1 && "GET".equals(method))
            {
                respond(exchange, 200, operations.info(parts[0]));
            }
            else if (parts.length == 2 && "POST".equals(method))
            {
                final String id = parts[0];
                final PluginView view = switch (parts[1])
                {
                    case "enable" -> operations.enable(id);
                    case "disable" -> operations.disable(id);
                    case "reload" -> operations.reload(id);
                    default -> null;
                };
                if (null == view)
                {
                    respond(exchange, 404, Map.of("error", "unknown action '" + parts[1] +
                        "', expected enable, disable or reload"));
                    return;
                }
                final Map<String, Object> body = new LinkedHashMap<>();
                body.put("message", id + " " + ("reload".equals(parts[1]) ? "reloaded" : parts[1] + "d") + ": " + view.state() +
                    (view.reason().isEmpty() ? "" : " (" + view.reason() + ")"));
                body.put("plugin", view);
                respond(exchange, 200, body);
            }
            else
            {
                respond(exchange, 404, Map.of("error", "unknown request " + method + " " +
                    exchange.getRequestURI().getPath()));
            }
        }
        catch (final IllegalArgumentException ex)
        {
            respond(exchange, 404, Map.of("error", String.valueOf(ex.getMessage())));
        }
        catch (final IllegalStateException ex)
        {
            respond(exchange, 409, Map.of("error", String.valueOf(ex.getMessage())));
        }
        catch (final RuntimeException ex)
        {
            respond(exchange, 500, Map.of("error", ex.getClass().getSimpleName() + ": " + ex.getMessage()));
        }
    }

    private static void respond(final HttpExchange exchange, final int status, final Object body) throws IOException
    {
        final byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(bytes);
        }
    }
}
