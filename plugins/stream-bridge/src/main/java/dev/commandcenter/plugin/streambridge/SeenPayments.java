package dev.commandcenter.plugin.streambridge;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Hashing;

import java.nio.ByteOrder;

/**
 * A bounded memory of payments already alerted, keyed by txid and script hash (64 bytes). When
 * full, the oldest payment is forgotten first. Keys are compared in full, so two payments are never
 * confused; storage is pre-allocated, so remembering and looking up allocate nothing.
 * <p>
 * Layout: a FIFO ring of {@code capacity} keys (8 longs each) and an open-addressing index (linear
 * probing, backward-shift deletion) of slot numbers plus one, 0 meaning empty.
 * <p>
 * <b>Note:</b> not thread safe; owned by the plugin's thread.
 */
final class SeenPayments
{
    private static final int KEY_LONGS = 8;

    private final int capacity;
    private final long[] keys;
    private final int[] slotHashes;
    private final int[] index;
    private final int mask;
    private final long[] probe = new long[KEY_LONGS];
    private int size;
    private int nextSlot;

    /**
     * Create an empty memory.
     *
     * @param capacity number of payments remembered; at least 1.
     */
    SeenPayments(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity: expected 1 or more, got " + capacity);
        }
        this.capacity = capacity;
        keys = new long[capacity * KEY_LONGS];
        slotHashes = new int[capacity];
        index = new int[BitUtil.findNextPositivePowerOfTwo(capacity * 2)];
        mask = index.length - 1;
    }

    /**
     * Whether a payment is remembered.
     *
     * @param buffer           holding the payment.
     * @param txidOffset       of the 32 txid bytes.
     * @param scriptHashOffset of the 32 script hash bytes.
     * @return true if it was seen and not yet forgotten.
     */
    boolean contains(final DirectBuffer buffer, final int txidOffset, final int scriptHashOffset)
    {
        load(buffer, txidOffset, scriptHashOffset);
        return find(hash()) >= 0;
    }

    /**
     * Remember a payment, forgetting the oldest when full.
     *
     * @param buffer           holding the payment.
     * @param txidOffset       of the 32 txid bytes.
     * @param scriptHashOffset of the 32 script hash bytes.
     * @return true if it was new; false if it was already remembered.
     */
    boolean add(final DirectBuffer buffer, final int txidOffset, final int scriptHashOffset)
    {
        load(buffer, txidOffset, scriptHashOffset);
        final int hash = hash();
        if (find(hash) >= 0)
        {
            return false;
        }
        final int slot = nextSlot;
        if (size == capacity)
        {
            removeAt(find(slotHashes[slot], slot));
        }
        else
        {
            size++;
        }
        System.arraycopy(probe, 0, keys, slot * KEY_LONGS, KEY_LONGS);
        slotHashes[slot] = hash;
        int i = hash & mask;
        while (0 != index[i])
        {
            i = (i + 1) & mask;
        }
        index[i] = slot + 1;
        nextSlot = slot + 1 == capacity ? 0 : slot + 1;
        return true;
    }

    /** Bytes of one remembered payment in {@link #encode}: the txid then the script hash. */
    static final int KEY_BYTES = KEY_LONGS * 8;

    /**
     * Write the remembered payments, oldest first, each as its txid then its script hash ({@value #KEY_BYTES}
     * bytes); {@link #add} of each in that order rebuilds the same memory, forgetting in the same order.
     *
     * @param buffer to write to, with room for {@link #size()} times {@value #KEY_BYTES} bytes.
     * @param offset where to start.
     * @return the offset after the last payment written.
     */
    int encode(final MutableDirectBuffer buffer, final int offset)
    {
        int position = offset;
        int slot = size == capacity ? nextSlot : 0;
        for (int n = 0; n < size; n++)
        {
            final int base = slot * KEY_LONGS;
            for (int i = 0; i < KEY_LONGS; i++)
            {
                buffer.putLong(position, keys[base + i], ByteOrder.LITTLE_ENDIAN);
                position += 8;
            }
            slot = slot + 1 == capacity ? 0 : slot + 1;
        }
        return position;
    }

    /**
     * Number of payments remembered.
     *
     * @return the size, at most the capacity.
     */
    int size()
    {
        return size;
    }

    private void load(final DirectBuffer buffer, final int txidOffset, final int scriptHashOffset)
    {
        for (int i = 0; i < KEY_LONGS / 2; i++)
        {
            probe[i] = buffer.getLong(txidOffset + i * 8, ByteOrder.LITTLE_ENDIAN);
            probe[i + KEY_LONGS / 2] = buffer.getLong(scriptHashOffset + i * 8, ByteOrder.LITTLE_ENDIAN);
        }
    }

    private int hash()
    {
        long h = 0;
        for (int i = 0; i < KEY_LONGS; i++)
        {
            h = h * 31 + probe[i];
        }
        return Hashing.hash(h);
    }

    /** Index position of the probe key, or -1. */
    private int find(final int hash)
    {
        int i = hash & mask;
        while (0 != index[i])
        {
            if (matches(index[i] - 1))
            {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Index position that holds a slot. */
    private int find(final int hash, final int slot)
    {
        int i = hash & mask;
        while (index[i] != slot + 1)
        {
            i = (i + 1) & mask;
        }
        return i;
    }

    private boolean matches(final int slot)
    {
        final int base = slot * KEY_LONGS;
        for (int i = 0; i < KEY_LONGS; i++)
        {
            if (keys[base + i] != probe[i])
            {
                return false;
            }
        }
        return true;
    }

    /** Delete an index entry and shift back the entries of its probe run that would no longer be found. */
    private void removeAt(final int position)
    {
        int hole = position;
        index[hole] = 0;
        int i = hole;
        while (true)
        {
            i = (i + 1) & mask;
            final int entry = index[i];
            if (0 == entry)
            {
                return;
            }
            final int home = slotHashes[entry - 1] & mask;
            final boolean homeBetweenHoleAndEntry = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
            if (!homeBetweenHoleAndEntry)
            {
                index[hole] = entry;
                index[i] = 0;
                hole = i;
            }
        }
    }
}
