package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.PluginSpec;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginHealth;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds, loads and controls plugins on top of the engine's plugin slots.
 * <ol>
 *     <li>Discovery: built-in plugins through {@link ServiceLoader} (with an optional descriptor at
 *     {@code META-INF/commandcenter/plugins/<id>.yaml}), plus every jar, and every folder holding a
 *     {@code plugin.yaml}, in the plugins dir. Each external plugin gets its own {@link PluginClassLoader}.</li>
 *     <li>Descriptors are validated; a bad one fails that plugin (its reason names file, field and what was
 *     expected) and the others load.</li>
 *     <li>Dependencies are resolved in topological order ({@link DependencyResolver}).</li>
 *     <li>Lifecycle: {@link #configure} hands the specs to the engine, {@link #attach} opens the local control
 *     channel (and with dev mode the file watcher); enable, disable and reload act at a sequence boundary.</li>
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
 * <b>Note:</b> thread safe; control operations are serialised.
 */
public final class PluginManager implements AutoCloseable
{
    /** Where a built-in plugin may keep its descriptor, on its own class path. */
    public static final String BUILT_IN_DESCRIPTOR = "META-INF/commandcenter/plugins/%s.yaml";
    /** Settings in a plugin's section that configure its hosting rather than the plugin. */
    public static final Set<String> HOSTING_KEYS = Set.of("enabled", "backPressure", "lagLimit", "stallTimeoutMs",
        "quarantineAfterFailures");

    private final Context ctx;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<PluginClassLoader> retired = new ArrayList<>();
    private final AtomicInteger copies = new AtomicInteger();
    private volatile Engine engine;
    private PluginControlServer controlServer;
    private AgentRunner watcherRunner;
    private boolean closed;

    private PluginManager(final Context ctx)
    {
        this.ctx = ctx;
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
        for (final Entry entry : entries.values())
        {
            engineContext.plugin(entry.spec);
        }
    }

    /**
     * Start controlling a launched engine: open the control channel ({@code control.json} in the data dir)
     * and, in dev mode, watch the plugins dir.
     *
     * @param engine launched with {@link #configure}.
     */
    public synchronized void attach(final Engine engine)
    {
        this.engine = engine;
        if (ctx.controlChannel)
        {
            controlServer = PluginControlServer.start(ctx.dataDir, this);
        }
        if (ctx.devMode)
        {
            final PluginWatcher watcher = new PluginWatcher(ctx.pluginsDir, ctx.watchDebounceMs, ctx.epochClock,
                this::onChanged);
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
    public synchronized List<Plugin> plugins()
    {
        final List<Plugin> result = new ArrayList<>();
        for (final Entry entry : entries.values())
        {
            if (null == entry.spec.failure() && null != entry.spec.instance())
            {
                result.add(entry.spec.instance());
            }
        }
        return result;
    }

    /**
     * Every plugin, failed ones included.
     *
     * @return one view per plugin, in start order.
     */
    public synchronized List<PluginView> list()
    {
        final List<PluginView> views = new ArrayList<>();
        for (final Entry entry : entries.values())
        {
            views.add(view(entry));
        }
        return views;
    }

    /**
     * One plugin.
     *
     * @param id plugin id.
     * @return its view.
     * @throws IllegalArgumentException when there is no such plugin.
     */
    public synchronized PluginView info(final String id)
    {
        return view(require(id));
    }

    /**
     * Start a stopped, quarantined or start-failed plugin again with a fresh instance.
     *
     * @param id plugin id.
     * @return its view afterwards.
     * @throws IllegalArgumentException when there is no such plugin.
     * @throws IllegalStateException when it cannot be enabled (failed to load, a requirement is disabled).
     */
    public synchronized PluginView enable(final String id)
    {
        final Entry entry = require(id);
        final Engine running = requireEngine();
        if (null != entry.spec.failure())
        {
            throw new IllegalStateException("plugin '" + id + "' failed to load (" + entry.spec.failure() +
                "); fix it and run 'commandcenter plugins reload " + id + "'");
        }
        if (null != entry.descriptor)
        {
            for (final String dependency : entry.descriptor.requires().keySet())
            {
                if (!running.isPluginEnabled(dependency))
                {
                    throw new IllegalStateException("cannot enable '" + id + "': it requires '" + dependency +
                        "', which is not enabled");
                }
            }
        }
        running.enablePlugin(id);
        return view(entry);
    }

    /**
     * Stop a plugin at a sequence boundary; it stays listed as STOPPED until enabled.
     *
     * @param id plugin id.
     * @return its view afterwards.
     * @throws IllegalArgumentException when there is no such plugin.
     * @throws IllegalStateException when an enabled plugin requires it.
     */
    public synchronized PluginView disable(final String id)
    {
        final Entry entry = require(id);
        final Engine running = requireEngine();
        for (final Entry other : entries.values())
        {
            if (other != entry && null == other.spec.failure() && null != other.descriptor &&
                other.descriptor.requires().containsKey(id) && running.isPluginEnabled(other.key))
            {
                throw new IllegalStateException("cannot disable '" + id + "': '" + other.key +
                    "' requires it (disable '" + other.key + "' first)");
            }
        }
        running.disablePlugin(id);
        return view(entry);
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
        final Entry entry = require(id);
        final Engine running = requireEngine();
        if (null == entry.source)
        {
            running.reloadPlugin(entry.spec);
            return view(entry);
        }
        final Entry fresh = reloadFrom(entry);
        return view(fresh);
    }

    /**
     * Stop the control channel and watcher and release class loaders; call after the engine is closed.
     */
    public void close()
    {
        final PluginControlServer server;
        final AgentRunner runner;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            server = controlServer;
            runner = watcherRunner;
        }
        CloseHelper.quietClose(server);
        CloseHelper.quietClose(runner);
        synchronized (this)
        {
            for (final Entry entry : entries.values())
            {
                CloseHelper.quietClose(entry.loader);
            }
            retired.forEach(CloseHelper::quietClose);
            retired.clear();
        }
    }

    /**
     * Address of the control channel, once attached.
     *
     * @return the server, or null.
     */
    public synchronized PluginControlServer controlServer()
    {
        return controlServer;
    }

    synchronized void onChanged(final Path source)
    {
        if (closed || null == engine)
        {
            return;
        }
        try
        {
            Entry existing = null;
            for (final Entry entry : entries.values())
            {
                if (source.equals(entry.source))
                {
                    existing = entry;
                }
            }
            if (!Files.exists(source))
            {
                if (null != existing)
                {
                    if (!engine.removePlugin(existing.key))
                    {
                        throw new IllegalStateException("plugin '" + existing.key + "' was removed from the plugins dir " +
                            "but is busy in onEvent: it stops when it returns and stays listed until the engine restarts");
                    }
                    entries.remove(existing.key);
                    CloseHelper.quietClose(existing.loader);
                }
            }
            else if (null != existing)
            {
                reloadFrom(existing);
            }
            else if (isPluginSource(source))
            {
                final Entry fresh = loadExternal(source);
                checkAgainstRunning(fresh, null);
                register(fresh);
                engine.addPlugin(fresh.spec);
            }
        }
        catch (final RuntimeException ex)
        {
            report(ex);
        }
    }

    private Entry reloadFrom(final Entry entry)
    {
        final Engine running = requireEngine();
        final Entry fresh = loadExternal(entry.source);
        checkAgainstRunning(fresh, entry);
        if (null != fresh.spec.failure())
        {
            CloseHelper.quietClose(fresh.loader);
            if (null == entry.spec.failure())
            {
                throw new IllegalStateException("reload of '" + entry.key + "' failed, version " +
                    entry.spec.version() + " keeps running: " + fresh.spec.failure());
            }
            final PluginSpec failed = PluginSpec.failed(entry.key, fresh.spec.version(), fresh.spec.origin(),
                fresh.spec.failure());
            running.reloadPlugin(failed);
            entry.spec = failed;
            throw new IllegalStateException("reload of '" + entry.key + "' failed: " + fresh.spec.failure());
        }
        if (!fresh.key.equals(entry.key))
        {
            running.removePlugin(entry.key);
            entries.remove(entry.key);
            retired.add(entry.loader);
            register(fresh);
            running.addPlugin(fresh.spec);
            return fresh;
        }
        entries.put(fresh.key, fresh);
        try
        {
            running.reloadPlugin(fresh.spec);
        }
        finally
        {
            if (null != entry.loader)
            {
                retired.add(entry.loader);
            }
        }
        return fresh;
    }

    private void checkAgainstRunning(final Entry fresh, final Entry replacing)
    {
        if (null != fresh.spec.failure() || null == fresh.descriptor)
        {
            return;
        }
        for (final Map.Entry<String, VersionRange> requirement : fresh.descriptor.requires().entrySet())
        {
            final Entry provider = entries.get(requirement.getKey());
            final String dependency = requirement.getKey();
            if (null == provider)
            {
                fresh.fail("requires '" + dependency + "' (" + requirement.getValue() + "), which is not installed");
                return;
            }
            if (null != provider.spec.failure())
            {
                fresh.fail("requires '" + dependency + "' (" + requirement.getValue() + "), which failed to load: " +
                    provider.spec.failure());
                return;
            }
            if (!requirement.getValue().admits(SemanticVersion.parse(provider.spec.version())))
            {
                fresh.fail("requires '" + dependency + "' " + requirement.getValue() + ", but '" + dependency + "' " +
                    provider.spec.version() + " is installed");
                return;
            }
        }
        for (final Entry other : entries.values())
        {
            if (other == replacing || null == other.descriptor || null != other.spec.failure())
            {
                continue;
            }
            final VersionRange range = other.descriptor.requires().get(fresh.key);
            if (null != range && !range.admits(fresh.descriptor.version()))
            {
                fresh.fail("version " + fresh.descriptor.version() + " would break '" + other.key +
                    "', which requires '" + fresh.key + "' " + range);
                return;
            }
        }
        if (null == replacing && entries.containsKey(fresh.key))
        {
            fresh.fail("duplicate plugin id '" + fresh.key + "': also provided by " + entries.get(fresh.key).spec.origin());
        }
    }

    private void register(final Entry entry)
    {
        if (null != entry.spec.failure() && entries.containsKey(entry.key))
        {
            entry.rekey(entry.source.getFileName().toString());
        }
        entries.put(entry.key, entry);
    }

    private void discoverAll()
    {
        final List<Entry> found = new ArrayList<>();
        int index = 0;
        for (final Supplier<? extends Plugin> factory : builtInFactories())
        {
            found.add(loadBuiltIn(factory, index++));
        }
        for (final Path source : pluginSources())
        {
            found.add(loadExternal(source));
        }

        final Map<String, Entry> byId = new LinkedHashMap<>();
        final List<Entry> failedEntries = new ArrayList<>();
        for (final Entry entry : found)
        {
            if (null != entry.spec.failure())
            {
                failedEntries.add(entry);
            }
            else if (byId.containsKey(entry.key))
            {
                entry.fail("duplicate plugin id '" + entry.key + "': also provided by " + byId.get(entry.key).spec.origin());
                failedEntries.add(entry);
            }
            else
            {
                byId.put(entry.key, entry);
            }
        }

        final List<DependencyResolver.Node> nodes = new ArrayList<>();
        for (final Entry entry : byId.values())
        {
            nodes.add(new DependencyResolver.Node(entry.key, versionOf(entry),
                null == entry.descriptor ? Map.of() : entry.descriptor.requires()));
        }
        final Map<String, String> failedIds = new HashMap<>();
        for (final Entry entry : failedEntries)
        {
            if (!byId.containsKey(entry.key))
            {
                failedIds.put(entry.key, entry.spec.failure());
            }
        }
        final DependencyResolver.Result result = DependencyResolver.resolve(nodes, failedIds);
        for (final String id : result.order())
        {
            entries.put(id, byId.get(id));
        }
        for (final Entry entry : byId.values())
        {
            final String failure = result.failures().get(entry.key);
            if (null != failure)
            {
                entry.fail(failure);
                entries.put(entry.key, entry);
            }
        }
        for (final Entry entry : failedEntries)
        {
            if (entries.containsKey(entry.key))
            {
                entry.rekey(null == entry.source ? entry.key + "-" + entries.size() : entry.source.getFileName().toString());
            }
            entries.put(entry.key, entry);
        }
    }

    private static SemanticVersion versionOf(final Entry entry)
    {
        try
        {
            return SemanticVersion.parse(entry.spec.version());
        }
        catch (final IllegalArgumentException ex)
        {
            return new SemanticVersion(0, 0, 0, "");
        }
    }

    private List<Supplier<? extends Plugin>> builtInFactories()
    {
        final List<Supplier<? extends Plugin>> factories = new ArrayList<>(ctx.builtIns);
        if (ctx.serviceLoader)
        {
            for (final ServiceLoader.Provider<Plugin> provider :
                ServiceLoader.load(Plugin.class, ctx.builtInClassLoader).stream().toList())
            {
                factories.add(provider);
            }
        }
        return factories;
    }

    private Entry loadBuiltIn(final Supplier<? extends Plugin> factory, final int index)
    {
        final Plugin instance;
        try
        {
            instance = factory.get();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            final String name = factory instanceof ServiceLoader.Provider<?> provider ? provider.type().getName() :
                "built-in-" + index;
            final Entry entry = new Entry(name, null, null, null);
            entry.spec = PluginSpec.failed(name, "", PluginSpec.BUILT_IN, "cannot create " + name + ": " + describe(ex));
            return entry;
        }
        final String id = instance.id();
        final Entry entry = new Entry(id, null, null, null);
        try
        {
            final String resource = String.format(BUILT_IN_DESCRIPTOR, id);
            final ClassLoader loader = null == instance.getClass().getClassLoader() ? ctx.builtInClassLoader :
                instance.getClass().getClassLoader();
            final URL url = loader.getResource(resource);
            if (null != url)
            {
                try (InputStream in = url.openStream())
                {
                    entry.descriptor = DescriptorParser.parse(resource,
                        new String(in.readAllBytes(), StandardCharsets.UTF_8), false);
                }
                if (!entry.descriptor.id().equals(id))
                {
                    throw new DescriptorException(resource, "id", "expected '" + id + "' (the plugin's id), got '" +
                        entry.descriptor.id() + "'");
                }
            }
            entry.spec = spec(id, entry.descriptor, instance, factory, PluginSpec.BUILT_IN);
        }
        catch (final IOException | RuntimeException ex)
        {
            entry.spec = PluginSpec.failed(id, instance.version(), PluginSpec.BUILT_IN, describe(ex));
        }
        return entry;
    }

    private List<Path> pluginSources()
    {
        final List<Path> sources = new ArrayList<>();
        if (!Files.isDirectory(ctx.pluginsDir))
        {
            return sources;
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(ctx.pluginsDir))
        {
            for (final Path path : stream)
            {
                if (isPluginSource(path))
                {
                    sources.add(path);
                }
            }
        }
        catch (final IOException ex)
        {
            report(new IllegalStateException("cannot list plugins dir " + ctx.pluginsDir + ": " + ex.getMessage()));
        }
        sources.sort(null);
        return sources;
    }

    private boolean isPluginSource(final Path path)
    {
        final String name = path.getFileName().toString();
        if (name.startsWith("."))
        {
            return false;
        }
        return name.endsWith(".jar") && Files.isRegularFile(path) ||
            Files.isDirectory(path) && !path.toAbsolutePath().normalize().equals(ctx.cacheDir.toAbsolutePath().normalize());
    }

    private Entry loadExternal(final Path source)
    {
        final String fileName = source.getFileName().toString();
        final String label = DescriptorParser.FILE_NAME + " in " + source;
        PluginDescriptor descriptor = null;
        PluginClassLoader loader = null;
        try
        {
            final String yaml;
            final List<URL> urls = new ArrayList<>();
            if (Files.isDirectory(source))
            {
                final Path yamlFile = source.resolve(DescriptorParser.FILE_NAME);
                if (!Files.isRegularFile(yamlFile))
                {
                    throw new DescriptorException(source.toString(), "", "no " + DescriptorParser.FILE_NAME +
                        " in the folder, expected one beside the plugin's classes/ folder or jars");
                }
                yaml = Files.readString(yamlFile, StandardCharsets.UTF_8);
                final Path classes = source.resolve("classes");
                if (Files.isDirectory(classes))
                {
                    urls.add(classes.toUri().toURL());
                }
                addJars(source, urls);
                addJars(source.resolve("lib"), urls);
            }
            else
            {
                final Path copy = shadowCopy(source);
                try (JarFile jar = new JarFile(copy.toFile()))
                {
                    final JarEntry yamlEntry = jar.getJarEntry(DescriptorParser.FILE_NAME);
                    if (null == yamlEntry)
                    {
                        throw new DescriptorException(source.toString(), "", "no " + DescriptorParser.FILE_NAME +
                            " at the root of the jar, expected one (src/main/resources/plugin.yaml in a Maven project)");
                    }
                    try (InputStream in = jar.getInputStream(yamlEntry))
                    {
                        yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                }
                urls.add(copy.toUri().toURL());
            }
            descriptor = DescriptorParser.parse(label, yaml, true);
            loader = new PluginClassLoader(descriptor.id(), urls.toArray(new URL[0]), Plugin.class.getClassLoader(),
                descriptor.permissions().network());
            final Supplier<Plugin> factory = factory(label, descriptor.main(), loader);
            final Plugin instance = factory.get();
            if (!descriptor.id().equals(instance.id()))
            {
                throw new DescriptorException(label, "id", "the class " + descriptor.main() + " reports id '" +
                    instance.id() + "', expected the descriptor's id to match");
            }
            final Entry entry = new Entry(descriptor.id(), source, descriptor, loader);
            entry.spec = spec(descriptor.id(), descriptor, instance, factory, source.toString());
            return entry;
        }
        catch (final IOException | RuntimeException | LinkageError ex)
        {
            CloseHelper.quietClose(loader);
            final String key = null == descriptor ? fileName : descriptor.id();
            final Entry entry = new Entry(key, source, descriptor, null);
            final String reason = ex instanceof IOException ? source + ": cannot read: " + describe(ex) : describe(ex);
            entry.spec = PluginSpec.failed(key, null == descriptor ? "" : descriptor.version().toString(),
                source.toString(), reason);
            return entry;
        }
    }

    private static void addJars(final Path dir, final List<URL> urls) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        final List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar"))
        {
            stream.forEach(jars::add);
        }
        jars.sort(null);
        for (final Path jar : jars)
        {
            urls.add(jar.toUri().toURL());
        }
    }

    private Path shadowCopy(final Path jar) throws IOException
    {
        Files.createDirectories(ctx.cacheDir);
        final String name = jar.getFileName().toString();
        final Path copy = ctx.cacheDir.resolve(name.substring(0, name.length() - ".jar".length()) + "-" +
            copies.incrementAndGet() + ".jar");
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        return copy;
    }

    private static Supplier<Plugin> factory(final String label, final String main, final ClassLoader loader)
    {
        final Class<?> type;
        try
        {
            type = Class.forName(main, false, loader);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new DescriptorException(label, "main", "class " + main + " not found in the plugin");
        }
        if (!Plugin.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers()))
        {
            throw new DescriptorException(label, "main", "expected a concrete class implementing " +
                Plugin.class.getName() + ", got " + main);
        }
        final Constructor<?> constructor;
        try
        {
            constructor = type.getConstructor();
        }
        catch (final NoSuchMethodException ex)
        {
            throw new DescriptorException(label, "main", "expected " + main + " to have a public no-argument constructor");
        }
        return () ->
        {
            try
            {
                return (Plugin)constructor.newInstance();
            }
            catch (final InvocationTargetException ex)
            {
                throw new IllegalStateException("cannot create " + main + ": " + describe(ex.getCause()), ex.getCause());
            }
            catch (final ReflectiveOperationException ex)
            {
                throw new IllegalStateException("cannot create " + main + ": " + describe(ex), ex);
            }
        };
    }

    private PluginSpec spec(
        final String id,
        final PluginDescriptor descriptor,
        final Plugin instance,
        final Supplier<? extends Plugin> factory,
        final String origin)
    {
        final Hosting hosting = ctx.hosting(id);
        final PluginSpec spec = new PluginSpec(id)
            .instance(instance)
            .factory(factory)
            .origin(origin)
            .version(null == descriptor ? instance.version() : descriptor.version().toString())
            .name(null == descriptor ? id : descriptor.name())
            .config(new PluginConfig(id, hosting.config))
            .enabled(hosting.enabled);
        BackPressure backPressure = ctx.defaultBackPressure;
        int lagLimit = ctx.defaultLagLimit;
        long stallTimeoutMs = ctx.defaultStallTimeoutMs;
        if (null != descriptor)
        {
            spec.subscription(descriptor.subscription())
                .emits(descriptor.emitTemplateIds())
                .outputs(null == descriptor.permissions().outputs() ? null : Set.copyOf(descriptor.permissions().outputs()))
                .network(descriptor.permissions().network());
            backPressure = null == descriptor.backPressure() ? backPressure : descriptor.backPressure();
            lagLimit = null == descriptor.lagLimit() ? lagLimit : descriptor.lagLimit();
            stallTimeoutMs = null == descriptor.stallTimeoutMs() ? stallTimeoutMs : descriptor.stallTimeoutMs();
        }
        spec.backPressure(null == hosting.backPressure ? backPressure : hosting.backPressure)
            .lagLimit(null == hosting.lagLimit ? lagLimit : hosting.lagLimit)
            .stallTimeoutMs(null == hosting.stallTimeoutMs ? stallTimeoutMs : hosting.stallTimeoutMs)
            .quarantineAfterFailures(null == hosting.quarantineAfterFailures ? ctx.defaultQuarantineAfterFailures :
                hosting.quarantineAfterFailures);
        return spec;
    }

    private PluginView view(final Entry entry)
    {
        final PluginSpec spec = entry.spec;
        final Engine running = engine;
        final PluginHealth health = null == running ? null : running.pluginHealth(entry.key);
        final PluginState state = null != health ? health.state() :
            null != spec.failure() ? PluginState.FAILED : spec.enabled() ? PluginState.LOADED : PluginState.STOPPED;
        final String reason = null != health ? health.reason() : null != spec.failure() ? spec.failure() : "";
        final PluginDescriptor descriptor = null == spec.failure() ? entry.descriptor : null;
        final Map<String, String> requires = new LinkedHashMap<>();
        final List<String> subscribes = new ArrayList<>();
        List<String> emits = List.of("*");
        List<String> outputs = List.of("*");
        boolean network = spec.network();
        if (null != descriptor)
        {
            descriptor.requires().forEach((id, range) -> requires.put(id, range.toString()));
            descriptor.subscribes().forEach((subscribe) -> subscribes.add(subscribe.describe()));
            emits = null == descriptor.permissions().emits() ? List.of("*") : descriptor.permissions().emits();
            outputs = null == descriptor.permissions().outputs() ? List.of("*") : descriptor.permissions().outputs();
            network = descriptor.permissions().network();
        }
        else if (null == spec.failure())
        {
            subscribes.add("as the plugin's own subscription");
        }
        else
        {
            emits = List.of();
            outputs = List.of();
        }
        return new PluginView(entry.key, spec.name(), spec.version(), spec.origin(), state.name(), reason,
            null == running ? spec.enabled() : running.isPluginEnabled(entry.key), spec.backPressure().label(),
            spec.lagLimit(), spec.stallTimeoutMs(),
            null == health ? 0 : health.processed(), null == health ? 0 : health.errors(),
            null == health ? 0 : health.emitted(), null == health ? 0 : health.refused(),
            null == health ? 0 : health.dropped(), null == health ? 0 : health.lag(),
            null == health ? 0 : health.p50Ns(), null == health ? 0 : health.p99Ns(),
            null == health ? "" : health.lastError(), requires, subscribes, emits, outputs, network);
    }

    private Entry require(final String id)
    {
        final Entry entry = entries.get(id);
        if (null == entry)
        {
            throw new IllegalArgumentException("no plugin '" + id + "', expected one of " + new TreeSet<>(entries.keySet()));
        }
        return entry;
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

    private void report(final Throwable ex)
    {
        if (null != ctx.errorHandler)
        {
            ctx.errorHandler.onError(ex);
        }
    }

    private static String describe(final Throwable ex)
    {
        if (ex instanceof DescriptorException || ex instanceof IllegalStateException && null != ex.getMessage())
        {
            return ex.getMessage();
        }
        return ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : ": " + ex.getMessage());
    }

    /** A plugin as the manager knows it. */
    private static final class Entry
    {
        String key;
        final Path source;
        PluginDescriptor descriptor;
        final PluginClassLoader loader;
        PluginSpec spec;

        Entry(final String key, final Path source, final PluginDescriptor descriptor, final PluginClassLoader loader)
        {
            this.key = key;
            this.source = source;
            this.descriptor = descriptor;
            this.loader = loader;
        }

        void fail(final String reason)
        {
            spec = PluginSpec.failed(key, spec.version(), spec.origin(), reason);
        }

        void rekey(final String newKey)
        {
            key = newKey;
            spec = PluginSpec.failed(newKey, spec.version(), spec.origin(), spec.failure());
        }
    }

    /** Hosting settings of one plugin, from its configuration section. */
    private record Hosting(
        Map<String, Object> config,
        boolean enabled,
        BackPressure backPressure,
        Integer lagLimit,
        Long stallTimeoutMs,
        Integer quarantineAfterFailures)
    {
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
        private Map<String, ?> settings = Map.of();
        private final Map<String, Hosting> hosting = new HashMap<>();
        private final List<Supplier<? extends Plugin>> builtIns = new ArrayList<>();
        private boolean serviceLoader = true;
        private ClassLoader builtInClassLoader;
        private boolean devMode;
        private long watchDebounceMs = WATCH_DEBOUNCE_MS_DEFAULT;
        private boolean controlChannel = true;
        private EpochClock epochClock = SystemEpochClock.INSTANCE;
        private ErrorHandler errorHandler;
        private BackPressure defaultBackPressure = BackPressure.BLOCK;
        private int defaultLagLimit = PluginSpec.LAG_LIMIT_DEFAULT;
        private long defaultStallTimeoutMs = PluginSpec.STALL_TIMEOUT_MS_DEFAULT;
        private int defaultQuarantineAfterFailures;

        /**
         * Validate and read the settings.
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
            for (final Map.Entry<String, ?> entry : settings.entrySet())
            {
                final String key = entry.getKey();
                final Object value = entry.getValue();
                switch (key)
                {
                    case "dir" ->
                    {
                        if (!(value instanceof String text) || text.isBlank())
                        {
                            throw new IllegalArgumentException("plugins.dir: expected a directory path, got '" + value + "'");
                        }
                        if (null == pluginsDir)
                        {
                            pluginsDir = Path.of(text);
                        }
                    }
                    case "watchDebounceMs" -> watchDebounceMs = wholeNumber("plugins.watchDebounceMs", value, 0);
                    case "defaults" ->
                    {
                        final Hosting defaults = parseHosting("defaults", value, false);
                        defaultBackPressure = null == defaults.backPressure ? defaultBackPressure : defaults.backPressure;
                        defaultLagLimit = null == defaults.lagLimit ? defaultLagLimit : defaults.lagLimit;
                        defaultStallTimeoutMs = null == defaults.stallTimeoutMs ? defaultStallTimeoutMs :
                            defaults.stallTimeoutMs;
                        defaultQuarantineAfterFailures = null == defaults.quarantineAfterFailures ?
                            defaultQuarantineAfterFailures : defaults.quarantineAfterFailures;
                    }
                    default -> hosting.put(key, parseHosting(key, value, true));
                }
            }
            if (null == pluginsDir)
            {
                pluginsDir = dataDir.resolve(PLUGINS_DIR_DEFAULT);
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
            if (defaultLagLimit < 1)
            {
                throw new IllegalArgumentException("plugins.defaults.lagLimit: expected 1 or more, got " + defaultLagLimit);
            }
            return this;
        }

        Hosting hosting(final String id)
        {
            final Hosting found = hosting.get(id);
            return null == found ? new Hosting(Map.of(), true, null, null, null, null) : found;
        }

        private static Hosting parseHosting(final String id, final Object value, final boolean plugin)
        {
            final String prefix = "plugins." + id;
            if (null == value)
            {
                return new Hosting(Map.of(), true, null, null, null, null);
            }
            if (!(value instanceof Map<?, ?> map))
            {
                throw new IllegalArgumentException(prefix + ": expected a mapping of settings, got '" + value + "'");
            }
            final Map<String, Object> config = new LinkedHashMap<>();
            boolean enabled = true;
            BackPressure backPressure = null;
            Integer lagLimit = null;
            Long stallTimeoutMs = null;
            Integer quarantine = null;
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                final String key = String.valueOf(entry.getKey());
                final Object setting = entry.getValue();
                switch (key)
                {
                    case "enabled" ->
                    {
                        if (!(setting instanceof Boolean flag))
                        {
                            throw new IllegalArgumentException(prefix + ".enabled: expected true or false, got '" +
                                setting + "'");
                        }
                        enabled = flag;
                    }
                    case "backPressure" ->
                    {
                        backPressure = setting instanceof String text ? BackPressure.parse(text) : null;
                        if (null == backPressure)
                        {
                            throw new IllegalArgumentException(prefix + ".backPressure: expected block or detach, got '" +
                                setting + "'");
                        }
                    }
                    case "lagLimit" -> lagLimit = (int)Math.min(Integer.MAX_VALUE,
                        wholeNumber(prefix + ".lagLimit", setting, 1));
                    case "stallTimeoutMs" -> stallTimeoutMs = wholeNumber(prefix + ".stallTimeoutMs", setting, 0);
                    case "quarantineAfterFailures" -> quarantine = (int)Math.min(Integer.MAX_VALUE,
                        wholeNumber(prefix + ".quarantineAfterFailures", setting, 1));
                    default ->
                    {
                        if (!plugin)
                        {
                            throw new IllegalArgumentException(prefix + "." + key + ": unknown setting, expected one of " +
                                new TreeSet<>(List.of("backPressure", "lagLimit", "stallTimeoutMs", "quarantineAfterFailures")));
                        }
                        config.put(key, setting);
                    }
                }
            }
            return new Hosting(config, enabled, backPressure, lagLimit, stallTimeoutMs, quarantine);
        }

        private static long wholeNumber(final String name, final Object value, final long min)
        {
            if (value instanceof Number number && !(value instanceof Double || value instanceof Float) &&
                number.longValue() >= min)
            {
                return number.longValue();
            }
            throw new IllegalArgumentException(name + ": expected a whole number of " + min + " or more, got '" +
                value + "'");
        }

        /**
         * Data dir of the engine: holds the plugins dir by default, the jar copies and {@code control.json}.
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
         * Where external plugins are found; {@code <data-dir>/plugins} by default, or {@code plugins.dir}.
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
         * The {@code plugins} configuration section: {@code dir}, {@code watchDebounceMs}, {@code defaults}
         * (backPressure, lagLimit, stallTimeoutMs, quarantineAfterFailures) and one section per plugin id whose
         * keys {@link #HOSTING_KEYS} configure hosting and whose other keys go to the plugin.
         *
         * @param settings the section, as parsed from configuration.
         * @return this.
         */
        public Context settings(final Map<String, ?> settings)
        {
            this.settings = null == settings ? Map.of() : settings;
            return this;
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
         * Quiet time after a change before dev mode acts.
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
         * Whether {@link #attach} opens the local control channel.
         *
         * @param controlChannel true by default.
         * @return this.
         */
        public Context controlChannel(final boolean controlChannel)
        {
            this.controlChannel = controlChannel;
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
         * Told of failures outside any caller: dev-mode reloads, unreadable plugins dir.
         *
         * @param handler the handler, or null.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler handler)
        {
            this.errorHandler = handler;
            return this;
        }

        /**
         * Default back-pressure policy of plugins whose descriptor and section do not set one.
         *
         * @param backPressure the policy.
         * @return this.
         */
        public Context defaultBackPressure(final BackPressure backPressure)
        {
            this.defaultBackPressure = backPressure;
            return this;
        }

        /**
         * Default lag limit.
         *
         * @param lagLimit events.
         * @return this.
         */
        public Context defaultLagLimit(final int lagLimit)
        {
            this.defaultLagLimit = lagLimit;
            return this;
        }

        /**
         * Default stall timeout.
         *
         * @param stallTimeoutMs milliseconds, 0 for none.
         * @return this.
         */
        public Context defaultStallTimeoutMs(final long stallTimeoutMs)
        {
            this.defaultStallTimeoutMs = stallTimeoutMs;
            return this;
        }

        /**
         * Names of the configured plugin sections.
         *
         * @return the ids.
         */
        public Collection<String> configuredIds()
        {
            return hosting.keySet();
        }
    }
}
