package dev.commandcenter.perf.edge;

import dev.commandcenter.perf.fanout.BenchFigures;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures of one measured setup: the bench's summary ({@link BenchFigures}: sent, received, frames/s, p50, p99),
 * its maximum latency, the servers' CPU per frame over the measured run, and each server process's CPU time over the
 * whole bench (its warm-up included) to show how the work split between the engine and its edges.
 *
 * @param bench         what the bench's summary said.
 * @param maxMs         the largest end-to-end latency, ms (NaN when none arrived).
 * @param cpuUsPerFrame CPU time of every server process over the measured run per frame received, µs (NaN unknown).
 * @param cpuMs         CPU ms of each server process over the whole bench run, by node name, in order.
 */
public record EdgeFigures(BenchFigures bench, double maxMs, double cpuUsPerFrame, Map<String, Double> cpuMs)
{
    private static final Pattern END_TO_END = Pattern.compile("(?m)^end to end \\(intended send -> frame\\)\\s+(.*)$");
    private static final Pattern SERVER = Pattern.compile("(?m)^server\\s+pid [\\d+]+: .*?, ([\\d.]+|NaN) us per frame");

    /**
     * A setup that was not measured: every frame expected counts as lost.
     *
     * @param expected frames expected.
     * @param reason   one line on why.
     * @return the figures.
     */
    public static EdgeFigures failed(final long expected, final String reason)
    {
        return new EdgeFigures(BenchFigures.failed(expected, reason), Double.NaN, Double.NaN, Map.of());
    }

    /**
     * Read a bench summary.
     *
     * @param text  the summary.
     * @param cpuMs CPU ms of each server process over the bench.
     * @return the figures.
     * @throws IllegalArgumentException when the text is not a bench summary.
     */
    public static EdgeFigures parse(final String text, final Map<String, Double> cpuMs)
    {
        final BenchFigures bench = BenchFigures.parse(text);
        double max = Double.NaN;
        final Matcher row = END_TO_END.matcher(text);
        if (row.find())
        {
            // p50 p90 p99 p99.9 max count
            final String[] cells = row.group(1).trim().split("\\s+");
            if (cells.length > 4 && !"-".equals(cells[4]))
            {
                max = Double.parseDouble(cells[4].replace(",", ""));
            }
        }
        final Matcher server = SERVER.matcher(text);
        final double cpu = server.find() ? Double.parseDouble(server.group(1)) : Double.NaN;
        return new EdgeFigures(bench, max, cpu, cpuMs);
    }

    /**
     * Whether the setup produced figures.
     *
     * @return false for {@link #failed}.
     */
    public boolean measured()
    {
        return bench.measured();
    }

    /**
     * Frames missing: expected less received, at least 0.
     *
     * @return the count.
     */
    public long lost()
    {
        return bench.lost();
    }

    /**
     * Frames received beyond those expected: duplicates. A lower bound, as the bench counts frames over all viewers
     * (a duplicate at one viewer and a loss at another cancel out; then {@link #lost()} is low by as much).
     *
     * @return the count.
     */
    public long duplicates()
    {
        return Math.max(0, bench.received() - bench.expected());
    }
}
