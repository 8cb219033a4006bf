package dev.commandcenter.transport.aeron.ingress;

import org.agrona.collections.Long2LongHashMap;

import java.util.function.Consumer;

/**
 * Warning lines about ingress publishers, at most one per key (a session and what it did) per interval and at most
 * {@link #MAX_LINES_PER_INTERVAL} in all per interval, so a publisher sending garbage cannot flood the log. Lines
 * held back are counted and the count is added to the next line written.
 * <p>
 * <b>Note:</b> used by the ingress agent's thread only; allocates only when it writes a line.
 */
final class IngressLog
{
    /** Lines written per interval at most, whatever their keys. */
    static final int MAX_LINES_PER_INTERVAL = 32;
    private static final int MAX_KEYS = 1024;

    private final Consumer<String> sink;
    private final long intervalNs;
    private final Long2LongHashMap lastLineNs = new Long2LongHashMap(Long.MIN_VALUE);
    private long intervalStartNs;
    private int linesInInterval;
    private long suppressed;

    /**
     * @param sink       where lines go.
     * @param intervalNs at most one line per key within this time.
     * @param nowNs      the clock's time now.
     */
    IngressLog(final Consumer<String> sink, final long intervalNs, final long nowNs)
    {
        this.sink = sink;
        this.intervalNs = intervalNs;
        this.intervalStartNs = nowNs - intervalNs;
    }

    /**
     * Whether a line with this key would be written now; when false the line is counted as held back.
     *
     * @param key   such as the session id and the kind of problem, packed in a long.
     * @param nowNs the clock's time now.
     * @return true when the caller should build and {@link #write(String)} the line.
     */
    boolean admit(final long key, final long nowNs)
    {
        if (nowNs - intervalStartNs >= intervalNs)
        {
            intervalStartNs = nowNs;
            linesInInterval = 0;
            if (lastLineNs.size() > MAX_KEYS)
            {
                lastLineNs.clear();
            }
        }
        final long last = lastLineNs.get(key);
        if ((Long.MIN_VALUE != last && nowNs - last < intervalNs) || linesInInterval >= MAX_LINES_PER_INTERVAL)
        {
            suppressed++;
            return false;
        }
        lastLineNs.put(key, nowNs);
        linesInInterval++;
        return true;
    }

    /**
     * Write a line admitted by {@link #admit(long, long)}.
     *
     * @param line the line.
     */
    void write(final String line)
    {
        sink.accept(0 == suppressed ? line : line + " (" + suppressed + " similar lines held back)");
        suppressed = 0;
    }
}
