package dev.commandcenter.engine.counters;

import org.agrona.concurrent.status.CountersReader;

/**
 * Told after each sample of the counters, on the sampler thread; telemetry history hooks in here.
 */
@FunctionalInterface
public interface TelemetryListener
{
    /**
     * A sample was taken.
     *
     * @param epochMs when.
     * @param counters current values.
     */
    void onSample(long epochMs, CountersReader counters);
}
