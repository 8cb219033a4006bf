package dev.commandcenter.engine.plugin;

import dev.commandcenter.codecs.sbe.PluginState;

/**
 * A snapshot of one plugin's health.
 *
 * @param id        plugin id.
 * @param version   plugin version.
 * @param state     lifecycle or health state.
 * @param reason    why it is in that state, empty when healthy.
 * @param processed events handled.
 * @param errors    events whose handling threw.
 * @param lag       events published but not yet handled by the plugin.
 * @param lastError message of the last distinct error, empty when none.
 */
public record PluginHealth(
    String id, String version, PluginState state, String reason, long processed, long errors, long lag, String lastError)
{
}
