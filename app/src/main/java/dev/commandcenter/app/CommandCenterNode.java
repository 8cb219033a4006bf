package dev.commandcenter.app;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginHealth;
import dev.commandcenter.plugin.host.PluginManager;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.Retention;
import dev.commandcenter.persistence.TelemetryRecorder;
import dev.commandcenter.transport.websocket.WebServer;
import dev.commandcenter.transport.websocket.WebSocketEgress;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * One running Command Center: engine, journal, telemetry history, plugins, HTTP/WebSocket server and
 * wallet source, assembled from an {@link AppConfig} on a data dir. Used by {@code demo}, {@code run}
 * and the end-to-end tests. Closing stops the sources first, then drains the engine.
 */
public final class CommandCenterNode implements AutoCloseable
{
    private final AppConfig config;
    private final Path dataDir;
    private final String token;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Engine engine;
    private WebServer webServer;
    private WebSocketEgress egress;
    private final List<Plugin> plugins = new ArrayList<>();
    private WalletSourceHandle wallet;
    private PluginManager pluginManager;

    private final boolean devMode;

    private CommandCenterNode(final AppConfig config, final Path dataDir, final boolean devMode)
    {
        this.devMode = devMode;
        this.config = config;
        this.dataDir = dataDir;
        this.token = null == config.websocket.token || config.websocket.token.isEmpty() ? TokenStore.loadOrCreate(dataDir) : config.websocket.token;
    }

    /**
     * Start everything the configuration enables.
     *
     * @param config       the configuration.
     * @param dataDir      the data dir.
     * @param errorHandler told of engine errors (besides the distinct error log), may be null.
     * @return the running node.
     */
    public static CommandCenterNode start(final AppConfig config, final Path dataDir, final ErrorHandler errorHandler)
    {
        return start(config, dataDir, errorHandler, false);
    }

    /**
     * Start everything the configuration enables, optionally watching the plugins dir for changes.
     *
     * @param config       the configuration.
     * @param dataDir      the data dir.
     * @param errorHandler told of engine errors (besides the distinct error log), may be null.
     * @param devMode      reload a plugin when its jar or descriptor changes.
     * @return the running node.
     */
    public static CommandCenterNode start(
        final AppConfig config, final Path dataDir, final ErrorHandler errorHandler, final boolean devMode)
    {
        requireWritable(dataDir);
        final CommandCenterNode node = new CommandCenterNode(config, dataDir, devMode);
        try
        {
            node.startAll(errorHandler);
            return node;
        }
        catch (final RuntimeException ex)
        {
            node.close();
            throw ex;
        }
    }

    private void startAll(final ErrorHandler errorHandler)
    {
        final Engine.Context ctx = new Engine.Context()
            .dataDir(dataDir)
            .inputRingSize(config.engine.inputRingSize)
            .outputRingSize(config.engine.outputRingSize)
            .waitStrategy(config.engine.waitStrategy)
            .backPressure("reject".equals(config.engine.backPressure) ? BackPressure.REJECT : BackPressure.BLOCK)
            .quarantineAfterFailures(config.engine.quarantineAfterFailures)
            .sampleIntervalMs(config.engine.sampleIntervalMs)
            .errorHandler(errorHandler);
        pluginManager = PluginManager.discover(new PluginManager.Context()
            .dataDir(dataDir).settings(config.plugins).devMode(devMode).errorHandler(errorHandler));
        pluginManager.configure(ctx);
        plugins.addAll(pluginManager.plugins());

        Journal journal = Journal.NONE;
        if (config.journal.enabled)
        {
            journal = ChronicleJournal.open(new ChronicleJournal.Context()
                .dataDir(dataDir)
                .rollCycle(config.journal.rollCycle)
                .durability(ChronicleJournal.Context.parseDurability(config.journal.durability.replace('-', '_')))
                .retention(Retention.parse(config.journal.retention)));
        }
        ctx.journal(journal);

        if (config.telemetry.enabled)
        {
            final TelemetryRecorder recorder = TelemetryRecorder.open(new TelemetryRecorder.Context()
                .dataDir(dataDir).intervalMs(config.telemetry.intervalMs));
            closeables.add(recorder);
            ctx.telemetryListener(recorder);
        }

        if (config.websocket.enabled)
        {
            egress = new WebSocketEgress(config.websocket.retain);
            ctx.egress("websocket", egress);
        }

        try
        {
            engine = Engine.launch(ctx);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(journal::close);
            throw ex;
        }
        pluginManager.attach(engine);

        if (config.websocket.enabled)
        {
            final WebServer.Context web = new WebServer.Context()
                .bindAddress(config.websocket.bind)
                .port(config.websocket.port)
                .token(token)
                .allowedOrigins(config.websocket.allowedOrigins)
                .eventPublisher(engine.publisher())
                .statusSupplier(this::health)
                .egress(egress);
            for (final Plugin plugin : plugins)
            {
                web.plugin(plugin);
            }
            webServer = WebServer.launch(web);
        }

        wallet = WalletSources.start(config, dataDir, engine, errorHandler);
    }

