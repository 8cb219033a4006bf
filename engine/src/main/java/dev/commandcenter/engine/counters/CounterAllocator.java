package dev.commandcenter.engine.counters;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Allocates counters in the engine's counters file, so every component's metrics are seen by
 * {@code commandcenter stat}, the telemetry history and {@code /metrics}.
 * <p>
 * <b>Note:</b> thread safe; a counter is freed with {@link AtomicCounter#close()}.
 */
@FunctionalInterface
public interface CounterAllocator
{
    /**
     * Allocate a counter labelled {@code "<type label>: <suffix>"} (or the type label alone for an empty suffix).
     *
     * @param type   of the counter.
     * @param suffix what it counts for: a plugin id, egress name, status code; empty for process-wide ones.
     * @return the counter, zero.
     */
    AtomicCounter allocate(CounterType type, String suffix);
}
