package dev.commandcenter.engine.internal;

import com.lmax.disruptor.RingBuffer;
import dev.commandcenter.engine.counters.CountersFile;
import dev.commandcenter.engine.counters.TelemetryListener;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Samples what the hot paths do not count themselves (ring capacity, lag, latency percentiles),
 * beats the counters file's heartbeat, and tells the telemetry listener.
 * <p>
 * <b>Note:</b> runs on one thread (its agent runner), or the caller's via an invoker in tests.
 */
public final class EngineSampler implements Agent
{
    /** A lag gauge: the counter and how to read the consumer's position. */
    public record Lag(AtomicCounter counter, LongSupplier cursor, LongSupplier position)
    {
    }

    /** Latency gauges of one plugin. */
    public static final class Latency
    {
        final PluginHandler handler;
        final AtomicCounter p50;
        final AtomicCounter p99;
        Histogram interval;

        /**
         * Gauges of one plugin.
         *
         * @param handler whose recorder to read.
         * @param p50     median gauge.
         * @param p99     99th percentile gauge.
         */
        public Latency(final PluginHandler handler, final AtomicCounter p50, final AtomicCounter p99)
        {
            this.handler = handler;
            this.p50 = p50;
            this.p99 = p99;
        }
    }

    private final EpochClock clock;
    private final long intervalMs;
    private final CountersFile countersFile;
    private final CountersReader reader;
    private final RingBuffer<EventSlot> input;
    private final RingBuffer<OutputSlot> output;
    private final AtomicCounter inputRemaining;
    private final AtomicCounter outputRemaining;
    private final List<Lag> lags;
    private final List<Latency> latencies;
    private final TelemetryListener listener;
    private long nextSampleMs;

    /**
     * Create the sampler.
     *
     * @param clock           time source.
     * @param intervalMs      between samples.
     * @param countersFile    whose heartbeat to beat.
     * @param input           ring.
     * @param output          ring.
     * @param inputRemaining  gauge.
     * @param outputRemaining gauge.
     * @param lags            lag gauges.
     * @param latencies       latency gauges.
     * @param listener        told after each sample, may be null.
     */
    public EngineSampler(
        final EpochClock clock,
        final long intervalMs,
        final CountersFile countersFile,
        final RingBuffer<EventSlot> input,
        final RingBuffer<OutputSlot> output,
        final AtomicCounter inputRemaining,
        final AtomicCounter outputRemaining,
        final List<Lag> lags,
        final List<Latency> latencies,
        final TelemetryListener listener)
    {
        this.clock = clock;
        this.intervalMs = intervalMs;
        this.countersFile = countersFile;
        this.reader = countersFile.reader();
        this.input = input;
        this.output = output;
        this.inputRemaining = inputRemaining;
        this.outputRemaining = outputRemaining;
        this.lags = lags;
        this.latencies = latencies;
        this.listener = listener;
    }

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

    /**
     * Take a sample now.
     *
     * @param nowMs epoch ms.
     */
    public void sample(final long nowMs)
    {
        countersFile.heartbeat(nowMs);
        inputRemaining.setRelease(input.remainingCapacity());
        outputRemaining.setRelease(output.remainingCapacity());
        for (int i = 0, size = lags.size(); i < size; i++)
        {
            final Lag lag = lags.get(i);
            lag.counter().setRelease(Math.max(0, lag.cursor().getAsLong() - lag.position().getAsLong()));
        }
        for (int i = 0, size = latencies.size(); i < size; i++)
        {
            final Latency latency = latencies.get(i);
            final Histogram interval = latency.handler.latency().getIntervalHistogram(latency.interval);
            latency.interval = interval;
            if (interval.getTotalCount() > 0)
            {
                latency.p50.setRelease(interval.getValueAtPercentile(50));
                latency.p99.setRelease(interval.getValueAtPercentile(99));
            }
        }
        if (null != listener)
        {
            listener.onSample(nowMs, reader);
        }
    }

    public String roleName()
    {
        return "cc-sampler";
    }
}
