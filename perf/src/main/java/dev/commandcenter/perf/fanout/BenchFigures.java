package dev.commandcenter.perf.fanout;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures of one {@code commandcenter bench} run the fan-out harness reports, read from its {@code summary.txt}.
 *
 * @param sent          events sent.
 * @param sendErrors    events refused or failed.
 * @param firstError    the first send error, or an empty string.
 * @param received      frames the clients received (summed over clients).
 * @param expected      frames expected: events times clients.
 * @param framesPerSecond frames received per second, summed over clients, over the run and its tail.
 * @param bytesPerFrame mean frame size (NaN when unknown).
 * @param p50Ms         end-to-end median, ms (NaN when none arrived).
 * @param p99Ms         99th percentile.
 * @param p999Ms        99.9th percentile.
 * @param cpuUsPerFrame the server's CPU time over the run per frame received, µs (NaN when not measured).
 * @param kernelUsPerFrame the part of it in the kernel, µs (NaN when not measured).
 * @param generatorUsPerFrame the load generator's own CPU time over the run per frame received, µs (NaN when not
 *                      measured).
 * @param stalled       whether a saturating run ended early because its window stopped moving.
 */
public record BenchFigures(
    long sent,
    long sendErrors,
    String firstError,
    long received,
    long expected,
    double framesPerSecond,
    double bytesPerFrame,
    double p50Ms,
    double p99Ms,
    double p999Ms,
    double cpuUsPerFrame,
    double kernelUsPerFrame,
    double generatorUsPerFrame,
    boolean stalled)
{
    private static final Pattern SENT = Pattern.compile(
        "(?m)^sent\\s+([\\d,]+) events.*?, ([\\d,]+) send errors(?: \\(first: (.*)\\))?$");
    private static final Pattern RECEIVED = Pattern.compile(
        "(?m)^received\\s+([\\d,]+) of ([\\d,]+) alerts \\(([\\d.]+) alerts/s\\)(?:.*?, ([\\d.]+) bytes per frame)?");
    private static final Pattern END_TO_END = Pattern.compile("(?m)^end to end \\(intended send -> frame\\)\\s+(.*)$");
    private static final Pattern SERVER = Pattern.compile("(?m)^server\\s+pid \\d+: .*?, ([\\d.]+|NaN) us per frame");
    private static final Pattern KERNEL = Pattern.compile(
        "(?m)^server\\s+pid [^\\n]*us per frame received \\(([\\d.]+|NaN) in the kernel\\)");
    private static final Pattern GENERATOR = Pattern.compile(
        "(?m)^generator\\s+this process: .*?, ([\\d.]+|NaN) us per frame");
    private static final Pattern STALLED = Pattern.compile("(?m)^stalled\\s");

    /**
     * Frames lost: expected minus received, at least 0.
     *
     * @return the count.
     */
    public long lost()
    {
        return Math.max(0, expected - received);
    }

    /**
     * A run that produced no summary: every frame expected counts as lost.
     *
     * @param expected frames expected, 0 when unknown.
     * @param reason   one line on why.
     * @return the figures.
     */
    public static BenchFigures failed(final long expected, final String reason)
    {
        return new BenchFigures(0, 0, reason, 0, expected, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, false);
    }

    /**
     * Whether the run produced figures.
     *
     * @return false for {@link #failed}.
     */
    public boolean measured()
    {
        return !Double.isNaN(framesPerSecond);
    }

    /**
     * Read a bench summary.
     *
     * @param text the summary.
     * @return the figures.
     * @throws IllegalArgumentException when the text is not a bench summary.
     */
    public static BenchFigures parse(final String text)
    {
        final Matcher sent = SENT.matcher(text);
        final Matcher received = RECEIVED.matcher(text);
        if (!sent.find() || !received.find())
        {
            throw new IllegalArgumentException("not a bench summary (expected 'sent ... send errors' and 'received N " +
                "of M alerts (R alerts/s)' lines): " + text.lines().findFirst().orElse("(empty)"));
        }
        final double[] endToEnd = { Double.NaN, Double.NaN, Double.NaN, Double.NaN };
        final Matcher row = END_TO_END.matcher(text);
        if (row.find())
        {
            // p50 p90 p99 p99.9 max count
            final String[] cells = row.group(1).trim().split("\\s+");
            for (int i = 0; i < endToEnd.length && i < cells.length; i++)
            {
                endToEnd[i] = "-".equals(cells[i]) ? Double.NaN : Double.parseDouble(cells[i]);
            }
        }
        final Matcher server = SERVER.matcher(text);
        final double cpu = server.find() ? Double.parseDouble(server.group(1)) : Double.NaN;
        final Matcher kernel = KERNEL.matcher(text);
        final double kernelUs = kernel.find() ? Double.parseDouble(kernel.group(1)) : Double.NaN;
        final Matcher generator = GENERATOR.matcher(text);
        final double generatorUs = generator.find() ? Double.parseDouble(generator.group(1)) : Double.NaN;
        return new BenchFigures(count(sent.group(1)), count(sent.group(2)), null == sent.group(3) ? "" : sent.group(3),
            count(received.group(1)), count(received.group(2)), Double.parseDouble(received.group(3)),
            null == received.group(4) ? Double.NaN : Double.parseDouble(received.group(4)),
            endToEnd[0], endToEnd[2], endToEnd[3], cpu, kernelUs, generatorUs, STALLED.matcher(text).find());
    }

    private static long count(final String digits)
    {
        return Long.parseLong(digits.replace(",", ""));
    }
}
