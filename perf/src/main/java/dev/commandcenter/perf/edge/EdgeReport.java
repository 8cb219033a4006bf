package dev.commandcenter.perf.edge;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The edge benchmark's {@code summary.md}: (a) one node against (b) an engine and two edges at the same offered
 * load, then (c) the added latency of the engine to edge hop, with the notes of the run.
 */
final class EdgeReport
{
    /** What every summary says about one machine. */
    static final String SHARED_CORES = "On one machine the engine, the edges and the load generator share the same " +
        "cores (2 here), so (b) measures what the edge hop costs, not how edges scale: on separate hosts each edge " +
        "brings cores of its own.";

    private EdgeReport()
    {
    }

    /**
     * The summary.
     *
     * @param rows     the measured setups, in order.
     * @param machine  one line on the machine and when.
     * @param settings one line on the settings of the run.
     * @param notes    lines on what happened.
     * @return the Markdown.
     */
    static String markdown(final List<EdgeRow> rows, final String machine, final String settings,
        final List<String> notes)
    {
        final StringBuilder text = new StringBuilder();
        text.append("# Edge benchmark (perf/peers-edge/run)\n\n");
        text.append(machine).append("\n\n").append(settings).append("\n\n");
        text.append("**Note:** ").append(SHARED_CORES).append("\n\n");
        text.append("## (a) one node vs (b) engine + 2 edges, the same offered load\n\n");
        text.append("| setup | viewers served | events/s offered | frames delivered / expected | lost | duplicate | " +
            "frames/s | p50 ms | p99 ms | max ms | server CPU µs/frame | CPU ms by process (whole bench) |\n");
        text.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (final EdgeRow row : rows)
        {
            if (row.setup().startsWith("c-"))
            {
                continue;
            }
            text.append(fanoutRow(row)).append('\n');
        }
        text.append("\n## (c) the engine -> edge hop, one viewer\n\n");
        text.append("| viewer on | events/s | frames delivered / expected | lost | duplicate | p50 ms | p99 ms | max ms |\n");
        text.append("|---|---|---|---|---|---|---|---|\n");
        for (final EdgeRow row : rows)
        {
            if (row.setup().startsWith("c-"))
            {
                text.append(hopRow(row)).append('\n');
            }
        }
        hop(rows).ifPresent((line) -> text.append('\n').append(line).append('\n'));
        if (!notes.isEmpty())
        {
            text.append("\n## Notes\n\n");
            for (final String note : notes)
            {
                text.append("- ").append(note).append('\n');
            }
        }
        return text.toString();
    }

    /**
     * The added latency of the hop: the edge viewer's p50 and p99 less the direct viewer's.
     *
     * @param rows the setups.
     * @return one line, or empty when either half of (c) was not measured.
     */
    static Optional<String> hop(final List<EdgeRow> rows)
    {
        final EdgeRow direct = find(rows, "c-direct");
        final EdgeRow edge = find(rows, "c-edge");
        if (null == direct || null == edge || !direct.measured() || !edge.measured())
        {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "Added by the engine -> edge hop: **p50 %+.2f ms, p99 %+.2f ms** " +
            "(edge viewer %.2f / %.2f ms, direct viewer %.2f / %.2f ms).",
            edge.figures().bench().p50Ms() - direct.figures().bench().p50Ms(),
            edge.figures().bench().p99Ms() - direct.figures().bench().p99Ms(),
            edge.figures().bench().p50Ms(), edge.figures().bench().p99Ms(),
            direct.figures().bench().p50Ms(), direct.figures().bench().p99Ms()));
    }

    private static EdgeRow find(final List<EdgeRow> rows, final String setup)
    {
        for (final EdgeRow row : rows)
        {
            if (setup.equals(row.setup()))
            {
                return row;
            }
        }
        return null;
    }

    private static String fanoutRow(final EdgeRow row)
    {
        if (!row.measured())
        {
            return String.format(Locale.ROOT, "| %s | %,d | %,d | not available: %s | | | | | | | | |", row.title(),
                row.viewers(), row.rate(), reason(row));
        }
        final EdgeFigures figures = row.figures();
        return String.format(Locale.ROOT, "| %s | %,d | %,d | %,d / %,d | %,d | %,d | %,.0f | %s | %s | %s | %s | %s |",
            row.title(), row.viewers(), row.rate(), figures.bench().received(), figures.bench().expected(),
            figures.lost(), figures.duplicates(), figures.bench().framesPerSecond(), ms(figures.bench().p50Ms()),
            ms(figures.bench().p99Ms()), ms(figures.maxMs()), us(figures.cpuUsPerFrame()), cpu(figures.cpuMs()));
    }

    private static String hopRow(final EdgeRow row)
    {
        if (!row.measured())
        {
            return String.format(Locale.ROOT, "| %s | %,d | not available: %s | | | | | |", row.title(), row.rate(),
                reason(row));
        }
        final EdgeFigures figures = row.figures();
        return String.format(Locale.ROOT, "| %s | %,d | %,d / %,d | %,d | %,d | %s | %s | %s |", row.title(), row.rate(),
            figures.bench().received(), figures.bench().expected(), figures.lost(), figures.duplicates(),
            ms(figures.bench().p50Ms()), ms(figures.bench().p99Ms()), ms(figures.maxMs()));
    }

    private static String reason(final EdgeRow row)
    {
        final String reason = null != row.unavailable() ? row.unavailable() : row.figures().bench().firstError();
        return reason.replace("|", "/");
    }

    private static String cpu(final Map<String, Double> cpuMs)
    {
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<String, Double> entry : cpuMs.entrySet())
        {
            if (!text.isEmpty())
            {
                text.append(", ");
            }
            text.append(entry.getKey()).append(' ').append(Double.isNaN(entry.getValue()) ? "?" :
                String.format(Locale.ROOT, "%,.0f", entry.getValue()));
        }
        return text.toString();
    }

    /**
     * Milliseconds with a precision that suits their size.
     *
     * @param value ms, or NaN.
     * @return such as {@code 0.73}, {@code 33.3}, {@code 1,029}; {@code -} for NaN.
     */
    static String ms(final double value)
    {
        if (Double.isNaN(value))
        {
            return "-";
        }
        if (value < 10)
        {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return value < 1000 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String us(final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }
}
