package dev.commandcenter.app.plugins;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.plugin.host.PluginOperations;
import dev.commandcenter.plugin.host.PluginView;
import dev.commandcenter.transport.websocket.HttpApi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The control channel of a running engine's plugins, served by the engine's web server under {@value #PATH} with
 * its token (and its connection limits, timeouts and body limit). Where to find it is written to
 * {@code <data-dir>/control.json}, which {@link PluginControlClient} reads. Protocol, JSON both ways:
 * <pre>
 *   GET  /api/plugins                 {"plugins": [view, ...]}
 *   GET  /api/plugins/ID              view
 *   POST /api/plugins/ID/enable       {"message": "...", "plugin": view}
 *   POST /api/plugins/ID/disable      idem
 *   POST /api/plugins/ID/reload       idem
 *   errors: 401 bad token, 403 not from this machine, 404 no such plugin or path, 409 refused, 500 failure,
 *           503 shutting down; body {"error": "..."}
 * </pre>
 * Every operation runs on a virtual thread of its own, never on the server's event loop: a reload takes as long
 * as the plugin's stop and start, and the plugin host serialises operations, so a request waiting for one must
 * not hold up the other connections of that loop. Requests from another machine are refused: the channel serves
 * this machine only, whatever address the web server binds.
 * <p>
 * <b>Note:</b> thread safe; {@link #close()} stops the executor and deletes the control file.
 */
public final class PluginControlRoute implements HttpApi.Route, AutoCloseable
{
    /** Name of the file in the data dir that tells clients where the channel is. */
    public static final String FILE_NAME = "control.json";
    /** Version of the control protocol, written to {@link #FILE_NAME}. */
    public static final int PROTOCOL_VERSION = 2;
    /** Prefix of every path. */
    public static final String PATH = "/api/plugins";

    static final ObjectMapper JSON = new ObjectMapper();

    private final PluginOperations operations;
    private final ExecutorService executor;

    /**
     * A route over the plugins of an engine.
     *
     * @param operations the plugins to control, usually the engine's plugin manager.
     */
    public PluginControlRoute(final PluginOperations operations)
    {
        this.operations = operations;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cc-plugin-control-", 0).factory());
    }

    /**
     * Write {@code control.json}: the URL of the channel, or why there is none (owner read/write only).
     *
     * @param dataDir the engine's data dir.
     * @param url     base URL of the channel such as {@code http://127.0.0.1:7300/api/plugins}, or null.
     * @param reason  when url is null: one line telling the user why the channel is not served.
     * @return the file.
     * @throws UncheckedIOException naming the data dir when it cannot be written.
     */
    public static Path writeControlFile(final Path dataDir, final String url, final String reason)
    {
        final Path file = dataDir.resolve(FILE_NAME);
        try
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
            if (null != url)
            {
                content.put("url", url);
            }
            else
            {
                content.put("error", reason);
            }
            Files.write(temp, JSON.writeValueAsBytes(content));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the plugin control file in " + dataDir + ": " +
                ex.getMessage(), ex);
        }
    }

    /**
     * Delete {@code control.json}, quietly.
     *
     * @param dataDir the engine's data dir.
     */
    public static void deleteControlFile(final Path dataDir)
    {
        try
        {
            Files.deleteIfExists(dataDir.resolve(FILE_NAME));
        }
        catch (final IOException ignore)
        {
        }
    }

    /**
     * {@inheritDoc}
     */
    public void handle(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        if (null == request.remoteAddress() || !request.remoteAddress().getAddress().isLoopbackAddress())
        {
            responder.respond(403, Map.of("error", "the plugin control channel serves this machine only"));
            return;
        }
        try
        {
            executor.execute(() -> route(request, responder));
        }
        catch (final RejectedExecutionException ex)
        {
            responder.respond(503, Map.of("error", "the engine is shutting down"));
        }
    }

    /**
     * Stop taking operations; those running finish.
     */
    public void close()
    {
        executor.shutdown();
    }

    private void route(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        final String method = request.method();
        final String rest = request.path().substring(PATH.length());
        final String[] parts = rest.isEmpty() || "/".equals(rest) ? new String[0] : rest.substring(1).split("/");
        try
        {
            if (parts.length == 0 && "GET".equals(method))
            {
                responder.respond(200, Map.of("plugins", operations.list()));
            }
            else if (parts.length == 1 && "GET".equals(method))
            {
                responder.respond(200, operations.info(parts[0]));
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
                    responder.respond(404, Map.of("error", "unknown action '" + parts[1] +
                        "', expected enable, disable or reload"));
                    return;
                }
                final Map<String, Object> body = new LinkedHashMap<>();
                body.put("message", id + " " + ("reload".equals(parts[1]) ? "reloaded" : parts[1] + "d") + ": " +
                    view.state() + (view.reason().isEmpty() ? "" : " (" + view.reason() + ")"));
                body.put("plugin", view);
                responder.respond(200, body);
            }
            else
            {
                responder.respond(404, Map.of("error", "unknown request " + method + " " + request.path() +
                    ", expected GET " + PATH + "[/ID] or POST " + PATH + "/ID/enable|disable|reload"));
            }
        }
        catch (final IllegalArgumentException ex)
        {
            responder.respond(404, Map.of("error", String.valueOf(ex.getMessage())));
        }
        catch (final IllegalStateException ex)
        {
            responder.respond(409, Map.of("error", String.valueOf(ex.getMessage())));
        }
        catch (final RuntimeException ex)
        {
            responder.respond(500, Map.of("error", ex.getClass().getSimpleName() + ": " + ex.getMessage()));
        }
    }
}
