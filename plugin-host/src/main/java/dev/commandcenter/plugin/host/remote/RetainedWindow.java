package dev.commandcenter.plugin.host.remote;

import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import org.agrona.BitUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The events a remote slot has sent to its host but not yet seen acknowledged, kept so a host that comes back (or
 * a new one) is sent them again, in order. Fixed-size slots of {@link EventPublisher#MAX_MESSAGE_LENGTH} bytes in
 * one buffer allocated up front: adding, acknowledging and reading allocate nothing.
 * <pre>
 *   head (oldest unacknowledged) ... tail (next free); index = sequence slot & (capacity - 1)
 * </pre>
 * <p>
 * <b>Note:</b> not thread safe: used by the slot thread only.
 */
public final class RetainedWindow
{
    private final int capacity;
    private final int mask;
    private final UnsafeBuffer messages;
    private final long[] sequences;
    private final long[] timestamps;
    private final int[] sources;
    private final int[] lengths;
    private long head;
    private long tail;

    /**
     * A window of at least the given number of events.
     *
     * @param minCapacity events, rounded up to a power of two.
     */
    public RetainedWindow(final int minCapacity)
    {
        if (minCapacity < 1)
        {
            throw new IllegalArgumentException("retained window capacity: expected 1 or more, got " + minCapacity);
        }
        capacity = BitUtil.findNextPositivePowerOfTwo(minCapacity);
        mask = capacity - 1;
        messages = new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * EventPublisher.MAX_MESSAGE_LENGTH));
        sequences = new long[capacity];
        timestamps = new long[capacity];
        sources = new int[capacity];
        lengths = new int[capacity];
    }

    /**
     * Events the window can hold.
     *
     * @return the capacity, a power of two.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Events held.
     *
     * @return events sent and not yet acknowledged.
     */
    public int size()
    {
        return (int)(tail - head);
    }

    /**
     * Whether no more events fit.
     *
     * @return true when full.
     */
    public boolean isFull()
    {
        return tail - head == capacity;
    }

    /**
     * Whether nothing is held.
     *
     * @return true when empty.
     */
    public boolean isEmpty()
    {
        return tail == head;
    }

    /**
     * Copy an event in, at the tail.
     *
     * @param event to retain; its message must fit {@link EventPublisher#MAX_MESSAGE_LENGTH}.
     * @throws IllegalStateException when the window is full.
     */
    public void add(final Event event)
    {
        if (isFull())
        {
            throw new IllegalStateException("retained window full: " + capacity + " events not acknowledged");
        }
        final int index = (int)(tail & mask);
        messages.putBytes(index * EventPublisher.MAX_MESSAGE_LENGTH, event.buffer(), event.offset(), event.length());
        sequences[index] = event.sequence();
        timestamps[index] = event.timestampNs();
        sources[index] = event.source();
        lengths[index] = event.length();
        tail++;
    }

    /**
     * Free every event up to and including a sequence.
     *
     * @param sequence acknowledged by the host.
     * @return events freed.
     */
    public int acknowledge(final long sequence)
    {
        int freed = 0;
        while (head < tail && sequences[(int)(head & mask)] <= sequence)
        {
            head++;
            freed++;
        }
        return freed;
    }

    /**
     * Whether a sequence is held (sent, not yet acknowledged).
     *
     * @param sequence engine sequence.
     * @return true when held.
     */
    public boolean holds(final long sequence)
    {
        for (long i = head; i < tail; i++)
        {
            if (sequences[(int)(i & mask)] == sequence)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The i-th held event's sequence, oldest first.
     *
     * @param i 0 to {@link #size()} - 1.
     * @return its engine sequence.
     */
    public long sequenceAt(final int i)
    {
        return sequences[index(i)];
    }

    /**
     * The i-th held event's timestamp.
     *
     * @param i 0 to {@link #size()} - 1.
     * @return its timestamp, ns since the epoch.
     */
    public long timestampAt(final int i)
    {
        return timestamps[index(i)];
    }

    /**
     * The i-th held event's source.
     *
     * @param i 0 to {@link #size()} - 1.
     * @return its source id.
     */
    public int sourceAt(final int i)
    {
        return sources[index(i)];
    }

    /**
     * Offset of the i-th held event's message in {@link #buffer()}.
     *
     * @param i 0 to {@link #size()} - 1.
     * @return the offset.
     */
    public int offsetAt(final int i)
    {
        return index(i) * EventPublisher.MAX_MESSAGE_LENGTH;
    }

    /**
     * Length of the i-th held event's message.
     *
     * @param i 0 to {@link #size()} - 1.
     * @return the length.
     */
    public int lengthAt(final int i)
    {
        return lengths[index(i)];
    }

    /**
     * The buffer holding the messages.
     *
     * @return the buffer.
     */
    public UnsafeBuffer buffer()
    {
        return messages;
    }

    private int index(final int i)
    {
        if (i < 0 || i >= size())
        {
            throw new IndexOutOfBoundsException("retained event " + i + ": expected 0 to " + (size() - 1));
        }
        return (int)((head + i) & mask);
    }
}
