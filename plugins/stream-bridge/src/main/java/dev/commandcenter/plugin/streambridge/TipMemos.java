package dev.commandcenter.plugin.streambridge;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Object2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Tip memos (a viewer's name and message for a payment, from {@code TipMemo} events) waiting for their payment, by
 * txid. Bounded: at most {@code capacity} memos, the oldest forgotten first, and a memo older than {@code maxAgeMs} of
 * event time is forgotten too. The first memo for a txid wins; a second one is refused.
 * <p>
 * The memos live in pre-allocated slots used as a ring in arrival order, indexed by an Agrona open-addressing map
 * keyed by the full 32-byte txid, so adding, finding and taking a memo allocate nothing. A memo taken by its payment
 * leaves its slot until the ring's head passes it: the bound counts those slots too.
 * <p>
 * <b>Note:</b> not thread safe; owned by the plugin's thread.
 */
final class TipMemos
{
    /** Longest name kept, in UTF-8 bytes; a longer one is cut at a character boundary. */
    static final int NAME_MAX_BYTES = 128;
    /** Longest message kept, in UTF-8 bytes; a longer one is cut at a character boundary. */
    static final int MESSAGE_MAX_BYTES = 1024;

    private final Memo[] slots;
    private final Object2ObjectHashMap<Memo, Memo> byTxid;
    private final Memo probe = new Memo();
    private final long maxAgeMs;
    private int head;
    private int count;
    private int live;

    /**
     * An empty store.
     *
     * @param capacity most memos kept; at least 1.
     * @param maxAgeMs how long a memo waits for its payment, in milliseconds of event time.
     */
    TipMemos(final int capacity, final long maxAgeMs)
    {
        slots = new Memo[capacity];
        for (int i = 0; i < capacity; i++)
        {
            slots[i] = new Memo();
        }
        byTxid = new Object2ObjectHashMap<>(capacity * 2, 0.65f);
        this.maxAgeMs = maxAgeMs;
    }

    /**
     * Memos waiting.
     *
     * @return the count.
     */
    int size()
    {
        return live;
    }

    /**
     * Forget every memo.
     */
    void clear()
    {
        byTxid.clear();
        for (final Memo slot : slots)
        {
            slot.live = false;
        }
        head = 0;
        count = 0;
        live = 0;
    }

    /**
     * Keep a memo until its payment comes.
     *
     * @param txidBuffer    holding the 32 txid bytes.
     * @param txidOffset    of the txid.
     * @param atMs          event time of the memo.
     * @param name          the viewer's name, UTF-8.
     * @param nameOffset    of the name.
     * @param nameLength    of the name in bytes.
     * @param message       the viewer's message, UTF-8.
     * @param messageOffset of the message.
     * @param messageLength of the message in bytes.
     * @return true if kept; false when a memo for this txid is already waiting.
     */
    boolean add(
        final DirectBuffer txidBuffer,
        final int txidOffset,
        final long atMs,
        final DirectBuffer name,
        final int nameOffset,
        final int nameLength,
        final DirectBuffer message,
        final int messageOffset,
        final int messageLength)
    {
        expire(atMs);
        probe.load(txidBuffer, txidOffset);
        if (null != byTxid.get(probe))
        {
            return false;
        }
        if (count == slots.length)
        {
            final Memo eldest = slots[head];
            if (eldest.live)
            {
                forget(eldest);
            }
            head = (head + 1) % slots.length;
            count--;
        }
        final Memo memo = slots[(head + count) % slots.length];
        memo.load(txidBuffer, txidOffset);
        memo.atMs = atMs;
        memo.nameLength = copy(name, nameOffset, nameLength, memo.name, NAME_MAX_BYTES);
        memo.messageLength = copy(message, messageOffset, messageLength, memo.message, MESSAGE_MAX_BYTES);
        memo.live = true;
        byTxid.put(memo, memo);
        count++;
        live++;
        return true;
    }

    /**
     * The memo waiting for a payment, if any; it stays until {@link #take(Memo)}.
     *
     * @param txidBuffer holding the payment's 32 txid bytes.
     * @param txidOffset of the txid.
     * @param atMs       event time of the payment: older memos are forgotten first.
     * @return the memo, valid until the next call that adds one; or null.
     */
    Memo find(final DirectBuffer txidBuffer, final int txidOffset, final long atMs)
    {
        expire(atMs);
        probe.load(txidBuffer, txidOffset);
        return byTxid.get(probe);
    }

    /**
     * Forget a memo its payment used; its text stays readable until a memo is added.
     *
     * @param memo found by {@link #find(DirectBuffer, int, long)}.
     */
    void take(final Memo memo)
    {
        if (memo.live)
        {
            forget(memo);
        }
    }

    /**
     * The bytes {@link #encode(MutableDirectBuffer, int)} writes.
     *
     * @return the length.
     */
    int encodedLength()
    {
        int length = 4;
        for (int n = 0; n < count; n++)
        {
            final Memo memo = slots[(head + n) % slots.length];
            if (memo.live)
            {
                length += Memo.TXID_BYTES + 8 + 4 + memo.nameLength + 4 + memo.messageLength;
            }
        }
        return length;
    }

    /**
     * Write the waiting memos, oldest first: their count, then each one's txid, time, name and message.
     *
     * @param buffer   to write into.
     * @param position where to start.
     * @return the position after them.
     */
    int encode(final MutableDirectBuffer buffer, final int position)
    {
        buffer.putInt(position, live, ByteOrder.LITTLE_ENDIAN);
        int at = position + 4;
        for (int n = 0; n < count; n++)
        {
            final Memo memo = slots[(head + n) % slots.length];
            if (memo.live)
            {
                for (int i = 0; i < 4; i++)
                {
                    buffer.putLong(at + 8 * i, memo.txid[i], ByteOrder.BIG_ENDIAN);
                }
                buffer.putLong(at + Memo.TXID_BYTES, memo.atMs, ByteOrder.LITTLE_ENDIAN);
                at += Memo.TXID_BYTES + 8;
                buffer.putInt(at, memo.nameLength, ByteOrder.LITTLE_ENDIAN);
                buffer.putBytes(at + 4, memo.name, 0, memo.nameLength);
                at += 4 + memo.nameLength;
                buffer.putInt(at, memo.messageLength, ByteOrder.LITTLE_ENDIAN);
                buffer.putBytes(at + 4, memo.message, 0, memo.messageLength);
                at += 4 + memo.messageLength;
            }
        }
        return at;
    }

    /**
     * Read memos {@link #encode(MutableDirectBuffer, int)} wrote, after {@link #clear()}.
     *
     * @param buffer   to read from.
     * @param position where they start.
     * @return the position after them.
     * @throws IllegalStateException naming what does not fit.
     */
    int decode(final DirectBuffer buffer, final int position)
    {
        final int memos = buffer.getInt(position, ByteOrder.LITTLE_ENDIAN);
        if (memos < 0 || memos > slots.length)
        {
            throw new IllegalStateException("expected 0 to " + slots.length + " waiting tip memos, got " + memos);
        }
        int at = position + 4;
        for (int n = 0; n < memos; n++)
        {
            final int nameAt = at + Memo.TXID_BYTES + 8;
            final int nameLength = length(buffer, nameAt, NAME_MAX_BYTES, "tip memo name");
            final int messageAt = nameAt + 4 + nameLength;
            final int messageLength = length(buffer, messageAt, MESSAGE_MAX_BYTES, "tip memo message");
            add(buffer, at, buffer.getLong(at + Memo.TXID_BYTES, ByteOrder.LITTLE_ENDIAN),
                buffer, nameAt + 4, nameLength, buffer, messageAt + 4, messageLength);
            at = messageAt + 4 + messageLength;
        }
        return at;
    }

    private static int length(final DirectBuffer buffer, final int at, final int max, final String what)
    {
        final int length = buffer.getInt(at, ByteOrder.LITTLE_ENDIAN);
        if (length < 0 || length > max || at + 4 + length > buffer.capacity())
        {
            throw new IllegalStateException(what + " has a length of " + length + ", expected 0 to " + max +
                " bytes within the snapshot");
        }
        return length;
    }

    private void expire(final long atMs)
    {
        while (count > 0)
        {
            final Memo eldest = slots[head];
            if (eldest.live && atMs - eldest.atMs < maxAgeMs)
            {
                return;
            }
            if (eldest.live)
            {
                forget(eldest);
            }
            head = (head + 1) % slots.length;
            count--;
        }
    }

    private void forget(final Memo memo)
    {
        byTxid.remove(memo);
        memo.live = false;
        live--;
    }

    private static int copy(
        final DirectBuffer src, final int offset, final int length, final MutableDirectBuffer dst, final int max)
    {
        int cut = Math.min(length, max);
        if (cut < length)
        {
            // Cut before a continuation byte, so the text stays valid UTF-8.
            while (cut > 0 && (src.getByte(offset + cut) & 0xC0) == 0x80)
            {
                cut--;
            }
        }
        dst.putBytes(0, src, offset, cut);
        return cut;
    }

    /**
     * One memo: its txid (the key), when it came, and the viewer's name and message.
     */
    static final class Memo
    {
        static final int TXID_BYTES = 32;

        final long[] txid = new long[4];
        final UnsafeBuffer name = new UnsafeBuffer(new byte[NAME_MAX_BYTES]);
        final UnsafeBuffer message = new UnsafeBuffer(new byte[MESSAGE_MAX_BYTES]);
        int nameLength;
        int messageLength;
        long atMs;
        boolean live;

        void load(final DirectBuffer buffer, final int offset)
        {
            for (int i = 0; i < 4; i++)
            {
                txid[i] = buffer.getLong(offset + 8 * i, ByteOrder.BIG_ENDIAN);
            }
        }

        /**
         * Hash of the txid's first eight bytes: a txid is a hash already.
         *
         * @return the hash.
         */
        public int hashCode()
        {
            return (int)(txid[0] ^ (txid[0] >>> 32));
        }

        /**
         * Same txid.
         *
         * @param other memo.
         * @return true when both hold the same 32 bytes.
         */
        public boolean equals(final Object other)
        {
            return other instanceof Memo that && txid[0] == that.txid[0] && txid[1] == that.txid[1] &&
                txid[2] == that.txid[2] && txid[3] == that.txid[3];
        }
    }
}
