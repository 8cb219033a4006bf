package dev.commandcenter.perf.soak;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Samples the engine process while the soak runs: resident memory, threads and open file descriptors from
 * {@code /proc/<pid>}, heap used after the last collection from the engine's GC log, and {@code /api/health}
 * on a fresh connection every second (answered with 200 within a second, or not). Each sample becomes a line of
 * {@code samples.csv} and a line on the console; each phase keeps its own totals.
 */
final class EngineSampler implements AutoCloseable
{
    /** Deadline of a health probe. */
    static final int HEALTH_TIMEOUT_MS = 1_000;
    private static final long HEALTH_EVERY_NS = TimeUnit.SECONDS.toNanos(1);
    private static final Pattern GC_PAUSE = Pattern.compile("Pause.*?(\\d+)M->(\\d+)M\\((\\d+)M\\)\\s+([\\d.]+)ms");

    /**
     * One sample.
     *
     * @param seconds       since the soak started.
     * @param phase         the phase running.
     * @param rssKb         resident memory, or -1 when the process is gone.
     * @param fds           open file descriptors, or -1.
     * @param threads       threads, or -1.
     * @param heapAfterGcMb heap used after the last collection so far, or -1 before the first.
     * @param gcPauses      collection pauses so far.
     * @param healthOk      probes since the last sample answered 200 within a second.
     * @param healthProbes  probes since the last sample.
     * @param healthMaxMs   slowest successful probe since the last sample, or -1.
     */
    record Sample(double seconds, String phase, long rssKb, long fds, long threads, long heapAfterGcMb, long gcPauses,
        long healthOk, long healthProbes, double healthMaxMs)
    {
    }

    /**
     * What one phase saw.
     */
    static final class PhaseTotals
    {
        final String phase;
        long healthProbes;
        long healthOk;
        double healthMaxMs = -1;
        double firstHealthFailureS = -1;
        long maxRssKb = -1;
        long maxFds = -1;
        long maxHeapAfterGcMb = -1;
        long gcPausesAtStart = -1;
        long gcPausesAtEnd = -1;
        double maxGcPauseMs = -1;
        final List<Sample> samples = new ArrayList<>();

        PhaseTotals(final String phase)
        {
            this.phase = phase;
        }
    }

    private final long pid;
    private final Path gcLog;
    private final HealthProbe health;
    private final long sampleEveryNs;
    private final PrintWriter csv;
    private final PrintWriter console;
    private final long startNs = System.nanoTime();
    private final Thread thread;
    private final Thread prober;
    private volatile boolean running = true;
    private volatile PhaseTotals current;
    private long healthOk;
    private long healthProbes;
    private double healthMaxMs = -1;

