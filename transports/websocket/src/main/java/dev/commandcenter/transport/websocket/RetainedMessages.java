package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import org.agrona.DirectBuffer;

/**
 * The last N messages of one feed, oldest first, each with its output sequence, its SBE message (copied into an array
 * of the entry's own, reused by the entries that later take its place) and, once a client has taken it in JSON, its
 * JSON frame, with its payload length. An output no live client takes in JSON is kept without one; the entry keeps
 * what its JSON needs besides the SBE message (input sequence, timestamp, plugin), so a client that resumes or
 * subscribes later gets it rendered then, once per entry. No SBE frame is made for the ring: a client that takes
 * SBE and resumes or subscribes later gets its frames made then.
 * The ring holds one reference to each JSON frame and releases it when the entry is overwritten.
 * <p>
 * <b>Note:</b> not thread safe; guarded by the egress lock.
 */
final class RetainedMessages
{
    /** Smallest array an entry's SBE message is copied into. */
    static final int MIN_MESSAGE_ARRAY = 512;

    private final int capacity;
    private final int[] templateIds;
    private final long[] sequences;
    private final long[] inputSequences;
    private final long[] timestamps;
    private final String[] pluginIds;
    private final ByteBuf[] json;
    /** Each entry's SBE message, from index 0; grown when a longer one takes the entry. */
    private final byte[][] sbe;
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
        this.inputSequences = new long[capacity];
        this.timestamps = new long[capacity];
        this.pluginIds = new String[capacity];
        this.json = new ByteBuf[capacity];
        this.sbe = new byte[capacity][];
        this.jsonLengths = new int[capacity];
        this.sbeLengths = new int[capacity];
    }

    /**
     * Keep a message, evicting the oldest when full; takes a new reference to the JSON frame and copies the SBE
     * message.
     *
     * @param sequence      output sequence.
     * @param inputSequence of the input the output answers, for its JSON.
     * @param timestampNs   of the output, for its JSON.
     * @param pluginId      that emitted it, for its JSON.
     * @param templateId    of the SBE message.
     * @param jsonBuffer    the JSON frame, or null when no client has taken it yet.
     * @param jsonLength    its payload length, 0 with no frame.
     * @param message       holding the SBE message.
     * @param offset        of the SBE message in it.
     * @param sbeLength     length of the SBE message.
     */
    void add(
        final long sequence,
        final long inputSequence,
        final long timestampNs,
        final String pluginId,
        final int templateId,
        final ByteBuf jsonBuffer,
        final int jsonLength,
        final DirectBuffer message,
        final int offset,
        final int sbeLength)
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
        inputSequences[index] = inputSequence;
        timestamps[index] = timestampNs;
        pluginIds[index] = pluginId;
        json[index] = null == jsonBuffer ? null : jsonBuffer.retain();
        byte[] bytes = sbe[index];
        if (null == bytes || bytes.length < sbeLength)
        {
            bytes = new byte[Math.max(sbeLength, MIN_MESSAGE_ARRAY)];
            sbe[index] = bytes;
        }
        message.getBytes(offset, bytes, 0, sbeLength);
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

    long inputSequence(final int i)
    {
        return inputSequences[slot(i)];
    }

    long timestampNs(final int i)
    {
        return timestamps[slot(i)];
    }

    String pluginId(final int i)
    {
        return pluginIds[slot(i)];
    }

    /**
     * The JSON frame of the i-th oldest entry, or null when none has been rendered for it yet.
     */
    ByteBuf json(final int i)
    {
        return json[slot(i)];
    }

    /**
     * Keep the JSON frame rendered for the i-th oldest entry, which had none; the entry takes over the caller's
     * reference.
     */
    void json(final int i, final ByteBuf frame, final int length)
    {
        final int index = slot(i);
        json[index] = frame;
        jsonLengths[index] = length;
    }

    /**
     * The SBE message of the i-th oldest entry, from index 0, {@link #sbeLength} bytes of it.
     */
    byte[] sbe(final int i)
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
        if (null != json[index])
        {
            json[index].release();
        }
        pluginIds[index] = null;
        json[index] = null;
    }
}
