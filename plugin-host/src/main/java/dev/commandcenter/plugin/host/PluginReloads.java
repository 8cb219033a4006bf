package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.core.PluginSpec;
import org.agrona.CloseHelper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reload: swaps an external plugin for the version now in its jar or folder (new class loader, new descriptor)
 * at a sequence boundary, and applies dev mode's changes to the plugins dir (a changed plugin is reloaded, a
 * new one added, a removed one unloaded). The running version stays when the new one cannot be loaded; the
 * class loaders of replaced versions are kept until the manager closes.
 * <p>
 * <b>Note:</b> not thread safe; called by the manager under its lock.
 */
final class PluginReloads
{
    private final Map<String, PluginSlot> slots;
    private final List<PluginClassLoader> retired;
    private final PluginInstantiator instantiator;
    private final PluginSources sources;

    PluginReloads(
        final Map<String, PluginSlot> slots,
        final List<PluginClassLoader> retired,
        final PluginInstantiator instantiator,
        final PluginSources sources)
    {
        this.slots = slots;
        this.retired = retired;
        this.instantiator = instantiator;
        this.sources = sources;
    }

    void onChanged(final Path source, final Engine engine)
    {
        PluginSlot existing = null;
        for (final PluginSlot slot : slots.values())
        {
            if (source.equals(slot.source))
            {
                existing = slot;
            }
        }
        if (!Files.exists(source))
        {
            if (null != existing)
            {
                remove(existing, engine);
            }
        }
        else if (null != existing)
        {
            reload(existing, engine);
        }
        else if (sources.isPluginSource(source))
        {
            final PluginSlot fresh = instantiator.external(source);
            PluginDependencies.checkAgainstLoaded(fresh, null, slots);
            register(fresh);
            engine.addPlugin(fresh.spec);
        }
    }

    PluginSlot reload(final PluginSlot slot, final Engine engine)
    {
        final PluginSlot fresh = instantiator.external(slot.source);
        PluginDependencies.checkAgainstLoaded(fresh, slot, slots);
        if (fresh.isFailed())
        {
            CloseHelper.quietClose(fresh.loader);
            if (!slot.isFailed())
            {
                throw new IllegalStateException("reload of '" + slot.key + "' failed, version " +
                    slot.spec.version() + " keeps running: " + fresh.spec.failure());
            }
            final PluginSpec failed = PluginSpec.failed(slot.key, fresh.spec.version(), fresh.spec.origin(),
                fresh.spec.failure());
            engine.reloadPlugin(failed);
            slot.spec = failed;
            throw new IllegalStateException("reload of '" + slot.key + "' failed: " + fresh.spec.failure());
        }
        try
        {
            if (!fresh.key.equals(slot.key))
            {
                engine.removePlugin(slot.key);
                slots.remove(slot.key);
                register(fresh);
                engine.addPlugin(fresh.spec);
            }
            else
            {
                slots.put(fresh.key, fresh);
                engine.reloadPlugin(fresh.spec);
            }
        }
        finally
        {
            if (null != slot.loader)
            {
                retired.add(slot.loader);
            }
        }
        return fresh;
    }

    private void remove(final PluginSlot slot, final Engine engine)
    {
        if (!engine.removePlugin(slot.key))
        {
            throw new IllegalStateException("plugin '" + slot.key + "' was removed from the plugins dir " +
                "but is busy in onEvent: it stops when it returns and stays listed until the engine restarts");
        }
        slots.remove(slot.key);
        CloseHelper.quietClose(slot.loader);
    }

    private void register(final PluginSlot slot)
    {
        if (slot.isFailed() && slots.containsKey(slot.key))
        {
            slot.rekey(slot.source.getFileName().toString());
        }
        slots.put(slot.key, slot);
    }
}
