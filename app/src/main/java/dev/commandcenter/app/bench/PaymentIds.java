package dev.commandcenter.app.bench;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The txid of a benchmark payment carries the run's tag and the event's index in its schedule, so a received
 * overlay alert (which repeats the txid) names the payment that caused it.
 * <pre>
 *   byte  0        8                         24       32
 *         | tag    | zeros                   | index  |     (big-endian; 64 hex digits in JSON)
 * </pre>
 */
final class PaymentIds
{
    private static final HexFormat HEX = HexFormat.of();
    /** The 16 bytes between the tag and the index, as hex. */
    private static final String ZEROS = "0".repeat(32);

    /** Length of a txid in bytes. */
    static final int TXID_LENGTH = 32;
    /** Length of a txid in hex digits. */
    static final int TXID_HEX_LENGTH = 64;
    /** Returned when a txid is not one of this run's. */
    static final long NOT_OURS = -1;

    private static final int INDEX_OFFSET = 24;
    private static final int INDEX_HEX_OFFSET = 48;
    /** Hex digits of the tag and of the index. */
    private static final int LONG_HEX_LENGTH = 16;
    /** The value of each ASCII hex digit, -1 for any other byte. */
    private static final byte[] HEX_VALUES = new byte[256];

    static
    {
        Arrays.fill(HEX_VALUES, (byte)-1);
        for (int i = 0; i < 10; i++)
        {
            HEX_VALUES['0' + i] = (byte)i;
        }
        for (int i = 0; i < 6; i++)
        {
            HEX_VALUES['a' + i] = (byte)(10 + i);
            HEX_VALUES['A' + i] = (byte)(10 + i);
        }
    }

    private PaymentIds()
    {
    }

    /**
     * Write the txid of an event.
     *
     * @param buffer to write into.
     * @param offset of the txid.
     * @param tag    of the run.
     * @param index  of the event in the schedule.
     */
    static void write(final MutableDirectBuffer buffer, final int offset, final long tag, final long index)
    {
        buffer.setMemory(offset, TXID_LENGTH, (byte)0);
        buffer.putLong(offset, tag, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + INDEX_OFFSET, index, ByteOrder.BIG_ENDIAN);
    }

    /**
     * The txid of an event as lowercase hex, as the JSON view writes it.
     *
     * @param tag   of the run.
     * @param index of the event.
     * @return 64 hex digits.
     */
    static String hex(final long tag, final long index)
    {
        // Not String.format: parsing the pattern for every post was a third of the sender thread's time.
        return HEX.toHexDigits(tag) + ZEROS + HEX.toHexDigits(index);
    }

    /**
     * The index of the event a binary txid names.
     *
     * @param buffer holding the txid.
     * @param offset of the txid.
     * @param tag    of the run.
     * @return the index, or {@link #NOT_OURS}.
     */
    static long index(final DirectBuffer buffer, final int offset, final long tag)
    {
        if (buffer.getLong(offset, ByteOrder.BIG_ENDIAN) != tag)
        {
            return NOT_OURS;
        }
        return buffer.getLong(offset + INDEX_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    /**
     * The index of the event named by a hex txid inside a JSON text, followed by its closing quote.
     *
     * @param text   the JSON.
     * @param offset of the txid's first hex digit.
     * @param tag    of the run.
     * @return the index, or {@link #NOT_OURS}.
     */
    static long index(final CharSequence text, final int offset, final long tag)
    {
        final int end = offset + TXID_HEX_LENGTH;
        if (offset < 0 || end >= text.length() || '"' != text.charAt(end))
        {
            return NOT_OURS;
        }
        try
        {
            if (Long.parseUnsignedLong(text, offset, offset + 16, 16) != tag)
            {
                return NOT_OURS;
            }
            return Long.parseUnsignedLong(text, offset + INDEX_HEX_OFFSET, end, 16);
        }
        catch (final NumberFormatException ex)
        {
            return NOT_OURS;
        }
    }

    /**
     * The index of the event named by a hex txid in ASCII bytes (a JSON frame), followed by its closing quote: the
     * digits are read from the bytes, with no string or {@link CharSequence} between.
     *
     * @param bytes  the frame.
     * @param offset of the txid's first hex digit.
     * @param limit  where the frame's bytes end.
     * @param tag    of the run.
     * @return the index, or {@link #NOT_OURS}.
     */
    static long index(final byte[] bytes, final int offset, final int limit, final long tag)
    {
        final int end = offset + TXID_HEX_LENGTH;
        if (offset < 0 || end >= limit || '"' != bytes[end])
        {
            return NOT_OURS;
        }
        if (!isHex(bytes, offset, TXID_HEX_LENGTH) || hex(bytes, offset) != tag)
        {
            return NOT_OURS;
        }
        return hex(bytes, offset + INDEX_HEX_OFFSET);
    }

    private static boolean isHex(final byte[] bytes, final int offset, final int digits)
    {
        int invalid = 0;
        for (int i = offset, end = offset + digits; i < end; i++)
        {
            invalid |= HEX_VALUES[bytes[i] & 0xFF];
        }
        return invalid >= 0;
    }

    private static long hex(final byte[] bytes, final int offset)
    {
        long value = 0;
        for (int i = offset, end = offset + LONG_HEX_LENGTH; i < end; i++)
        {
            value = (value << 4) | HEX_VALUES[bytes[i] & 0xFF];
        }
        return value;
    }

    /**
     * The index of the event a hex txid names.
     *
     * @param txid 64 hex digits.
     * @param tag  of the run.
     * @return the index, or {@link #NOT_OURS}.
     */
    static long index(final CharSequence txid, final long tag)
    {
        if (null == txid || TXID_HEX_LENGTH != txid.length())
        {
            return NOT_OURS;
        }
        try
        {
            if (Long.parseUnsignedLong(txid, 0, 16, 16) != tag)
            {
                return NOT_OURS;
            }
            return Long.parseUnsignedLong(txid, INDEX_HEX_OFFSET, TXID_HEX_LENGTH, 16);
        }
        catch (final NumberFormatException ex)
        {
            return NOT_OURS;
        }
    }
}
