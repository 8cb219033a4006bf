package dev.commandcenter.app.bench;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A saturating schedule: events go out as fast as the server takes them, with at most a window of them in
 * flight, until the end time or the capacity: event {@code i} goes out only once every event up to
 * {@code i - window} was received by every client (or refused), so no client is ever more than the window behind
 * and a server's slow-client policy never has cause to drop a frame. Latency is
 * measured from each event's actual send time. When the window stays full for longer than the stall timeout
 * (frames lost, or a server that stopped), sending ends and the schedule says it stalled.
 * <p>
 * <b>Note:</b> {@link #run} may be called from several threads; they share one counter of events.
 */
final class WindowedSchedule implements Schedule
{
    /** {@link #claim}: the window is full. */
    static final long WINDOW_FULL = -1;
    /** {@link #claim}: every event has been sent. */
    static final long NO_MORE = -2;

    private final long startNs;
    private final long endNs;
    private final int window;
    private final long stallTimeoutNs;
    private final AtomicLongArray sentNs;
    private final AtomicIntegerArray deliveries;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong complete = new AtomicLong();
    private volatile boolean stalled;
    private volatile int receivers = 1;
    /** Told when an event completes or is refused (the window may have moved), or null. */
    private volatile Runnable onMove;

    /**
     * @param startNs        when the first event may go out.
     * @param durationNs     how long events go out for.
     * @param window         most events in flight, 1 or more.
     * @param capacity       most events sent, 1 or more (one send time each is kept).
     * @param stallTimeoutNs longest wait for the window to move before sending ends.
     */
    WindowedSchedule(
        final long startNs, final long durationNs, final int window, final int capacity, final long stallTimeoutNs)
    {
        if (window < 1)
        {
            throw new IllegalArgumentException("window must be 1 or more events in flight, got " + window);
        }
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be 1 or more events, got " + capacity);
        }
        this.startNs = startNs;
        this.endNs = startNs + durationNs;
        this.window = window;
        this.stallTimeoutNs = stallTimeoutNs;
        this.sentNs = new AtomicLongArray(capacity);
        this.deliveries = new AtomicIntegerArray(capacity);
    }

    /**
     * How many clients receive each event: an event is complete once that many received it.
     *
     * @param receivers clients receiving each event.
     */
    void receivers(final int receivers)
    {
        this.receivers = Math.max(1, receivers);
    }

    public void received(final long index)
    {
        if (deliveries.incrementAndGet((int)index) >= receivers)
        {
            moved();
        }
    }

    public void refused(final long index)
    {
        deliveries.set((int)index, Integer.MAX_VALUE);
        moved();
    }

    private void moved()
    {
        final Runnable onMove = this.onMove;
        if (null != onMove)
        {
            onMove.run();
        }
    }

    /**
     * Who to tell, on the thread that saw it, each time an event is complete (every client received it) or refused:
     * the window may have moved. For {@link LoopPump}, which sends instead of {@link #run}.
     *
     * @param onMove the listener, or null for none.
     */
    void onMove(final Runnable onMove)
    {
        this.onMove = onMove;
    }

    /**
     * Take the next event to send now, when the window has room: {@link #run}'s step, for {@link LoopPump}.
     *
     * @param nowNs now, its send time.
     * @return the event's index, {@link #WINDOW_FULL} when the window is full, or {@link #NO_MORE} when every event
     *         has been sent.
     */
    long claim(final long nowNs)
    {
        if (inFlight() >= window)
        {
            return WINDOW_FULL;
        }
        final long index = next.getAndIncrement();
        if (index >= sentNs.length())
        {
            return NO_MORE;
        }
        sentNs.setRelease((int)index, nowNs);
        return index;
    }

    /**
     * Sending ends because the window stopped moving, for {@link LoopPump}: {@link #stalled()} says so.
     */
    void stall()
    {
        stalled = true;
    }

    /**
     * The longest wait for the window to move before sending ends.
     *
     * @return ns.
     */
    long stallTimeoutNs()
    {
        return stallTimeoutNs;
    }

    public long intendedNs(final long index)
    {
        return sentNs.getAcquire((int)index);
    }

    public long startNs()
    {
        return startNs;
    }

    public long endNs()
    {
        return endNs;
    }

    public long count()
    {
        return sentNs.length();
    }

    /**
     * Events go out as fast as the window allows.
     *
     * @return false.
     */
    public boolean paced()
    {
        return false;
    }

    /**
     * Events in flight: from the oldest event some client has not received yet (and that was not refused) to the
     * last sent.
     *
     * @return the count.
     */
    long inFlight()
    {
        final long issued = Math.min(next.get(), sentNs.length());
        long oldest = complete.get();
        while (oldest < issued && deliveries.get((int)oldest) >= receivers)
        {
            if (complete.compareAndSet(oldest, oldest + 1))
            {
                oldest++;
            }
            else
            {
                oldest = complete.get();
            }
        }
        return issued - oldest;
    }

    /**
     * Whether sending ended because the window stopped moving.
     *
     * @return true after a stall.
     */
    boolean stalled()
    {
        return stalled;
    }

    /**
     * The window.
     *
     * @return most events in flight.
     */
    int window()
    {
        return window;
    }

    public long run(final int thread, final int threads, final NanoClock clock, final IdleStrategy idle,
        final FixedRateSchedule.Sender sender)
    {
        long sent = 0;
        long fullSinceNs = 0;
        boolean full = false;
        while (clock.nanoTime() - startNs < 0)
        {
            if (Thread.currentThread().isInterrupted())
            {
                return sent;
            }
            idle.idle();
        }
        while (!stalled && !Thread.currentThread().isInterrupted())
        {
            final long nowNs = clock.nanoTime();
            if (nowNs - endNs >= 0)
            {
                break;
            }
            if (inFlight() >= window)
            {
                if (!full)
                {
                    full = true;
                    fullSinceNs = nowNs;
                }
                else if (nowNs - fullSinceNs > stallTimeoutNs)
                {
                    stalled = true;
                    break;
                }
                idle.idle();
                continue;
            }
            full = false;
            idle.reset();
            final long index = next.getAndIncrement();
            if (index >= sentNs.length())
            {
                break;
            }
            sentNs.setRelease((int)index, nowNs);
            sender.send(index, nowNs);
            sent++;
        }
        return sent;
    }
}
