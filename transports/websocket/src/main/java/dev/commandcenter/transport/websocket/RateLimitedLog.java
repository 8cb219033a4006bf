package dev.commandcenter.transport.websocket;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Warning lines about hostile or broken connections, at most one per key (a remote address and what it did)
 * per interval and at most {@link #MAX_LINES_PER_INTERVAL} in all per interval, so a flood of connections
 * cannot flood the log. Lines held back are counted and the count is added to the next line written.
 * <p>
 * <b>Note:</b> thread safe: called from the acceptor and every event loop.
 */
final class RateLimitedLog
{
    /** Lines written per interval at most, whatever their keys. */
    static final int MAX_LINES_PER_INTERVAL = 64;
    private static final int MAX_KEYS = 4096;

    private final Consumer<String> sink;
    private final long intervalNs;
    private final Map<String, Long> lastLineNs = new HashMap<>();
    private long intervalStartNs;
    private int linesInInterval;
    private long suppressed;

    /**
     * @param sink       where lines go.
     * @param intervalMs at most one line per key within this time.
     */
    RateLimitedLog(final Consumer<String> sink, final long intervalMs)
    {
        this.sink = sink;
        this.intervalNs = intervalMs * 1_000_000L;
        this.intervalStartNs = System.nanoTime() - intervalNs;
    }

    /**
     * Write a line unless one with the same key was written within the interval.
     *
     * @param key  what limits the rate, such as the remote address and the limit.
     * @param line the line, which must not carry a secret.
     * @return true when written.
     */
    boolean warn(final String key, final String line)
    {
        final String out;
        synchronized (this)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - intervalStartNs >= intervalNs)
            {
                intervalStartNs = nowNs;
                linesInInterval = 0;
                if (lastLineNs.size() > MAX_KEYS)
                {
                    lastLineNs.clear();
                }
            }
            final Long last = lastLineNs.get(key);
            if ((null != last && nowNs - last < intervalNs) || linesInInterval >= MAX_LINES_PER_INTERVAL)
            {
                suppressed++;
                return false;
            }
            lastLineNs.put(key, nowNs);
            linesInInterval++;
            out = 0 == suppressed ? line : line + " (" + suppressed + " similar lines held back)";
            suppressed = 0;
        }
        sink.accept(out);
        return true;
    }
}
