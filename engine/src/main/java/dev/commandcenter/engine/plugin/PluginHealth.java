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
 * @param emitted   messages the plugin emitted.
 * @param dropped   events dropped because its detached buffer was full.
 * @param refused   emits refused because the message type was not permitted (or the message was invalid).
 * @param p50Ns     median handling latency over the last sample interval, ns.
 * @param p99Ns     99th percentile handling latency over the last sample interval, ns.
 */
public record PluginHealth(
    String id,
    String version,
    PluginState state,
    String reason,
    long processed,
    long errors,
    long lag,
    String lastError,
    long emitted,
    long dropped,
    long refused,
    long p50Ns,
    long p99Ns)
{
    /**
     * A snapshot without the emit, drop and latency figures.
     *
     * @param id        plugin id.
     * @param version   plugin version.
     * @param state     lifecycle or health state.
     * @param reason    why it is in that state.
     * @param processed events handled.
     * @param errors    events whose handling threw.
     * @param lag       events not yet handled.
     * @param lastError message of the last error.
     */
    public PluginHealth(
        final String id,
        final String version,
        final PluginState state,
        final String reason,
        final long processed,
        final long errors,
        final long lag,
        final String lastError)
    {
        this(id, version, state, reason, processed, errors, lag, lastError, 0, 0, 0, 0, 0);
    }
}
