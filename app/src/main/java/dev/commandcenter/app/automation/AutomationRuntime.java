package dev.commandcenter.app.automation;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.plugin.automation.action.ActionOutcome;
import dev.commandcenter.plugin.automation.action.AutomationExecutor;
import dev.commandcenter.plugin.automation.action.FireRecord;
import dev.commandcenter.plugin.automation.action.SecretLookup;
import dev.commandcenter.plugin.automation.obs.ObsConnection;
import dev.commandcenter.plugin.automation.obs.ObsStatus;
import dev.commandcenter.plugin.automation.rules.RuleSet;
import dev.commandcenter.plugin.host.PluginsSettings;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The automation of one node, as the configuration's {@code automation:} and {@code obs:} sections set it up: the
 * {@code automation} plugin's settings, the rules file and the timer source (live nodes only: a replay reads both
 * from the journal), the OBS connection and the action executor (live nodes, and replays with live actions, which
 * never post chat), the bot's chat poster, and the status REST and health show.
 * <p>
 * Built in two steps around the engine's launch: {@link #prepare} before it (the executor must be an egress of
 * the engine, and a configured rules file that does not exist stops the start), {@link #start} after it (the
 * counters, the input ring and the rules file's first event need the engine).
 * <p>
 * <b>Note:</b> {@link #stopSources()} stops the rules file and timers before the web server closes, {@link #close()}
 * the OBS connection and the executor before the engine closes (both count into the engine's counters): actions still
 * waiting then are dropped.
 */
public final class AutomationRuntime implements AutoCloseable
{
    /** Id of the built-in automation plugin. */
    public static final String PLUGIN_ID = AutomationExecutor.PLUGIN_ID;
    /** Secrets store entry of the webhooks' signing secret, generated on first start. */
    public static final String WEBHOOK_SECRET = "webhookSecret";

    private static final System.Logger LOGGER = System.getLogger("dev.commandcenter.app.automation");

    private final AppConfig config;
    private final Path dataDir;
    private final boolean replay;
    private final boolean liveActions;
    private final Path rulesPath;
    private final DeferredEgress egress;
    private volatile AutomationExecutor executor;
    private ObsConnection obs;
    private AutoCloseable obsCloseable;
    private volatile AutomationRulesFile rulesFile;
    private TimerSource timerSource;
    private AgentRunner rulesRunner;
    private AgentRunner timerRunner;

    private AutomationRuntime(
        final AppConfig config, final Path dataDir, final boolean replay, final boolean liveActions, final Path rulesPath)
    {
        this.config = config;
        this.dataDir = dataDir;
        this.replay = replay;
        this.liveActions = liveActions;
        this.rulesPath = rulesPath;
        this.egress = config.automation.enabled && (!replay || liveActions) ? new DeferredEgress() : null;
    }

    /**
     * Check the configuration's automation before the engine starts: the rules file must exist when one is
     * configured, and a live node gets a webhook signing secret in its secrets store when it has none.
     *
     * @param config      the configuration.
     * @param dataDir     the data dir.
     * @param replay      whether the node replays a journal.
     * @param liveActions whether a replay performs OBS requests and webhooks.
     * @return the automation, not yet started.
     * @throws IllegalStateException naming {@code automation.rules} when the configured file does not exist.
     */
    public static AutomationRuntime prepare(
        final AppConfig config, final Path dataDir, final boolean replay, final boolean liveActions)
    {
        Path rules = null;
        if (config.automation.enabled && !replay)
        {
            try
            {
                rules = AutomationRulesFile.resolve(config.automation.rules);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalStateException(ex.getMessage(), ex);
            }
            ensureWebhookSecret(dataDir);
        }
        return new AutomationRuntime(config, dataDir, replay, liveActions, rules);
    }

    /**
     * The webhooks' signing secret of a data dir: 32 random bytes as hex, written to the secrets store on first
     * start when it has none.
     *
     * @param dataDir the data dir.
     * @return the store with the secret.
     */
    public static SecretsStore ensureWebhookSecret(final Path dataDir)
    {
        final SecretsStore store = SecretsStore.open(dataDir);
        if (null != store.get(WEBHOOK_SECRET))
        {
            return store;
        }
        final byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return store.with(WEBHOOK_SECRET, HexFormat.of().formatHex(bytes));
    }

    /**
     * The plugin settings with the automation's: the plugin is disabled when {@code automation.enabled} is false.
     *
     * @param settings the configuration's plugin settings.
     * @return the settings to run with.
     */
    public PluginsSettings pluginSettings(final PluginsSettings settings)
    {
        return withAutomation(settings, config.automation.enabled);
    }

    /**
     * Plugin settings with the automation plugin enabled or not.
     *
     * @param settings the plugin settings.
     * @param enabled  whether the automation plugin runs.
     * @return the settings.
     */
    public static PluginsSettings withAutomation(final PluginsSettings settings, final boolean enabled)
    {
        if (enabled)
        {
            return settings;
        }
        final PluginsSettings.Section section = settings.section(PLUGIN_ID);
        final Map<String, PluginsSettings.Section> sections = new LinkedHashMap<>(settings.plugins());
        sections.put(PLUGIN_ID, new PluginsSettings.Section(false, section.backPressure(), section.lagLimit(),
            section.stallTimeoutMs(), section.quarantineAfterFailures(), section.hosting(), section.config()));
        return new PluginsSettings(settings.dir(), settings.watchDebounceMs(), settings.defaults(), settings.storage(),
            sections);
    }

    /**
     * The executor's place among the engine's egresses, taken before the engine starts.
     *
     * @return the egress, or null when this node performs no action (disabled, or a replay without live actions).
     */
    public EgressHandler egress()
    {
        return egress;
    }

    /**
     * Start what needs the running engine: the executor with the OBS connection and the chat poster, then the rules
     * file's first event and its watcher, and the timer source.
     *
     * @param engine     the running engine.
     * @param startLines where the lines for the console go.
     */
    public void start(final Engine engine, final Consumer<String> startLines)
    {
        if (!config.automation.enabled)
        {
            startLines.accept("automation: off (automation.enabled: false)");
            return;
        }
        final SecretLookup secrets = (key) -> SecretsStore.load(dataDir).get(key);
        if (null != egress)
        {
            obs = ObsWiring.connect(config.obs, secrets, engine.counters(), startLines);
            obsCloseable = obs instanceof AutoCloseable closeable ? closeable : null;
            final AutomationExecutor.Context ctx = new AutomationExecutor.Context()
                .obs(obs)
                .secrets(secrets)
                .counters(engine.counters())
                .epochClock(SystemEpochClock.INSTANCE)
                .maxQueuedFires(config.automation.maxQueuedFires)
                .outcomes(config.automation.outcomes)
                .performExternal(true);
            if (replay)
            {
                // The journal already holds the bot's lines.
                ctx.chatEnabled(false);
            }
            else
            {
                ctx.chatPoster(new BotChatPoster(engine.publisher(), config.automation.botName));
            }
            final AutomationExecutor started = new AutomationExecutor(ctx);
            executor = started;
            egress.delegate = started;
        }
        if (replay)
        {
            return;
        }
        timerSource = new TimerSource(engine.publisher(), engine.counters(), SystemEpochClock.INSTANCE);
        if (null != rulesPath)
        {
            rulesFile = new AutomationRulesFile(rulesPath, engine.publisher(), engine.counters(),
                (line) -> LOGGER.log(System.Logger.Level.WARNING, line), timerSource::timers);
            final RuleSet rules = rulesFile.publishInitial();
            startLines.accept("automation rules: " + rulesPath.toAbsolutePath() + " (reloaded when it changes)");
            startLines.accept(null == rules ? "automation: the rules file could not be loaded (see the log)" :
                "automation: " + rules.ruleCount() + " rules, " + rules.timers().size() + " timers, " +
                rules.errors().size() + " errors");
            rulesRunner = new AgentRunner(new SleepingMillisIdleStrategy(AutomationRulesFile.POLL_INTERVAL_MS),
                engine.errorHandler(), null, rulesFile);
            AgentRunner.startOnThread(rulesRunner);
        }
        timerRunner = new AgentRunner(new SleepingMillisIdleStrategy(TimerSource.POLL_INTERVAL_MS),
            engine.errorHandler(), null, timerSource);
        AgentRunner.startOnThread(timerRunner);
    }

    /**
     * The rules in force, for a dry run that names none: the rules file's text as last published, else the
     * {@code rulesText} of the automation plugin's configuration.
     *
     * @return the text and its name (the file's name), or null when this node has no rules of its own.
     */
    public Map.Entry<String, String> rulesInForce()
    {
        final AutomationRulesFile file = rulesFile;
        if (null != file && null != file.inForceText())
        {
            return Map.entry(file.inForceText(), file.file().getFileName().toString());
        }
        final Map<String, ?> plugin = config.plugins.section(PLUGIN_ID).config();
        final Object text = null == plugin ? null : plugin.get("rulesText");
        if (text instanceof String configured)
        {
            final Object origin = plugin.get("rulesOrigin");
            return Map.entry(configured, origin instanceof String name ? name : "plugins.automation.rulesText");
        }
        return null;
    }

    /**
     * The OBS connection's status for health and {@code GET /api/automation}.
     *
     * @return the JSON-serialisable view: {@code state} DISABLED when no {@code obs.url} is configured.
     */
    public Map<String, Object> obsView()
    {
        final Map<String, Object> view = new LinkedHashMap<>();
        final ObsConnection connection = obs;
        if (null == connection)
        {
            view.put("state", ObsStatus.State.DISABLED.name());
            view.put("url", config.obs.url);
            return view;
        }
        final ObsStatus status = connection.status();
        view.put("state", status.state().name());
        view.put("url", status.url());
        view.put("obsVersion", status.obsVersion());
        view.put("lastError", status.lastError());
        view.put("reconnects", status.reconnects());
        view.put("sinceEpochMs", status.sinceEpochMs());
        return view;
    }

    /**
     * The OBS connection's status as one line for {@code stat} and the health output.
     *
     * @param view the view of {@link #obsView()} (or as read over REST).
     * @return such as {@code obs: IDENTIFIED ws://127.0.0.1:4455 (OBS 31.0.0, obs-websocket 5.5.0)}.
     */
    public static String obsLine(final Map<?, ?> view)
    {
        final String state = String.valueOf(view.get("state"));
        if (ObsStatus.State.DISABLED.name().equals(state))
        {
            return "obs: off";
        }
        final StringBuilder line = new StringBuilder("obs: ").append(state).append(' ').append(view.get("url"));
        final Object version = view.get("obsVersion");
        if (null != version && !String.valueOf(version).isEmpty())
        {
            line.append(" (").append(version).append(')');
        }
        final Object error = view.get("lastError");
        if (!ObsStatus.State.IDENTIFIED.name().equals(state) && null != error && !String.valueOf(error).isEmpty())
        {
            line.append(" last error: ").append(error);
        }
        return line.toString();
    }

    /**
     * The OBS line of {@code commandcenter stat}: the running engine's view over REST when it answers, else what
     * the {@code obs connected} gauge of its counters file says, else {@code obs: off}.
     *
     * @param dataDir the engine's data dir.
     * @param reader  its counters.
     * @param running whether its heartbeat is fresh.
     * @return the line.
     */
    public static String statLine(final Path dataDir, final org.agrona.concurrent.status.CountersReader reader,
        final boolean running)
    {
        if (running && java.nio.file.Files.exists(dataDir.resolve(dev.commandcenter.app.plugins.PluginControlRoute.FILE_NAME)))
        {
            try
            {
                final com.fasterxml.jackson.databind.JsonNode obs =
                    AutomationClient.connect(dataDir, java.time.Duration.ofSeconds(2)).status().path("obs");
                return obsLine(new com.fasterxml.jackson.databind.ObjectMapper().convertValue(obs, Map.class));
            }
            catch (final RuntimeException ignore)
            {
                // Fall back to the counters.
            }
        }
        final long[] connected = { -1 };
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (typeId == dev.commandcenter.engine.counters.CounterType.OBS_CONNECTED.id())
            {
                connected[0] = reader.getCounterValue(counterId);
            }
        });
        if (connected[0] < 0)
        {
            return "obs: off";
        }
        return "obs: " + (1 == connected[0] ? ObsStatus.State.IDENTIFIED : ObsStatus.State.DISCONNECTED).name() +
            (running ? "" : " (the engine is not running)");
    }

    /**
     * The OBS connection, or null when none is configured or this node performs no action.
     *
     * @return the connection.
     */
    public ObsConnection obs()
    {
        return obs;
    }

    /**
     * The action executor, or null when this node performs no action.
     *
     * @return the executor.
     */
    public AutomationExecutor executor()
    {
        return executor;
    }

    /**
     * The timer source, or null on a replay or before {@link #start}.
     *
     * @return the source.
     */
    public TimerSource timerSource()
    {
        return timerSource;
    }

    /**
     * The rules file, or null when none is configured.
     *
     * @return the file's watcher.
     */
    public AutomationRulesFile rulesFile()
    {
        return rulesFile;
    }

    /**
     * The last AutomationState rendered as JSON, or null.
     *
     * @return the state.
     */
    public String stateJson()
    {
        final AutomationExecutor running = executor;
        return null == running ? null : running.stateJson();
    }

    /**
     * The recent fires the executor saw.
     *
     * @return oldest first; empty without an executor.
     */
    public List<FireRecord> recentFires()
    {
        final AutomationExecutor running = executor;
        return null == running ? List.of() : running.recentFires();
    }

    /**
     * The recent action outcomes.
     *
     * @return oldest first; empty without an executor.
     */
    public List<ActionOutcome> recentOutcomes()
    {
        final AutomationExecutor running = executor;
        return null == running ? List.of() : running.recentOutcomes();
    }

    /**
     * Stop the rules file's watcher and the timer source: before the engine drains.
     */
    public void stopSources()
    {
        CloseHelper.quietClose(rulesRunner);
        CloseHelper.quietClose(timerRunner);
    }

    /**
     * Stop everything: the sources, then the OBS connection and the executor. Call before the engine closes.
     */
    public void close()
    {
        stopSources();
        CloseHelper.quietClose(obsCloseable);
        CloseHelper.quietClose(executor);
    }

    /**
     * The executor's egress slot: registered with the engine before it starts, pointed at the executor once the
     * engine's counters and input ring exist (before any source can publish an event that fires a rule).
     */
    static final class DeferredEgress implements EgressHandler
    {
        volatile AutomationExecutor delegate;

        /**
         * {@inheritDoc}
         */
        public void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            final AutomationExecutor target = delegate;
            if (null != target)
            {
                target.onOutput(event, endOfBatch);
            }
        }

        /**
         * {@inheritDoc}
         */
        public void onBatchEnd()
        {
            final AutomationExecutor target = delegate;
            if (null != target)
            {
                target.onBatchEnd();
            }
        }

        /**
         * {@inheritDoc}
         */
        public void onShutdown()
        {
            final AutomationExecutor target = delegate;
            if (null != target)
            {
                target.onShutdown();
            }
        }
    }
}
