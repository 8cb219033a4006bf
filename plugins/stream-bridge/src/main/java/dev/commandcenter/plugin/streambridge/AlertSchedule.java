package dev.commandcenter.plugin.streambridge;

/**
 * The alerts emitted and not finished yet, in schedule order: each one's alertId, start and end in epoch
 * milliseconds of event time. Alerts follow one another without overlap, so the head is the one showing (or next to
 * show) and every later one starts at or after the end of the one before it.
 * <p>
 * Storage is a ring of three parallel arrays that doubles when full (warm-up only), so adding, draining and
 * shifting allocate nothing once it has grown to the longest queue seen.
 * <p>
 * <b>Note:</b> not thread safe; owned by the plugin's thread.
 */
final class AlertSchedule
{
    private long[] ids;
    private long[] starts;
    private long[] ends;
    private int head;
    private int size;

    /**
     * An empty schedule.
     *
     * @param initialCapacity entries held before the first growth; at least 1.
     */
    AlertSchedule(final int initialCapacity)
    {
        ids = new long[initialCapacity];
        starts = new long[initialCapacity];
        ends = new long[initialCapacity];
    }

    /**
     * Alerts scheduled and not finished.
     *
     * @return the count.
     */
    int size()
    {
        return size;
    }

    /**
     * Forget every alert.
     */
    void clear()
    {
        head = 0;
        size = 0;
    }

    /**
     * Append an alert at the end of the schedule.
     *
     * @param alertId of the alert.
     * @param startMs when it starts showing.
     * @param endMs   when it ends.
     */
    void add(final long alertId, final long startMs, final long endMs)
    {
        if (size == ids.length)
        {
            grow();
        }
        final int slot = (head + size) % ids.length;
        ids[slot] = alertId;
        starts[slot] = startMs;
        ends[slot] = endMs;
        size++;
    }

    /**
     * Forget the alerts that ended at or before a time.
     *
     * @param nowMs event time.
     */
    void drain(final long nowMs)
    {
        while (size > 0 && ends[head] <= nowMs)
        {
            head = (head + 1) % ids.length;
            size--;
        }
    }

    /**
     * The alert showing at a time, after {@link #drain(long)} with that time.
     *
     * @param nowMs event time.
     * @return its alertId, or 0 when none shows (the schedule is empty or its head starts later).
     */
    long showingAt(final long nowMs)
    {
        return size > 0 && starts[head] <= nowMs ? ids[head] : 0;
    }

    /**
     * End the alert showing now and pull every later one forward by the time it had left, so the next starts at once.
     *
     * @param nowMs event time, after {@link #drain(long)} with it.
     * @return how many milliseconds the schedule moved forward; 0 when nothing was showing.
     */
    long skipShowing(final long nowMs)
    {
        if (0 == showingAt(nowMs))
        {
            return 0;
        }
        final long remaining = ends[head] - nowMs;
        head = (head + 1) % ids.length;
        size--;
        for (int n = 0; n < size; n++)
        {
            final int slot = (head + n) % ids.length;
            starts[slot] -= remaining;
            ends[slot] -= remaining;
        }
        return remaining;
    }

    /**
     * The alertId of the n-th scheduled alert.
     *
     * @param n from 0, the head.
     * @return the alertId.
     */
    long id(final int n)
    {
        return ids[(head + n) % ids.length];
    }

    /**
     * The start of the n-th scheduled alert.
     *
     * @param n from 0, the head.
     * @return epoch milliseconds.
     */
    long start(final int n)
    {
        return starts[(head + n) % ids.length];
    }

    /**
     * The end of the n-th scheduled alert.
     *
     * @param n from 0, the head.
     * @return epoch milliseconds.
     */
    long end(final int n)
    {
        return ends[(head + n) % ids.length];
    }

    private void grow()
    {
        final int capacity = ids.length;
        final long[] newIds = new long[capacity * 2];
        final long[] newStarts = new long[capacity * 2];
        final long[] newEnds = new long[capacity * 2];
        for (int n = 0; n < size; n++)
        {
            final int slot = (head + n) % capacity;
            newIds[n] = ids[slot];
            newStarts[n] = starts[slot];
            newEnds[n] = ends[slot];
        }
        ids = newIds;
        starts = newStarts;
        ends = newEnds;
        head = 0;
    }
}