    /**
     * Start sampling.
     *
     * @param pid           the engine's process.
     * @param gcLog         its GC log.
     * @param health        the health probe.
     * @param sampleEveryNs interval of samples.
     * @param csvFile       where samples go.
     * @param console       where a line per sample goes.
     */
    EngineSampler(
        final long pid,
        final Path gcLog,
        final HealthProbe health,
        final long sampleEveryNs,
        final Path csvFile,
        final PrintWriter console)
    {
        this.pid = pid;
        this.gcLog = gcLog;
        this.health = health;
        this.sampleEveryNs = sampleEveryNs;
        this.console = console;
        try
        {
            csv = new PrintWriter(Files.newBufferedWriter(csvFile, StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + csvFile + ": " + ex.getMessage(), ex);
        }
        csv.println("seconds,phase,rss_mb,fds,threads,heap_after_gc_mb,gc_pauses,health_ok,health_probes,health_max_ms");
        csv.flush();
        thread = Thread.ofPlatform().daemon().name("soak-sampler").start(this::run);
        prober = Thread.ofPlatform().daemon().name("soak-health").start(this::probeHealth);
    }

    /**
     * Count what follows into a new phase.
     *
     * @param name of the phase.
     * @return its totals, filled in as samples come.
     */
    PhaseTotals phase(final String name)
    {
        final PhaseTotals totals = new PhaseTotals(name);
        final GcState gc = gc();
        totals.gcPausesAtStart = gc.pauses;
        current = totals;
        return totals;
    }

    /**
     * End the phase: takes a last sample into it.
     *
     * @param totals of the phase.
     */
    void endPhase(final PhaseTotals totals)
    {
        synchronized (this)
        {
            sample(totals);
        }
        final GcState gc = gc();
        totals.gcPausesAtEnd = gc.pauses;
        current = null;
    }

    private void probeHealth()
    {
        long nextHealthNs = startNs;
        while (running)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - nextHealthNs >= 0)
            {
                nextHealthNs = nowNs + HEALTH_EVERY_NS;
                final long tookNs = health.probe(HEALTH_TIMEOUT_MS);
                final PhaseTotals totals = current;
                synchronized (this)
                {
                    healthProbes++;
                    if (tookNs >= 0)
                    {
                        healthOk++;
                        healthMaxMs = Math.max(healthMaxMs, tookNs / 1e6);
                    }
                    if (null != totals)
                    {
                        totals.healthProbes++;
                        if (tookNs >= 0)
                        {
                            totals.healthOk++;
                            totals.healthMaxMs = Math.max(totals.healthMaxMs, tookNs / 1e6);
                        }
                        else if (totals.firstHealthFailureS < 0)
                        {
                            totals.firstHealthFailureS = (System.nanoTime() - startNs) / 1e9;
                        }
                    }
                }
            }
            final long waitNs = nextHealthNs - System.nanoTime();
            if (waitNs > 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(waitNs);
            }
        }
    }

    private void run()
    {
        long nextSampleNs = startNs + sampleEveryNs;
        while (running)
        {
            if (System.nanoTime() - nextSampleNs >= 0)
            {
                nextSampleNs += sampleEveryNs;
                final PhaseTotals totals = current;
                synchronized (this)
                {
                    sample(totals);
                }
            }
            final long waitNs = nextSampleNs - System.nanoTime();
            if (waitNs > 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(waitNs);
            }
        }
    }

    private void sample(final PhaseTotals totals)
    {
        final GcState gc = gc();
        final long rssKb = status("VmRSS:");
        final long threads = status("Threads:");
        final long fds = fds();
        final Sample sample = new Sample((System.nanoTime() - startNs) / 1e9, null == totals ? "-" : totals.phase, rssKb,
            fds, threads, gc.heapAfterMb, gc.pauses, healthOk, healthProbes, healthMaxMs);
        healthOk = 0;
        healthProbes = 0;
        healthMaxMs = -1;
        csv.printf(Locale.ROOT, "%.1f,%s,%s,%d,%d,%d,%d,%d,%d,%.1f%n", sample.seconds(), sample.phase(),
            rssKb < 0 ? "-1" : String.format(Locale.ROOT, "%.1f", rssKb / 1024.0), fds, threads, gc.heapAfterMb,
            gc.pauses, sample.healthOk(), sample.healthProbes(), sample.healthMaxMs());
        csv.flush();
        console.printf(Locale.ROOT, "  [%6.1f s] %-8s rss %7s MB  fds %6d  threads %4d  heap after GC %5s MB  " +
            "GC pauses %4d  health %d/%d within 1 s%s%n", sample.seconds(), sample.phase(),
            rssKb < 0 ? "-" : String.format(Locale.ROOT, "%.1f", rssKb / 1024.0), fds, threads,
            gc.heapAfterMb < 0 ? "-" : Long.toString(gc.heapAfterMb), gc.pauses, sample.healthOk(),
            sample.healthProbes(), sample.healthMaxMs() < 0 ? "" :
            String.format(Locale.ROOT, " (slowest %.1f ms)", sample.healthMaxMs()));
        console.flush();
        if (null != totals)
        {
            totals.samples.add(sample);
            totals.maxRssKb = Math.max(totals.maxRssKb, rssKb);
            totals.maxFds = Math.max(totals.maxFds, fds);
            totals.maxHeapAfterGcMb = Math.max(totals.maxHeapAfterGcMb, gc.heapAfterMb);
            totals.maxGcPauseMs = Math.max(totals.maxGcPauseMs, gc.maxPauseMsSince(totals.gcPausesAtStart));
        }
    }

    private long status(final String field)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
            {
                if (line.startsWith(field))
                {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        }
        catch (final IOException | RuntimeException ignore)
        {
            // the process is gone
        }
        return -1;
    }

    private long fds()
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd")))
        {
            return fds.count();
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * What the GC log says so far.
     */
    static final class GcState
    {
        long pauses;
        long heapAfterMb = -1;
        final List<Double> pauseMs = new ArrayList<>();

        double maxPauseMsSince(final long from)
        {
            double max = -1;
            for (int i = (int)Math.max(0, from); i < pauseMs.size(); i++)
            {
                max = Math.max(max, pauseMs.get(i));
            }
            return max;
        }
    }

    /**
     * Read a G1 GC log ({@code -Xlog:gc}): pauses, and heap used after the last one.
     *
     * @param lines the log's lines.
     * @return what it says.
     */
    static GcState gc(final List<String> lines)
    {
        final GcState state = new GcState();
        for (final String line : lines)
        {
            final Matcher matcher = GC_PAUSE.matcher(line);
            if (matcher.find())
            {
                state.pauses++;
                state.heapAfterMb = Long.parseLong(matcher.group(2));
                state.pauseMs.add(Double.parseDouble(matcher.group(4)));
            }
        }
        return state;
    }

    private GcState gc()
    {
        try
        {
            return gc(Files.exists(gcLog) ? Files.readAllLines(gcLog) : List.of());
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return new GcState();
        }
    }

    /**
     * Stop sampling.
     */
    public void close()
    {
        running = false;
        java.util.concurrent.locks.LockSupport.unpark(thread);
        java.util.concurrent.locks.LockSupport.unpark(prober);
        try
        {
            thread.join(HEALTH_TIMEOUT_MS * 3L);
            prober.join(HEALTH_TIMEOUT_MS * 3L);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        csv.close();
    }
}
