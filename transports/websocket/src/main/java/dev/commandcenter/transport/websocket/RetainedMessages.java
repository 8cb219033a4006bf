package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;

/**
 * The last N messages of one feed, oldest first, each with its output sequence, each as its encoded JSON and SBE frames with their payload lengths.
 * The ring holds one reference to each buffer and releases it when the entry is overwritten.
 * <p>
 * <b>Note:</b> not thread safe; guarded by the egress lock.
 */
final class RetainedMessages
{
    private final int capacity;
    private final int[] templateIds;
    private final long[] sequences;
    private final ByteBuf[] json;
    private final ByteBuf[] sbe;
    private final int[] jsonLengths;
    private final int[] sbeLengths;
    private int head;
    private int size;
    private long lastEvictedSequence = -1;

    RetainedMessages(final int capacity)
    {
        this.capacity = capacity;
        this.templateIds = new int[capacity];
        this.sequences = new long[capacity];
        this.json = new ByteBuf[capacity];
        this.sbe = new ByteBuf[capacity];
        this.jsonLengths = new int[capacity];
        this.sbeLengths = new int[capacity];
    }

    /**
     * Keep a message, evicting the oldest when full; takes a new reference to each buffer.
     */
    void add(
        final long sequence,
        final int templateId, final ByteBuf jsonBuffer, final int jsonLength, final ByteBuf sbeBuffer, final int sbeLength)
    {
        if (0 == capacity)
        {
            lastEvictedSequence = sequence;
            return;
        }
        final int index = head;
        if (size == capacity)
        {
            lastEvictedSequence = sequences[index];
            release(index);
        }
        else
        {
            size++;
        }
        templateIds[index] = templateId;
        sequences[index] = sequence;
        json[index] = jsonBuffer.retain();
        sbe[index] = sbeBuffer.retain();
        jsonLengths[index] = jsonLength;
        sbeLengths[index] = sbeLength;
        head = index + 1 == capacity ? 0 : index + 1;
    }

    int size()
    {
        return size;
    }

    int capacity()
    {
        return capacity;
    }

    /**
     * Output sequence of the newest entry evicted to make room, or -1 when none was.
     */
    long lastEvictedSequence()
    {
        return lastEvictedSequence;
    }

    long sequence(final int i)
    {
        return sequences[slot(i)];
    }

    /** Index into the arrays of the i-th oldest entry. */
    private int slot(final int i)
    {
        final int index = head - size + i;
        return index < 0 ? index + capacity : index;
    }

    int templateId(final int i)
    {
        return templateIds[slot(i)];
    }

    ByteBuf json(final int i)
    {
        return json[slot(i)];
    }

    ByteBuf sbe(final int i)
    {
        return sbe[slot(i)];
    }

    int jsonLength(final int i)
    {
        return jsonLengths[slot(i)];
    }

    int sbeLength(final int i)
    {
        return sbeLengths[slot(i)];
    }

    /**
     * Release every entry.
     */
    void clear()
    {
        for (int i = 0; i < size; i++)
        {
            release(slot(i));
        }
        head = 0;
        size = 0;
        lastEvictedSequence = -1;
    }

    private void release(final int index)
    {
        json[index].release();
        sbe[index].release();
        json[index] = null;
        sbe[index] = null;
    }
}
