package dev.commandcenter.persistence;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * One journal record: the body of one Chronicle Queue document. Little-endian, fields aligned:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------------------------------+-------------------------------+
 *  |         Magic 'C' 'c'         |        Record Version         |
 *  +-------------------------------+-------------------------------+
 *  |                            Source                             |
 *  +---------------------------------------------------------------+
 *  |                       Engine Sequence                         |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Timestamp (epoch nanoseconds)                 |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Message Length (header included)              |
 *  +---------------------------------------------------------------+
 *  |        CRC-32C of bytes 0..27 followed by the message         |
 *  +---------------------------------------------------------------+
 *  |             SBE message, message header included             ...
 * ...                                                              |
 *  +---------------------------------------------------------------+
 * </pre>
 * An instance is also a reusable, read-only view of one decoded record (an {@link Event} plus its
 * queue index). Either it owns a copy of the record, valid until the next record is decoded into it, or it
 * views the record in place in the mapped journal file ({@link JournalReader#nextInPlace()}), valid until the
 * reader moves on: then only the header has been checked, and {@link #copyMessageTo(MutableDirectBuffer, int)}
 * copies the message out and checks the rest (checksum, SBE header) on the copy, so a replay reads each record
 * once and copies it once.
 * <p>
 * <b>Note:</b> not thread safe; one instance per reader.
 */
public final class JournalRecord implements Event
{
    /** Two bytes that open every record: 'C' then 'c'. */
    public static final short MAGIC = 0x6343;
    /** Record format version this build writes and the newest it reads. */
    public static final short RECORD_VERSION = 1;
    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the record format version. */
    public static final int VERSION_OFFSET = 2;
    /** Offset of the source id. */
    public static final int SOURCE_OFFSET = 4;
    /** Offset of the engine sequence. */
    public static final int SEQUENCE_OFFSET = 8;
    /** Offset of the timestamp. */
    public static final int TIMESTAMP_OFFSET = 16;
    /** Offset of the message length. */
    public static final int LENGTH_OFFSET = 24;
    /** Offset of the checksum. */
    public static final int CHECKSUM_OFFSET = 28;
    /** Length of the record header; the SBE message starts here. */
    public static final int HEADER_LENGTH = 32;
    /** Largest record: header plus the largest message a ring slot holds. */
    public static final int MAX_RECORD_LENGTH = HEADER_LENGTH + EventPublisher.MAX_MESSAGE_LENGTH;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final byte[] bytes = new byte[MAX_RECORD_LENGTH];
    private final UnsafeBuffer copy = new UnsafeBuffer(bytes);
    private final UnsafeBuffer mapped = new UnsafeBuffer(bytes);
    private final byte[] header = new byte[HEADER_LENGTH];
    private final CRC32C crc = new CRC32C();
    private UnsafeBuffer buffer = copy;
    private long index = -1;
    private String problem;

    /**
     * Create an empty view, to be filled by a reader.
     */
    public JournalRecord()
    {
    }

    /**
     * Fill a record header into {@code target} at offset 0 (the checksum is computed by
     * {@link #checksum(CRC32C, byte[], byte[], int, int)}).
     *
     * @param target      at least {@link #HEADER_LENGTH} bytes.
     * @param source      source id.
     * @param sequence    engine sequence.
     * @param timestampNs epoch nanoseconds.
     * @param length      message length, header included.
     */
    public static void encodeHeader(
        final UnsafeBuffer target, final int source, final long sequence, final long timestampNs, final int length)
    {
        target.putShort(MAGIC_OFFSET, MAGIC, ORDER);
        target.putShort(VERSION_OFFSET, RECORD_VERSION, ORDER);
        target.putInt(SOURCE_OFFSET, source, ORDER);
        target.putLong(SEQUENCE_OFFSET, sequence, ORDER);
        target.putLong(TIMESTAMP_OFFSET, timestampNs, ORDER);
        target.putInt(LENGTH_OFFSET, length, ORDER);
    }

    /**
     * CRC-32C over the first {@link #CHECKSUM_OFFSET} bytes of a header and then a message.
     *
     * @param crc           reused checksum, reset here.
     * @param header        holding the header from index 0.
     * @param message       holding the message.
     * @param messageOffset of the message in {@code message}.
     * @param length        of the message.
     * @return the checksum as an int.
     */
    public static int checksum(
        final CRC32C crc, final byte[] header, final byte[] message, final int messageOffset, final int length)
    {
        crc.reset();
        crc.update(header, 0, CHECKSUM_OFFSET);
        crc.update(message, messageOffset, length);
        return (int)crc.getValue();
    }

    /**
     * Decode a record whose document body was copied into {@link #copyTarget()} (the first
     * {@link #MAX_RECORD_LENGTH} bytes of it when longer) and check it: magic, record version, length
     * consistency, checksum and the SBE message header.
     *
     * @param index  Chronicle index of the document.
     * @param length of the whole document body.
     * @return null when the record is sound, otherwise the reason it is not.
     */
    String decodeInPlace(final long index, final int length)
    {
        this.index = index;
        buffer = copy;
        problem = null;
        final String framing = checkFraming(length);
        return null != framing ? framing : checkBody();
    }

    /**
     * View a document body where it lies (in the mapped journal file) and check its framing: magic, record
     * version and length. The checksum and the message are checked by {@link #copyMessageTo(MutableDirectBuffer, int)}.
     *
     * @param index   Chronicle index of the document.
     * @param address of the document body.
     * @param length  of the whole document body.
     * @return null when the framing is sound, otherwise the reason it is not.
     */
    String wrapInPlace(final long index, final long address, final int length)
    {
        this.index = index;
        problem = null;
        mapped.wrap(address, Math.min(length, MAX_RECORD_LENGTH));
        buffer = mapped;
        return checkFraming(length);
    }

    /**
     * Copy the message of this record, header included, into a buffer, and check the copy: the checksum over the
     * record header and the copied message, then the SBE message header. Called with the target's slot by
     * {@link dev.commandcenter.engine.RecordedEventPublisher#publishRecorded(long, long, int,
     * dev.commandcenter.engine.MessageWriter, Object)}; allocates nothing for a sound record.
     *
     * @param target to copy into, room for {@link #length()} bytes at {@code offset}.
     * @param offset in the target.
     * @return the length copied, or 0 when the record is unsound ({@link #problem()} says why).
     */
    public int copyMessageTo(final MutableDirectBuffer target, final int offset)
    {
        final int length = length();
        final int expected = buffer.getInt(CHECKSUM_OFFSET, ORDER);
        buffer.getBytes(0, header, 0, CHECKSUM_OFFSET);
        crc.reset();
        crc.update(header, 0, CHECKSUM_OFFSET);
        target.putBytes(offset, buffer, HEADER_LENGTH, length);
        final byte[] array = target.byteArray();
        if (null != array)
        {
            crc.update(array, target.wrapAdjustment() + offset, length);
        }
        else
        {
            target.getBytes(offset, bytes, HEADER_LENGTH, length);
            crc.update(bytes, HEADER_LENGTH, length);
        }
        problem = checkMessage(expected, (int)crc.getValue(), target, offset, length);
        return null == problem ? length : 0;
    }

    /**
     * Why the last {@link #copyMessageTo(MutableDirectBuffer, int)} found the record unsound.
     *
     * @return the reason, or null when the copy was sound.
     */
    public String problem()
    {
        return problem;
    }

    /**
     * The array a caller may copy a document body into before {@link #decodeInPlace(long, int)}.
     *
     * @return the array of {@link #MAX_RECORD_LENGTH} bytes.
     */
    byte[] copyTarget()
    {
        return bytes;
    }

    private String checkFraming(final int length)
    {
        if (length < HEADER_LENGTH)
        {
            return "document of " + length + " bytes is shorter than the " + HEADER_LENGTH + "-byte record header";
        }
        final UnsafeBuffer view = buffer;
        final short magic = view.getShort(MAGIC_OFFSET, ORDER);
        if (MAGIC != magic)
        {
            return "document does not start with the journal record magic (found 0x" +
                Integer.toHexString(magic & 0xFFFF) + ", expected 0x" + Integer.toHexString(MAGIC) + ")";
        }
        final int version = view.getShort(VERSION_OFFSET, ORDER) & 0xFFFF;
        if (version > RECORD_VERSION)
        {
            return "record format version " + version + " is newer than this build reads (" + RECORD_VERSION +
                "): upgrade Command Center";
        }
        if (version < 1)
        {
            return "record format version " + version + " is not valid (expected 1 to " + RECORD_VERSION + ")";
        }
        final int messageLength = view.getInt(LENGTH_OFFSET, ORDER);
        if (messageLength != length - HEADER_LENGTH)
        {
            return "message length field says " + messageLength + " bytes but the document holds " +
                (length - HEADER_LENGTH) + " after the header (truncated or corrupt)";
        }
        if (length > MAX_RECORD_LENGTH)
        {
            return "message of " + messageLength + " bytes is longer than the largest event (" +
                EventPublisher.MAX_MESSAGE_LENGTH + ")";
        }
        return null;
    }

    private String checkBody()
    {
        final int length = length();
        final int expected = buffer.getInt(CHECKSUM_OFFSET, ORDER);
        final int actual = checksum(crc, bytes, bytes, HEADER_LENGTH, length);
        return checkMessage(expected, actual, buffer, HEADER_LENGTH, length);
    }

    private static String checkMessage(
        final int expected, final int actual, final DirectBuffer message, final int offset, final int length)
    {
        if (expected != actual)
        {
            return "checksum mismatch (stored 0x" + Integer.toHexString(expected) + ", computed 0x" +
                Integer.toHexString(actual) + "): the record is corrupt or truncated";
        }
        final String schemaProblem = MessageSchema.validate(message, offset, length);
        if (null != schemaProblem)
        {
            return schemaProblem;
        }
        final int blockLength = message.getShort(offset, ORDER) & 0xFFFF;
        if (MessageSchema.HEADER_LENGTH + blockLength > length)
        {
            return "SBE block length " + blockLength + " does not fit in a message of " + length + " bytes";
        }
        final int templateId = MessageSchema.templateId(message, offset);
        if (null == JsonView.instance().messageName(templateId))
        {
            return "unknown message template id " + templateId;
        }
        return null;
    }

    /**
     * Chronicle Queue index of this record (cycle and position within it), as reported by tools.
     *
     * @return the index.
     */
    public long index()
    {
        return index;
    }

    /**
     * Record format version.
     *
     * @return the version.
     */
    public int recordVersion()
    {
        return buffer.getShort(VERSION_OFFSET, ORDER) & 0xFFFF;
    }

    /**
     * {@inheritDoc}
     */
    public long sequence()
    {
        return buffer.getLong(SEQUENCE_OFFSET, ORDER);
    }

    /**
     * {@inheritDoc}
     */
    public long timestampNs()
    {
        return buffer.getLong(TIMESTAMP_OFFSET, ORDER);
    }

    /**
     * {@inheritDoc}
     */
    public int source()
    {
        return buffer.getInt(SOURCE_OFFSET, ORDER);
    }

    /**
     * {@inheritDoc}
     */
    public int templateId()
    {
        return MessageSchema.templateId(buffer, HEADER_LENGTH);
    }

    /**
     * {@inheritDoc}
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * {@inheritDoc}
     */
    public int offset()
    {
        return HEADER_LENGTH;
    }

    /**
     * {@inheritDoc}
     */
    public int length()
    {
        return buffer.getInt(LENGTH_OFFSET, ORDER);
    }

    /**
     * Name of the message type, from the schema.
     *
     * @return the message name, or null for an unknown template id.
     */
    public String messageName()
    {
        return JsonView.instance().messageName(templateId());
    }

    /**
     * Index as tools print it.
     *
     * @param index Chronicle index.
     * @return {@code 0x} followed by hex digits.
     */
    public static String formatIndex(final long index)
    {
        return "0x" + Long.toHexString(index);
    }
}
