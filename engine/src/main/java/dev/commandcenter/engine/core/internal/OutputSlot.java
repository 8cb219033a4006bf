package dev.commandcenter.engine.core.internal;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.egress.OutputEvent;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One pre-allocated slot of the output ring.
 */
public final class OutputSlot implements OutputEvent
{
    /** Output ring sequence. */
    public long outputSequence;
    /** Engine sequence of the input event that caused it. */
    public long inputSequence;
    /** Timestamp of that input event. */
    public long timestampNs;
    /** When the journaller passed the input event, epoch ns; 0 when not stamped. */
    public long journaledNs;
    /** When the plugin began handling the input event, epoch ns; 0 when not stamped. */
    public long handledNs;
    /** When the plugin emitted this message, epoch ns; 0 when not stamped. */
    public long emittedNs;
    /** Emitting plugin. */
    public String pluginId;
    /** Message length, header included; 0 marks a slot to skip. */
    public int length;
    /** Holds the SBE message at offset 0. */
    public final UnsafeBuffer buffer;

    /**
     * A slot with a buffer of its own (tests).
     */
    public OutputSlot()
    {
        this(new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]));
    }

    /**
     * A slot whose message lives in a slice of a ring's {@link SlotMemory}.
     *
     * @param buffer of {@link EventPublisher#MAX_MESSAGE_LENGTH} bytes.
     */
    OutputSlot(final UnsafeBuffer buffer)
    {
        this.buffer = buffer;
    }

    public long outputSequence()
    {
        return outputSequence;
    }

    public long inputSequence()
    {
        return inputSequence;
    }

    public long timestampNs()
    {
        return timestampNs;
    }

    public long journaledNs()
    {
        return journaledNs;
    }

    public long handledNs()
    {
        return handledNs;
    }

    public long emittedNs()
    {
        return emittedNs;
    }

    public String pluginId()
    {
        return pluginId;
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
