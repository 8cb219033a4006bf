package dev.commandcenter.engine.internal;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One pre-allocated slot of the input ring: envelope fields plus a fixed buffer holding the SBE
 * message. A slot with length 0 was claimed but not filled (a failed encode) and is skipped.
 */
public final class EventSlot implements Event
{
    /** Engine sequence; set by the journaller, or by the replayer when presequenced. */
    public long sequence;
    /** Epoch nanoseconds when the event entered the engine. */
    public long timestampNs;
    /** Source id. */
    public int source;
    /** Message length, header included; 0 marks a slot to skip. */
    public int length;
    /** True when the producer set {@link #sequence} (replay) and the journaller must keep it. */
    public boolean presequenced;
    /** Holds the SBE message at offset 0. */
    public final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);

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
