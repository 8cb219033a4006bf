package dev.commandcenter.app.edge;

import dev.commandcenter.app.WebServerSettings;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.plugins.PluginControlRoute;
import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.plugin.host.PluginManager;
import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.edge.EdgeSubscriber;
import dev.commandcenter.transport.websocket.WebRoot;
import dev.commandcenter.transport.websocket.WebServer;
import dev.commandcenter.transport.websocket.WebSocketEgress;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An edge fan-out node: subscribes to an engine's output stream over Aeron (replay from the engine's recording
 * merged into the live stream, {@link EdgeSubscriber}) and serves the same overlay pages and feeds as the engine,
 * from the same {@link WebServer} and {@link WebSocketEgress}, with the same tokens (its data dir's secrets store,
 * copied from the engine's), the same retained messages and the same {@code ?since=} resume by the ENGINE's output
 * sequences. It has its own embedded media driver in {@code <data-dir>/aeron}, no engine, no journal and no plugins
 * running: REST posting, the chat gateway and the plugin control channel answer 404 pointing at the engine.
 * <p>
 * <b>Note:</b> {@link #close()} is idempotent and may be called from a shutdown hook.
 */
public final class EdgeNode implements AutoCloseable
{
    /** Counters the edge's counters file holds. */
    private static final int MAX_COUNTERS = 256;


    private final Context ctx;
    private final List<String> startLines = new CopyOnWriteArrayList<>();
    private CountersManager counters;
    private AtomicCounter errors;
    private AeronNode aeronNode;
    private PluginManager pluginManager;
    private WebSocketEgress egress;
    private EdgeSubscriber subscriber;
    private AgentRunner runner;
    private WebServer webServer;
    private String overlayToken;
    private final List<Plugin> plugins = new ArrayList<>();
    private boolean closed;

    private EdgeNode(final Context ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Start an edge: its driver, the connection to the engine's archive (bounded wait), the web server, then the
     * replay-merge of the engine's output stream.
     *
     * @param ctx concluded here.
     * @return the running edge.
     * @throws IllegalStateException with a one-line reason when the engine's archive cannot be reached, a channel
     *                               is wrong or the port is in use.
     */
    public static EdgeNode launch(final Context ctx)
    {
        ctx.conclude();
        final EdgeNode node = new EdgeNode(ctx);
        try
        {
            node.start();
            return node;
        }
        catch (final RuntimeException ex)
        {
            node.close();
            throw ex;
        }
    }

    private void start()
    {
        final AppConfig config = ctx.config;
        final Path dataDir = ctx.dataDir;
        SecretsStore.createPrivateDirectory(dataDir);
        if (null != ctx.secretsFile)
        {
            copySecrets(ctx.secretsFile, dataDir);
        }
        // The edge's counters live in memory: /metrics and the health endpoint read them.
        counters = new ConcurrentCountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_COUNTERS * CountersManager.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_COUNTERS * CountersManager.COUNTER_LENGTH)),
            StandardCharsets.US_ASCII);
        final CounterAllocator allocator = (type, suffix) -> counters.newCounter(
            null == suffix || suffix.isEmpty() ? type.label() : type.label() + ": " + suffix, type.id());
        errors = allocator.allocate(CounterType.ERRORS, "");
        final ErrorHandler listener = ctx.errorListener;
        final ErrorHandler errorHandler = (ex) ->
        {
            errors.incrementRelease();
            if (null != listener)
            {
                listener.onError(ex);
            }
        };
        aeronNode = AeronNode.launch(config.aeron, dataDir, errorHandler);
        startLines.add("aeron: " + (aeronNode.embedded() ? "embedded media driver" : "external media driver") +
            " in " + aeronNode.directory());

        pluginManager = PluginManager.discover(new PluginManager.Context()
            .dataDir(dataDir).settings(config.plugins.withPluginDefault("stream-bridge", "alertOn",
                config.wallet.alertOn)));
        plugins.addAll(pluginManager.plugins());

        egress = new WebSocketEgress(config.websocket.retain, config.websocket.resumeHistory)
            .batchWindows(config.websocket.batching);
        final String edgeId = "edge " + dataDir.toAbsolutePath().normalize().getFileName() + " pid " +
            ProcessHandle.current().pid() + " on " + ctx.bind + (0 == ctx.port ? "" : ":" + ctx.port);
        subscriber = new EdgeSubscriber(new EdgeSubscriber.Context()
            .aeron(aeronNode.aeron())
            .engineChannel(ctx.engineChannel)
            .streamId(config.aeron.output.streamId)
            .archiveControlChannel(ctx.archiveChannel)
            .archiveControlStreamId(config.aeron.output.archiveControlStreamId)
            .statusChannel(ctx.statusChannel)
            .statusStreamId(config.aeron.output.statusStreamId)
            .bindHost(ctx.aeronHost)
            .edgeId(edgeId)
            .clients(() -> egress.connectedClients())
            .handler(egress)
            .errorHandler(errorHandler)
            .log(ctx.log)
            .connectTimeoutMs(ctx.connectTimeoutMs));
        subscriber.connect();

        final SecretsStore secrets = SecretsStore.open(dataDir);
        overlayToken = null == config.websocket.token || config.websocket.token.isEmpty() ?
            secrets.overlayToken() : config.websocket.token;
        final String adminToken = null == config.websocket.adminToken || config.websocket.adminToken.isEmpty() ?
            secrets.adminToken() : config.websocket.adminToken;
        final WebServer.Context web = WebServerSettings.of(config.websocket)
            .bindAddress(ctx.bind)
            .port(ctx.port)
            .acceptWalletEventsOverRest(false)
            .token(overlayToken)
            .adminToken(adminToken)
            .infoLog(startLines::add)
            .statusSupplier(this::health)
            .egress(egress)
            .counters(allocator)
            .countersReader(counters)
            .errorHandler(errorHandler);
        for (final Plugin plugin : plugins)
        {
            web.plugin(plugin);
        }
        web.webRootLookup(this::webRoot);
        final String engineOnly = "served by the engine, not by an edge: send it to the engine's web server";
        web.apiRoute("/api/events", false, (request, responder) ->
            responder.respond(404, Map.of("error", "posting events is " + engineOnly)));
        web.apiRoute(PluginControlRoute.PATH, false, (request, responder) ->
            responder.respond(404, Map.of("error", "the plugin control channel is " + engineOnly)));
        web.apiRoute("/api/chat", false, (request, responder) ->
            responder.respond(404, Map.of("error", "chat posting and moderation are " + engineOnly)));
        try
        {
            webServer = WebServer.launch(web);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalStateException("edge web server cannot listen on " + ctx.bind + ":" + ctx.port + ": " +
                firstLine(ex), ex);
        }

        runner = new AgentRunner(new BackoffIdleStrategy(10, 20, 1_000, TimeUnit.MILLISECONDS.toNanos(1)),
            errorHandler, null, subscriber);
        AgentRunner.startOnThread(runner);
    }

    private static void copySecrets(final Path file, final Path dataDir)
    {
        if (!Files.isRegularFile(file))
        {
            throw new IllegalStateException("--secrets expected the engine's " + SecretsStore.FILE_NAME +
                " (copy it from the engine's data dir), got '" + file + "' which is not a file");
        }
        final Path target = dataDir.resolve(SecretsStore.FILE_NAME);
        try
        {
            if (!Files.exists(target) || !Files.isSameFile(file, target))
            {
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot copy " + file + " to " + target + ": " + ex.getMessage(), ex);
        }
    }

    private WebRoot webRoot(final String pluginId)
    {
        final Plugin plugin = pluginManager.plugin(pluginId);
        return null == plugin || null == plugin.webResourceRoot() ? null :
            new WebRoot(plugin.getClass().getClassLoader(), plugin.webResourceRoot());
    }

    /**
     * The edge's health, for {@code /api/health}.
     *
     * @return JSON-serialisable map.
     */
    public Map<String, Object> health()
    {
        final Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", "edge");
        health.put("engine", ctx.engineChannel);
        health.put("live", subscriber.isLive());
        health.put("recordingId", subscriber.recordingId());
        health.put("position", subscriber.position());
        health.put("lastOutputSequence", subscriber.lastOutputSequence());
        health.put("delivered", subscriber.delivered());
        health.put("duplicatesSkipped", subscriber.duplicatesSkipped());
        health.put("merges", subscriber.merges());
        health.put("clients", egress.connectedClients());
        return health;
    }

    /**
     * The URLs this edge serves, as the engine's: pages and feeds with the overlay token.
     *
     * @return name to URL.
     */
    public Map<String, String> urls()
    {
        final Map<String, String> urls = new LinkedHashMap<>();
        final String http = webServer.baseUrl();
        final String ws = http.replaceFirst("^http", "ws");
        final String query = "?token=" + URLEncoder.encode(overlayToken, StandardCharsets.UTF_8);
        for (final Plugin plugin : plugins)
        {
            if ("chat".equals(plugin.id()))
            {
                // Viewers post to the engine's chat gateway: an edge serves the chat overlay and feed, not the page.
                urls.put("chat overlay", http + "/plugins/chat/overlay.html" + query);
                urls.put("chat feed", ws + "/ws/chat" + query);
            }
            else if (null != plugin.webResourceRoot())
            {
                urls.put(plugin.id() + " page", http + "/plugins/" + plugin.id() + "/" + query);
                urls.put(plugin.id() + " feed", ws + "/ws/" + plugin.id() + query);
            }
        }
        urls.put("all events", ws + "/ws/all" + query);
        urls.put("health", http + "/api/health");
        return urls;
    }

    /**
     * The edge's web server.
     *
     * @return the server.
     */
    public WebServer webServer()
    {
        return webServer;
    }

    /**
     * The edge's subscriber to the engine's output stream.
     *
     * @return the subscriber.
     */
    public EdgeSubscriber subscriber()
    {
        return subscriber;
    }

    /**
     * Lines the edge's parts logged while starting.
     *
     * @return the lines.
     */
    public List<String> startLines()
    {
        return startLines;
    }

    /**
     * Stop the subscriber, the web server and the driver.
     */
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        CloseHelper.quietClose(runner);
        if (null == runner && null != subscriber)
        {
            subscriber.onClose();
        }
        CloseHelper.quietClose(webServer);
        if (null != egress)
        {
            egress.onShutdown();
        }
        CloseHelper.quietClose(pluginManager);
        CloseHelper.quietClose(aeronNode);
    }

    private static String firstLine(final Throwable ex)
    {
        final String message = null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    /**
     * Settings of an edge.
     */
    public static final class Context
    {
        private boolean concluded;
        private AppConfig config = new AppConfig();
        private Path dataDir;
        private String engineChannel;
        private String archiveChannel;
        private String statusChannel;
        private String bind;
        private Integer port;
        private String aeronHost;
        private Path secretsFile;
        private long connectTimeoutMs = EdgeSubscriber.Context.CONNECT_TIMEOUT_MS_DEFAULT;
        private ErrorHandler errorListener;
        private Consumer<String> log = (line) -> {};

        /**
         * The configuration: {@code websocket:} for the server, {@code aeron:} for the driver and stream ids,
         * {@code plugins:} for the pages served.
         *
         * @param config the configuration.
         * @return this.
         */
        public Context config(final AppConfig config)
        {
            this.config = config;
            return this;
        }

        /**
         * The edge's data dir: its driver, counters and secrets store.
         *
         * @param dataDir the dir.
         * @return this.
         */
        public Context dataDir(final Path dataDir)
        {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * The engine's output channel.
         *
         * @param channel such as {@code aeron:udp?control=engine-host:40456}.
         * @return this.
         */
        public Context engineChannel(final String channel)
        {
            this.engineChannel = channel;
            return this;
        }

        /**
         * The engine archive's control channel; null: {@code aeron.output.archiveControlChannel}.
         *
         * @param channel the channel.
         * @return this.
         */
        public Context archiveChannel(final String channel)
        {
            this.archiveChannel = channel;
            return this;
        }

        /**
         * The engine's status channel; null: {@code aeron.output.statusChannel}.
         *
         * @param channel the channel.
         * @return this.
         */
        public Context statusChannel(final String channel)
        {
            this.statusChannel = channel;
            return this;
        }

        /**
         * Address the web server binds; null: {@code websocket.bind}.
         *
         * @param bind the address.
         * @return this.
         */
        public Context bind(final String bind)
        {
            this.bind = bind;
            return this;
        }

        /**
         * Port of the web server; null: {@code websocket.port}.
         *
         * @param port the port, 0 for any free one.
         * @return this.
         */
        public Context port(final Integer port)
        {
            this.port = port;
            return this;
        }

        /**
         * Host of this edge the engine reaches for its UDP endpoints; null: {@code localhost}, or the bind address
         * when it is a specific one.
         *
         * @param host the host.
         * @return this.
         */
        public Context aeronHost(final String host)
        {
            this.aeronHost = host;
            return this;
        }

        /**
         * The engine's secrets store to copy into the data dir before starting; null uses the data dir's own.
         *
         * @param file the engine's {@code secrets.json}.
         * @return this.
         */
        public Context secretsFile(final Path file)
        {
            this.secretsFile = file;
            return this;
        }

        /**
         * Longest wait for the engine's archive.
         *
         * @param timeoutMs milliseconds.
         * @return this.
         */
        public Context connectTimeoutMs(final long timeoutMs)
        {
            this.connectTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * Told of every error after it is counted.
         *
         * @param listener the listener, may be null.
         * @return this.
         */
        public Context errorListener(final ErrorHandler listener)
        {
            this.errorListener = listener;
            return this;
        }

        /**
         * Told of what an operator should know: merges, losses, purged positions.
         *
         * @param log the log.
         * @return this.
         */
        public Context log(final Consumer<String> log)
        {
            this.log = log;
            return this;
        }

        /**
         * Fill in defaults and check; called once by {@link EdgeNode#launch(Context)}.
         */
        public void conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("edge context already concluded");
            }
            concluded = true;
            if (null == dataDir)
            {
                throw new IllegalStateException("edge needs a data dir");
            }
            if (null == engineChannel || engineChannel.isBlank())
            {
                throw new IllegalStateException("--engine expected the engine's output channel such as " +
                    "aeron:udp?control=engine-host:40456, got nothing");
            }
            if (null == archiveChannel)
            {
                archiveChannel = config.aeron.output.archiveControlChannel;
            }
            if (null == statusChannel)
            {
                statusChannel = config.aeron.output.statusChannel;
            }
            if (null == bind)
            {
                bind = config.websocket.bind;
            }
            if (null == port)
            {
                port = config.websocket.port;
            }
            if (null == aeronHost)
            {
                aeronHost = "0.0.0.0".equals(bind) || "::".equals(bind) ? "localhost" : bind;
            }
        }
    }
}
