package dev.commandcenter.app.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a measured run recorded: the end-to-end histogram over the whole run, one point per reporting interval,
 * the stage and acceptance histograms, and the counts.
 */
final class BenchResult
{
    /**
     * End-to-end latency of one reporting interval.
     *
     * @param seconds since the run started, at the interval's end.
     * @param p50Ns   median.
     * @param p99Ns   99th percentile.
     * @param maxNs   maximum.
     * @param count   alerts received in the interval.
     */
    record Interval(double seconds, long p50Ns, long p99Ns, long maxNs, long count)
    {
    }

    final Histogram endToEnd = new Histogram(3);
    final List<Interval> intervals = new ArrayList<>();
    final Map<Stage, Histogram> stages = new EnumMap<>(Stage.class);
    Histogram accepted;
    long sent;
    long received;
    long expected;
    long sendErrors;
    String firstError;
    long sendSpanNs;
    long runSpanNs;
    String target;
    long frameBytes;
    CpuTimes serverCpu = CpuTimes.UNKNOWN;
    CpuTimes generatorCpu = CpuTimes.UNKNOWN;
    boolean stalled;

    /**
     * Alerts that never arrived within the timeout.
     *
     * @return expected minus received, at least 0.
     */
    long timeouts()
    {
        return Math.max(0, expected - received);
    }
}
