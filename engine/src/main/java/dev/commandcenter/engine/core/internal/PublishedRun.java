package dev.commandcenter.engine.core.internal;

import com.lmax.disruptor.RingBuffer;

/**
 * The run of published positions a consumer of a multi-producer ring may take: on such a ring the cursor is the
 * highest position claimed, and a position below it may still be unpublished, so a consumer takes the contiguous
 * published run from its next position (Disruptor 4's {@code RingBuffer} has no {@code getHighestPublishedSequence}).
 */
final class PublishedRun
{
    private PublishedRun()
    {
    }

    /**
     * The last position of the contiguous published run starting at {@code first}.
     *
     * @param ring  the ring.
     * @param first the consumer's next position.
     * @return the last published position of the run, {@code first - 1} when {@code first} is not published.
     */
    static long lastOf(final RingBuffer<?> ring, final long first)
    {
        final long cursor = ring.getCursor();
        long available = first - 1;
        while (available < cursor && ring.isAvailable(available + 1))
        {
            available++;
        }
        return available;
    }
}
