package dev.commandcenter.engine.plugin;

import org.agrona.concurrent.EpochClock;

/**
 * What the engine gives a plugin: its configuration, a way to emit, a clock, a folder of its own.
 */
public interface PluginContext
{
    /**
     * The plugin's own configuration section.
     *
     * @return configuration, empty when none was given.
     */
    PluginConfig config();

    /**
     * Emits messages into the output ring, tagged with this plugin and the current input event.
     *
     * @return the emitter.
     */
    Emitter emitter();

    /**
     * Wall clock for presentation only; logic that must replay identically uses event timestamps.
     *
     * @return the clock.
     */
    EpochClock epochClock();

    /**
     * The plugin's own folder of named entries, kept by the host under {@code <data-dir>/plugins-data/<plugin-id>/}:
     * where a plugin without the {@code files} permission keeps what must survive a restart.
     *
     * @return the storage.
     * @throws IllegalStateException when the host gives the plugin none.
     */
    default PluginStorage storage()
    {
        return config().storage();
    }

    /**
     * Whether the events handled now are read back from the journal at start ({@link Plugin#recovery()}): while
     * true, emits are dropped (they report success) and nothing must reach the outside world.
     *
     * @return true during recovery.
     */
    default boolean recovering()
    {
        return false;
    }
}
