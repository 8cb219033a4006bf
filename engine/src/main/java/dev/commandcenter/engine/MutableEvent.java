package dev.commandcenter.engine;

import dev.commandcenter.codecs.MessageSchema;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * An {@link Event} whose envelope and message are set in place: the shape of an input ring slot,
 * also used by test kits, tools and benchmarks that hand events to plugins or journals without an
 * engine. The message lives at offset 0 of a buffer of {@link EventPublisher#MAX_MESSAGE_LENGTH} bytes.
 * <p>
 * <b>Note:</b> not thread safe; one writer, readers only after a happens-before edge (a ring publish).
 */
public class MutableEvent implements Event
{
    /** Engine sequence. */
    public long sequence;
    /** Epoch nanoseconds when the event entered the engine. */
    public long timestampNs;
    /** Source id, one of {@link Sources}. */
    public int source;
    /** Message length, header included; 0 marks an empty event. */
    public int length;
    /** Holds the SBE message at offset 0. */
    public final UnsafeBuffer buffer;

    /**
     * An event with a buffer of its own.
     */
    public MutableEvent()
    {
        this(new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]));
    }

    /**
     * An event whose message lives in the given buffer, such as a slice of memory shared by a whole ring.
     *
     * @param buffer of exactly {@link EventPublisher#MAX_MESSAGE_LENGTH} bytes, the message at its offset 0.
     * @throws IllegalArgumentException when the buffer has another capacity.
     */
    protected MutableEvent(final UnsafeBuffer buffer)
    {
        if (buffer.capacity() != EventPublisher.MAX_MESSAGE_LENGTH)
        {
            throw new IllegalArgumentException("event buffer of " + buffer.capacity() + " bytes, expected " +
                EventPublisher.MAX_MESSAGE_LENGTH);
        }
        this.buffer = buffer;
    }

    public long sequence()
    {
        return sequence;
    }

    public long timestampNs()
    {
        return timestampNs;
    }

    public int source()
    {
        return source;
    }

    public int templateId()
    {
        return MessageSchema.templateId(buffer, 0);
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return 0;
    }

    public int length()
    {
        return length;
    }
}
