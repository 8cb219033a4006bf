package dev.commandcenter.persistence;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.persistence.internal.QueueFiles;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;
import net.openhft.chronicle.wire.Wires;
import org.agrona.CloseHelper;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reads a journal in order, read-only, optionally only the records in a time range and of some
 * message types. Each record is checked (framing, record version, checksum, SBE header) as it is
 * read; a record that fails stops the reader with a {@link JournalException} naming its index.
 * <pre>{@code
 * try (JournalReader reader = JournalReader.open(dir).types(List.of("ChatMessage")))
 * {
 *     while (reader.next())
 *     {
 *         final JournalRecord record = reader.record();
 *     }
 * }
 * }</pre>
 * Used by dump, stats and replay, and by the application to rebuild state at startup. Safe to use
 * while an engine appends to the same journal: it sees the records written so far.
 * <p>
 * <b>Note:</b> not thread safe; the record returned by {@link #record()} is valid until the next call.
 */
public final class JournalReader implements AutoCloseable
{
    private static final int MAX_TEMPLATE_ID = 1024;

    private final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final JournalRecord record = new JournalRecord();
    private TimeRange range = TimeRange.ALL;
    private boolean[] admittedTypes;

    private JournalReader(final Path dir)
    {
        this.dir = dir;
        QueueFiles.requireQueueDir(dir, "journal");
        if (QueueFiles.cycleFiles(dir).isEmpty())
        {
            queue = null;
            tailer = null;
        }
        else
        {
            queue = openReadOnly(dir, "journal");
            ExcerptTailer created = null;
            try
            {
                created = queue.createTailer();
                created.singleThreadedCheckDisabled(true);
            }
            catch (final RuntimeException | InternalError | AssertionError ex)
            {
                CloseHelper.quietClose(queue);
                throw unreadable(dir, "journal", ex);
            }
            tailer = created;
        }
    }

    /**
     * Open a journal for reading.
     *
     * @param journalDir directory of the cycle files ({@code <dataDir>/journal}).
     * @return the reader, positioned before the first record.
     * @throws JournalException when the directory is missing, not a directory, or not a journal.
     */
    public static JournalReader open(final Path journalDir)
    {
        return new JournalReader(journalDir);
    }

    /**
     * Read only records whose timestamp lies in a range.
     *
     * @param range of timestamps; {@link TimeRange#ALL} for every record.
     * @return this.
     */
    public JournalReader range(final TimeRange range)
    {
        this.range = null == range ? TimeRange.ALL : range;
        return this;
    }

    /**
     * Read only records of some message types.
     *
     * @param typeNames message names as in the schema, such as {@code ChatMessage}; null or empty for all.
     * @return this.
     * @throws IllegalArgumentException naming an unknown type and the known ones.
     */
    public JournalReader types(final Collection<String> typeNames)
    {
        if (null == typeNames || typeNames.isEmpty())
        {
            admittedTypes = null;
            return this;
        }
        final boolean[] admitted = new boolean[MAX_TEMPLATE_ID];
        for (final String name : typeNames)
        {
            final int templateId = JsonView.instance().templateId(name.trim());
            if (templateId < 0 || templateId >= MAX_TEMPLATE_ID)
            {
                throw new IllegalArgumentException("unknown message type '" + name + "': expected one of " +
                    String.join(", ", messageTypes()));
            }
            admitted[templateId] = true;
        }
        admittedTypes = admitted;
        return this;
    }

    /**
     * Names of every message type in the schema, by template id.
     *
     * @return the names.
     */
    public static List<String> messageTypes()
    {
        final List<String> names = new ArrayList<>();
        for (int id = 0; id < MAX_TEMPLATE_ID; id++)
        {
            final String name = JsonView.instance().messageName(id);
            if (null != name)
            {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Advance to the next record that passes the filters.
     *
     * @return true when {@link #record()} holds it, false at the end of the journal.
     * @throws JournalException when a record is corrupt or was written by a newer build.
     */
    public boolean next()
    {
        if (null == tailer)
        {
            return false;
        }
        try
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return false;
                    }
                    if (!dc.isData())
                    {
                        continue;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    if (skip(bytes))
                    {
                        continue;
                    }
                    if (readRecord(dc.index(), bytes) && admits(record))
                    {
                        return true;
                    }
                }
            }
        }
        catch (final InternalError | AssertionError ex)
        {
            throw unreadable(dir, "journal", ex);
        }
    }

    /**
     * The record {@link #next()} or {@link #readLast()} moved to.
     *
     * @return the record view.
     */
    public JournalRecord record()
    {
        return record;
    }

    /**
     * Read every remaining record that passes the filters.
     *
     * @param handler told of each record.
     * @return how many records were read.
     * @throws JournalException when a record is corrupt or was written by a newer build.
     */
    public long forEach(final RecordHandler handler)
    {
        long count = 0;
        while (next())
        {
            handler.onRecord(record);
            count++;
        }
        return count;
    }

    /**
     * Read the last record of the journal, ignoring filters, without moving {@link #next()}.
     *
     * @return the record view, or null when the journal is empty.
     * @throws JournalException when it is corrupt or was written by a newer build.
     */
    public JournalRecord readLast()
    {
        if (null == queue)
        {
            return null;
        }
        try (ExcerptTailer backwards = queue.createTailer())
        {
            backwards.singleThreadedCheckDisabled(true);
            backwards.direction(TailerDirection.BACKWARD).toEnd();
            while (true)
            {
                try (DocumentContext dc = backwards.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return null;
                    }
                    if (dc.isData())
                    {
                        readRecord(dc.index(), dc.wire().bytes());
                        return record;
                    }
                }
            }
        }
        catch (final InternalError | AssertionError ex)
        {
            throw unreadable(dir, "journal", ex);
        }
    }

    /**
     * Check that the last cycle file holds the record its header says was written last: a file cut
     * short between records would otherwise read as a shorter journal, and records appended after the
     * cut would be out of every reader's reach.
     *
     * @throws JournalException naming the file when it is truncated.
     */
    public void requireCompleteTail()
    {
        if (null == queue)
        {
            return;
        }
        final long writePosition;
        final File file;
        try
        {
            final SingleChronicleQueueStore store = queue.storeForCycle(queue.lastCycle(), queue.epoch(), false, null);
            if (null == store)
            {
                return;
            }
            try
            {
                writePosition = store.writePosition();
                file = store.file();
            }
            finally
            {
                queue.closeStore(store);
            }
        }
        catch (final RuntimeException | InternalError | AssertionError ex)
        {
            throw unreadable(dir, "journal", ex);
        }

        try (FileChannel channel = FileChannel.open(file.toPath(), StandardOpenOption.READ))
        {
            final long size = channel.size();
            final ByteBuffer header = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder());
            final boolean present = writePosition + Integer.BYTES <= size && Integer.BYTES == channel.read(header, writePosition);
            final int value = present ? header.getInt(0) : 0;
            if (0 == value || Wires.isNotComplete(value) || writePosition + Integer.BYTES + Wires.lengthOf(value) > size)
            {
                throw new JournalException("journal " + dir + " cannot be read: " + file.getName() +
                    " is truncated (its header says a record was written at byte " + writePosition +
                    ", the file holds " + size + " bytes); verify the journal for details");
            }
        }
        catch (final IOException ex)
        {
            throw new JournalException("journal " + dir + " cannot be read: " + file.getName() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Go back before the first record.
     */
    public void rewind()
    {
        if (null != tailer)
        {
            tailer.toStart();
        }
    }

    /**
     * The journal directory.
     *
     * @return the directory.
     */
    public Path journalDir()
    {
        return dir;
    }

    /**
     * Release the files.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(tailer, queue);
    }

    private boolean skip(final Bytes<?> bytes)
    {
        if (null == admittedTypes && !range.isBounded())
        {
            return false;
        }
        final long start = bytes.readPosition();
        if (bytes.readRemaining() < JournalRecord.HEADER_LENGTH + MessageSchema.HEADER_LENGTH ||
            bytes.readShort(start + JournalRecord.MAGIC_OFFSET) != JournalRecord.MAGIC)
        {
            return false;
        }
        final long timestampNs = bytes.readLong(start + JournalRecord.TIMESTAMP_OFFSET);
        final int templateId = bytes.readUnsignedShort(start + JournalRecord.HEADER_LENGTH + 2);
        return !range.contains(timestampNs) || !admitsType(templateId);
    }

    private boolean admits(final JournalRecord record)
    {
        return range.contains(record.timestampNs()) && admitsType(record.templateId());
    }

    private boolean admitsType(final int templateId)
    {
        return null == admittedTypes || (templateId < MAX_TEMPLATE_ID && admittedTypes[templateId]);
    }

    private boolean readRecord(final long index, final Bytes<?> bytes)
    {
        final long documentLength = bytes.readRemaining();
        final int copy = (int)Math.min(documentLength, JournalRecord.MAX_RECORD_LENGTH);
        bytes.read(record.copyTarget(), 0, copy);
        final String problem = record.decodeInPlace(index, (int)Math.min(documentLength, Integer.MAX_VALUE));
        if (null != problem)
        {
            throw new JournalException("journal record at index " + JournalRecord.formatIndex(index) + " in " +
                fileName(tailerFile()) + ": " + problem);
        }
        return true;
    }

    private File tailerFile()
    {
        try
        {
            return null == tailer ? null : tailer.currentFile();
        }
        catch (final RuntimeException ex)
        {
            return null;
        }
    }

    private static String fileName(final File file)
    {
        return null == file ? "the journal" : file.getName();
    }

    /**
     * Open a queue directory read-only.
     *
     * @param dir  the queue directory, holding at least one cycle file.
     * @param what how to name it in messages.
     * @return the queue.
     * @throws JournalException when Chronicle cannot open it.
     */
    static SingleChronicleQueue openReadOnly(final Path dir, final String what)
    {
        try
        {
            return QueueFiles.builder(dir).readOnly(true).build();
        }
        catch (final RuntimeException | InternalError | AssertionError ex)
        {
            throw unreadable(dir, what, ex);
        }
    }

    static JournalException unreadable(final Path dir, final String what, final Throwable ex)
    {
        final String detail = null == ex.getMessage() ? "" : ": " + QueueFiles.firstLine(ex.getMessage());
        final String reason;
        if (ex instanceof InternalError)
        {
            reason = "a cycle file ends before the data its header promises (truncated)";
        }
        else if (ex instanceof AssertionError)
        {
            reason = "Chronicle Queue found its files inconsistent" + detail;
        }
        else
        {
            reason = ex.getClass().getSimpleName() + detail;
        }
        return new JournalException(what + " " + dir + " cannot be read: " + reason +
            ("journal".equals(what) ? "; verify the journal for details" : ""), ex);
    }

    /** Told of each record by {@link #forEach(RecordHandler)}. */
    @FunctionalInterface
    public interface RecordHandler
    {
        /**
         * A record was read.
         *
         * @param record valid only during the call.
         */
        void onRecord(JournalRecord record);
    }
}
