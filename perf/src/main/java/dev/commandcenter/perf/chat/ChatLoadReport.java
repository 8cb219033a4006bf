package dev.commandcenter.perf.chat;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one chat load run and what they say: delivered / expected, lost, duplicates, latency percentiles,
 * posts refused, the server's CPU per delivered frame, and whether the run met issue #13's load criteria (0 lost, p99
 * delivery at most {@value #TARGET_P99_MS} ms).
 *
 * @param settings      one line on what the run did.
 * @param machine       one line on the machine and when.
 * @param clients       viewers asked for.
 * @param rate          messages posted per second.
 * @param viewers       what the viewers received.
 * @param posters       what the posters saw.
 * @param measured      messages of the measured run.
 * @param owed          measured messages the viewers are owed (not refused, failed or left unposted).
 * @param serverCpuNs   the engine's CPU time over the measured run and its tail, or -1 when unknown.
 * @param clientCpuNs   the load generator's CPU time over the same window, or -1 when unknown.
 * @param engineDrops   frames the engine's WebSocket egress dropped over the run (its counter), or -1 when unknown.
 * @param slowCloses    clients the engine closed as slow over the run, or -1 when unknown.
 */
public record ChatLoadReport(
    String settings,
    String machine,
    int clients,
    int rate,
    ChatViewers.ViewerFigures viewers,
    ChatPosters.PosterFigures posters,
    long measured,
    long owed,
    long serverCpuNs,
    long clientCpuNs,
    long engineDrops,
    long slowCloses)
{
    /** Issue #13's target for the p99 delivery latency. */
    public static final double TARGET_P99_MS = 10.0;

    /**
     * Lines the viewers should have received in the measured run: every measured message times every viewer.
     *
     * @return the count.
     */
    public long expected()
    {
        return measured * clients;
    }

    /**
     * Lines no viewer was owed because their post was refused or failed, times the viewers.
     *
     * @return the count.
     */
    public long notOwed()
    {
        return (measured - owed) * clients;
    }

    /**
     * Lines owed and never received: the viewers' count, plus every owed line of a viewer that never connected.
     *
     * @return the count.
     */
    public long lost()
    {
        return viewers.lost() + Math.max(0, clients - viewers.viewers()) * owed;
    }

    /**
     * The server's CPU time per delivered frame of the measured run.
     *
     * @return microseconds, or NaN when unknown or nothing was delivered.
     */
    public double serverCpuUsPerFrame()
    {
        return perFrameUs(serverCpuNs, viewers.measuredLines());
    }

    /**
     * The load generator's CPU time per delivered frame of the measured run.
     *
     * @return microseconds, or NaN when unknown or nothing was delivered.
     */
    public double clientCpuUsPerFrame()
    {
        return perFrameUs(clientCpuNs, viewers.measuredLines());
    }

    /**
     * CPU time per frame.
     *
     * @param cpuNs  CPU time, or a negative value when unknown.
     * @param frames frames delivered.
     * @return microseconds, or NaN.
     */
    static double perFrameUs(final long cpuNs, final long frames)
    {
        return cpuNs < 0 || frames <= 0 ? Double.NaN : cpuNs / 1e3 / frames;
    }

    /**
     * A percentile of a latency histogram in milliseconds.
     *
     * @param latency    the histogram, ns.
     * @param percentile such as 99.0.
     * @return ms, or NaN when it is empty.
     */
    static double ms(final Histogram latency, final double percentile)
    {
        return 0 == latency.getTotalCount() ? Double.NaN : latency.getValueAtPercentile(percentile) / 1e6;
    }

    /**
     * The largest latency in milliseconds.
     *
     * @param latency the histogram, ns.
     * @return ms, or NaN when it is empty.
     */
    static double maxMs(final Histogram latency)
    {
        return 0 == latency.getTotalCount() ? Double.NaN : latency.getMaxValue() / 1e6;
    }

    /**
     * Whether every owed line reached every viewer once, with no post refused or failed and no viewer dropped.
     *
     * @return true when nothing was lost.
     */
    public boolean complete()
    {
        return viewers.viewers() == clients && 0 == lost() && 0 == viewers.duplicates() && 0 == posters.refused() &&
            0 == posters.failed() && 0 == viewers.disconnected() && viewers.measuredLines() > 0;
    }

    /**
     * Whether the p99 delivery met the target.
     *
     * @return true when at most {@value #TARGET_P99_MS} ms.
     */
    public boolean p99Met()
    {
        return ms(viewers.latency(), 99.0) <= TARGET_P99_MS;
    }

    /**
     * Problems worth a line each: lost or duplicate lines, refused or failed posts, dropped viewers, engine drops.
     *
     * @return the lines, empty when none.
     */
    public List<String> problems()
    {
        final List<String> problems = new ArrayList<>();
        if (viewers.viewers() < clients)
        {
            problems.add(String.format(Locale.ROOT, "%,d of %,d viewers connected", viewers.viewers(), clients));
        }
        if (lost() > 0)
        {
            problems.add(String.format(Locale.ROOT, "%,d lines lost (owed to a viewer and never received)", lost()));
        }
        if (viewers.duplicates() > 0)
        {
            problems.add(String.format(Locale.ROOT, "%,d duplicate lines", viewers.duplicates()));
        }
        if (posters.refused() > 0 || posters.failed() > 0)
        {
            problems.add(String.format(Locale.ROOT, "%,d posts refused%s, %,d failed; first: %s", posters.refused(),
                refusals(posters.refusals()), posters.failed(), posters.firstError()));
        }
        if (viewers.disconnected() > 0)
        {
            problems.add(String.format(Locale.ROOT, "%,d viewers disconnected; first: %s", viewers.disconnected(),
                viewers.firstClose()));
        }
        if (engineDrops > 0 || slowCloses > 0)
        {
            problems.add(String.format(Locale.ROOT, "the engine dropped %,d frames and closed %,d slow clients " +
                "(its counters, warm-up included)", engineDrops, slowCloses));
        }
        return problems;
    }

    /**
     * The short summary printed at the end.
     *
     * @return lines.
     */
    public String summary()
    {
        final Histogram latency = viewers.latency();
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "chat load: %s%n", settings));
        text.append(String.format(Locale.ROOT, "delivered %,d / %,d expected (%,d not owed: posts refused or " +
            "failed), lost %,d, duplicates %,d%n", viewers.measuredLines(), expected(), notOwed(), lost(),
            viewers.duplicates()));
        text.append(String.format(Locale.ROOT, "delivery ms (intended send -> frame): p50 %s  p99 %s  p99.9 %s  " +
            "max %s  (target p99 <= %s: %s)%n", number(ms(latency, 50)), number(ms(latency, 99)),
            number(ms(latency, 99.9)), number(maxMs(latency)), number(TARGET_P99_MS), p99Met() ? "met" : "missed"));
        text.append(String.format(Locale.ROOT, "posts %,d: shown %,d, pending %,d, refused %,d%s, failed %,d; " +
            "intended send -> 200 p99 %s ms%n", posters.posted(), posters.accepted(), posters.pending(),
            posters.refused(), refusals(posters.refusals()), posters.failed(), number(ms(posters.shown(), 99))));
        text.append(String.format(Locale.ROOT, "CPU per delivered frame: server %s us, load generator %s us%n",
            number(serverCpuUsPerFrame()), number(clientCpuUsPerFrame())));
        for (final String problem : problems())
        {
            text.append("PROBLEM: ").append(problem).append('\n');
        }
        text.append(complete() ? "result: 0 lost" : "result: INCOMPLETE").append('\n');
        return text.toString();
    }

    /**
     * The report as Markdown, with the row for {@code perf/README.md}'s results table.
     *
     * @return the text.
     */
    public String markdown()
    {
        final Histogram latency = viewers.latency();
        final StringBuilder text = new StringBuilder();
        text.append("# Chat load (issue #13)\n\n");
        text.append("Machine: ").append(machine).append("\n\n");
        text.append("Run: ").append(settings).append("\n\n");
        text.append("| clients | messages/s | delivered / expected | lost | duplicates | p50 ms | p99 ms | p99.9 ms | " +
            "max ms | posts refused | server CPU us/frame | load generator CPU us/frame |\n");
        text.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        text.append(row()).append("\n\n");
        text.append(String.format(Locale.ROOT, "- Target: 0 lost (%s), p99 delivery <= %s ms (%s).%n",
            complete() ? "met" : "**missed**", number(TARGET_P99_MS), p99Met() ? "met" : "**missed**"));
        text.append(String.format(Locale.ROOT, "- Posts: %,d sent, %,d answered; shown (200) %,d, pending (202) %,d, " +
            "refused %,d%s, failed %,d. Intended send -> 200: p50 %s, p99 %s, max %s ms.%n", posters.posted(),
            posters.answered(), posters.accepted(), posters.pending(), posters.refused(),
            refusals(posters.refusals()), posters.failed(), number(ms(posters.shown(), 50)),
            number(ms(posters.shown(), 99)), number(maxMs(posters.shown()))));
        if (!posters.firstError().isEmpty())
        {
            text.append("- First refused or failed post: ").append(posters.firstError()).append('\n');
        }
        text.append(String.format(Locale.ROOT, "- Viewers: %,d of %,d connected, %,d disconnected during the run; " +
            "%,d warm-up lines and %,d other frames (room state, history) not measured; mean line frame %s bytes.%n",
            viewers.viewers(), clients, viewers.disconnected(), viewers.warmupLines(), viewers.otherFrames(),
            number(0 == viewers.measuredLines() ? Double.NaN : (double)viewers.lineBytes() / viewers.measuredLines())));
        text.append(String.format(Locale.ROOT, "- Engine counters over the run: %s frames dropped by the WebSocket " +
            "egress, %s slow clients closed.%n", count(engineDrops), count(slowCloses)));
        text.append(String.format(Locale.ROOT, "- CPU over the measured run and its tail: server %s ms (%s us per " +
            "delivered frame), load generator %s ms (%s us per frame). The load generator shares the machine's " +
            "cores with the server.%n", cpuMs(serverCpuNs), number(serverCpuUsPerFrame()), cpuMs(clientCpuNs),
            number(clientCpuUsPerFrame())));
        for (final String problem : problems())
        {
            text.append("- **Problem:** ").append(problem).append('\n');
        }
        return text.toString();
    }

    /**
     * The results table row.
     *
     * @return one Markdown table row.
     */
    public String row()
    {
        final Histogram latency = viewers.latency();
        return String.format(Locale.ROOT, "| %,d | %,d | %,d / %,d | %,d | %,d | %s | %s | %s | %s | %,d | %s | %s |",
            clients, rate, viewers.measuredLines(), expected(), lost(),
            viewers.duplicates(), number(ms(latency, 50)), number(ms(latency, 99)), number(ms(latency, 99.9)),
            number(maxMs(latency)), posters.refused() + posters.failed(), number(serverCpuUsPerFrame()),
            number(clientCpuUsPerFrame()));
    }

    private static String refusals(final Map<String, Long> refusals)
    {
        return refusals.isEmpty() ? "" : " " + refusals;
    }

    private static String count(final long value)
    {
        return value < 0 ? "unknown" : String.format(Locale.ROOT, "%,d", value);
    }

    private static String cpuMs(final long cpuNs)
    {
        return cpuNs < 0 ? "unknown" : String.format(Locale.ROOT, "%,.0f", cpuNs / 1e6);
    }

    /**
     * A number with three significant digits or so, {@code -} when unknown.
     *
     * @param value the number.
     * @return the text.
     */
    static String number(final double value)
    {
        if (Double.isNaN(value))
        {
            return "-";
        }
        if (value >= 100)
        {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (value >= 10)
        {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
