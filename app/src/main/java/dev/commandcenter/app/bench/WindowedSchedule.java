package dev.commandcenter.app.bench;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A saturating schedule: events go out as fast as the server takes them, with at most a window of them in
 * flight (sent, and not yet received by every client nor refused), until the end time or the capacity. Latency is
 * measured from each event's actual send time. When the window stays full for longer than the stall timeout
 * (frames lost, or a server that stopped), sending ends and the schedule says it stalled.
 * <p>
 * <b>Note:</b> {@link #run} may be called from several threads; they share one counter of events.
 */
final class WindowedSchedule implements Schedule
{
    private final long startNs;
    private final long endNs;
    private final int window;
    private final long stallTimeoutNs;
    private final AtomicLongArray sentNs;
    private final AtomicLong next = new AtomicLong();
    private volatile boolean stalled;
    private LatencyRecorder recorder;
    private int receivers = 1;

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
    }

    /**
     * Follow the recorder of this phase: its received frames and send errors move the window.
     *
     * @param recorder  of this phase, built on this schedule.
     * @param receivers clients receiving each event.
     */
    void track(final LatencyRecorder recorder, final int receivers)
    {
        this.recorder = recorder;
        this.receivers = Math.max(1, receivers);
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
     * Events in flight: sent, less those refused, less those every client received (frames received over the
     * clients, so a client behind the others holds the window with the frames it has not received yet).
     *
     * @return the count.
     */
    long inFlight()
    {
        final long issued = Math.min(next.get(), sentNs.length());
        final LatencyRecorder recorder = this.recorder;
        if (null == recorder)
        {
            return issued;
        }
        return issued - recorder.sendErrors() - recorder.received() / receivers;
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
