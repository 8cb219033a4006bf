package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.core.PluginSpec;

import java.nio.file.Path;

/**
 * A plugin as the manager knows it: where it came from, its descriptor and class loader, and the spec the
 * engine runs (or the reason it failed).
 * <p>
 * <b>Note:</b> not thread safe; guarded by the manager.
 */
final class PluginSlot
{
    String key;
    final Path source;
    final PluginDescriptor descriptor;
    final PluginClassLoader loader;
    PluginSpec spec;

    PluginSlot(final String key, final Path source, final PluginDescriptor descriptor, final PluginClassLoader loader)
    {
        this.key = key;
        this.source = source;
        this.descriptor = descriptor;
        this.loader = loader;
    }

    boolean isFailed()
    {
        return null != spec.failure();
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
