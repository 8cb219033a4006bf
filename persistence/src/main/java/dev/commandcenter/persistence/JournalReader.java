package dev.commandcenter.persistence;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.persistence.internal.QueueFiles;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
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
import java.util.NavigableSet;

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
 * A replay reads faster: {@link #seekRange()} finds the records of the time range and counts them from the queue's
 * index, without reading them, and {@link #nextInPlace()} views each record in the mapped file rather than copying
 * it, leaving the copy (and the checksum on it) to {@link JournalRecord#copyMessageTo(org.agrona.MutableDirectBuffer, int)}.
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
    private DocumentContext openDocument;
    private long endIndex = Long.MAX_VALUE;
    private long position;

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
        release();
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
                    if (dc.index() >= endIndex)
                    {
                        dc.rollbackOnClose();
                        return false;
                    }
                    position++;
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
     * Advance to the next record that passes the filters and view it in place, in the mapped journal file, without
     * copying it. Only its framing (magic, record version, length) is checked here: copy it out with
     * {@link JournalRecord#copyMessageTo(org.agrona.MutableDirectBuffer, int)}, which checks the checksum and the
     * message on the copy. The view stays valid until {@link #release()}, the next call, or {@link #close()}.
     * Allocates nothing.
     *
     * @return true when {@link #record()} views it, false at the end of the journal or of the range sought.
     * @throws JournalException when a record's framing is corrupt or it was written by a newer build.
     */
    public boolean nextInPlace()
    {
        release();
        if (null == tailer)
        {
            return false;
        }
        try
        {
            while (true)
            {
                final DocumentContext dc = tailer.readingDocument();
                if (!dc.isPresent())
                {
                    dc.close();
                    return false;
                }
                if (!dc.isData())
                {
                    dc.close();
                    continue;
                }
                final long index = dc.index();
                if (index >= endIndex)
                {
                    dc.rollbackOnClose();
                    dc.close();
                    return false;
                }
                position++;
                final Bytes<?> bytes = dc.wire().bytes();
                final long start = bytes.readPosition();
                final long length = bytes.readRemaining();
                if (!bytes.isDirectMemory() || !bytes.bytesStore().inside(start, length))
                {
                    // Not one contiguous piece of mapped memory: read it as the tools do, copied.
                    final boolean admitted = readRecord(index, bytes) && admits(record);
                    dc.close();
                    if (admitted)
                    {
                        return true;
                    }
                    continue;
                }
                openDocument = dc;
                final String problem = record.wrapInPlace(index, bytes.addressForRead(start), (int)Math.min(length, Integer.MAX_VALUE));
                if (null != problem)
                {
                    release();
                    throw corrupt(index, problem);
                }
                if (admits(record))
                {
                    return true;
                }
                release();
            }
        }
        catch (final InternalError | AssertionError ex)
        {
            release();
            throw unreadable(dir, "journal", ex);
        }
    }

    /**
     * Let go of the record {@link #nextInPlace()} viewed in place; the reader moves past it. Called by the next
     * read and by {@link #close()} too.
     */
    public void release()
    {
        final DocumentContext dc = openDocument;
        if (null != dc)
        {
            openDocument = null;
            dc.close();
        }
    }

    /**
     * Find the records of the time range from the queue's index, without reading them: position the reader at
     * the first record at or after the range's start, stop it before the first record at or after the range's
     * end, and count the records in between (of every type: the type filter applies as they are read). Finding a
     * bound reads O(log n) records; records are taken to be in time order, as an engine journals them.
     *
     * @return where the range lies and how many records it holds.
     * @throws JournalException when the journal cannot be read.
     */
    public Extent seekRange()
    {
        release();
        position = 0;
        endIndex = Long.MAX_VALUE;
        if (null == queue)
        {
            return Extent.EMPTY;
        }
        try
        {
            final long firstIndex = queue.firstIndex();
            final long lastIndex = queue.lastIndex();
            if (lastIndex < 0 || firstIndex == Long.MAX_VALUE || firstIndex > lastIndex)
            {
                return Extent.EMPTY;
            }
            final long from = range.fromNs() == Long.MIN_VALUE ? firstIndex : firstIndexAtOrAfter(range.fromNs());
            final long to = range.toNs() == Long.MAX_VALUE ? -1 : firstIndexAtOrAfter(range.toNs());
            final long count;
            final long last;
            if (from < 0)
            {
                count = 0;
                last = -1;
            }
            else if (to < 0)
            {
                count = queue.countExcerpts(from, lastIndex) + 1;
                last = lastIndex;
            }
            else
            {
                count = Math.max(0, queue.countExcerpts(from, to));
                last = count > 0 ? indexBefore(to) : -1;
                endIndex = to;
            }
            if (0 == count)
            {
                endIndex = Long.MIN_VALUE;
                return Extent.EMPTY;
            }
            final long firstTimestampNs = timestampAt(from);
            final long lastTimestampNs = timestampAt(last);
            if (!tailer.moveToIndex(from))
            {
                throw new JournalException("journal " + dir + " cannot be read: no record at index " +
                    JournalRecord.formatIndex(from) + " although the queue's index lists it; verify the journal for details");
            }
            return new Extent(from, last, count, firstTimestampNs, lastTimestampNs);
        }
        catch (final RuntimeException | InternalError | AssertionError ex)
        {
            if (ex instanceof JournalException)
            {
                throw ex;
            }
            throw unreadable(dir, "journal", ex);
        }
    }

    /**
     * Position the reader at the first record whose engine sequence is at or after {@code fromSequence} (the first
     * record held when retention removed older ones) and stop it before the first at or after {@code toSequence},
     * found from the queue's index as {@link #seekRange()} finds a time range. The time range and type filters still
     * apply as records are read.
     *
     * @param fromSequence first sequence wanted.
     * @param toSequence   first sequence not wanted.
     * @return false when the journal holds no record in the range.
     * @throws JournalException when the journal cannot be read.
     */
    public boolean seekSequences(final long fromSequence, final long toSequence)
    {
        release();
        position = 0;
        endIndex = Long.MAX_VALUE;
        if (null == queue || fromSequence >= toSequence)
        {
            endIndex = Long.MIN_VALUE;
            return false;
        }
        try
        {
            final long lastIndex = queue.lastIndex();
            if (lastIndex < 0 || queue.firstIndex() == Long.MAX_VALUE || queue.firstIndex() > lastIndex)
            {
                endIndex = Long.MIN_VALUE;
                return false;
            }
            final long from = firstIndexAtOrAfter(fromSequence, JournalRecord.SEQUENCE_OFFSET);
            final long to = firstIndexAtOrAfter(toSequence, JournalRecord.SEQUENCE_OFFSET);
            if (from < 0 || from == to)
            {
                endIndex = Long.MIN_VALUE;
                return false;
            }
            endIndex = to < 0 ? Long.MAX_VALUE : to;
            if (!tailer.moveToIndex(from))
            {
                throw new JournalException("journal " + dir + " cannot be read: no record at index " +
                    JournalRecord.formatIndex(from) + " although the queue's index lists it; verify the journal for details");
            }
            return true;
        }
        catch (final RuntimeException | InternalError | AssertionError ex)
        {
            if (ex instanceof JournalException)
            {
                throw ex;
            }
            throw unreadable(dir, "journal", ex);
        }
    }

    /**
     * Records read since {@link #seekRange()} (or since opening), of every type, whether or not the type filter
     * admitted them: how far a replay has come through the range.
     *
     * @return the count.
     */
    public long position()
    {
        return position;
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
        release();
        endIndex = Long.MAX_VALUE;
        position = 0;
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
        try
        {
            release();
        }
        catch (final RuntimeException ignore)
        {
            // closing anyway
        }
        CloseHelper.quietCloseAll(tailer, queue);
    }

    /**
     * The error for a record found corrupt, naming its index and cycle file.
     *
     * @param index   of the record.
     * @param problem what is wrong with it.
     * @return the exception to throw.
     */
    JournalException corrupt(final long index, final String problem)
    {
        return new JournalException("journal record at index " + JournalRecord.formatIndex(index) + " in " +
            fileName(tailerFile()) + ": " + problem);
    }

    private long firstIndexAtOrAfter(final long timestampNs)
    {
        return firstIndexAtOrAfter(timestampNs, JournalRecord.TIMESTAMP_OFFSET);
    }

    // The first record whose key (the long at keyOffset in its header: its timestamp or its sequence, both rising
    // through a journal) is at or after a value.
    private long firstIndexAtOrAfter(final long timestampNs, final int keyOffset)
    {
        final RollCycle rollCycle = queue.rollCycle();
        final NavigableSet<Long> cycleSet = queue.listCyclesBetween(queue.firstCycle(), queue.lastCycle());
        final long[] cycles = new long[cycleSet.size()];
        int n = 0;
        for (final Long cycle : cycleSet)
        {
            cycles[n++] = cycle;
        }

        // The last cycle whose first record is before the timestamp holds the answer, or else the answer opens the
        // next cycle that has records; an empty cycle counts as later than any timestamp.
        int low = 0;
        int high = n - 1;
        int candidate = 0;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long first = rollCycle.toIndex((int)cycles[mid], 0);
            if (tailer.moveToIndex(first) && keyAt(first, keyOffset) < timestampNs)
            {
                candidate = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        for (int i = candidate; i < n; i++)
        {
            final int cycle = (int)cycles[i];
            final long found = firstSequenceAtOrAfter(rollCycle, cycle, timestampNs, keyOffset);
            if (found >= 0)
            {
                return rollCycle.toIndex(cycle, found);
            }
        }
        return -1;
    }

    private long firstSequenceAtOrAfter(
        final RollCycle rollCycle, final int cycle, final long timestampNs, final int keyOffset)
    {
        // Smallest sequence past the cycle's last record or at or after the timestamp: gallop, then bisect.
        final long maxSequence = rollCycle.maxMessagesPerCycle();
        if (!isBefore(rollCycle, cycle, 0, timestampNs, keyOffset))
        {
            return tailer.moveToIndex(rollCycle.toIndex(cycle, 0)) ? 0 : -1;
        }
        long before = 0;
        long notBefore = 1;
        while (notBefore < maxSequence && isBefore(rollCycle, cycle, notBefore, timestampNs, keyOffset))
        {
            before = notBefore;
            notBefore = Math.min(maxSequence, notBefore << 1);
        }
        while (notBefore - before > 1)
        {
            final long mid = (before + notBefore) >>> 1;
            if (isBefore(rollCycle, cycle, mid, timestampNs, keyOffset))
            {
                before = mid;
            }
            else
            {
                notBefore = mid;
            }
        }
        return notBefore < maxSequence && tailer.moveToIndex(rollCycle.toIndex(cycle, notBefore)) ? notBefore : -1;
    }

    private boolean isBefore(
        final RollCycle rollCycle, final int cycle, final long sequence, final long timestampNs, final int keyOffset)
    {
        final long index = rollCycle.toIndex(cycle, sequence);
        return tailer.moveToIndex(index) && keyAt(index, keyOffset) < timestampNs;
    }

    private long indexBefore(final long index)
    {
        tailer.direction(TailerDirection.BACKWARD);
        try
        {
            if (!tailer.moveToIndex(index))
            {
                return -1;
            }
            boolean passed = false;
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return -1;
                    }
                    if (dc.isData())
                    {
                        if (passed)
                        {
                            return dc.index();
                        }
                        passed = true;
                    }
                }
            }
        }
        finally
        {
            tailer.direction(TailerDirection.FORWARD);
        }
    }

    private long timestampAt(final long index)
    {
        return keyAt(index, JournalRecord.TIMESTAMP_OFFSET);
    }

    private long keyAt(final long index, final int keyOffset)
    {
        if (index < 0 || !tailer.moveToIndex(index))
        {
            return 0;
        }
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return 0;
            }
            final Bytes<?> bytes = dc.wire().bytes();
            if (bytes.readRemaining() < JournalRecord.HEADER_LENGTH)
            {
                return 0;
            }
            return bytes.readLong(bytes.readPosition() + keyOffset);
        }
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
            throw corrupt(index, problem);
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

    /**
     * Where a time range lies in a journal, found by {@link #seekRange()} from the queue's index.
     *
     * @param firstIndex       Chronicle index of the range's first record, -1 when empty.
     * @param lastIndex        Chronicle index of its last record, -1 when empty.
     * @param count            records in the range, of every type.
     * @param firstTimestampNs timestamp of the first record, 0 when empty.
     * @param lastTimestampNs  timestamp of the last record, 0 when empty.
     */
    public record Extent(long firstIndex, long lastIndex, long count, long firstTimestampNs, long lastTimestampNs)
    {
        /** No record. */
        public static final Extent EMPTY = new Extent(-1, -1, 0, 0, 0);
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
