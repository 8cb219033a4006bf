package dev.commandcenter.app.bench;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

/**
 * A fixed-rate schedule: event {@code i} is due at {@code start + i / rate}. Latency is measured from this
 * intended time, not from when the event was actually sent, so when the system under test stalls the sender,
 * every event queued behind the stall carries the wait (the correction for coordinated omission).
 * <p>
 * <b>Note:</b> immutable; {@link #run} may be called from several threads, each taking every n-th event.
 */
final class FixedRateSchedule implements Schedule
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /**
     * Sends one event.
     */
    @FunctionalInterface
    interface Sender
    {
        /**
         * Send an event; must not wait for the reply, or the schedule waits with it (which the latency still
         * shows, because it is measured from the intended time).
         *
         * @param index      of the event in the schedule.
         * @param intendedNs when it was due.
         */
        void send(long index, long intendedNs);
    }

    private final long startNs;
    private final long ratePerSecond;
    private final long count;

    /**
     * @param startNs       when event 0 is due, on the clock that runs the schedule.
     * @param ratePerSecond events per second, more than 0.
     * @param count         events in the schedule.
     */
    FixedRateSchedule(final long startNs, final long ratePerSecond, final long count)
    {
        if (ratePerSecond <= 0)
        {
            throw new IllegalArgumentException("rate must be more than 0 events per second, got " + ratePerSecond);
        }
        this.startNs = startNs;
        this.ratePerSecond = ratePerSecond;
        this.count = count;
    }

    /**
     * When an event is due.
     *
     * @param index of the event.
     * @return its intended send time.
     */
    public long intendedNs(final long index)
    {
        return startNs + (index * NANOS_PER_SECOND) / ratePerSecond;
    }

    /**
     * When event 0 is due.
     *
     * @return the start.
     */
    public long startNs()
    {
        return startNs;
    }

    /**
     * When the event after the last would be due: the end of the schedule.
     *
     * @return the end.
     */
    public long endNs()
    {
        return intendedNs(count);
    }

    /**
     * Events in the schedule.
     *
     * @return the count.
     */
    public long count()
    {
        return count;
    }

    /**
     * Every event of a fixed-rate schedule is sent, each when due.
     *
     * @return true.
     */
    public boolean paced()
    {
        return true;
    }

    /**
     * Send this thread's share of the events, each when it is due (or at once when already late).
     *
     * @param thread  this thread's number, 0 to threads - 1.
     * @param threads how many threads share the schedule.
     * @param clock   the clock of {@link #startNs()}.
     * @param idle    how to wait for the next due time; reset after each send.
     * @param sender  sends an event.
     * @return events sent.
     */
    public long run(final int thread, final int threads, final NanoClock clock, final IdleStrategy idle, final Sender sender)
    {
        long sent = 0;
        for (long i = thread; i < count; i += threads)
        {
            final long intendedNs = intendedNs(i);
            while (clock.nanoTime() - intendedNs < 0)
            {
                if (Thread.currentThread().isInterrupted())
                {
                    return sent;
                }
                idle.idle();
            }
            idle.reset();
            sender.send(i, intendedNs);
            sent++;
        }
        return sent;
    }
}
