package dev.commandcenter.engine.core.internal;

import dev.commandcenter.engine.EventPublisher;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A ring's slot buffers are cut from a few shared arrays: each slot a slice of {@code MAX_MESSAGE_LENGTH} bytes at
 * its own offset, no two overlapping, at most {@code CHUNK_BYTES} per array.
 */
class SlotMemoryTest
{
    @Test
    void shouldCutEverySlotFromSharedChunksWithoutOverlap()
    {
        final int ringSize = 4_096 + 512;
        final SlotMemory<EventSlot> memory = SlotMemory.eventSlots(ringSize);
        final List<EventSlot> slots = new ArrayList<>();
        for (int i = 0; i < ringSize; i++)
        {
            slots.add(memory.newInstance());
        }

        final Map<byte[], Integer> chunks = new IdentityHashMap<>();
        slots.forEach(slot -> chunks.merge(slot.buffer.byteArray(), 1, Integer::sum));
        assertThat(chunks.values()).containsExactlyInAnyOrder(2_048, 2_048, 512);
        assertThat(chunks.keySet()).extracting(array -> array.length)
            .containsExactlyInAnyOrder(SlotMemory.CHUNK_BYTES, SlotMemory.CHUNK_BYTES, 512 * SlotMemory.SLOT_BYTES);
        assertThat(slots).allSatisfy(slot ->
            assertThat(slot.buffer.capacity()).isEqualTo(EventPublisher.MAX_MESSAGE_LENGTH));
        assertThat(slots.get(2_049).buffer.wrapAdjustment()).isEqualTo(SlotMemory.SLOT_BYTES);

        // Filling one slot to its last byte leaves its neighbours untouched.
        slots.get(1).buffer.setMemory(0, EventPublisher.MAX_MESSAGE_LENGTH, (byte)0x7F);
        assertThat(slots.get(0).buffer.getByte(EventPublisher.MAX_MESSAGE_LENGTH - 1)).isZero();
        assertThat(slots.get(2).buffer.getByte(0)).isZero();
        assertThat(slots.get(1).buffer.getByte(0)).isEqualTo((byte)0x7F);
        assertThat(slots.get(1).buffer.getByte(EventPublisher.MAX_MESSAGE_LENGTH - 1)).isEqualTo((byte)0x7F);
    }

    @Test
    void shouldGiveASlotBeyondTheRingSizeABufferOfItsOwn()
    {
        final SlotMemory<OutputSlot> memory = SlotMemory.outputSlots(2);
        final OutputSlot first = memory.newInstance();
        final OutputSlot second = memory.newInstance();
        final OutputSlot extra = memory.newInstance();

        assertThat(second.buffer.byteArray()).isSameAs(first.buffer.byteArray());
        assertThat(extra.buffer.byteArray()).isNotSameAs(first.buffer.byteArray()).hasSize(SlotMemory.SLOT_BYTES);
        assertThat(extra.buffer.wrapAdjustment()).isZero();
    }

    @Test
    void shouldRefuseARingWithoutSlots()
    {
        assertThatThrownBy(() -> SlotMemory.eventSlots(0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("ring of 0 slots, expected at least 1");
    }
}
