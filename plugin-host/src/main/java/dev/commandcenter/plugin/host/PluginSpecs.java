package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;

import java.util.Set;
import java.util.function.Supplier;

/**
 * Settings: turns a loaded plugin into the spec the engine runs, hosting values taken from its configuration
 * section first, then its descriptor, then {@code plugins.defaults}, then the built-in defaults.
 * <p>
 * <b>Note:</b> immutable.
 */
final class PluginSpecs
{
    private final PluginsSettings settings;
    private final BackPressure backPressure;
    private final int lagLimit;
    private final long stallTimeoutMs;
    private final int quarantineAfterFailures;
    private final FilePluginStorage.Shared storage;

    PluginSpecs(
        final PluginsSettings settings,
        final BackPressure backPressure,
        final int lagLimit,
        final long stallTimeoutMs,
        final int quarantineAfterFailures,
        final FilePluginStorage.Shared storage)
    {
        this.storage = storage;
        final PluginsSettings.Defaults defaults = settings.defaults();
        this.settings = settings;
        this.backPressure = null == defaults.backPressure() ? backPressure : defaults.backPressure();
        this.lagLimit = null == defaults.lagLimit() ? lagLimit : defaults.lagLimit();
        this.stallTimeoutMs = null == defaults.stallTimeoutMs() ? stallTimeoutMs : defaults.stallTimeoutMs();
        this.quarantineAfterFailures = null == defaults.quarantineAfterFailures() ? quarantineAfterFailures :
            defaults.quarantineAfterFailures();
    }

    /**
     * The storage of a plugin, or none when its id cannot name a folder.
     */
    private FilePluginStorage storage(final String id)
    {
        try
        {
            return storage.of(id);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    boolean isRemote(final PluginDescriptor descriptor)
    {
        final String hosting = settings.section(descriptor.id()).hosting();
        return null == hosting ? descriptor.isRemote() : PluginDescriptor.PROCESS.equals(hosting);
    }

    PluginSpec spec(
        final String id,
        final PluginDescriptor descriptor,
        final Plugin instance,
        final Supplier<? extends Plugin> factory,
        final String origin)
    {
        final PluginsSettings.Section section = settings.section(id);
        final PluginSpec spec = new PluginSpec(id)
            .instance(instance)
            .factory(factory)
            .origin(origin)
            .version(null == descriptor ? instance.version() : descriptor.version().toString())
            .name(null == descriptor ? id : descriptor.name())
            .config(new PluginConfig(id, section.config(), storage(id)))
            .enabled(section.isEnabled());
        BackPressure policy = backPressure;
        int limit = lagLimit;
        long stallTimeout = stallTimeoutMs;
        if (null != descriptor)
        {
            spec.subscription(descriptor.subscription())
                .emits(descriptor.emitTemplateIds())
                .outputs(null == descriptor.permissions().outputs() ? null : Set.copyOf(descriptor.permissions().outputs()))
                .network(descriptor.permissions().network())
                .recovery(descriptor.recoveryOrNull());
            policy = null == descriptor.backPressure() ? policy : descriptor.backPressure();
            limit = null == descriptor.lagLimit() ? limit : descriptor.lagLimit();
            stallTimeout = null == descriptor.stallTimeoutMs() ? stallTimeout : descriptor.stallTimeoutMs();
        }
        return spec.backPressure(null == section.backPressure() ? policy : section.backPressure())
            .lagLimit(null == section.lagLimit() ? limit : section.lagLimit())
            .stallTimeoutMs(null == section.stallTimeoutMs() ? stallTimeout : section.stallTimeoutMs())
            .quarantineAfterFailures(null == section.quarantineAfterFailures() ? quarantineAfterFailures :
                section.quarantineAfterFailures());
    }
}
