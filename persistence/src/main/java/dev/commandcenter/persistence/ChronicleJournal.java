package dev.commandcenter.persistence;

import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.persistence.internal.QueueAppender;
import dev.commandcenter.persistence.internal.QueueFiles;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The engine's journal on Chronicle Queue: every input event is appended as one document holding a
 * {@link JournalRecord} (record version, sequence, timestamp, source, length, checksum, SBE message)
 * in {@code <dataDir>/journal}, one file per roll cycle. Opening checks the directory holds only
 * queue files and that its first and last records are ones this build can read, and continues the
 * engine sequence after the last record, so a restarted engine carries on where the last one stopped.
 * <pre>{@code
 * Journal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dir).durability(Durability.SYNC));
 * Engine engine = Engine.launch(new Engine.Context().dataDir(dir).journal(journal));
 * }</pre>
 * Appending allocates nothing: the record header is composed in a reused buffer and both it and the
 * message are copied straight into the mapped file.
 * <p>
 * <b>Note:</b> {@link #append(Event)} and {@link #onBatchEnd()} are called on the journaller thread
 * only; {@link #close()} after the journaller has stopped.
 */
public final class ChronicleJournal implements Journal
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final Context ctx;
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final QueueAppender queueAppender;
    private final byte[] headerBytes = new byte[JournalRecord.HEADER_LENGTH];
    private final UnsafeBuffer header = new UnsafeBuffer(headerBytes);
    private final byte[] messageCopy = new byte[EventPublisher.MAX_MESSAGE_LENGTH];
    private final CRC32C crc = new CRC32C();
    private final long nextSequence;
    private long lastSequence;
    private long appendedSinceSync;
    private FileChannel syncChannel;
    private int syncChannelCycle = Integer.MIN_VALUE;
    private volatile long lastSyncedSequence = -1;
    private boolean closed;

    private ChronicleJournal(final Context ctx)
    {
        this.ctx = ctx;
        this.dir = ctx.journalDir();
        QueueFiles.requireNoForeignFiles(dir, "journal");

        long next = 0;
        if (!QueueFiles.cycleFiles(dir).isEmpty())
        {
            try (JournalReader reader = JournalReader.open(dir))
            {
                reader.requireCompleteTail();
                if (reader.next())
                {
                    final JournalRecord last = reader.readLast();
                    next = (null == last ? reader.record().sequence() : last.sequence()) + 1;
                }
            }
            catch (final JournalException ex)
            {
                throw new JournalException("cannot open journal " + dir + " for append: " + ex.getMessage(), ex);
            }
        }
        nextSequence = next;
        lastSequence = next - 1;

        queueAppender = QueueFiles.openForAppend(ctx, SyncMode.NONE);
        queue = queueAppender.queue();
        appender = queueAppender.appender();
    }

    /**
     * Open (creating if needed) the journal a context describes.
     *
     * @param ctx configuration; concluded here.
     * @return the open journal.
     * @throws JournalException when the directory is foreign, unreadable, or written by a newer build;
     *                          nothing is written in that case.
     */
    public static ChronicleJournal open(final Context ctx)
    {
        ctx.conclude();
        return new ChronicleJournal(ctx);
    }

    /**
     * Read journaled records back with a reader of its own (any thread; closed before returning): from the first
     * record at or after {@code fromSequence} (the first held when retention removed older ones) up to, not including,
     * {@code toSequence} or the end of the journal. Records are checked as the tools check them.
     *
     * @param fromSequence first sequence to read.
     * @param toSequence   first sequence not to read.
     * @param consumer     given each record; the view is valid only during the call.
     * @return the number of records read.
     * @throws JournalException when a record is corrupt or the journal cannot be read.
     */
    public long read(final long fromSequence, final long toSequence, final Consumer<Event> consumer)
    {
        if (fromSequence >= toSequence || QueueFiles.cycleFiles(dir).isEmpty())
        {
            return 0;
        }
        long count = 0;
        try (JournalReader reader = JournalReader.open(dir))
        {
            if (reader.seekSequences(fromSequence, toSequence))
            {
                while (reader.next())
                {
                    final JournalRecord record = reader.record();
                    if (record.sequence() >= toSequence)
                    {
                        break;
                    }
                    if (record.sequence() >= fromSequence)
                    {
                        consumer.accept(record);
                        count++;
                    }
                }
            }
        }
        return count;
    }

    /**
     * One past the sequence of the last journaled record, 0 for an empty journal.
     *
     * @return the sequence the next event gets.
     */
    public long nextSequence()
    {
        return nextSequence;
    }

    /**
     * Append an event as one record. Allocates nothing.
     *
     * @param event to append.
     */
    public void append(final Event event)
    {
        final int length = event.length();
        final DirectBuffer message = event.buffer();
        byte[] array = message.byteArray();
        int offset = message.wrapAdjustment() + event.offset();
        if (null == array)
        {
            message.getBytes(event.offset(), messageCopy, 0, length);
            array = messageCopy;
            offset = 0;
        }

        final long sequence = event.sequence();
        JournalRecord.encodeHeader(header, event.source(), sequence, event.timestampNs(), length);
        header.putInt(JournalRecord.CHECKSUM_OFFSET, JournalRecord.checksum(crc, headerBytes, array, offset, length), ORDER);

        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(headerBytes, 0, JournalRecord.HEADER_LENGTH);
            bytes.write(array, offset, length);
        }
        lastSequence = sequence;
        appendedSinceSync++;

        queueAppender.onAppended();
    }

    /**
     * End of a journaller batch: in {@link Durability#SYNC} mode, flush what the batch appended to the
     * device before the journaller acknowledges it.
     */
    public void onBatchEnd()
    {
        if (appendedSinceSync > 0 && ctx.durability() == Durability.SYNC)
        {
            sync();
        }
    }

    /**
     * Sequence of the last record flushed to the device by {@link Durability#SYNC}.
     *
     * @return the sequence, or -1 when nothing has been synced (always so with {@link Durability#PAGE_CACHE}).
     */
    public long lastSyncedSequence()
    {
        return lastSyncedSequence;
    }

    /**
     * Directory of the journal's cycle files.
     *
     * @return the journal dir.
     */
    public Path journalDir()
    {
        return dir;
    }

    /**
     * The configuration this journal was queueAppender with.
     *
     * @return the context.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Sync what is pending (in {@link Durability#SYNC} mode) and release the files.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            if (appendedSinceSync > 0 && ctx.durability() == Durability.SYNC)
            {
                sync();
            }
        }
        finally
        {
            CloseHelper.quietCloseAll(syncChannel, appender, queue);
        }
    }

    private void sync()
    {
        try
        {
            final int appenderCycle = appender.cycle();
            if (appenderCycle != syncChannelCycle)
            {
                // records of this batch may sit in the previous cycle file: flush it before letting go
                if (null != syncChannel)
                {
                    syncChannel.force(false);
                    syncChannel.close();
                    syncChannel = null;
                }
                syncChannel = FileChannel.open(appender.currentFile().toPath(), StandardOpenOption.WRITE);
                syncChannelCycle = appenderCycle;
                QueueFiles.fsyncDirectory(dir);
            }
            syncChannel.force(false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("journal " + dir + " cannot be synced: " + ex.getMessage(), ex);
        }
        appendedSinceSync = 0;
        lastSyncedSequence = lastSequence;
    }

    /**
     * Configuration of a {@link ChronicleJournal}. Defaults come from system properties named by the
     * {@code *_PROP_NAME} constants, else the {@code *_DEFAULT} constants (shared ones in {@link QueueContext}); {@link #conclude()} validates.
     */
    public static final class Context extends QueueContext<Context>
    {
        /** Name of the journal directory inside the data dir. */
        public static final String JOURNAL_DIR_NAME = "journal";
        /** System property naming the roll cycle. */
        public static final String ROLL_CYCLE_PROP_NAME = "commandcenter.journal.rollCycle";
        /** System property giving the retention, as {@link Retention#parse(String)} reads it. */
        public static final String RETENTION_PROP_NAME = "commandcenter.journal.retention";
        /** System property naming the durability mode. */
        public static final String DURABILITY_PROP_NAME = "commandcenter.journal.durability";
        /** Default durability: survives a process crash, not a power loss. */
        public static final Durability DURABILITY_DEFAULT = Durability.PAGE_CACHE;

        private Durability durability;
        private String durabilityText = System.getProperty(DURABILITY_PROP_NAME, DURABILITY_DEFAULT.name());

        /**
         * Create a context holding the defaults.
         */
        public Context()
        {
            super("journal", JOURNAL_DIR_NAME, ROLL_CYCLE_PROP_NAME, RETENTION_PROP_NAME);
        }

        /**
         * Validate the configuration. Called by {@link ChronicleJournal#open(Context)}.
         *
         * @return this.
         * @throws IllegalStateException if called twice.
         * @throws IllegalArgumentException naming the setting that is wrong.
         */
        public Context conclude()
        {
            super.conclude();
            if (null == durability)
            {
                durability = parseDurability(durabilityText);
            }
            return this;
        }

        /**
         * Parse a durability mode name, case-insensitive.
         *
         * @param name such as {@code page_cache} or {@code sync}.
         * @return the mode.
         * @throws IllegalArgumentException naming the value and the accepted names.
         */
        public static Durability parseDurability(final String name)
        {
            for (final Durability mode : Durability.values())
            {
                if (mode.name().equalsIgnoreCase(null == name ? "" : name.trim()))
                {
                    return mode;
                }
            }
            throw new IllegalArgumentException("unknown journal durability '" + name + "': expected PAGE_CACHE or SYNC");
        }

        /**
         * Put the journal in this directory instead of {@code <dataDir>/journal}.
         *
         * @param journalDir directory of the cycle files.
         * @return this.
         */
        public Context journalDir(final Path journalDir)
        {
            return queueDir(journalDir);
        }

        /**
         * Directory of the cycle files.
         *
         * @return the journal dir (resolved from the data dir once concluded).
         */
        public Path journalDir()
        {
            return queueDir();
        }

        /**
         * How far a record has travelled towards the disk when acknowledged.
         *
         * @param durability the mode.
         * @return this.
         */
        public Context durability(final Durability durability)
        {
            this.durability = durability;
            return this;
        }

        /**
         * Durability mode (resolved once concluded).
         *
         * @return the mode.
         */
        public Durability durability()
        {
            return durability;
        }
    }
}
