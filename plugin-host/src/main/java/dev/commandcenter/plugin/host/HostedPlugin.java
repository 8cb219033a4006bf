package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginStorage;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.Map;

/**
 * One plugin jar (or folder) loaded for a plugin host out of process, with the engine's own machinery: its
 * descriptor parsed and checked, its own {@link PluginClassLoader} (with the descriptor's permissions), its main
 * class instantiated, and its storage under {@code <data-dir>/plugins-data/<plugin-id>/}. Whatever is wrong is one
 * line naming the file, the key and what was expected.
 * <p>
 * <b>Note:</b> not thread safe; the host uses it from its own thread.
 */
public final class HostedPlugin implements AutoCloseable
{
    private final PluginDescriptor descriptor;
    private final Plugin plugin;
    private final PluginClassLoader loader;
    private final PluginStorage storage;
    private final FilePluginStorage.Shared shared;

    private HostedPlugin(
        final PluginDescriptor descriptor, final Plugin plugin, final PluginClassLoader loader, final PluginStorage storage,
        final FilePluginStorage.Shared shared)
    {
        this.descriptor = descriptor;
        this.plugin = plugin;
        this.loader = loader;
        this.storage = storage;
        this.shared = shared;
    }

    /**
     * Load a plugin jar or folder, whatever its {@code hosting} says (the host is where it runs).
     *
     * @param source  the jar or folder.
     * @param dataDir the host's data dir: the jar's private copy and the plugin's storage go there.
     * @return the loaded plugin, not started.
     * @throws IllegalArgumentException naming what is wrong with the jar.
     */
    public static HostedPlugin load(final Path source, final Path dataDir)
    {
        final PluginsSettings settings = PluginsSettings.NONE;
        final FilePluginStorage.Shared shared = new FilePluginStorage.Shared(
            dataDir.resolve(FilePluginStorage.DIR_NAME), settings.storage().maxEntryBytes(),
            settings.storage().maxEntries());
        final PluginInstantiator instantiator = new PluginInstantiator(
            new JarStaging(dataDir.resolve(PluginManager.Context.CACHE_DIR_DEFAULT)),
            new PluginSpecs(settings, BackPressure.BLOCK, PluginSpec.LAG_LIMIT_DEFAULT,
                PluginSpec.STALL_TIMEOUT_MS_DEFAULT, 0, shared),
            HostedPlugin.class.getClassLoader(), null);
        final PluginSlot slot = instantiator.external(source);
        if (slot.isFailed())
        {
            CloseHelper.quietClose(slot.loader);
            throw new IllegalArgumentException(slot.spec.failure());
        }
        PluginStorage storage = null;
        try
        {
            storage = slot.spec.config().storage();
        }
        catch (final IllegalStateException ex)
        {
            storage = null;
        }
        return new HostedPlugin(slot.descriptor, slot.spec.instance(), slot.loader, storage, shared);
    }

    /**
     * The plugin's descriptor.
     *
     * @return the descriptor.
     */
    public PluginDescriptor descriptor()
    {
        return descriptor;
    }

    /**
     * The plugin's id.
     *
     * @return the id.
     */
    public String id()
    {
        return descriptor.id();
    }

    /**
     * The plugin's version.
     *
     * @return the version.
     */
    public String version()
    {
        return descriptor.version().toString();
    }

    /**
     * The plugin instance.
     *
     * @return the instance, not started.
     */
    public Plugin plugin()
    {
        return plugin;
    }

    /**
     * The plugin's configuration as the engine sends it, with the host's storage.
     *
     * @param values the plugin's section.
     * @return the configuration.
     */
    public PluginConfig config(final Map<String, ?> values)
    {
        return new PluginConfig(descriptor.id(), values, storage);
    }

    /**
     * The class loader of the plugin, the context class loader while its code runs.
     *
     * @return the loader.
     */
    public ClassLoader classLoader()
    {
        return loader;
    }

    /**
     * Write what the plugin left waiting in its storage (bounded wait), then release the class loader.
     */
    public void close()
    {
        shared.close(FilePluginStorage.CLOSE_TIMEOUT_MS);
        CloseHelper.quietClose(loader);
    }
}
