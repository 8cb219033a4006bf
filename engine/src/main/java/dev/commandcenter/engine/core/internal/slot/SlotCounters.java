package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The counters of one plugin slot, in the engine's counters file.
 * <p>
 * <b>Note:</b> each counter has one writer, named on its field, and is written with release semantics
 * ({@code incrementRelease}, {@code setRelease}) so readers in this or another process see whole values.
 * A plugin's own counters are written by the thread that runs it: the slot thread for a blocking plugin,
 * its detached thread for a detached one.
 */
public final class SlotCounters
{
    /** Events handled; written by the plugin's thread. */
    public final AtomicCounter processed;
    /** Events whose handling threw; written by the plugin's thread. */
    public final AtomicCounter errors;
    /** Health state value; written by {@link SlotHealth} under its lock. */
    public final AtomicCounter state;
    /** Messages emitted; written by the plugin's thread. */
    public final AtomicCounter emitted;
    /** Lag gauge; written by the sampler. */
    public final AtomicCounter lag;
    /** Median handling latency gauge, ns; written by the sampler. */
    public final AtomicCounter p50;
    /** 99th percentile handling latency gauge, ns; written by the sampler. */
    public final AtomicCounter p99;
    /** Events dropped because the detached buffer was full; written by the slot thread. */
    public final AtomicCounter dropped;
    /** Emits refused; written by the plugin's thread. */
    public final AtomicCounter refused;
    /** Journal events handled while recovering; written by the plugin's thread. */
    public final AtomicCounter recovered;
    /** Emits dropped while recovering; written by the plugin's thread. */
    public final AtomicCounter recoveryEmitsDropped;
    /** Recoveries that fell back to the journal because the snapshot failed; written by the plugin's thread. */
    public final AtomicCounter recoveryFallbacks;
    /** Status counter whose label describes the state; written by {@link SlotHealth} under its lock. */
    public final AtomicCounter status;

    /**
     * Allocate the counters of one plugin.
     *
     * @param allocator allocates counters in the engine's counters file.
     * @param pluginId  the plugin id, the counters' label suffix.
     */
    public SlotCounters(final CounterAllocator allocator, final String pluginId)
    {
        processed = allocator.allocate(CounterType.PLUGIN_PROCESSED, pluginId);
        errors = allocator.allocate(CounterType.PLUGIN_ERRORS, pluginId);
        state = allocator.allocate(CounterType.PLUGIN_STATE, pluginId);
        emitted = allocator.allocate(CounterType.PLUGIN_EMITTED, pluginId);
        lag = allocator.allocate(CounterType.PLUGIN_LAG, pluginId);
        p50 = allocator.allocate(CounterType.PLUGIN_P50_NS, pluginId);
        p99 = allocator.allocate(CounterType.PLUGIN_P99_NS, pluginId);
        dropped = allocator.allocate(CounterType.PLUGIN_DROPPED, pluginId);
        refused = allocator.allocate(CounterType.PLUGIN_EMITS_REFUSED, pluginId);
        status = allocator.allocate(CounterType.PLUGIN_STATUS, pluginId);
        recovered = allocator.allocate(CounterType.PLUGIN_RECOVERED, pluginId);
        recoveryEmitsDropped = allocator.allocate(CounterType.PLUGIN_RECOVERY_EMITS_DROPPED, pluginId);
        recoveryFallbacks = allocator.allocate(CounterType.PLUGIN_RECOVERY_FALLBACKS, pluginId);
    }

    /**
     * Free every counter (the plugin is unloaded).
     */
    public void close()
    {
        processed.close();
        errors.close();
        state.close();
        emitted.close();
        lag.close();
        p50.close();
        p99.close();
        dropped.close();
        refused.close();
        status.close();
        recovered.close();
        recoveryEmitsDropped.close();
        recoveryFallbacks.close();
    }
}
