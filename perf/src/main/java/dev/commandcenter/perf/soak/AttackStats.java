package dev.commandcenter.perf.soak;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one attacker did and what the server did to it.
 * <p>
 * <b>Note:</b> thread safe: an attacker's threads count into it while the report reads it.
 */
public final class AttackStats
{
    /** Connections established. */
    public final AtomicLong connected = new AtomicLong();
    /** Connections refused, reset or not established in time. */
    public final AtomicLong refused = new AtomicLong();
    /** Established connections the server closed (end of stream, reset, broken pipe). */
    public final AtomicLong closedByServer = new AtomicLong();
    /** Bytes written. */
    public final AtomicLong bytesSent = new AtomicLong();
    /** Bytes read. */
    public final AtomicLong bytesReceived = new AtomicLong();
    /** Requests, frames or messages sent. */
    public final AtomicLong requests = new AtomicLong();
    /** Answers read (status lines, replies). */
    public final AtomicLong answers = new AtomicLong();
    /** Connections open now. */
    public final AtomicLong open = new AtomicLong();
    /** Most connections open at once. */
    public final AtomicLong peakOpen = new AtomicLong();
    private final AtomicReference<String> note = new AtomicReference<>();

    /**
     * A connection was established and is open.
     */
    public void onConnected()
    {
        connected.incrementAndGet();
        final long now = open.incrementAndGet();
        peakOpen.accumulateAndGet(now, Math::max);
    }

    /**
     * An open connection ended.
     *
     * @param byServer whether the server ended it.
     */
    public void onClosed(final boolean byServer)
    {
        open.decrementAndGet();
        if (byServer)
        {
            closedByServer.incrementAndGet();
        }
    }

    /**
     * Keep the first remark (an error, a cap reached).
     *
     * @param text one line.
     */
    public void note(final String text)
    {
        note.compareAndSet(null, text);
    }

    /**
     * The first remark, or an empty string.
     *
     * @return one line.
     */
    public String note()
    {
        final String text = note.get();
        return null == text ? "" : text;
    }
}
