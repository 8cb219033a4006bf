package dev.commandcenter.app;

import dev.commandcenter.app.automation.AutomationDryRun;
import dev.commandcenter.app.automation.AutomationRoute;
import dev.commandcenter.app.automation.AutomationRuntime;
import dev.commandcenter.app.chat.ChatFiltersFile;
import dev.commandcenter.app.chat.ChatGateway;
import dev.commandcenter.app.chat.ChatSettings;
import dev.commandcenter.app.chat.ChatVerdicts;
import dev.commandcenter.app.dashboard.CountersRoute;
import dev.commandcenter.app.dashboard.DryRunRoute;
import dev.commandcenter.app.dashboard.ErrorsRoute;
import dev.commandcenter.app.dashboard.FeedsRoute;
import dev.commandcenter.app.dashboard.TelemetryRoute;
import dev.commandcenter.app.dashboard.WalletFeedPlugin;
import dev.commandcenter.app.dashboard.WalletRoute;
import dev.commandcenter.app.secrets.SecretsWatcher;
import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.app.tip.TipGateway;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.plugins.PluginControlRoute;
import dev.commandcenter.app.remote.RemotePluginRoute;
import dev.commandcenter.app.stream.StreamControlRoute;
import dev.commandcenter.app.tip.TipBook;
import dev.commandcenter.app.tip.TipBooks;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.EngineCycle;
import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.engine.WaitStrategies;
import dev.commandcenter.engine.counters.CountersFile;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginHealth;
import dev.commandcenter.plugin.host.PluginManager;
import dev.commandcenter.plugin.host.remote.RemotePluginEndpoint;
import dev.commandcenter.plugin.host.remote.RemotePlugins;
import dev.commandcenter.transport.aeron.plugins.AeronPluginLinks;
import dev.commandcenter.plugin.host.PluginsSettings;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.Retention;
import dev.commandcenter.persistence.TelemetryRecorder;
import dev.commandcenter.transport.websocket.Scope;
import dev.commandcenter.transport.websocket.WebRoot;
import dev.commandcenter.transport.websocket.WebServer;
import dev.commandcenter.transport.websocket.WebSocketEgress;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.ingress.AeronIngress;
import dev.commandcenter.transport.aeron.output.EdgeTable;
import dev.commandcenter.transport.aeron.output.OutputStream;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One running Command Center: engine, journal, telemetry history, plugins, HTTP/WebSocket server and
 * wallet source, assembled from an {@link AppConfig} on a data dir. {@code demo}, {@code run}, {@code replay}
 * and the end-to-end tests all build their node here, so every setting means the same in each.
 * <p>
 * In {@link Context#replay(boolean) replay} mode the node has no live sources (no wallet, no REST ingress),
 * writes nothing to the journal being read (the engine runs on {@link Journal#NONE} in
 * {@value #REPLAY_DIR_NAME}/ of the data dir, with its own counters and telemetry history there), and serves
 * the overlay pages and feeds only when {@link Context#liveActions(boolean) live actions} are asked for.
 * <p>
 * Errors of every component (engine, journal, telemetry recorder, plugin host, wallet) go through the
 * engine's one error handler: counted and kept in the distinct error log ({@code commandcenter stat --errors}),
 * then passed to the context's {@link Context#errorListener(ErrorHandler) listener}. Errors a component reports
 * before the engine is launched are held and recorded once it is. Closing stops the sources first, then drains
 * the engine.
 */
public final class CommandCenterNode implements AutoCloseable
{
    /** Path segment of the dashboard: {@code /dashboard/}. */
    public static final String DASHBOARD_PAGE = "dashboard";
    /** Path segment of the tip page: {@code /tip/}. */
    public static final String TIP_PAGE = "tip";
    /** Path segment of the libraries the pages load: {@code /vendor/uplot/<version>/dist/...}. */
    public static final String VENDOR_PAGE = "vendor";

    /** Where a replay keeps its engine's counters, error log and telemetry, under the data dir. */
    public static final String REPLAY_DIR_NAME = "replay";
    /** Outputs the chat feed retains beyond the plugin's history lines: removals, states and refusals among them. */
    public static final int CHAT_RETAIN_MARGIN = 64;

    private final Context ctx;
    private final AppConfig config;
    private final Path dataDir;
    private volatile String overlayToken;
    private volatile String adminToken;
    private volatile String chatToken;
    private volatile String moderatorToken;
    private volatile String tipToken;
    private ChatVerdicts chatVerdicts;
    private ChatGateway chatGateway;
    private AgentRunner chatFilters;
    private ChatFiltersFile chatFiltersFile;
    private TipGateway tipGateway;
    private final ChatSettings chatSettings;
    private AgentRunner secretsWatcher;
    private AutomationRuntime automation;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private AeronNode aeronNode;
    private AeronIngress aeronIngress;
    private OutputStream outputStream;
    private Engine engine;
    private WebServer webServer;
    private WebSocketEgress egress;
    private final List<Plugin> plugins = new ArrayList<>();
    private volatile WalletSourceHandle wallet;
    private TipBook tipBook;
    private PluginManager pluginManager;
    private AgentRunner pluginLinks;
    private PluginControlRoute controlRoute;
    private RemotePluginRoute remoteRoute;
    private boolean controlFileWritten;
    private WalletNotifyRoute notifyRoute;
    private WebSocketBackend webBackend;
    private final List<String> startLines = new java.util.concurrent.CopyOnWriteArrayList<>();

    private CommandCenterNode(final Context ctx)
    {
        this.ctx = ctx;
        this.config = ctx.config();
        this.dataDir = ctx.dataDir();
        this.chatSettings = ChatSettings.of(config.plugins.section(ChatVerdicts.PLUGIN_ID).config());
    }

    /**
     * Start everything the configuration enables.
     *
     * @param config        the configuration.
     * @param dataDir       the data dir.
     * @param errorListener told of every error after it is counted and logged, may be null.
     * @return the running node.
     */
    public static CommandCenterNode start(final AppConfig config, final Path dataDir, final ErrorHandler errorListener)
    {
        return launch(new Context().config(config).dataDir(dataDir).errorListener(errorListener));
    }

    /**
     * Start everything the configuration enables, optionally watching the plugins dir for changes.
     *
     * @param config        the configuration.
     * @param dataDir       the data dir.
     * @param errorListener told of every error after it is counted and logged, may be null.
     * @param devMode       reload a plugin when its jar or descriptor changes.
     * @return the running node.
     */
    public static CommandCenterNode start(
        final AppConfig config, final Path dataDir, final ErrorHandler errorListener, final boolean devMode)
    {
        return launch(new Context().config(config).dataDir(dataDir).errorListener(errorListener).devMode(devMode));
    }

    /**
     * Start the node a context describes.
     *
     * @param ctx configuration; concluded here.
     * @return the running node.
     * @throws IllegalStateException when the data dir is unusable or in use, or a component fails to start.
     */
    public static CommandCenterNode launch(final Context ctx)
    {
        ctx.conclude();
        requireWritable(ctx.dataDir());
        final CommandCenterNode node = new CommandCenterNode(ctx);
        try
        {
            node.startAll();
            return node;
        }
        catch (final RuntimeException ex)
        {
            node.close();
            throw ex;
        }
    }

    /**
     * Launch a node replaying into a data dir's {@value #REPLAY_DIR_NAME}/ folder for a dry run of the automation
     * ({@link AutomationDryRun}): no journal written, no server, no live source, no action performed.
     *
     * @param config        the configuration to run with.
     * @param dataDir       the data dir.
     * @param egress        where the outputs go, besides the node's own egresses.
     * @param errorListener told of the node's errors, may be null.
     * @return the running node, as the dry run uses it.
     */
    public static AutomationDryRun.ReplayNode launchReplay(
        final AppConfig config, final Path dataDir, final EgressHandler egress, final ErrorHandler errorListener)
    {
        final CommandCenterNode node = launch(new Context().config(config).dataDir(dataDir).replay(true)
            .egress("automation-dry-run", egress).errorListener(errorListener));
        return new AutomationDryRun.ReplayNode()
        {
            public dev.commandcenter.engine.RecordedEventPublisher publisher()
            {
                return node.engine().recordedEventPublisher();
            }

            public boolean awaitDrained(final long timeoutMs)
            {
                return node.awaitDrained(timeoutMs);
            }

            public void close()
            {
                node.close();
            }
        };
    }

    private void startAll()
    {
        final boolean replay = ctx.replay();
        if (config.websocket.enabled && (!replay || ctx.liveActions()))
        {
            // First, so a backend that cannot run stops the start before anything is opened.
            webBackend = WebSocketBackend.choose(config.websocket.backend, ctx.environment());
        }
        final Path chatFiltersPath;
        try
        {
            chatFiltersPath = replay ? null : ChatFiltersFile.resolve(config.chat.filtersFile, dataDir);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalStateException(ex.getMessage(), ex);
        }
        // A configured rules file that does not exist stops the start; the executor is an egress of the engine.
        automation = AutomationRuntime.prepare(config, dataDir, replay, ctx.liveActions());
        final Path engineDir = replay ? dataDir.resolve(REPLAY_DIR_NAME) : dataDir;
        final Engine.Context engineCtx = new Engine.Context()
            .dataDir(engineDir)
            .inputRingSize(config.engine.inputRingSize)
            .outputRingSize(config.engine.outputRingSize)
            .waitStrategy(config.engine.waitStrategy.label())
            .threadingMode(config.engine.threadingMode)
            .backPressure(config.engine.backPressure)
            .quarantineAfterFailures(config.engine.quarantineAfterFailures)
            .sampleIntervalMs(config.engine.sampleIntervalMs)
            .recoverPlugins(!replay)
            .errorHandler(ctx.errorListener());
        if (null != ctx.threadingMode())
        {
            engineCtx.threadingMode(ctx.threadingMode());
        }
        // wallet.alertOn is the stream bridge's alertOn unless its own section sets one
        final PluginsSettings pluginSettings = automation.pluginSettings(
            config.plugins.withPluginDefault("stream-bridge", "alertOn", config.wallet.alertOn));
        pluginManager = PluginManager.discover(new PluginManager.Context()
            .dataDir(dataDir).storageDir(replay ? engineDir : null).settings(pluginSettings).devMode(ctx.devMode())
            .remoteHeartbeatIntervalMs((int)config.aeron.plugins.heartbeatIntervalMs)
            .builtIn(WalletFeedPlugin::new));
        pluginManager.configure(engineCtx);
        plugins.addAll(pluginManager.plugins());
        if (null != pluginManager.remotePlugins() && ThreadingMode.AUTO == engineCtx.threadingMode())
        {
            // A remote slot waiting for its host holds its thread, as a slow block plugin does: with a thread per
            // plugin the others carry on while a host is stalled or gone.
            engineCtx.threadingMode(ThreadingMode.DEDICATED);
            startLines.add("threading: dedicated (engine.threadingMode auto with plugins hosted out of process)");
        }

        Journal journal = Journal.NONE;
        if (config.journal.enabled && !replay)
        {
            journal = ChronicleJournal.open(new ChronicleJournal.Context()
                .dataDir(dataDir)
                .rollCycle(config.journal.rollCycle)
                .durability(config.journal.durability)
                .retention(Retention.parse(config.journal.retention)));
        }
        engineCtx.journal(journal);

        if (config.telemetry.enabled)
        {
            // Failures of a sample write surface in the engine's sampler, which reports them as engine errors.
            final TelemetryRecorder recorder = TelemetryRecorder.open(new TelemetryRecorder.Context()
                .dataDir(engineDir).intervalMs(config.telemetry.intervalMs));
            closeables.add(recorder);
            engineCtx.telemetryListener(recorder);
        }

        if (config.aeron.enabled && !replay)
        {
            // Before the engine: features on Aeron (ingress, remote plugin slots, the output stream) are wired into
            // the engine's context. Errors before the engine runs go to the listener.
            aeronNode = AeronNode.launch(config.aeron, dataDir, this::onAeronError);
            closeables.add(aeronNode);
            startLines.add("aeron: " + (aeronNode.embedded() ? "embedded media driver" : "external media driver") +
                " in " + aeronNode.directory());
            if (config.aeron.output.enabled)
            {
                outputStream = OutputStream.launch(aeronNode, config.aeron, dataDir, this::onAeronError, startLines::add);
                closeables.add(outputStream);
                engineCtx.egress("aeron-output", outputStream.publisher());
                startLines.add("aeron output: " + outputStream.channel() + " stream " + config.aeron.output.streamId +
                    ", recorded (archive control " + config.aeron.output.archiveControlChannel + ")");
            }
        }

        for (final Map.Entry<String, EgressHandler> entry : ctx.egressHandlers().entrySet())
        {
            engineCtx.egress(entry.getKey(), entry.getValue());
        }
        if (null != automation.egress())
        {
            engineCtx.egress("automation", automation.egress());
        }
        final boolean serve = config.websocket.enabled && (!replay || ctx.liveActions());
        if (serve)
        {
            egress = new WebSocketEgress(config.websocket.retain, config.websocket.resumeHistory)
                .batchWindows(config.websocket.batching)
                // A joining viewer gets the chat's history: its lines, with room for the removals and states between.
                .retainOverrides(Map.of(ChatVerdicts.PLUGIN_ID,
                    Math.max(config.websocket.retain, chatSettings.historyLines() + CHAT_RETAIN_MARGIN)));
            engineCtx.egress("websocket", egress);
            if (!replay)
            {
                chatVerdicts = new ChatVerdicts(config.chat.maxPendingVerdicts);
                engineCtx.egress("chat-gateway", chatVerdicts);
            }
        }

        try
        {
            engine = Engine.launch(engineCtx);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(journal::close);
            throw ex;
        }
        pluginManager.attach(engine);
        // Before the web server and the wallet: rebuilt from the journal, served by the tip page, asked by the wallet.
        tipBook = TipBooks.create(config, dataDir, replay, engine.publisher(), SystemEpochClock.INSTANCE);
        if (!replay)
        {
            // The filter set in force goes into the journal first, so a replay filters as the live chat did.
            final System.Logger chatLog = System.getLogger("dev.commandcenter.app.chat");
            final ChatFiltersFile filters = new ChatFiltersFile(chatFiltersPath, engine.publisher(), engine.counters(),
                (line) -> chatLog.log(System.Logger.Level.WARNING, line));
            chatFiltersFile = filters;
            filters.publishInitial();
            if (null != chatFiltersPath)
            {
                startLines.add("chat filters: " + chatFiltersPath + " (reloaded when it changes)");
                chatFilters = new AgentRunner(new SleepingMillisIdleStrategy(ChatFiltersFile.POLL_INTERVAL_MS),
                    engine.errorHandler(), null, filters);
                AgentRunner.startOnThread(chatFilters);
            }
        }
        // Before any source: the executor, then the rules in force into the journal, then the timers.
        automation.start(engine, startLines::add);
        if (null != aeronNode && config.aeron.ingress.enabled)
        {
            aeronIngress = AeronIngress.launch(new AeronIngress.Context().aeron(aeronNode.aeron())
                .settings(config.aeron.ingress).publisher(engine.publisher()).counters(engine.counters())
                .errorHandler(engine.errorHandler()));
            startLines.add("aeron ingress: " + config.aeron.ingress.channel + " stream " + config.aeron.ingress.streamId);
        }
        if (null != aeronNode && config.aeron.plugins.enabled)
        {
            pluginLinks = new AgentRunner(AeronNode.idle(config.aeron.idle), this::onAeronError, null,
                new AeronPluginLinks(aeronNode.aeron(), config.aeron.plugins.channel, config.aeron.plugins.streamId,
                pluginManager.openRemotePlugins(), SystemEpochClock.INSTANCE, RemotePlugins.MAX_PENDING_HOSTS_DEFAULT,
                2 * config.aeron.plugins.heartbeatIntervalMs));
            AgentRunner.startOnThread(pluginLinks);
            startLines.add("aeron: plugin hosts on " + config.aeron.plugins.channel + " stream " +
                config.aeron.plugins.streamId);
        }
        if (null != outputStream)
        {
            outputStream.start(engine.counters());
        }

        if (serve)
        {
            final SecretsStore secrets = SecretsStore.open(dataDir);
            overlayToken = overlayTokenOf(secrets);
            adminToken = adminTokenOf(secrets);
            chatToken = configuredOr(config.websocket.chatToken, secrets.chatToken());
            moderatorToken = configuredOr(config.websocket.moderatorToken, secrets.moderatorToken());
            tipToken = secrets.tipToken();
            final WebServer.Context web = WebServerSettings.of(config.websocket)
                .token(overlayToken)
                .adminToken(adminToken)
                .chatToken(chatToken)
                .moderatorToken(moderatorToken)
                .tipToken(tipToken)
                .scopedFeeds(Scope.CHAT, java.util.Set.of(ChatVerdicts.PLUGIN_ID))
                .scopedFeeds(Scope.MODERATOR, java.util.Set.of(ChatVerdicts.PLUGIN_ID))
                .wireTransport(webBackend.transport())
                .infoLog(startLines::add)
                .statusSupplier(this::health)
                .egress(egress)
                .counters(engine.counters())
                .countersReader(engine.countersReader())
                .errorHandler(engine.errorHandler());
            if (!replay)
            {
                web.eventPublisher(engine.publisher());
            }
            if ("http-loop".equals(config.engine.runOn))
            {
                final EngineCycle cycle = engine.lendableCycle();
                final String notWith = "engine: on its own thread: engine.runOn http-loop does not apply with ";
                if (null == cycle)
                {
                    startLines.add(notWith + "threadingMode " + engineCtx.threadingMode() + " and waitStrategy " +
                        config.engine.waitStrategy.label() + " (it needs shared and blocking)");
                }
                else
                {
                    web.engineCycle(cycle, WaitStrategies.maxParkNs());
                    startLines.add("engine: on the HTTP event loop (engine.runOn http-loop)");
                }
            }
            for (final Plugin plugin : plugins)
            {
                web.plugin(plugin);
            }
            web.webRootLookup(this::webRoot);
            // The application's own pages: the streamer's dashboard (admin token) and the viewers' tip page (tip
            // token), and the libraries they load from the jar (uPlot).
            final ClassLoader pages = CommandCenterNode.class.getClassLoader();
            web.sitePage(DASHBOARD_PAGE, pages, "dashboard/web");
            web.sitePage(TIP_PAGE, pages, "tip/web");
            web.sitePage(VENDOR_PAGE, pages, "META-INF/resources/webjars");
            web.apiRoute(AutomationRoute.PATH, Scope.ADMIN,
                new AutomationRoute(automation, replay ? null : engine.publisher(), automation::obsView));
            // The dashboard's snapshots (docs/dashboard.md): wallet, feeds, counters, telemetry, errors, dry run.
            web.apiRoute(WalletRoute.PATH, Scope.ADMIN, new WalletRoute(() -> null == wallet ? null : wallet.source(),
                () -> pluginManager.plugin(WalletFeedPlugin.ID) instanceof WalletFeedPlugin feed ? feed : null,
                WalletRoute.offReason(config, replay)));
            web.apiRoute(FeedsRoute.PATH, Scope.ADMIN, new FeedsRoute(egress,
                () -> pluginManager.plugins().stream().map(Plugin::id).toList()));
            web.apiRoute(CountersRoute.PATH, Scope.ADMIN,
                new CountersRoute(engine.countersReader(), SystemEpochClock.INSTANCE));
            web.apiRoute(ErrorsRoute.PATH, Scope.ADMIN, new ErrorsRoute(engineDir.resolve(CountersFile.FILE_NAME)));
            web.apiRoute(TelemetryRoute.PATH, Scope.ADMIN, new TelemetryRoute(
                engineDir.resolve(TelemetryRecorder.Context.TELEMETRY_DIR_NAME), SystemEpochClock.INSTANCE));
            web.apiRoute(StreamControlRoute.PATH, Scope.ADMIN, new StreamControlRoute(replay ? null : engine.publisher()));
            if (!replay)
            {
                // A dry run replays into the data dir's replay folder, which a replay node uses itself.
                web.apiRoute(DryRunRoute.PATH, Scope.ADMIN, new DryRunRoute(dataDir,
                    () -> AutomationDryRun.configFrom(config), automation::rulesInForce,
                    CommandCenterNode::launchReplay, SystemEpochClock.INSTANCE, engine.errorHandler()));
                // A replay runs the same plugins without a control channel: the live node's channel stays its own.
                controlRoute = new PluginControlRoute(pluginManager);
                web.apiRoute(PluginControlRoute.PATH, true, controlRoute);
                chatGateway = new ChatGateway(engine.publisher(), chatVerdicts, chatSettings, new ChatGateway.Limits(
                    config.chat.postsPerSecondPerConnection, config.chat.burstPerConnection,
                    config.chat.postsPerSecondPerAddress, config.chat.burstPerAddress, config.chat.maxTrackedAddresses,
                    config.chat.verdictTimeoutMs), secrets.chatKeySecret(), engine.counters(), null);
                closeables.add(chatGateway);
                chatGateway.register(web);
                // The tip page's API, for the tip token (and the admin's); its text filtered as the chat's.
                tipGateway = new TipGateway(tipBook(), config.tips, config.wallet.network, chatFiltersFile::inForce,
                    engine.counters(), null, null);
                tipGateway.register(web);
                // Plugin hosts in other processes over WebSocket (docs/plugins.md, "Remote plugin protocol"). The
                // endpoint is opened when the first host connects, so a node without remote plugins runs no more
                // threads, and a host meets a refusal that names the plugins it could run.
                remoteRoute = new RemotePluginRoute((link) -> remotePluginEndpoint().attach(link));
                closeables.add(remoteRoute);
                web.webSocketRoute(RemotePluginRoute.PATH, remoteRoute, RemotePluginRoute.subprotocols());
                if (config.wallet.notify.enabled)
                {
                    // The daemon's notify callback carries its own secret (wallet.notify.token), not the server's.
                    notifyRoute = new WalletNotifyRoute();
                    web.apiRoute(WalletNotifyRoute.PATH, false, notifyRoute);
                }
            }
            webServer = WebServer.launch(web);
            secretsWatcher = new AgentRunner(new SleepingMillisIdleStrategy(SecretsWatcher.POLL_INTERVAL_MS),
                engine.errorHandler(), null, new SecretsWatcher(dataDir, SecretsStore.version(dataDir), this::applySecrets));
            AgentRunner.startOnThread(secretsWatcher);
            if (null != controlRoute)
            {
                final String host = webServer.localAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1" :
                    webServer.baseUrl().substring("http://".length(), webServer.baseUrl().lastIndexOf(':'));
                PluginControlRoute.writeControlFile(dataDir,
                    "http://" + host + ":" + webServer.port() + PluginControlRoute.PATH, null);
                controlFileWritten = true;
            }
        }
        else if (!replay)
        {
            PluginControlRoute.writeControlFile(dataDir, null, "the web server is disabled (websocket.enabled: " +
                "false) and the plugin control channel is one of its routes; enable it to use 'commandcenter plugins'");
            controlFileWritten = true;
        }

        if (!replay)
        {
            wallet = WalletSources.start(config, dataDir, engine, engine.errorHandler(), notifyRoute,
                null == webServer ? null : webServer.baseUrl(), tipBook);
        }
    }

    /**
     * Wait until every event published so far has passed the journaller and every plugin, and every output
     * every egress: a replay waits here for the last outputs before it closes the node. Waits park between
     * checks rather than spin.
     *
     * @param timeoutMs longest wait.
     * @return true when drained, false when the timeout passed first.
     */
    public boolean awaitDrained(final long timeoutMs)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000, TimeUnit.MILLISECONDS.toNanos(1));
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!engine.isDrained())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }
            idle.idle();
        }
        return true;
    }

    /**
     * The URLs this node serves by name: pages and feeds with the overlay token, the admin endpoints without a
     * token (they take the admin token, which is never printed with them).
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
            final String query = "?token=" + URLEncoder.encode(overlayToken, StandardCharsets.UTF_8);
            for (final Plugin plugin : plugins)
            {
                if (null != plugin.webResourceRoot())
                {
                    if (ChatVerdicts.PLUGIN_ID.equals(plugin.id()) && null != chatToken)
                    {
                        // Viewers get the chat token, which opens the chat and nothing else; OBS gets the overlay.
                        urls.put("chat page", http + "/plugins/chat/?token=" +
                            URLEncoder.encode(chatToken, StandardCharsets.UTF_8));
                        urls.put("chat overlay", http + "/plugins/chat/overlay.html" + query);
                        urls.put("chat feed", ws + "/ws/chat" + query);
                        continue;
                    }
                    urls.put(plugin.id() + " page", http + "/plugins/" + plugin.id() + "/" + query);
                    urls.put(plugin.id() + " feed", ws + "/ws/" + plugin.id() + query);
                }
            }
            urls.put("all events", ws + "/ws/all" + query);
            // The admin token is not printed with the URLs: commandcenter token show --scope admin prints it.
            urls.put("health", http + "/api/health");
            urls.put("post events", http + "/api/events");
            urls.put("admin token", "commandcenter token show --scope admin --data-dir " + dataDir +
                " (for health, posting events, metrics and plugin control)");
            if (null != tipGateway)
            {
                // Viewers get the tip token, which opens the tip page's API and nothing else.
                urls.put("tip page", http + "/" + TIP_PAGE + "/?token=" + URLEncoder.encode(tipToken, StandardCharsets.UTF_8));
                urls.put("dashboard", http + "/" + DASHBOARD_PAGE + "/ (with the admin token: commandcenter token show " +
                    "--scope admin --data-dir " + dataDir + " prints its URL)");
            }
            if (null != chatGateway)
            {
                urls.put("moderator token", "commandcenter token show --scope moderator --data-dir " + dataDir +
                    " (a chat page URL for moderators)");
            }
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
        if (null != outputStream)
        {
            health.put("edges", edgesView());
        }
        if (null != automation)
        {
            health.put("obs", automation.obsView());
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
     * The overlay token of this node (pages, feeds, the index), or null when it serves nothing.
     *
     * @return the token.
     */
    public String token()
    {
        return overlayToken;
    }

    /**
     * The chat token of this node (the chat page, the chat feed, posting chat), or null when it serves nothing.
     *
     * @return the token.
     */
    public String chatToken()
    {
        return chatToken;
    }

    /**
     * The moderator token of this node (chat plus moderation), or null when it serves nothing.
     *
     * @return the token.
     */
    public String moderatorToken()
    {
        return moderatorToken;
    }

    /**
     * The tip page's gateway, or null when the node serves no REST (disabled server, replay).
     *
     * @return the gateway.
     */
    public TipGateway tipGateway()
    {
        return tipGateway;
    }

    /**
     * The tip token of this node (the tip page's own API, nothing else), or null when it serves nothing.
     *
     * @return the token.
     */
    public String tipToken()
    {
        return tipToken;
    }

    /**
     * The chat gateway, or null when the node serves no REST (disabled server, replay).
     *
     * @return the gateway.
     */
    public ChatGateway chatGateway()
    {
        return chatGateway;
    }

    /**
     * The admin token of this node (REST posting, health, metrics, plugin control), or null when it serves nothing.
     *
     * @return the token.
     */
    public String adminToken()
    {
        return adminToken;
    }

    /**
     * The process's Aeron node, when {@code aeron.enabled}.
     *
     * @return the node, or null when Aeron is off (or the node replays).
     */
    public AeronNode aeronNode()
    {
        return aeronNode;
    }

    /**
     * The output stream edges subscribe to, when {@code aeron.enabled} and {@code aeron.output.enabled}.
     *
     * @return the stream, or null.
     */
    public OutputStream outputStream()
    {
        return outputStream;
    }

    private Map<String, Object> edgesView()
    {
        final Map<String, Object> view = new LinkedHashMap<>();
        final List<EdgeTable.EdgeView> edges = outputStream.edges();
        view.put("count", edges.size());
        view.put("ignored", outputStream.edgesIgnored());
        view.put("streamPosition", outputStream.publisher().position());
        view.put("lastOutputSequence", outputStream.publisher().lastOutputSequence());
        final List<Map<String, Object>> list = new ArrayList<>();
        for (final EdgeTable.EdgeView edge : edges)
        {
            final Map<String, Object> one = new LinkedHashMap<>();
            one.put("id", edge.id());
            one.put("position", edge.position());
            one.put("lastOutputSequence", edge.lastOutputSequence());
            one.put("clients", edge.clients());
            one.put("lagBytes", edge.lagBytes());
            one.put("lagOutputs", edge.lagOutputs());
            list.add(one);
        }
        view.put("nodes", list);
        return view;
    }

    private void onAeronError(final Throwable ex)
    {
        final Engine running = engine;
        if (null != running)
        {
            running.errorHandler().onError(ex);
        }
        else if (null != ctx.errorListener())
        {
            ctx.errorListener().onError(ex);
        }
    }

    /**
     * Apply the tokens of a changed secrets store: the web server checks the new ones at once and closes feeds
     * opened with a rotated-out token after the grace period. Tokens set in the configuration stay as they are. A
     * store holding a weak token is reported and ignored.
     *
     * @param secrets the store as now on disk.
     */
    void applySecrets(final SecretsStore secrets)
    {
        final WebServer server = webServer;
        if (null == server)
        {
            return;
        }
        final String overlay = overlayTokenOf(secrets);
        final String admin = adminTokenOf(secrets);
        if (null == overlay || null == admin)
        {
            engine.errorHandler().onError(new IllegalStateException(secrets.file() +
                ": a token is missing, expected overlayToken and adminToken (the running tokens stay)"));
            return;
        }
        final String chat = configuredOr(config.websocket.chatToken, secrets.chatToken());
        final String moderator = configuredOr(config.websocket.moderatorToken, secrets.moderatorToken());
        final String tip = secrets.tipToken();
        if (overlay.equals(overlayToken) && admin.equals(adminToken) && java.util.Objects.equals(chat, chatToken) &&
            java.util.Objects.equals(moderator, moderatorToken) && java.util.Objects.equals(tip, tipToken))
        {
            return;
        }
        try
        {
            server.tokens(overlay, admin, chat, moderator, tip);
        }
        catch (final IllegalArgumentException ex)
        {
            engine.errorHandler().onError(new IllegalStateException(secrets.file() + ": " + ex.getMessage() +
                " (the running tokens stay)"));
            return;
        }
        overlayToken = overlay;
        adminToken = admin;
        chatToken = chat;
        moderatorToken = moderator;
        tipToken = tip;
        System.getLogger("dev.commandcenter.app.secrets").log(System.Logger.Level.INFO,
            "applied the changed tokens of " + secrets.file() + "; feeds opened with a rotated-out token close in " +
            config.websocket.rotationGraceMs + " ms");
    }

    private static String configuredOr(final String configured, final String stored)
    {
        return null == configured || configured.isEmpty() ? stored : configured;
    }

    private String overlayTokenOf(final SecretsStore secrets)
    {
        return null == config.websocket.token || config.websocket.token.isEmpty() ?
            secrets.overlayToken() : config.websocket.token;
    }

    private String adminTokenOf(final SecretsStore secrets)
    {
        return null == config.websocket.adminToken || config.websocket.adminToken.isEmpty() ?
            secrets.adminToken() : config.websocket.adminToken;
    }

    /**
     * The automation of this node: rules file, timers, OBS connection and action executor, as configured.
     *
     * @return the automation.
     */
    public AutomationRuntime automation()
    {
        return automation;
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

    /**
     * The tip page's reservations of fresh addresses (docs/tips.md): an off book (saying why) when no extended key is
     * watched, tips are disabled or the node replays.
     *
     * @return the book, never null once started.
     */
    public TipBook tipBook()
    {
        return tipBook;
    }

    /**
     * Stop the sources, then the server, then drain and stop the engine, the plugins and the telemetry history.
     */
    public void close()
    {
        CloseHelper.quietClose(wallet);
        if (controlFileWritten)
        {
            PluginControlRoute.deleteControlFile(dataDir);
        }
        CloseHelper.quietClose(controlRoute);
        CloseHelper.quietClose(secretsWatcher);
        CloseHelper.quietClose(chatFilters);
        if (null != automation)
        {
            automation.stopSources();
        }
        CloseHelper.quietClose(webServer);
        if (null == webServer && null != webBackend && null != webBackend.transport())
        {
            // Created and never started by a server: free what it holds.
            CloseHelper.quietClose(webBackend.transport());
        }
        CloseHelper.quietClose(aeronIngress);
        // Remote slots stop waiting for their hosts before the engine drains them.
        CloseHelper.quietClose(pluginLinks);
        CloseHelper.quietClose(null == pluginManager ? null : pluginManager.remotePlugins());
        if (null != outputStream)
        {
            // Its agent counts into the engine's counters file, unmapped when the engine closes.
            outputStream.stopAgent();
        }
        // Before the engine: the OBS client and the executor count into the engine's counters, unmapped when it closes.
        CloseHelper.quietClose(automation);
        CloseHelper.quietClose(engine);
        CloseHelper.quietClose(pluginManager);
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    /**
     * The backend chosen for the web server's sockets, or null when the node serves nothing.
     *
     * @return the choice, with why {@code auto} fell back to Netty when it did.
     */
    public WebSocketBackend webBackend()
    {
        return webBackend;
    }

    /**
     * Lines the node's parts logged while starting, for the console: the web server's
     * {@code websocket backend: ...} line.
     *
     * @return the lines, in order.
     */
    public List<String> startLines()
    {
        return startLines;
    }

    /**
     * Where transports hand connections from plugin hosts (the remote slots' endpoint), made when first asked.
     *
     * @return the endpoint.
     */
    public RemotePluginEndpoint remotePluginEndpoint()
    {
        return pluginManager.openRemotePlugins();
    }

    /**
     * The plugin manager.
     *
     * @return the manager.
     */
    public PluginManager pluginManager()
    {
        return pluginManager;
    }

    private WebRoot webRoot(final String pluginId)
    {
        final Plugin plugin = pluginManager.plugin(pluginId);
        return null == plugin || null == plugin.webResourceRoot() ? null :
            new WebRoot(plugin.getClass().getClassLoader(), plugin.webResourceRoot());
    }

    private static void requireWritable(final Path dataDir)
    {
        try
        {
            // Owner only (0700): the journal, counters and secrets are not for other users of the machine.
            SecretsStore.createPrivateDirectory(dataDir);
        }
        catch (final java.io.UncheckedIOException ex)
        {
            throw new IllegalStateException("data dir " + dataDir + " cannot be created: " + describe(ex.getCause()));
        }
        if (!Files.isDirectory(dataDir) || !Files.isWritable(dataDir))
        {
            throw new IllegalStateException("data dir " + dataDir + " is not a writable directory (expected a " +
                "directory this user can write, set with --data-dir)");
        }
    }

    private static String describe(final Throwable ex)
    {
        return ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : " " + ex.getMessage());
    }

    /**
     * Configuration of a {@link CommandCenterNode}: the application configuration, the data dir and how the node
     * runs (live or replay); {@link #conclude()} validates.
     */
    public static final class Context
    {
        private boolean concluded;
        private AppConfig config;
        private Path dataDir;
        private ErrorHandler errorListener;
        private boolean devMode;
        private boolean replay;
        private boolean liveActions;
        private ThreadingMode threadingMode;
        private Map<String, String> environment = System.getenv();
        private final Map<String, EgressHandler> egressHandlers = new LinkedHashMap<>();

        /**
         * Create a context holding the defaults: a live node, no listener.
         */
        public Context()
        {
        }

        /**
         * Validate the configuration. Called by {@link CommandCenterNode#launch(Context)}.
         *
         * @return this.
         * @throws IllegalStateException if called twice.
         * @throws IllegalArgumentException naming the setting that is wrong.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            concluded = true;
            if (null == config)
            {
                throw new IllegalArgumentException("node: expected a configuration");
            }
            if (null == dataDir)
            {
                throw new IllegalArgumentException("node: expected a data dir");
            }
            if (devMode && replay)
            {
                throw new IllegalArgumentException("node: dev mode reloads plugins of a live node, not of a replay");
            }
            if (liveActions && !replay)
            {
                throw new IllegalArgumentException("node: live actions apply to a replay (a live node always acts)");
            }
            return this;
        }

        /**
         * The environment the node reads its overrides from ({@code CC_NATIVE}); the process's by default.
         *
         * @param environment variable names and values.
         * @return this.
         */
        public Context environment(final Map<String, String> environment)
        {
            this.environment = environment;
            return this;
        }

        /**
         * The environment the node reads its overrides from.
         *
         * @return variable names and values.
         */
        public Map<String, String> environment()
        {
            return environment;
        }

        /**
         * The application configuration.
         *
         * @param config as loaded from YAML or built in code.
         * @return this.
         */
        public Context config(final AppConfig config)
        {
            this.config = config;
            return this;
        }

        /**
         * The application configuration.
         *
         * @return the configuration.
         */
        public AppConfig config()
        {
            return config;
        }

        /**
         * The data dir: journal, telemetry, counters, token, plugins.
         *
         * @param dataDir the directory; created if missing.
         * @return this.
         */
        public Context dataDir(final Path dataDir)
        {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * The data dir.
         *
         * @return the directory.
         */
        public Path dataDir()
        {
            return dataDir;
        }

        /**
         * Told of every error of every component after the engine has counted it and kept it in the distinct
         * error log, for example to point the console at {@code stat --errors}.
         *
         * @param listener the listener, or null.
         * @return this.
         */
        public Context errorListener(final ErrorHandler listener)
        {
            this.errorListener = listener;
            return this;
        }

        /**
         * Told of every error after it is counted and logged.
         *
         * @return the listener, or null.
         */
        public ErrorHandler errorListener()
        {
            return errorListener;
        }

        /**
         * Reload a plugin when its jar or descriptor in the plugins dir changes.
         *
         * @param devMode true to watch the plugins dir.
         * @return this.
         */
        public Context devMode(final boolean devMode)
        {
            this.devMode = devMode;
            return this;
        }

        /**
         * Whether the plugins dir is watched.
         *
         * @return true in dev mode.
         */
        public boolean devMode()
        {
            return devMode;
        }

        /**
         * Run as a replay: no wallet, no REST ingress, no control channel, no journal written; the engine's
         * counters, error log and telemetry go to {@value CommandCenterNode#REPLAY_DIR_NAME}/ of the data dir.
         *
         * @param replay true for a replay.
         * @return this.
         */
        public Context replay(final boolean replay)
        {
            this.replay = replay;
            return this;
        }

        /**
         * Whether the node runs a replay.
         *
         * @return true for a replay.
         */
        public boolean replay()
        {
            return replay;
        }

        /**
         * Let a replay's outputs reach live clients: serve the overlay pages and feeds as a live node does.
         *
         * @param liveActions true to serve.
         * @return this.
         */
        public Context liveActions(final boolean liveActions)
        {
            this.liveActions = liveActions;
            return this;
        }

        /**
         * Whether a replay serves the overlay pages and feeds.
         *
         * @return true to serve.
         */
        public boolean liveActions()
        {
            return liveActions;
        }

        /**
         * Which input-ring stages share a thread, overriding the engine's default (as {@code bench --profile} does).
         *
         * @param mode the threading mode, or null for the engine's default.
         * @return this.
         */
        public Context threadingMode(final ThreadingMode mode)
        {
            this.threadingMode = mode;
            return this;
        }

        /**
         * The threading mode override.
         *
         * @return the mode, or null for the engine's default.
         */
        public ThreadingMode threadingMode()
        {
            return threadingMode;
        }

        /**
         * Another consumer of the output ring, besides the WebSocket fan-out (for example the replay's printer).
         *
         * @param name    of the egress, in its counters.
         * @param handler the consumer.
         * @return this.
         */
        public Context egress(final String name, final EgressHandler handler)
        {
            egressHandlers.put(name, handler);
            return this;
        }

        /**
         * The extra consumers of the output ring, by name.
         *
         * @return name to handler, in the order added.
         */
        public Map<String, EgressHandler> egressHandlers()
        {
            return egressHandlers;
        }
    }
}
