package dev.commandcenter.engine.core.internal.slot;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import dev.commandcenter.engine.core.internal.EventSlot;
import dev.commandcenter.engine.core.internal.SlotMemory;
import org.agrona.BitUtil;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.function.Consumer;

/**
 * The bounded hand-off between the slot thread and a detached plugin's thread: a single-producer ring of
 * pre-allocated {@link EventSlot}s. The slot thread {@link #offer}s a copy of each admitted input event
 * (envelope and message bytes); when the buffer is full the event is dropped for this plugin and counted.
 * The detached thread {@link #poll}s what was published, in order.
 * <p>
 * <b>Note:</b> one producer thread and one consumer thread. Memory ordering: the producer writes the copy
 * with plain stores and publishes it by a release store of the ring cursor; the consumer reads the cursor
 * with an acquire load before reading any copy, so a copy is never seen torn. The consumer releases each
 * copy back by a release store of its {@code consumed} sequence, which the producer reads (acquire) before
 * it reuses the slot. The ring is never waited on (both sides poll), so its wait strategy is only a
 * signal that costs nothing.
 */
public final class DetachedBuffer
{
    private final RingBuffer<EventSlot> ring;
    private final Sequence consumed = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
    private final AtomicCounter dropped;

    /**
     * A buffer of at least {@code minCapacity} events (rounded up to a power of two, at least 2).
     *
     * @param minCapacity fewest events it holds.
     * @param dropped     counts events dropped because the buffer was full; written by the producer.
     */
    public DetachedBuffer(final int minCapacity, final AtomicCounter dropped)
    {
        final int capacity = capacityFor(minCapacity);
        this.ring = RingBuffer.createSingleProducer(
            SlotMemory.eventSlots(capacity), capacity, new BusySpinWaitStrategy());
        this.ring.addGatingSequences(consumed);
        this.dropped = dropped;
    }

    /**
     * The capacity a buffer for {@code minCapacity} events gets.
     *
     * @param minCapacity fewest events it holds.
     * @return the power of two capacity.
     */
    public static int capacityFor(final int minCapacity)
    {
        return BitUtil.findNextPositivePowerOfTwo(Math.max(2, minCapacity));
    }

    /**
     * Copy an event into the buffer, or drop and count it when the buffer is full (producer).
     *
     * @param event the event to copy.
     * @return false when it was dropped.
     */
    public boolean offer(final EventSlot event)
    {
        final long position;
        try
        {
            position = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            dropped.incrementRelease();
            return false;
        }
        final EventSlot copy = ring.get(position);
        copy.sequence = event.sequence;
        copy.timestampNs = event.timestampNs;
        copy.journaledNs = event.journaledNs;
        copy.source = event.source;
        copy.presequenced = event.presequenced;
        copy.length = event.length;
        copy.buffer.putBytes(0, event.buffer, 0, event.length);
        ring.publish(position);
        return true;
    }

    /**
     * Hand every published copy up to a position to a handler, in order, releasing each after the handler
     * returns (consumer). The handler must not keep the copy.
     *
     * @param handler     receives each copy.
     * @param maxPosition the last position to hand over; {@link Long#MAX_VALUE} for all published.
     * @return how many copies were handed over.
     */
    public int poll(final Consumer<EventSlot> handler, final long maxPosition)
    {
        final long available = Math.min(ring.getCursor(), maxPosition);
        long next = consumed.get() + 1;
        int count = 0;
        while (next <= available)
        {
            try
            {
                handler.accept(ring.get(next));
            }
            finally
            {
                consumed.set(next);
            }
            next++;
            count++;
        }
        return count;
    }

    /**
     * The position of the last copy published (any thread).
     *
     * @return the cursor.
     */
    public long cursor()
    {
        return ring.getCursor();
    }

    /**
     * The position of the last copy handled (any thread).
     *
     * @return the consumed position.
     */
    public long consumed()
    {
        return consumed.get();
    }

    /**
     * Copies published but not yet handled (any thread).
     *
     * @return the backlog.
     */
    public long backlog()
    {
        return Math.max(0, ring.getCursor() - consumed.get());
    }

    /**
     * How many copies it holds.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return ring.getBufferSize();
    }
}
