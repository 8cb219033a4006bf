package dev.commandcenter.perf.chat;

import org.agrona.concurrent.NanoClock;

import java.util.concurrent.locks.LockSupport;

/**
 * The fixed schedule of a chat load run: message {@code i} (its messageId) is due at {@code start + i / rate}, the
 * warm-up's messages first. Latency is measured from this intended time, not from when the post actually went out, so
 * a stall of the poster (or of the server under it) shows in every message queued behind it: coordinated-omission
 * safe.
 * <p>
 * <b>Note:</b> immutable; {@link #run} runs on one thread.
 */
final class ChatSchedule
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long MAX_PARK_NS = 200_000L;

    /**
     * Posts one message.
     */
    @FunctionalInterface
    interface Post
    {
        /**
         * Post a message without waiting for the answer, or the schedule waits with it (which the latency still shows).
         *
         * @param index      the message's index and messageId.
         * @param intendedNs when it was due.
         */
        void post(long index, long intendedNs);
    }

    private final long startNs;
    private final long rate;
    private final long warmupCount;
    private final long count;

    /**
     * @param startNs     when message 0 is due, on the clock that runs the schedule.
     * @param rate        messages per second, more than 0.
     * @param warmupCount messages of the warm-up, first in the schedule.
     * @param count       messages in all, warm-up included.
     */
    ChatSchedule(final long startNs, final long rate, final long warmupCount, final long count)
    {
        if (rate <= 0)
        {
            throw new IllegalArgumentException("rate must be more than 0 messages per second, got " + rate);
        }
        if (warmupCount < 0 || warmupCount >= count)
        {
            throw new IllegalArgumentException("warm-up messages must be 0 or more and fewer than the " + count +
                " of the schedule, got " + warmupCount);
        }
        this.startNs = startNs;
        this.rate = rate;
        this.warmupCount = warmupCount;
        this.count = count;
    }

    /**
     * When a message is due.
     *
     * @param index the message's index.
     * @return its intended send time.
     */
    long intendedNs(final long index)
    {
        return startNs + (index * NANOS_PER_SECOND) / rate;
    }

    /**
     * Whether a message belongs to the measured run (not the warm-up), and is one of the schedule's.
     *
     * @param index the message's index.
     * @return true when measured.
     */
    boolean measured(final long index)
    {
        return index >= warmupCount && index < count;
    }

    /**
     * Whether a message is one of the schedule's.
     *
     * @param index the message's index.
     * @return true when in range.
     */
    boolean contains(final long index)
    {
        return index >= 0 && index < count;
    }

    /**
     * Messages in all.
     *
     * @return the count.
     */
    long count()
    {
        return count;
    }

    /**
     * Messages of the warm-up.
     *
     * @return the count.
     */
    long warmupCount()
    {
        return warmupCount;
    }

    /**
     * When the first measured message is due.
     *
     * @return the time.
     */
    long measuredStartNs()
    {
        return intendedNs(warmupCount);
    }

    /**
     * When the message after the last would be due: the end of the schedule.
     *
     * @return the time.
     */
    long endNs()
    {
        return intendedNs(count);
    }

    /**
     * Post every message when it is due, or at once when already late, in order.
     *
     * @param clock the clock of the start.
     * @param post  posts a message.
     * @return messages posted (fewer than {@link #count()} only when the thread was interrupted).
     */
    long run(final NanoClock clock, final Post post)
    {
        long posted = 0;
        for (long i = 0; i < count; i++)
        {
            final long intendedNs = intendedNs(i);
            long waitNs;
            while ((waitNs = intendedNs - clock.nanoTime()) > 0)
            {
                if (Thread.currentThread().isInterrupted())
                {
                    return posted;
                }
                LockSupport.parkNanos(Math.min(waitNs, MAX_PARK_NS));
            }
            post.post(i, intendedNs);
            posted++;
        }
        return posted;
    }
}
