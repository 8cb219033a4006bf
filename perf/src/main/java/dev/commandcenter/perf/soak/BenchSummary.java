package dev.commandcenter.perf.soak;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures the soak reports from one {@code commandcenter bench} run, read from its {@code summary.txt}.
 *
 * @param sent          payments sent.
 * @param sendErrors    payments refused or failed.
 * @param firstError    the first send error, or an empty string.
 * @param received      frames the honest clients received.
 * @param expected      frames expected: payments in the schedule times clients.
 * @param p50Ms         payment -> frame median, ms (NaN when none arrived).
 * @param p99Ms         99th percentile.
 * @param p999Ms        99.9th percentile.
 * @param maxMs         maximum.
 * @param post202P99Ms  POST -> 202 99th percentile, ms.
 */
public record BenchSummary(
    long sent,
    long sendErrors,
    String firstError,
    long received,
    long expected,
    double p50Ms,
    double p99Ms,
    double p999Ms,
    double maxMs,
    double post202P99Ms)
{
    private static final Pattern SENT = Pattern.compile(
        "(?m)^sent\\s+([\\d,]+) events.*?, ([\\d,]+) send errors(?: \\(first: (.*)\\))?$");
    private static final Pattern RECEIVED = Pattern.compile("(?m)^received\\s+([\\d,]+) of ([\\d,]+) alerts");
    private static final Pattern END_TO_END = Pattern.compile("(?m)^end to end \\(intended send -> frame\\)\\s+(.*)$");
    private static final Pattern POST = Pattern.compile("(?m)^POST -> 202 \\(from intended send\\)\\s+(.*)$");

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
     * A run that produced no summary: every frame counts as lost.
     *
     * @param expected frames expected.
     * @param reason   one line on why.
     * @return the summary.
     */
    public static BenchSummary failed(final long expected, final String reason)
    {
        return new BenchSummary(0, 0, reason, 0, expected, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    /**
     * Read a bench summary.
     *
     * @param text     the summary.
     * @param expected frames expected, used when the summary lacks the count.
     * @return the figures.
     * @throws IllegalArgumentException when the text is not a bench summary.
     */
    public static BenchSummary parse(final String text, final long expected)
    {
        final Matcher sent = SENT.matcher(text);
        final Matcher received = RECEIVED.matcher(text);
        if (!sent.find() || !received.find())
        {
            throw new IllegalArgumentException("not a bench summary (expected 'sent ... send errors' and 'received N of M " +
                "alerts' lines): " + text.lines().findFirst().orElse("(empty)"));
        }
        final double[] endToEnd = row(END_TO_END, text);
        final double[] post = row(POST, text);
        return new BenchSummary(count(sent.group(1)), count(sent.group(2)), null == sent.group(3) ? "" : sent.group(3),
            count(received.group(1)), Math.max(expected, count(received.group(2))), endToEnd[0], endToEnd[2],
            endToEnd[3], endToEnd[4], post[2]);
    }

    private static double[] row(final Pattern pattern, final String text)
    {
        final double[] cells = { Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN };
        final Matcher matcher = pattern.matcher(text);
        if (matcher.find())
        {
            final String[] parts = matcher.group(1).trim().split("\\s+");
            for (int i = 0; i < cells.length && i < parts.length; i++)
            {
                cells[i] = "-".equals(parts[i]) ? Double.NaN : Double.parseDouble(parts[i]);
            }
        }
        return cells;
    }

    private static long count(final String digits)
    {
        return Long.parseLong(digits.replace(",", ""));
    }
}
