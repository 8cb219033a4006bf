package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.plugin.host.remote.RemotePlugins;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Finds, loads and controls plugins on top of the engine's plugin slots: a thin coordinator of discovery
 * ({@link PluginSources}), jar staging ({@link JarStaging}), construction ({@link PluginInstantiator}),
 * dependency checks ({@link PluginDependencies}), reload ({@link PluginReloads}), views ({@link PluginViews})
 * and settings ({@link PluginSpecs}).
 * <ol>
 *     <li>{@link #discover}: built-in plugins through {@link ServiceLoader} (with an optional descriptor at
 *     {@code META-INF/commandcenter/plugins/<id>.yaml}), plus every jar, and every folder holding a
 *     {@code plugin.yaml}, in the plugins dir. A plugin that is wrong fails its own slot with the reason; the
 *     others load, in dependency order.</li>
 *     <li>{@link #configure} hands the specs to the engine; {@link #attach} records the failures found so far in
 *     the engine's error log and from then on reports through the engine's error handler; in dev mode it also
 *     watches the plugins dir.</li>
 *     <li>{@link PluginOperations}: list, info, enable, disable and reload, acting at a sequence boundary. The app
 *     serves them on its control channel.</li>
 * </ol>
 * <pre>{@code
 * PluginManager plugins = PluginManager.discover(new PluginManager.Context().dataDir(dir).settings(section));
 * plugins.configure(engineContext);
 * Engine engine = Engine.launch(engineContext);
 * plugins.attach(engine);
 * ...
 * engine.close();
 * plugins.close();
 * }</pre>
 * <b>Note:</b> thread safe; control operations are serialised, {@link #plugin(String)} does not wait for them.
 */
public final class PluginManager implements PluginOperations, AutoCloseable
{
    /** Where a built-in plugin may keep its descriptor, on its own class path. */
    public static final String BUILT_IN_DESCRIPTOR = PluginInstantiator.BUILT_IN_DESCRIPTOR;

    private final Context ctx;
    private final PluginSources sources;
    private final PluginInstantiator instantiator;
    private final PluginReloads reloads;
    private final Map<String, PluginSlot> slots = new LinkedHashMap<>();
    private final List<PluginClassLoader> retired = new ArrayList<>();
    private final List<Throwable> unreported = new ArrayList<>();
    private volatile Map<String, Plugin> loaded = Map.of();
    private volatile Engine engine;
    private AgentRunner watcherRunner;
    private boolean closed;
    private final FilePluginStorage.Shared storage;
    private volatile RemotePlugins remotePlugins;

    private PluginManager(final Context ctx)
    {
        this.ctx = ctx;
        this.storage = new FilePluginStorage.Shared(
            (null == ctx.storageDir ? ctx.dataDir : ctx.storageDir).resolve(FilePluginStorage.DIR_NAME),
            ctx.settings.storage().maxEntryBytes(), ctx.settings.storage().maxEntries());
        this.sources = new PluginSources(ctx.pluginsDir, ctx.cacheDir, ctx.builtIns, ctx.serviceLoader,
            ctx.builtInClassLoader);
        this.instantiator = new PluginInstantiator(new JarStaging(ctx.cacheDir), new PluginSpecs(ctx.settings,
            BackPressure.BLOCK, PluginSpec.LAG_LIMIT_DEFAULT, PluginSpec.STALL_TIMEOUT_MS_DEFAULT, 0, storage),
            ctx.builtInClassLoader, this::remotePluginsOrNew);
        this.reloads = new PluginReloads(slots, retired, instantiator, sources);
    }

    /**
     * Find and load every plugin and resolve their dependencies. Nothing runs yet.
     *
     * @param ctx configuration; concluded here.
     * @return the manager.
     * @throws IllegalArgumentException when a setting is wrong (a plugin that is wrong only fails itself).
     */
    public static PluginManager discover(final Context ctx)
    {
        ctx.conclude();
        final PluginManager manager = new PluginManager(ctx);
        manager.discoverAll();
        return manager;
    }

    /**
     * Add every plugin to an engine's configuration: those that can start in dependency order, then those
     * that failed (listed with their reason, never run).
     *
     * @param engineContext the engine's configuration.
     */
    public synchronized void configure(final Engine.Context engineContext)
    {
        for (final PluginSlot slot : slots.values())
        {
            engineContext.plugin(slot.spec);
        }
    }

    /**
     * Start controlling a launched engine: record the plugins that failed to load (and any other failure found
     * so far) in its error log, report through its error handler from now on, and in dev mode watch the
     * plugins dir.
     *
     * @param engine launched with {@link #configure}.
     */
    public synchronized void attach(final Engine engine)
    {
        this.engine = engine;
        storage.counters = engine.counters();
        storage.errorHandler = engine.errorHandler();
        for (final PluginSlot slot : slots.values())
        {
            if (slot.isFailed())
            {
                engine.errorHandler().onError(new IllegalStateException("plugin '" + slot.key + "' failed to load: " +
                    slot.spec.failure()));
            }
        }
        unreported.forEach(engine.errorHandler()::onError);
        unreported.clear();
        final RemotePlugins remote = remotePlugins;
        if (null != remote)
        {
            remote.bindCounters(engine.counters());
            remote.start(engine.errorHandler());
        }
        if (ctx.devMode)
        {
            final PluginWatcher watcher = new PluginWatcher(ctx.pluginsDir, ctx.watchDebounceMs, ctx.epochClock,
                this::onChanged);
            try
            {
                watcher.onStart();
            }
            catch (final RuntimeException ex)
            {
                report(ex);
            }
            watcherRunner = new AgentRunner(new SleepingMillisIdleStrategy(50), this::report, null, watcher);
            AgentRunner.startOnThread(watcherRunner, (runnable) ->
            {
                final Thread thread = new Thread(runnable, "cc-plugin-watcher");
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    /**
     * The plugins dir in use.
     *
     * @return the directory.
     */
    public Path pluginsDir()
    {
        return ctx.pluginsDir;
    }

    /**
     * Loaded plugin instances (first instance of each), for serving their web resources.
     *
     * @return the instances, in start order.
     */
    public List<Plugin> plugins()
    {
        return List.copyOf(loaded.values());
    }

    /**
     * The instance of a plugin as currently loaded: after a reload, the new version's, from its new class
     * loader; a plugin added in dev mode once it is loaded. For serving a plugin's web pages.
     *
     * @param id plugin id.
     * @return the instance, or null when no such plugin is loaded.
     */
    public Plugin plugin(final String id)
    {
        return loaded.get(id);
    }

    /** {@inheritDoc} */
    public synchronized List<PluginView> list()
    {
        final List<PluginView> views = new ArrayList<>();
        for (final PluginSlot slot : slots.values())
        {
            views.add(PluginViews.view(slot, engine, where(slot.key)));
        }
        return views;
    }

    /** {@inheritDoc} */
    public synchronized PluginView info(final String id)
    {
        return PluginViews.view(require(id), engine, where(id));
    }

    /** {@inheritDoc} */
    public synchronized PluginView enable(final String id)
    {
        final PluginSlot slot = require(id);
        final Engine running = requireEngine();
        if (slot.isFailed())
        {
            throw new IllegalStateException("plugin '" + id + "' failed to load (" + slot.spec.failure() +
                "); fix it and run 'commandcenter plugins reload " + id + "'");
        }
        PluginDependencies.checkEnable(slot, running);
        running.enablePlugin(id);
        return PluginViews.view(slot, running, where(slot.key));
    }

    /** {@inheritDoc} */
    public synchronized PluginView disable(final String id)
    {
        final PluginSlot slot = require(id);
        final Engine running = requireEngine();
        PluginDependencies.checkDisable(slot, slots, running);
        running.disablePlugin(id);
        return PluginViews.view(slot, running, where(slot.key));
    }

    /**
     * Reload a plugin at a sequence boundary: an external plugin is read again from its jar or folder (new
     * class loader, new descriptor); a built-in one gets a fresh instance. The running version handles every
     * event up to the boundary and the new one every event after it. When the new version cannot be loaded,
     * the running one stays.
     *
     * @param id plugin id.
     * @return its view afterwards.
     * @throws IllegalArgumentException when there is no such plugin.
     * @throws IllegalStateException when the new version cannot be loaded or started in time.
     */
    public synchronized PluginView reload(final String id)
    {
        final PluginSlot slot = require(id);
        final Engine running = requireEngine();
        if (null == slot.source)
        {
            running.reloadPlugin(slot.spec);
            return PluginViews.view(slot, running, where(slot.key));
        }
        try
        {
            return PluginViews.view(reloads.reload(slot, running), running, where(slot.key));
        }
        finally
        {
            publish();
        }
    }

    /**
     * The endpoint of the remote slots (plugins whose descriptor or section says {@code hosting: process}), for the
     * transports that hand it their plugin hosts' connections.
     *
     * @return the endpoint, or null when no plugin is hosted out of process.
     */
    public RemotePlugins remotePlugins()
    {
        return remotePlugins;
    }

    /**
     * Where a plugin runs, for {@code plugins list}.
     *
     * @param id plugin id.
     * @return {@code in-process}, or for a remote slot its host (or {@code process (no host attached)}).
     */
    public String where(final String id)
    {
        final RemotePlugins remote = remotePlugins;
        final String where = null == remote ? null : remote.where(id);
        return null == where ? "in-process" : where;
    }

    /**
     * The endpoint of the remote slots, made now when no plugin is hosted out of process (so a transport that
     * accepts plugin hosts can refuse them with a reason); its duty cycle runs once the engine is attached.
     *
     * @return the endpoint.
     */
    public synchronized RemotePlugins openRemotePlugins()
    {
        final RemotePlugins remote = remotePluginsOrNew();
        if (null != engine)
        {
            remote.bindCounters(engine.counters());
            remote.start(engine.errorHandler());
        }
        return remote;
    }

    private synchronized RemotePlugins remotePluginsOrNew()
    {
        RemotePlugins remote = remotePlugins;
        if (null == remote)
        {
            remote = new RemotePlugins(ctx.remoteHeartbeatIntervalMs, RemotePlugins.MAX_PENDING_HOSTS_DEFAULT,
                ctx.epochClock);
            remotePlugins = remote;
        }
        return remote;
    }

    /**
     * Stop the watcher and release class loaders; call after the engine is closed.
     */
    public void close()
    {
        final AgentRunner runner;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            runner = watcherRunner;
        }
        CloseHelper.quietClose(runner);
        CloseHelper.quietClose(remotePlugins);
        final ErrorHandler storageErrors = storage.errorHandler;
        if (!storage.close(FilePluginStorage.CLOSE_TIMEOUT_MS) && null != storageErrors)
        {
            storageErrors.onError(new IllegalStateException("plugin storage: writes still waiting after " +
                FilePluginStorage.CLOSE_TIMEOUT_MS + " ms at close are lost; the entries keep their previous bytes"));
        }
        synchronized (this)
        {
            for (final PluginSlot slot : slots.values())
            {
                CloseHelper.quietClose(slot.loader);
            }
            retired.forEach(CloseHelper::quietClose);
            retired.clear();
        }
    }

    synchronized void onChanged(final Path source)
    {
        if (closed || null == engine)
        {
            return;
        }
        try
        {
            reloads.onChanged(source, engine);
        }
        catch (final RuntimeException ex)
        {
            report(ex);
        }
        finally
        {
            publish();
        }
    }

    private void discoverAll()
    {
        final List<PluginSlot> found = new ArrayList<>();
        int index = 0;
        for (final Supplier<? extends Plugin> factory : sources.builtInFactories())
        {
            found.add(instantiator.builtIn(factory, index++));
        }
        for (final Path source : sources.externalSources(this::report))
        {
            found.add(instantiator.external(source));
        }
        PluginDependencies.order(found, slots);
        publish();
    }

    private void publish()
    {
        final Map<String, Plugin> instances = new LinkedHashMap<>();
        for (final PluginSlot slot : slots.values())
        {
            if (!slot.isFailed() && null != slot.spec.instance())
            {
                instances.put(slot.key, slot.spec.instance());
            }
        }
        loaded = Collections.unmodifiableMap(instances);
    }

    private PluginSlot require(final String id)
    {
        final PluginSlot slot = slots.get(id);
        if (null == slot)
        {
            throw new IllegalArgumentException("no plugin '" + id + "', expected one of " + new TreeSet<>(slots.keySet()));
        }
        return slot;
    }

    private Engine requireEngine()
    {
        final Engine running = engine;
        if (null == running || closed)
        {
            throw new IllegalStateException("no engine is running the plugins");
        }
        return running;
    }

    private synchronized void report(final Throwable ex)
    {
        final Engine running = engine;
        if (null == running)
        {
            unreported.add(ex);
        }
        else
        {
            running.errorHandler().onError(ex);
        }
    }

    /**
     * Configuration of a plugin manager. Defaults come from the named constants; {@link #conclude()} validates
     * and may be called once.
     */
    public static final class Context
    {
        /** Default name of the plugins dir inside the data dir. */
        public static final String PLUGINS_DIR_DEFAULT = "plugins";
        /** Name of the folder in the data dir holding private copies of plugin jars. */
        public static final String CACHE_DIR_DEFAULT = "plugin-cache";
        /** Default quiet time after a change in the plugins dir before dev mode reloads. */
        public static final long WATCH_DEBOUNCE_MS_DEFAULT = 500;

        private boolean concluded;
        private Path dataDir = Path.of("data");
        private Path pluginsDir;
        private Path cacheDir;
        private Path storageDir;
        private PluginsSettings settings = PluginsSettings.NONE;
        private final List<Supplier<? extends Plugin>> builtIns = new ArrayList<>();
        private boolean serviceLoader = true;
        private ClassLoader builtInClassLoader;
        private boolean devMode;
        private long watchDebounceMs = WATCH_DEBOUNCE_MS_DEFAULT;
        private EpochClock epochClock = SystemEpochClock.INSTANCE;
        private int remoteHeartbeatIntervalMs = RemotePlugins.HEARTBEAT_INTERVAL_MS_DEFAULT;

        /**
         * Validate and fill in the defaults.
         *
         * @return this.
         * @throws IllegalStateException if called twice.
         * @throws IllegalArgumentException naming the setting that is wrong and what was expected.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            concluded = true;
            if (null == dataDir)
            {
                throw new IllegalArgumentException("data dir: expected a directory");
            }
            if (null == pluginsDir)
            {
                pluginsDir = null == settings.dir() ? dataDir.resolve(PLUGINS_DIR_DEFAULT) : Path.of(settings.dir());
            }
            if (null != settings.watchDebounceMs())
            {
                watchDebounceMs = settings.watchDebounceMs();
            }
            if (null == cacheDir)
            {
                cacheDir = dataDir.resolve(CACHE_DIR_DEFAULT);
            }
            if (null == builtInClassLoader)
            {
                builtInClassLoader = null == Thread.currentThread().getContextClassLoader() ?
                    PluginManager.class.getClassLoader() : Thread.currentThread().getContextClassLoader();
            }
            return this;
        }

        /**
         * Data dir of the engine: holds the plugins dir by default and the jar copies.
         *
         * @param dataDir the directory.
         * @return this.
         */
        public Context dataDir(final Path dataDir)
        {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Data dir.
         *
         * @return the directory.
         */
        public Path dataDir()
        {
            return dataDir;
        }

        /**
         * Where the plugins' storage folders go, when not in the data dir: a replay keeps its plugins' entries (their
         * snapshots) apart from the live node's.
         *
         * @param storageDir directory holding the storage folder, or null for the data dir.
         * @return this.
         */
        public Context storageDir(final Path storageDir)
        {
            this.storageDir = storageDir;
            return this;
        }

        /**
         * Directory holding the plugins' storage folder.
         *
         * @return the directory, or null for the data dir.
         */
        public Path storageDir()
        {
            return storageDir;
        }

        /**
         * Where external plugins are found; {@code plugins.dir}, or {@code <data-dir>/plugins} by default.
         *
         * @param pluginsDir the directory.
         * @return this.
         */
        public Context pluginsDir(final Path pluginsDir)
        {
            this.pluginsDir = pluginsDir;
            return this;
        }

        /**
         * Plugins dir, once concluded.
         *
         * @return the directory.
         */
        public Path pluginsDir()
        {
            return pluginsDir;
        }

        /**
         * Where private copies of plugin jars are kept, so a jar can be replaced while its plugin runs.
         *
         * @param cacheDir the directory; {@code <data-dir>/plugin-cache} by default.
         * @return this.
         */
        public Context cacheDir(final Path cacheDir)
        {
            this.cacheDir = cacheDir;
            return this;
        }

        /**
         * The {@code plugins} configuration section, as bound with the rest of the configuration.
         *
         * @param settings the section; null for none.
         * @return this.
         */
        public Context settings(final PluginsSettings settings)
        {
            this.settings = null == settings ? PluginsSettings.NONE : settings;
            return this;
        }

        /**
         * The {@code plugins} configuration section as maps, bound here ({@link PluginsSettings#of(Map)}).
         *
         * @param settings the section; null for none.
         * @return this.
         * @throws dev.commandcenter.config.ConfigException naming the key that is wrong and what was expected.
         */
        public Context settings(final Map<String, ?> settings)
        {
            return settings(PluginsSettings.of(settings));
        }

        /**
         * The settings.
         *
         * @return the {@code plugins} section.
         */
        public PluginsSettings settings()
        {
            return settings;
        }

        /**
         * Add a built-in plugin by factory (besides those found by the service loader).
         *
         * @param factory makes instances.
         * @return this.
         */
        public Context builtIn(final Supplier<? extends Plugin> factory)
        {
            builtIns.add(factory);
            return this;
        }

        /**
         * Whether to find built-in plugins with {@link ServiceLoader}.
         *
         * @param serviceLoader true by default.
         * @return this.
         */
        public Context serviceLoader(final boolean serviceLoader)
        {
            this.serviceLoader = serviceLoader;
            return this;
        }

        /**
         * Class loader the service loader searches.
         *
         * @param classLoader the loader; the thread's context loader by default.
         * @return this.
         */
        public Context builtInClassLoader(final ClassLoader classLoader)
        {
            this.builtInClassLoader = classLoader;
            return this;
        }

        /**
         * Dev mode: watch the plugins dir and reload a changed jar or descriptor, add a new one, unload a
         * removed one, after {@link #watchDebounceMs(long)} of quiet.
         *
         * @param devMode true to watch.
         * @return this.
         */
        public Context devMode(final boolean devMode)
        {
            this.devMode = devMode;
            return this;
        }

        /**
         * Quiet time after a change before dev mode acts; {@code plugins.watchDebounceMs} overrides it.
         *
         * @param debounceMs milliseconds.
         * @return this.
         */
        public Context watchDebounceMs(final long debounceMs)
        {
            this.watchDebounceMs = debounceMs;
            return this;
        }

        /**
         * Clock of the dev-mode watcher.
         *
         * @param clock the clock.
         * @return this.
         */
        public Context epochClock(final EpochClock clock)
        {
            this.epochClock = clock;
            return this;
        }

        /**
         * Heartbeat interval of the remote slots, both ways ({@code aeron.plugins.heartbeatIntervalMs}).
         *
         * @param intervalMs 1 or more.
         * @return this.
         */
        public Context remoteHeartbeatIntervalMs(final int intervalMs)
        {
            if (intervalMs < 1)
            {
                throw new IllegalArgumentException("heartbeatIntervalMs: expected 1 or more, got " + intervalMs);
            }
            this.remoteHeartbeatIntervalMs = intervalMs;
            return this;
        }
    }
}
