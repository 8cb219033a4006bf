package dev.commandcenter.persistence;

import java.time.Instant;

/**
 * A half-open interval {@code [fromNs, toNs)} of event timestamps in nanoseconds since the epoch.
 *
 * @param fromNs first timestamp included.
 * @param toNs   first timestamp excluded.
 */
public record TimeRange(long fromNs, long toNs)
{
    /** Every timestamp. */
    public static final TimeRange ALL = new TimeRange(Long.MIN_VALUE, Long.MAX_VALUE);

    /**
     * Create a range.
     *
     * @param fromNs first timestamp included.
     * @param toNs   first timestamp excluded.
     * @throws IllegalArgumentException when {@code fromNs} is not before {@code toNs}.
     */
    public TimeRange
    {
        if (fromNs >= toNs)
        {
            throw new IllegalArgumentException("time range is empty: from " + format(fromNs) +
                " is not before to " + format(toNs));
        }
    }

    /**
     * Whether a timestamp lies in the range.
     *
     * @param timestampNs epoch nanoseconds.
     * @return true if {@code fromNs <= timestampNs < toNs}.
     */
    public boolean contains(final long timestampNs)
    {
        return timestampNs >= fromNs && timestampNs < toNs;
    }

    /**
     * Whether the range is bounded on either side.
     *
     * @return false for {@link #ALL}.
     */
    public boolean isBounded()
    {
        return fromNs != Long.MIN_VALUE || toNs != Long.MAX_VALUE;
    }

    /**
     * Describe the range for messages, such as {@code "from 2026-11-22T10:00:00Z to the end"}.
     *
     * @return the description.
     */
    public String describe()
    {
        final String from = fromNs == Long.MIN_VALUE ? "the start" : format(fromNs);
        final String to = toNs == Long.MAX_VALUE ? "the end" : format(toNs);
        return "from " + from + " to " + to;
    }

    /**
     * Render epoch nanoseconds as an ISO-8601 UTC instant.
     *
     * @param epochNs nanoseconds since the epoch.
     * @return such as {@code 2026-11-22T10:00:00.123456789Z}.
     */
    public static String format(final long epochNs)
    {
        return Instant.ofEpochSecond(Math.floorDiv(epochNs, 1_000_000_000L), Math.floorMod(epochNs, 1_000_000_000L))
            .toString();
    }
}
