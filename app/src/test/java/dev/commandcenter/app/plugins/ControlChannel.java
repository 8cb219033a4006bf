package dev.commandcenter.app.plugins;

import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.plugin.host.PluginOperations;
import dev.commandcenter.transport.websocket.WebServer;
import org.agrona.CloseHelper;

import java.nio.file.Path;

/**
 * A plugin control channel as a node serves it, for tests: a web server on an ephemeral loopback port with the
 * control route, the data dir's token and {@code control.json}.
 */
public final class ControlChannel implements AutoCloseable
{
    private final Path dataDir;
    private final PluginControlRoute route;
    private final WebServer server;
    private final String token;

    private ControlChannel(final Path dataDir, final Engine engine, final PluginOperations operations)
    {
        this.dataDir = dataDir;
        final SecretsStore secrets = SecretsStore.open(dataDir);
        this.token = secrets.adminToken();
        this.route = new PluginControlRoute(operations);
        this.server = WebServer.launch(new WebServer.Context().port(0).token(secrets.overlayToken()).adminToken(token).counters(engine.counters())
            .countersReader(engine.countersReader()).errorHandler(engine.errorHandler())
            .apiRoute(PluginControlRoute.PATH, true, route));
        PluginControlRoute.writeControlFile(dataDir, server.baseUrl() + PluginControlRoute.PATH, null);
    }

    /**
     * Serve the control channel of an engine's plugins.
     *
     * @param dataDir    the engine's data dir.
     * @param engine     the engine, for the server's counters and error handler.
     * @param operations the plugins.
     * @return the running channel.
     */
    public static ControlChannel start(final Path dataDir, final Engine engine, final PluginOperations operations)
    {
        return new ControlChannel(dataDir, engine, operations);
    }

    /**
     * The web server serving the channel.
     *
     * @return the server.
     */
    public WebServer server()
    {
        return server;
    }

    /**
     * The token of the data dir.
     *
     * @return the token.
     */
    public String token()
    {
        return token;
    }

    /**
     * Stop the server and delete {@code control.json}.
     */
    public void close()
    {
        PluginControlRoute.deleteControlFile(dataDir);
        CloseHelper.quietClose(route);
        CloseHelper.quietClose(server);
    }
}
