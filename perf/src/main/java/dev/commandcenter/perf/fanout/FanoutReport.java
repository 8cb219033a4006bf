package dev.commandcenter.perf.fanout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fan-out summary as Markdown: one row per server and client count (paced delivered / lost and latency,
 * saturated frames per second, CPU per frame), the target ratios from the same run, and why a server was
 * not available.
 */
public final class FanoutReport
{
    /** Netty's saturated delivery rate must be at least this many times the Node server's. */
    public static final double NETTY_OVER_NODE_TARGET = 3.0;
    /** The native backend's saturated delivery rate must be at least this many times Netty's. */
    public static final double NATIVE_OVER_NETTY_TARGET = 1.2;

    private FanoutReport()
    {
    }

    /**
     * Whether a target was met.
     */
    public enum Verdict
    {
        /** Measured and met. */
        MET("met"),
        /** Measured and missed. */
        MISSED("**missed**"),
        /** Not measurable in this run (a server not available or a phase failed). */
        NOT_AVAILABLE("n/a");

        private final String text;

        Verdict(final String text)
        {
            this.text = text;
        }

        /**
         * As written in the report.
         *
         * @return the text.
         */
        public String text()
        {
            return text;
        }
    }

    /**
     * One target at one client count.
     *
     * @param target   what is asked.
     * @param clients  the client count, or 0 for all of them.
     * @param measured what the run gave.
     * @param ratio    the ratio measured, NaN when none.
     * @param verdict  met, missed or not available.
     */
    public record Target(String target, int clients, String measured, double ratio, Verdict verdict)
    {
    }

    /**
     * The targets of the issue, from the rows of one run.
     *
     * @param rows every row of the run.
     * @return per client count: Netty against Node, native against Netty; then no frame lost over every row.
     */
    public static List<Target> targets(final List<FanoutRow> rows)
    {
        final List<Target> targets = new ArrayList<>();
        for (final int clients : clientCounts(rows))
        {
            final FanoutRow netty = find(rows, ServerKind.NETTY, clients);
            final FanoutRow node = find(rows, ServerKind.NODE, clients);
            final FanoutRow nativeRow = find(rows, ServerKind.NATIVE, clients);
            if (null != netty || null != node)
            {
                targets.add(nettyOverNode(clients, netty, node));
            }
            if (null != netty || null != nativeRow)
            {
                targets.add(nativeOverNetty(clients, nativeRow, netty));
            }
        }
        // The target is the engine's: the Node peer is the baseline, and what it loses (a post timed out, a client
        // fell behind) is reported in its own row and a note, not charged to the engine.
        long lost = 0;
        final List<String> losers = new ArrayList<>();
        final List<String> peerLosers = new ArrayList<>();
        boolean any = false;
        for (final FanoutRow row : rows)
        {
            if (row.available())
            {
                final boolean engine = row.server().engine();
                any |= engine;
                if (row.lost() > 0)
                {
                    final String loser =
                        String.format(Locale.ROOT, "%s x %,d: %,d", row.server().label(), row.clients(), row.lost());
                    if (engine)
                    {
                        lost += row.lost();
                        losers.add(loser);
                    }
                    else
                    {
                        peerLosers.add(loser);
                    }
                }
            }
        }
        final String peerNote = peerLosers.isEmpty() ? "" : "; the Node peer lost " + String.join("; ", peerLosers);
        targets.add(new Target("0 lost frames (both phases, every engine backend measured)", 0,
            !any ? "nothing measured" : (0 == lost ? "0 lost" :
                String.format(Locale.ROOT, "%,d lost (%s)", lost, String.join("; ", losers))) + peerNote,
            Double.NaN, !any ? Verdict.NOT_AVAILABLE : 0 == lost ? Verdict.MET : Verdict.MISSED));
        return targets;
    }

