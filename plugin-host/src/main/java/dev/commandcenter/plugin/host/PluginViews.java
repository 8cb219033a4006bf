package dev.commandcenter.plugin.host;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.plugin.PluginHealth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Views: what {@code plugins list|info} show of a slot, its declarations with the engine's live figures.
 * <p>
 * <b>Note:</b> stateless.
 */
final class PluginViews
{
    private PluginViews()
    {
    }

    static PluginView view(final PluginSlot slot, final Engine engine, final String where)
    {
        final PluginSpec spec = slot.spec;
        final PluginHealth health = null == engine ? null : engine.pluginHealth(slot.key);
        final PluginState state = null != health ? health.state() :
            null != spec.failure() ? PluginState.FAILED : spec.enabled() ? PluginState.LOADED : PluginState.STOPPED;
        final String reason = null != health ? health.reason() : null != spec.failure() ? spec.failure() : "";
        final PluginDescriptor descriptor = null == spec.failure() ? slot.descriptor : null;
        final Map<String, String> requires = new LinkedHashMap<>();
        final List<String> subscribes = new ArrayList<>();
        List<String> emits = List.of("*");
        List<String> outputs = List.of("*");
        boolean network = spec.network();
        // Built-in plugins run with the application's class loader: the guard is for external ones.
        boolean files = PluginSpec.BUILT_IN.equals(spec.origin());
        if (null != descriptor)
        {
            descriptor.requires().forEach((id, range) -> requires.put(id, range.toString()));
            descriptor.subscribes().forEach((subscribe) -> subscribes.add(subscribe.describe()));
            emits = null == descriptor.permissions().emits() ? List.of("*") : descriptor.permissions().emits();
            outputs = null == descriptor.permissions().outputs() ? List.of("*") : descriptor.permissions().outputs();
            network = descriptor.permissions().network();
            files = files || descriptor.permissions().files();
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
        return new PluginView(slot.key, spec.name(), spec.version(), spec.origin(), state.name(), reason,
            null == engine ? spec.enabled() : engine.isPluginEnabled(slot.key), spec.backPressure().label(),
            spec.lagLimit(), spec.stallTimeoutMs(),
            null == health ? 0 : health.processed(), null == health ? 0 : health.errors(),
            null == health ? 0 : health.emitted(), null == health ? 0 : health.refused(),
            null == health ? 0 : health.dropped(), null == health ? 0 : health.lag(),
            null == health ? 0 : health.p50Ns(), null == health ? 0 : health.p99Ns(),
            null == health ? "" : health.lastError(), requires, subscribes, emits, outputs, network, files,
            where);
    }
}
