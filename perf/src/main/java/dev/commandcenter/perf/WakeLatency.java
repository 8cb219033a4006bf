package dev.commandcenter.perf;

import org.HdrHistogram.Histogram;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How long a parked thread takes to run again once another thread unparks it: the floor under every hand-over
 * between threads on a machine. An engine's path crosses several threads (HTTP loop, engine, fan-out); a
 * single-threaded server crosses none of its own, so on a machine whose wake-ups have a long tail the comparison of
 * their p99s says as much about the machine as about the servers. One thread unparks a parked one at a fixed rate and
 * waits until the woken one has recorded the time from the unpark to its running again, so no two wake-ups overlap;
 * each waits at most {@value #SAMPLE_TIMEOUT_MS} ms.
 */
public final class WakeLatency
{
    /** Longest wait for one wake-up, ms; a wake-up that takes longer is recorded at this value. */
    public static final long SAMPLE_TIMEOUT_MS = 1_000;

    private WakeLatency()
    {
    }

    /**
     * Measure wake-ups.
     *
     * @param samples  how many, 1 or more.
     * @param periodNs time between two unparks, ns.
     * @return the latencies, ns.
     * @throws IllegalArgumentException when samples is below 1 or the period is not positive.
     * @throws InterruptedException when interrupted while waiting for the woken thread to end.
     */
    public static Histogram measure(final int samples, final long periodNs) throws InterruptedException
    {
        if (samples < 1 || periodNs <= 0)
        {
            throw new IllegalArgumentException("wake latency: expected 1 or more samples and a positive period, got " +
                samples + " and " + periodNs + " ns");
        }
        final Histogram histogram = new Histogram(TimeUnit.MILLISECONDS.toNanos(SAMPLE_TIMEOUT_MS), 3);
        final Sampler sampler = new Sampler();
        final Thread woken = Thread.ofPlatform().daemon().name("wake-latency").start(() ->
        {
            while (!sampler.stopped)
            {
                final long sentNs = sampler.sentNs;
                if (0 == sentNs)
                {
                    LockSupport.park(sampler);
                    continue;
                }
                sampler.latencyNs = System.nanoTime() - sentNs;
                sampler.sentNs = 0;
            }
        });
        long nextNs = System.nanoTime();
        for (int i = 0; i < samples; i++)
        {
            nextNs += periodNs;
            long waitNs;
            while ((waitNs = nextNs - System.nanoTime()) > 0)
            {
                LockSupport.parkNanos(waitNs);
            }
            sampler.latencyNs = -1;
            final long sentNs = System.nanoTime();
            sampler.sentNs = sentNs;
            LockSupport.unpark(woken);
            final long deadlineNs = sentNs + TimeUnit.MILLISECONDS.toNanos(SAMPLE_TIMEOUT_MS);
            while (sampler.latencyNs < 0 && System.nanoTime() - deadlineNs < 0)
            {
                Thread.onSpinWait();
            }
            final long latencyNs = sampler.latencyNs;
            histogram.recordValue(latencyNs < 0 ? histogram.getHighestTrackableValue() :
                Math.min(latencyNs, histogram.getHighestTrackableValue()));
            sampler.sentNs = 0;
        }
        sampler.stopped = true;
        LockSupport.unpark(woken);
        woken.join(SAMPLE_TIMEOUT_MS);
        return histogram;
    }

    /**
     * One line on a measurement.
     *
     * @param histogram from {@link #measure}.
     * @param perSecond the rate it was taken at.
     * @return such as "p50 5.5 µs, p99 98.0 µs, p99.9 2.27 ms, max 4.17 ms (2,000 at 500/s)".
     */
    public static String describe(final Histogram histogram, final long perSecond)
    {
        return String.format(Locale.ROOT, "p50 %s, p99 %s, p99.9 %s, max %s (%,d at %,d/s)",
            time(histogram.getValueAtPercentile(50.0)), time(histogram.getValueAtPercentile(99.0)),
            time(histogram.getValueAtPercentile(99.9)), time(histogram.getMaxValue()), histogram.getTotalCount(),
            perSecond);
    }

    private static String time(final long ns)
    {
        return ns < 1_000_000 ? String.format(Locale.ROOT, "%.1f µs", ns / 1e3) :
            String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
    }

    private static final class Sampler
    {
        volatile long sentNs;
        volatile long latencyNs = -1;
        volatile boolean stopped;
    }
}