    /**
     * The URLs this node serves, each with the token, by name.
     *
     * @return name to URL, in display order.
     */
    public Map<String, String> urls()
    {
        final Map<String, String> urls = new LinkedHashMap<>();
        if (null != webServer)
        {
            final String http = webServer.baseUrl();
            final String ws = http.replaceFirst("^http", "ws");
            final String query = "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
            for (final Plugin plugin : plugins)
            {
                if (null != plugin.webResourceRoot())
                {
                    urls.put(plugin.id() + " page", http + "/plugins/" + plugin.id() + "/" + query);
                    urls.put(plugin.id() + " feed", ws + "/ws/" + plugin.id() + query);
                }
            }
            urls.put("all events", ws + "/ws/all" + query);
            urls.put("health", http + "/api/health" + query);
            urls.put("post events", http + "/api/events" + query);
        }
        if (null != wallet)
        {
            urls.putAll(wallet.urls());
        }
        return urls;
    }

    /**
     * A health view for the REST endpoint.
     *
     * @return JSON-serialisable map.
     */
    public Map<String, Object> health()
    {
        final Map<String, Object> health = new LinkedHashMap<>();
        final String haltReason = engine.haltReason();
        health.put("status", null == haltReason ? "running" : "halted");
        if (null != haltReason)
        {
            health.put("reason", haltReason);
        }
        health.put("nextSequence", engine.nextSequence());
        final List<Map<String, Object>> pluginViews = new ArrayList<>();
        for (final PluginHealth plugin : engine.pluginHealth())
        {
            final Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", plugin.id());
            view.put("version", plugin.version());
            view.put("state", plugin.state().name());
            view.put("reason", plugin.reason());
            view.put("processed", plugin.processed());
            view.put("errors", plugin.errors());
            view.put("lag", plugin.lag());
            pluginViews.add(view);
        }
        health.put("plugins", pluginViews);
        if (null != wallet)
        {
            health.put("wallet", wallet.status());
        }
        return health;
    }

    /**
     * The engine.
     *
     * @return the engine.
     */
    public Engine engine()
    {
        return engine;
    }

    /**
     * The HTTP/WebSocket server, or null when disabled.
     *
     * @return the server.
     */
    public WebServer webServer()
    {
        return webServer;
    }

    /**
     * The access token of this node.
     *
     * @return the token.
     */
    public String token()
    {
        return token;
    }

    /**
     * The wallet source, or null when none is configured.
     *
     * @return the wallet handle.
     */
    public WalletSourceHandle wallet()
    {
        return wallet;
    }

    public void close()
    {
        CloseHelper.quietClose(wallet);
        CloseHelper.quietClose(webServer);
        CloseHelper.quietClose(engine);
        CloseHelper.quietClose(pluginManager);
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    /**
     * The plugin manager of this node.
     *
     * @return the manager.
     */
    public PluginManager pluginManager()
    {
        return pluginManager;
    }

    private static void requireWritable(final Path dataDir)
    {
        try
        {
            Files.createDirectories(dataDir);
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException("data dir " + dataDir + " cannot be created: " + describe(ex));
        }
        if (!Files.isDirectory(dataDir) || !Files.isWritable(dataDir))
        {
            throw new IllegalStateException("data dir " + dataDir + " is not a writable directory (expected a " +
                "directory this user can write, set with --data-dir)");
        }
    }

    private static String describe(final Exception ex)
    {
        return ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : " " + ex.getMessage());
    }
}
