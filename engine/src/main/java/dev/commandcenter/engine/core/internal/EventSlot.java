package dev.commandcenter.engine.core.internal;

import dev.commandcenter.engine.MutableEvent;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One pre-allocated slot of the input ring: envelope fields plus a fixed buffer holding the SBE
 * message. A slot with length 0 was claimed but not filled (a failed encode) and is skipped.
 */
public final class EventSlot extends MutableEvent
{
    /** True when the producer set {@link #sequence} (replay) and the journaller must keep it. */
    public boolean presequenced;
    /** When the journaller passed the event, epoch ns; 0 when not stamped. */
    public long journaledNs;

    /**
     * A slot with a buffer of its own (tests, and buffers outside the rings).
     */
    public EventSlot()
    {
    }

    /**
     * A slot whose message lives in a slice of a ring's {@link SlotMemory}.
     *
     * @param buffer of {@link dev.commandcenter.engine.EventPublisher#MAX_MESSAGE_LENGTH} bytes.
     */
    EventSlot(final UnsafeBuffer buffer)
    {
        super(buffer);
    }
}
