package dev.commandcenter.engine.core.internal;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.counters.CountersFile;
import dev.commandcenter.engine.counters.TelemetryListener;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.util.List;

/**
 * Samples what the hot paths do not count themselves (ring capacity, egress lag, the plugin slots' gauges
 * and health), beats the counters file's heartbeat, and tells the telemetry listener; once per interval.
 * <p>
 * <b>Note:</b> runs on one thread: its agent runner, or the caller's through an agent invoker.
 */
public final class EngineSampler implements Agent
{
    private final EpochClock clock;
    private final long intervalMs;
    private final CountersFile countersFile;
    private final CountersReader reader;
    private final RingPipeline pipeline;
    private final PluginSlots slots;
    private final AtomicCounter inputRemaining;
    private final AtomicCounter outputRemaining;
    private final AtomicCounter[] egressLags;
    private final TelemetryListener listener;
    private long nextSampleMs;

    /**
     * Create the sampler and take a first sample.
     *
     * @param clock      time source.
     * @param intervalMs between samples.
     * @param counters   the counters file (heartbeat, reader) and the allocator of the gauges.
     * @param pipeline   the rings.
     * @param slots      the plugin slots.
     * @param listener   told after each sample, may be null.
     */
    public EngineSampler(
        final EpochClock clock,
        final long intervalMs,
        final EngineCounters counters,
        final RingPipeline pipeline,
        final PluginSlots slots,
        final TelemetryListener listener)
    {
        this.clock = clock;
        this.intervalMs = intervalMs;
        this.countersFile = counters.file();
        this.reader = counters.reader();
        this.pipeline = pipeline;
        this.slots = slots;
        this.listener = listener;
        final CounterAllocator allocator = counters;
        this.inputRemaining = allocator.allocate(CounterType.INPUT_RING_REMAINING, "");
        this.outputRemaining = allocator.allocate(CounterType.OUTPUT_RING_REMAINING, "");
        final List<String> egressNames = pipeline.egressNames();
        this.egressLags = new AtomicCounter[egressNames.size()];
        for (int i = 0; i < egressLags.length; i++)
        {
            egressLags[i] = allocator.allocate(CounterType.EGRESS_LAG, egressNames.get(i));
        }
        final long nowMs = clock.time();
        nextSampleMs = nowMs + intervalMs;
        sample(nowMs);
    }

    /**
     * Sample when the interval has passed since the last sample.
     *
     * @return 1 when it sampled, else 0.
     */
    public int doWork()
    {
        final long nowMs = clock.time();
        if (nowMs < nextSampleMs)
        {
            return 0;
        }
        nextSampleMs = nowMs + intervalMs;
        sample(nowMs);
        return 1;
    }

    private void sample(final long nowMs)
    {
        countersFile.heartbeat(nowMs);
        inputRemaining.setRelease(pipeline.inputRemaining());
        outputRemaining.setRelease(pipeline.outputRemaining());
        for (int i = 0; i < egressLags.length; i++)
        {
            egressLags[i].setRelease(pipeline.egressLag(i));
        }
        slots.sample(nowMs, pipeline.inputCursor(), pipeline.journalPosition());
        if (null != listener)
        {
            listener.onSample(nowMs, reader);
        }
    }

    /**
     * Name of the agent and its thread.
     *
     * @return {@code cc-sampler}.
     */
    public String roleName()
    {
        return "cc-sampler";
    }
}