    private static Target nettyOverNode(final int clients, final FanoutRow netty, final FanoutRow node)
    {
        final String target = "Netty >= " + number(NETTY_OVER_NODE_TARGET) + "x Node's saturated rate, lower p99";
        final String missing = missing(netty, ServerKind.NETTY, node, ServerKind.NODE);
        if (null != missing)
        {
            return new Target(target, clients, missing, Double.NaN, Verdict.NOT_AVAILABLE);
        }
        final double ratio = netty.saturatedFramesPerSecond() / node.saturatedFramesPerSecond();
        final double nettyP99 = netty.pacedP99Ms();
        final double nodeP99 = node.pacedP99Ms();
        final String measured = String.format(Locale.ROOT, "%sx; p99 %s vs %s ms", number(ratio), ms(nettyP99), ms(nodeP99));
        final boolean met = ratio >= NETTY_OVER_NODE_TARGET && nettyP99 < nodeP99;
        return new Target(target, clients, measured, ratio, met ? Verdict.MET : Verdict.MISSED);
    }

    private static Target nativeOverNetty(final int clients, final FanoutRow nativeRow, final FanoutRow netty)
    {
        final String target = "native >= " + number(NATIVE_OVER_NETTY_TARGET) + "x Netty's saturated rate";
        final String missing = missing(nativeRow, ServerKind.NATIVE, netty, ServerKind.NETTY);
        if (null != missing)
        {
            return new Target(target, clients, missing, Double.NaN, Verdict.NOT_AVAILABLE);
        }
        final double ratio = nativeRow.saturatedFramesPerSecond() / netty.saturatedFramesPerSecond();
        return new Target(target, clients, number(ratio) + "x", ratio,
            ratio >= NATIVE_OVER_NETTY_TARGET ? Verdict.MET : Verdict.MISSED);
    }

    private static String missing(final FanoutRow a, final ServerKind aKind, final FanoutRow b, final ServerKind bKind)
    {
        for (final Object[] pair : new Object[][] { { a, aKind }, { b, bKind } })
        {
            final FanoutRow row = (FanoutRow)pair[0];
            final ServerKind kind = (ServerKind)pair[1];
            if (null == row)
            {
                return kind.label() + " not run";
            }
            if (!row.available())
            {
                return kind.label() + " not available";
            }
            if (Double.isNaN(row.saturatedFramesPerSecond()) || 0 == row.saturatedFramesPerSecond())
            {
                return kind.label() + " saturation not measured";
            }
        }
        return null;
    }

