package dev.commandcenter.app.bench;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
     * What is left of a wait for a due time after one long park: the idle strategy's spins, yields and short parks
     * take it from there. More than a parked thread's usual lateness on Linux (the 50 µs timer slack and the
     * wake-up), so the long park seldom makes an event late.
     */
    static final long PARK_MARGIN_NS = TimeUnit.MICROSECONDS.toNanos(200);

    /**
     * Parks the sending thread.
     */
    @FunctionalInterface
    interface Parker
    {
        /**
         * Park for about so long.
         *
         * @param nanos how long, more than 0.
         */
        void parkNanos(long nanos);
    }

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
     * Send this thread's share of the events, each when it is due (or at once when already late); a wait longer
     * than {@link #PARK_MARGIN_NS} is parked in one go up to that margin before the end.
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
        return run(thread, threads, clock, idle, LockSupport::parkNanos, sender);
    }

    /**
     * Send this thread's share of the events, each when it is due (or at once when already late). A wait longer
     * than {@link #PARK_MARGIN_NS} is first parked in one go up to that margin before the due time, then left to the
     * idle strategy: at 500 events/s a backing-off strategy alone parked about twenty times per event, and the
     * load generator spent 400 µs of CPU per event waking for it, on the cores the server under test shares.
     *
     * @param thread  this thread's number, 0 to threads - 1.
     * @param threads how many threads share the schedule.
     * @param clock   the clock of {@link #startNs()}.
     * @param idle    how to wait the last {@link #PARK_MARGIN_NS} or less; reset after each send.
     * @param parker  parks for most of a longer wait.
     * @param sender  sends an event.
     * @return events sent.
     */
    long run(final int thread, final int threads, final NanoClock clock, final IdleStrategy idle, final Parker parker,
        final Sender sender)
    {
        long sent = 0;
        for (long i = thread; i < count; i += threads)
        {
            final long intendedNs = intendedNs(i);
            long waitNs;
            while ((waitNs = intendedNs - clock.nanoTime()) > 0)
            {
                if (Thread.currentThread().isInterrupted())
                {
                    return sent;
                }
                if (waitNs > PARK_MARGIN_NS)
                {
                    parker.parkNanos(waitNs - PARK_MARGIN_NS);
                }
                else
                {
                    idle.idle();
                }
            }
            idle.reset();
            sender.send(i, intendedNs);
            sent++;
        }
        return sent;
    }
}
