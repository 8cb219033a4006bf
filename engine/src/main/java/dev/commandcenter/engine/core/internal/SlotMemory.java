package dev.commandcenter.engine.core.internal;

import com.lmax.disruptor.EventFactory;
import dev.commandcenter.engine.EventPublisher;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Function;

/**
 * The message buffers of a whole ring's slots, cut from a few large heap arrays instead of one small array per slot.
 * <p>
 * A ring's slots live as long as the engine, and their buffers are most of its memory (8,192 input slots of 4 KiB
 * are 32 MiB). Allocated one array per slot, they started in the young generation, and the collector copied all of
 * them from survivor space to survivor space on every young collection until they were old enough to promote: pauses
 * of 50 to 100 ms in an engine's first minutes. An array of {@value #CHUNK_BYTES} bytes is larger than half a G1
 * region of a heap of up to 32 GiB, so G1 allocates it as a humongous object, directly in the old generation, and a
 * young collection never copies it.
 * <p>
 * <b>Note:</b> a factory for one ring fill, on one thread: {@link com.lmax.disruptor.RingBuffer} calls it once per
 * slot, in order. Slots asked for beyond the ring size it was made for get buffers of their own.
 *
 * @param <T> slot type.
 */
public final class SlotMemory<T> implements EventFactory<T>
{
    /** Bytes of one slot's message buffer. */
    public static final int SLOT_BYTES = EventPublisher.MAX_MESSAGE_LENGTH;
    /** Bytes of each shared array, 8 MiB: at most 2,048 slots each. */
    public static final int CHUNK_BYTES = 8 * 1024 * 1024;

    private static final int SLOTS_PER_CHUNK = CHUNK_BYTES / SLOT_BYTES;

    private final Function<UnsafeBuffer, T> slot;
    private final int slots;
    private byte[] chunk;
    private int made;

    private SlotMemory(final int slots, final Function<UnsafeBuffer, T> slot)
    {
        if (slots < 1)
        {
            throw new IllegalArgumentException("ring of " + slots + " slots, expected at least 1");
        }
        this.slots = slots;
        this.slot = slot;
    }

    /**
     * Input ring slots.
     *
     * @param ringSize slots of the ring to fill.
     * @return the factory to create the ring with.
     */
    public static SlotMemory<EventSlot> eventSlots(final int ringSize)
    {
        return new SlotMemory<>(ringSize, EventSlot::new);
    }

    /**
     * Output ring slots.
     *
     * @param ringSize slots of the ring to fill.
     * @return the factory to create the ring with.
     */
    public static SlotMemory<OutputSlot> outputSlots(final int ringSize)
    {
        return new SlotMemory<>(ringSize, OutputSlot::new);
    }

    public T newInstance()
    {
        if (made >= slots)
        {
            return slot.apply(new UnsafeBuffer(new byte[SLOT_BYTES]));
        }
        final int index = made % SLOTS_PER_CHUNK;
        if (0 == index)
        {
            chunk = new byte[Math.min(SLOTS_PER_CHUNK, slots - made) * SLOT_BYTES];
        }
        made++;
        return slot.apply(new UnsafeBuffer(chunk, index * SLOT_BYTES, SLOT_BYTES));
    }
}
