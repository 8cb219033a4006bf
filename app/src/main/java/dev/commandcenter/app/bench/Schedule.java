package dev.commandcenter.app.bench;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

/**
 * When the events of one phase go out, and the time each one's latency is measured from: a fixed-rate schedule
 * (from its intended send time, coordinated-omission safe) or a saturating one with a bounded window (from its
 * actual send time, since nothing was due).
 */
interface Schedule
{
    /**
     * The time an event's latency is measured from.
     *
     * @param index of the event, below {@link #count()}.
     * @return its intended send time (paced), or its send time (saturating).
     */
    long intendedNs(long index);

    /**
     * When event 0 is due.
     *
     * @return the start, on the clock that runs the schedule.
     */
    long startNs();

    /**
     * When the schedule ends: no event goes out at or after it.
     *
     * @return the end.
     */
    long endNs();

    /**
     * Bound of the event indices: the events of a paced schedule, the most a saturating one may send.
     *
     * @return the count.
     */
    long count();

    /**
     * Whether events are paced (every one of {@link #count()} is sent) or as fast as the server takes them.
     *
     * @return true when paced.
     */
    boolean paced();

    /**
     * Send this thread's share of the events.
     *
     * @param thread  this thread's number, 0 to threads - 1.
     * @param threads how many threads share the schedule.
     * @param clock   the clock of {@link #startNs()}.
     * @param idle    how to wait; reset after each send.
     * @param sender  sends an event.
     * @return events sent by this thread.
     */
    long run(int thread, int threads, NanoClock clock, IdleStrategy idle, FixedRateSchedule.Sender sender);

    /**
     * A client received the frame of an event.
     *
     * @param index of the event, below {@link #count()}.
     */
    default void received(final long index)
    {
    }

    /**
     * An event was refused or failed to send: no client will receive it.
     *
     * @param index of the event, below {@link #count()}.
     */
    default void refused(final long index)
    {
    }
}
