package dev.commandcenter.app.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes a run's report directory: {@value #SUMMARY_FILE} (also printed), {@value #HGRM_FILE} (HdrHistogram's
 * percentile distribution, in ms), the interval log written during the run, and the percentile and timeline plots.
 */
final class BenchReport
{
    /** The summary. */
    static final String SUMMARY_FILE = "summary.txt";
    /** The percentile distribution of end-to-end latency. */
    static final String HGRM_FILE = "latency.hgrm";
    /** Base name of the percentile plot. */
    static final String PERCENTILES_PLOT = "percentiles";
    /** Base name of the latency-over-time plot. */
    static final String TIMELINE_PLOT = "timeline";
    /** Percentiles of every table. */
    static final double[] PERCENTILES = { 50.0, 90.0, 99.0, 99.9 };

    private static final double NS_PER_MS = 1e6;
    private static final String ROW = "%-36s %9s %9s %9s %9s %9s %9s%n";
    private static final int BUSIEST_THREADS = 6;

    private BenchReport()
    {
    }

    /**
     * Write the report files.
     *
     * @param settings of the run.
     * @param result   of the run.
     * @return the summary text.
     */
    static String write(final BenchSettings settings, final BenchResult result)
    {
        final String summary = summary(settings, result);
        final Path out = settings.out();
        try
        {
            Files.writeString(out.resolve(SUMMARY_FILE), summary, StandardCharsets.UTF_8);
            try (PrintStream hgrm = new PrintStream(Files.newOutputStream(out.resolve(HGRM_FILE)), false,
                StandardCharsets.UTF_8))
            {
                result.endToEnd.outputPercentileDistribution(hgrm, NS_PER_MS);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the report in " + out + ": " + ex.getMessage(), ex);
        }
        final String what = settings.transport().label() + ", " + rateLabel(settings) + ", " +
            settings.receivers() + (1 == settings.receivers() ? " client" : " clients");
        Charts.percentiles(out.resolve(PERCENTILES_PLOT + "." + settings.format().extension()), settings.format(),
            "End-to-end latency by percentile (" + what + ")",
            List.of(new Charts.Curve("payment -> overlay frame", result.endToEnd)));
        Charts.timeline(out.resolve(TIMELINE_PLOT + "." + settings.format().extension()), settings.format(),
            "End-to-end latency per second (" + what + ")", result.intervals);
        return summary;
    }

    private static String summary(final BenchSettings settings, final BenchResult result)
    {
        final StringBuilder text = new StringBuilder();
        final double sendSeconds = result.sendSpanNs / 1e9;
        final double runSeconds = result.runSpanNs / 1e9;
        text.append("commandcenter bench  ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        line(text, "target", result.target);
        line(text, "transport", settings.transport().label() + ", " + settings.receivers() +
            (settings.transport().usesWebSocketClients() ? " WebSocket client(s) receiving" : " egress handler receiving"));
        line(text, "load", String.format(Locale.ROOT, "%s for %.1f s after a %.1f s warm-up, %d sender thread(s)%s",
            rateLabel(settings), settings.duration().toMillis() / 1e3, settings.warmup().toMillis() / 1e3,
            settings.threads(), settings.saturate() ? ", latency from the actual send time" : ""));
        line(text, "machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") +
            " " + System.getProperty("os.arch") + ", Java " + Runtime.version() + String.format(Locale.ROOT,
            ", load average %.2f at the end", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        line(text, "sent", String.format(Locale.ROOT, "%,d events in %.2f s (%.1f events/s), %,d send errors%s",
            result.sent, sendSeconds, result.sent / sendSeconds, result.sendErrors,
            null == result.firstError ? "" : " (first: " + result.firstError + ")"));
        line(text, "received", String.format(Locale.ROOT, "%,d of %,d alerts (%.1f alerts/s), %,d timeouts, %.1f bytes per frame",
            result.received, result.expected, result.received / runSeconds, result.timeouts(),
            0 == result.received ? 0.0 : (double)result.frameBytes / result.received));
        if (result.stalled)
        {
            line(text, "stalled", "the window of " + settings.window() + " events in flight did not move for " +
                settings.timeout().toMillis() + " ms: sending ended early");
        }
        if (!settings.serverPids().isEmpty())
        {
            final String pids = settings.serverPids().stream().map(String::valueOf).collect(Collectors.joining("+"));
            line(text, "server", cpu("pid " + pids, result.serverCpu, result.received));
            if (!result.serverCpu.threadNs().isEmpty() && result.received > 0)
            {
                line(text, "threads", result.serverCpu.busiest(BUSIEST_THREADS).stream()
                    .map((thread) -> threadCpu(result.serverCpu, thread.getKey(), thread.getValue(), result.received))
                    .collect(Collectors.joining(", ")) +
                    " us per frame received (the server's busiest, each with its part in the kernel)");
            }
            line(text, "generator", cpu("this process", result.generatorCpu, result.received));
        }
        text.append('\n');
        text.append(String.format(Locale.ROOT, ROW, "latency, ms", "p50", "p90", "p99", "p99.9", "max", "count"));
        row(text, "end to end (intended send -> frame)", result.endToEnd);
        row(text, Transport.REST == settings.transport() ? "POST -> 202 (from intended send)" :
            "publish returned (from intended send)", result.accepted);
        boolean anyStage = false;
        for (final Stage stage : Stage.values())
        {
            final Histogram histogram = result.stages.get(stage);
            if (null != histogram && histogram.getTotalCount() > 0)
            {
                row(text, "  " + stage.title(), histogram);
                anyStage = true;
            }
        }
        if (!anyStage)
        {
            text.append("  (no stage stamps in the frames: per-stage latency needs a server that traces)\n");
        }
        return text.toString();
    }

    private static String rateLabel(final BenchSettings settings)
    {
        return settings.saturate() ? "as fast as accepted, at most " + settings.window() + " events in flight" +
            (settings.pipeline() > 1 ? " (posts pipelined, up to " + settings.pipeline() + " per connection)" : "") :
            settings.rate() + " events/s";
    }

    /**
     * One process's CPU over the run: "pid 42: 1200.0 ms CPU over the run (300.0 ms in the kernel), 1.20 us per
     * frame received (0.30 in the kernel)", without the kernel parts where the system does not tell them.
     */
    static String cpu(final String who, final CpuTimes cpu, final long received)
    {
        if (cpu.totalNs() < 0)
        {
            return who + ": CPU time not available";
        }
        final double perFrameUs = 0 == received ? Double.NaN : cpu.totalNs() / 1e3 / received;
        if (cpu.kernelNs() < 0)
        {
            return String.format(Locale.ROOT, "%s: %.1f ms CPU over the run, %.2f us per frame received",
                who, cpu.totalNs() / 1e6, perFrameUs);
        }
        return String.format(Locale.ROOT,
            "%s: %.1f ms CPU over the run (%.1f ms in the kernel), %.2f us per frame received (%.2f in the kernel)",
            who, cpu.totalNs() / 1e6, cpu.kernelNs() / 1e6, perFrameUs,
            0 == received ? Double.NaN : cpu.kernelNs() / 1e3 / received);
    }

    /**
     * One thread's CPU per frame: "cc-engine 6.50 (kernel 1.20)", or "cc-engine 6.50" when its split is unknown.
     */
    static String threadCpu(final CpuTimes cpu, final String name, final long ns, final long received)
    {
        final long kernelNs = cpu.threadKernelNs(name);
        return kernelNs < 0 ? String.format(Locale.ROOT, "%s %.2f", name, ns / 1e3 / received) :
            String.format(Locale.ROOT, "%s %.2f (kernel %.2f)", name, ns / 1e3 / received, kernelNs / 1e3 / received);
    }

    private static void line(final StringBuilder text, final String name, final String value)
    {
        text.append(String.format(Locale.ROOT, "%-10s %s%n", name, value));
    }

    private static void row(final StringBuilder text, final String name, final Histogram histogram)
    {
        final Object[] cells = new Object[7];
        cells[0] = name;
        for (int i = 0; i < PERCENTILES.length; i++)
        {
            cells[i + 1] = ms(histogram, histogram.getValueAtPercentile(PERCENTILES[i]));
        }
        cells[5] = ms(histogram, histogram.getMaxValue());
        cells[6] = String.format(Locale.ROOT, "%,d", histogram.getTotalCount());
        text.append(String.format(Locale.ROOT, ROW, cells));
    }

    /**
     * A latency in milliseconds to the microsecond, or {@code -} when nothing was recorded.
     *
     * @param histogram the values came from.
     * @param valueNs   the value.
     * @return the cell.
     */
    static String ms(final Histogram histogram, final long valueNs)
    {
        return 0 == histogram.getTotalCount() ? "-" : String.format(Locale.ROOT, "%.3f", valueNs / NS_PER_MS);
    }
}