    /**
     * The whole summary.
     *
     * @param rows     every row, in run order.
     * @param machine  one line on the machine.
     * @param settings one line on the durations, rates and window.
     * @param notes    lines on what the run had to work around (a count skipped, a key refused).
     * @return the Markdown.
     */
    public static String markdown(final List<FanoutRow> rows, final String machine, final String settings,
        final List<String> notes)
    {
        return markdown(rows, machine, settings, notes, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The whole summary, with the CPU budget of each missed ratio on a machine of some cores.
     *
     * @param rows     every row, in run order.
     * @param machine  one line on the machine.
     * @param settings one line on the durations, rates and window.
     * @param notes    lines on what the run had to work around (a count skipped, a key refused).
     * @param cores    the machine's cores, shared by the servers and the load generator.
     * @return the Markdown.
     */
    public static String markdown(final List<FanoutRow> rows, final String machine, final String settings,
        final List<String> notes, final int cores)
    {
        final StringBuilder text = new StringBuilder();
        text.append("# Fan-out: Netty vs native vs Node.js `ws`\n\n");
        text.append("Machine: ").append(machine).append("\n\n");
        text.append("Settings: ").append(settings).append("\n\n");
        text.append("| server | clients | paced events/s | paced delivered / expected | lost | p50 ms | p99 ms | p99.9 ms " +
            "| saturated frames/s | saturated lost | CPU µs/frame saturated | of it in the kernel " +
            "| load generator µs/frame saturated | CPU µs/frame paced | bytes/frame |\n");
        text.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        final Map<ServerKind, String> reasons = new LinkedHashMap<>();
        for (final FanoutRow row : rows)
        {
            text.append("| ").append(row.server().title()).append(" | ").append(String.format(Locale.ROOT, "%,d", row.clients()))
                .append(" | ").append(String.format(Locale.ROOT, "%,d", row.pacedRate())).append(" | ");
            if (!row.available())
            {
                reasons.putIfAbsent(row.server(), row.unavailable());
                text.append("not available |  |  |  |  |  |  |  |  |  |  |  |\n");
                continue;
            }
            final BenchFigures paced = row.paced();
            final BenchFigures saturated = row.saturated();
            text.append(paced.measured() ? String.format(Locale.ROOT, "%,d / %,d", paced.received(), paced.expected()) :
                "failed").append(" | ")
                .append(lostCell(paced)).append(" | ")
                .append(ms(paced.p50Ms())).append(" | ")
                .append(ms(paced.p99Ms())).append(" | ")
                .append(ms(paced.p999Ms())).append(" | ")
                .append(saturated.measured() ? String.format(Locale.ROOT, "%,.0f", saturated.framesPerSecond()) : "failed")
                .append(" | ")
                .append(lostCell(saturated)).append(saturated.stalled() ? " (stalled)" : "").append(" | ")
                .append(micros(saturated.cpuUsPerFrame())).append(" | ")
                .append(micros(saturated.kernelUsPerFrame())).append(" | ")
                .append(micros(saturated.generatorUsPerFrame())).append(" | ")
                .append(micros(paced.cpuUsPerFrame())).append(" | ")
                .append(bytesCell(paced, saturated))
                .append(" |\n");
        }
        text.append('\n');
        for (final Map.Entry<ServerKind, String> reason : reasons.entrySet())
        {
            text.append("- ").append(reason.getKey().label()).append(": not available: ").append(reason.getValue())
                .append('\n');
        }
        for (final FanoutRow row : rows)
        {
            if (row.available())
            {
                for (final BenchFigures phase : new BenchFigures[] { row.paced(), row.saturated() })
                {
                    if (!phase.firstError().isEmpty())
                    {
                        text.append("- ").append(row.server().label()).append(" x ").append(row.clients()).append(": ")
                            .append(phase.firstError()).append('\n');
                    }
                }
            }
        }
        for (final String note : notes)
        {
            text.append("- ").append(note).append('\n');
        }
        text.append("\n## Targets (ratios of this run)\n\n");
        text.append("| target | clients | measured | |\n|---|---|---|---|\n");
        for (final Target target : targets(rows))
        {
            text.append("| ").append(target.target()).append(" | ")
                .append(0 == target.clients() ? "all" : String.format(Locale.ROOT, "%,d", target.clients())).append(" | ")
                .append(target.measured()).append(" | ").append(target.verdict().text()).append(" |\n");
        }
        final List<String> budgets = budgets(rows, cores);
        if (!budgets.isEmpty())
        {
            text.append("\n## CPU budget of each missed ratio\n\n");
            text.append("The servers and the load generator share the machine's ").append(cores).append(" cores. ")
                .append("At the rate a target asks for, with every core busy and the load generator at the lower of ")
                .append("the CPU per frame it spent in the two runs compared, the server has at most cores / rate - ")
                .append("generator µs ")
                .append("per frame. A server whose time in the kernel alone is over that budget can reach the ")
                .append("target on this machine only with fewer or cheaper system calls, whatever its own code ")
                .append("costs.\n\n");
            for (final String budget : budgets)
            {
                text.append("- ").append(budget).append('\n');
            }
        }
        return text.toString();
    }

    /**
     * For each missed ratio whose figures are known: the CPU per frame the server would have to stay within.
     *
     * @param rows  every row of the run.
     * @param cores the machine's cores.
     * @return one line per missed ratio.
     */
    static List<String> budgets(final List<FanoutRow> rows, final int cores)
    {
        final List<String> budgets = new ArrayList<>();
        for (final int clients : clientCounts(rows))
        {
            final FanoutRow netty = find(rows, ServerKind.NETTY, clients);
            final FanoutRow node = find(rows, ServerKind.NODE, clients);
            final FanoutRow nativeRow = find(rows, ServerKind.NATIVE, clients);
            if (null == missing(netty, ServerKind.NETTY, node, ServerKind.NODE))
            {
                budget(budgets, cores, netty, NETTY_OVER_NODE_TARGET, node);
            }
            if (null == missing(nativeRow, ServerKind.NATIVE, netty, ServerKind.NETTY))
            {
                budget(budgets, cores, nativeRow, NATIVE_OVER_NETTY_TARGET, netty);
            }
        }
        return budgets;
    }

    private static void budget(final List<String> budgets, final int cores, final FanoutRow server, final double ratio,
        final FanoutRow baseline)
    {
        final BenchFigures figures = server.saturated();
        final double targetRate = ratio * baseline.saturatedFramesPerSecond();
        // The load generator costs more per frame against a slower server (smaller batches): take the lower of its
        // two runs, the budget most in the server's favour.
        final double generatorUs = Double.isNaN(baseline.saturated().generatorUsPerFrame()) ?
            figures.generatorUsPerFrame() : Math.min(figures.generatorUsPerFrame(), baseline.saturated().generatorUsPerFrame());
        if (server.saturatedFramesPerSecond() >= targetRate || Double.isNaN(generatorUs) ||
            Double.isNaN(figures.cpuUsPerFrame()))
        {
            return;
        }
        final double budgetUs = cores * 1e6 / targetRate - generatorUs;
        final String kernel = Double.isNaN(figures.kernelUsPerFrame()) ? "" :
            String.format(Locale.ROOT, ", %.2f of it in the kernel%s", figures.kernelUsPerFrame(),
                figures.kernelUsPerFrame() > budgetUs ? ": over the budget in the kernel alone" : "");
        budgets.add(String.format(Locale.ROOT,
            "%s x %,d: %sx %s's %,.0f frames/s is %,.0f; %d / %,.0f - %.2f leaves %s µs per frame; it spent %.2f%s",
            server.server().label(), server.clients(), number(ratio), baseline.server().label(),
            baseline.saturatedFramesPerSecond(), targetRate, cores, targetRate, generatorUs,
            budgetUs <= 0 ? "nothing (" + micros(budgetUs) + ")" : micros(budgetUs), figures.cpuUsPerFrame(), kernel));
    }

    private static String bytesCell(final BenchFigures paced, final BenchFigures saturated)
    {
        final BenchFigures figures = paced.received() > 0 ? paced : saturated;
        return figures.received() > 0 && !Double.isNaN(figures.bytesPerFrame()) ?
            String.format(Locale.ROOT, "%.0f", figures.bytesPerFrame()) : "-";
    }

    private static String lostCell(final BenchFigures figures)
    {
        return figures.measured() ? String.format(Locale.ROOT, "%,d", figures.lost()) : "-";
    }

    private static Set<Integer> clientCounts(final List<FanoutRow> rows)
    {
        final Set<Integer> counts = new LinkedHashSet<>();
        for (final FanoutRow row : rows)
        {
            counts.add(row.clients());
        }
        return counts;
    }

    private static FanoutRow find(final List<FanoutRow> rows, final ServerKind server, final int clients)
    {
        for (final FanoutRow row : rows)
        {
            if (row.server() == server && row.clients() == clients)
            {
                return row;
            }
        }
        return null;
    }

    /**
     * A latency cell: two decimals below 10 ms, one below 1,000 ms, whole milliseconds above.
     *
     * @param valueMs the latency.
     * @return the cell, {@code -} for NaN.
     */
    static String ms(final double valueMs)
    {
        if (Double.isNaN(valueMs))
        {
            return "-";
        }
        return String.format(Locale.ROOT, valueMs < 10 ? "%.2f" : valueMs < 1000 ? "%.1f" : "%,.0f", valueMs);
    }

    private static String micros(final double valueUs)
    {
        return Double.isNaN(valueUs) ? "-" : String.format(Locale.ROOT, "%.2f", valueUs);
    }

    private static String number(final double value)
    {
        return String.format(Locale.ROOT, "%.2f", value).replaceAll("\\.?0+$", "");
    }
}
