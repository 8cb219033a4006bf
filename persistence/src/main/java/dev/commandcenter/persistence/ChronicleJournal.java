package dev.commandcenter.persistence;

import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.persistence.internal.QueueFiles;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    private final byte[] headerBytes = new byte[JournalRecord.HEADER_LENGTH];
    private final UnsafeBuffer header = new UnsafeBuffer(headerBytes);
    private final byte[] messageCopy = new byte[EventPublisher.MAX_MESSAGE_LENGTH];
    private final CRC32C crc = new CRC32C();
    private final long nextSequence;
    private long lastSequence;
    private long appendedSinceSync;
    private int cycle = Integer.MIN_VALUE;
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

        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new JournalException("journal dir " + dir + " cannot be created: " + ex.getMessage(), ex);
        }
        final EpochClock clock = ctx.epochClock();
        SingleChronicleQueue built = null;
        ExcerptAppender created = null;
        try
        {
            built = QueueFiles.builder(dir)
                .rollCycle(ctx.rollCycle())
                .timeProvider(clock::time)
                .syncMode(SyncMode.NONE)
                .build();
            created = built.createAppender();
            created.singleThreadedCheckDisabled(true);
        }
        catch (final RuntimeException | InternalError ex)
        {
            CloseHelper.quietClose(built);
            throw new JournalException("cannot open journal " + dir + " for append: " + firstLine(ex), ex);
        }
        queue = built;
        appender = created;
        applyRetention();
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

        final int appenderCycle = appender.cycle();
        if (appenderCycle != cycle)
        {
            final boolean rolled = Integer.MIN_VALUE != cycle;
            cycle = appenderCycle;
            if (rolled)
            {
                applyRetention();
            }
        }
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
     * The configuration this journal was opened with.
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

    private static String firstLine(final Throwable ex)
    {
        final String message = String.valueOf(ex.getMessage());
        final int newline = message.indexOf('\n');
        return ex.getClass().getSimpleName() + ": " + (newline < 0 ? message : message.substring(0, newline));
    }

    private void applyRetention()
    {
        QueueFiles.deleteExpired(dir, ctx.retention(), queue, ctx.epochClock().time());
    }

    /**
     * Configuration of a {@link ChronicleJournal}. Defaults come from system properties named by the
     * {@code *_PROP_NAME} constants, else the {@code *_DEFAULT} constants; {@link #conclude()} validates.
     */
    public static final class Context
    {
        /** Name of the journal directory inside the data dir. */
        public static final String JOURNAL_DIR_NAME = "journal";
        /** System property naming the roll cycle. */
        public static final String ROLL_CYCLE_PROP_NAME = "commandcenter.journal.rollCycle";
        /** Default roll cycle: one file per UTC day. */
        public static final String ROLL_CYCLE_DEFAULT = RollCycleNames.DEFAULT;
        /** System property giving the retention, as {@link Retention#parse(String)} reads it. */
        public static final String RETENTION_PROP_NAME = "commandcenter.journal.retention";
        /** Default retention: keep every cycle. */
        public static final String RETENTION_DEFAULT = "forever";
        /** System property naming the durability mode. */
        public static final String DURABILITY_PROP_NAME = "commandcenter.journal.durability";
        /** Default durability: survives a process crash, not a power loss. */
        public static final Durability DURABILITY_DEFAULT = Durability.PAGE_CACHE;

        private boolean concluded;
        private Path dataDir;
        private Path journalDir;
        private String rollCycleName = System.getProperty(ROLL_CYCLE_PROP_NAME, ROLL_CYCLE_DEFAULT);
        private RollCycle rollCycle;
        private Retention retention;
        private String retentionText = System.getProperty(RETENTION_PROP_NAME, RETENTION_DEFAULT);
        private Durability durability;
        private String durabilityText = System.getProperty(DURABILITY_PROP_NAME, DURABILITY_DEFAULT.name());
        private EpochClock epochClock = SystemEpochClock.INSTANCE;

        /**
         * Create a context holding the defaults.
         */
        public Context()
        {
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
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            concluded = true;
            if (null == journalDir)
            {
                if (null == dataDir)
                {
                    throw new IllegalArgumentException("journal: expected a data dir or a journal dir");
                }
                journalDir = dataDir.resolve(JOURNAL_DIR_NAME);
            }
            if (null == rollCycle)
            {
                rollCycle = RollCycleNames.of(rollCycleName);
            }
            if (null == retention)
            {
                retention = Retention.parse(retentionText);
            }
            if (null == durability)
            {
                durability = parseDurability(durabilityText);
            }
            if (null == epochClock)
            {
                throw new IllegalArgumentException("journal: expected an epoch clock");
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
         * Data dir; the journal lives in its {@value #JOURNAL_DIR_NAME} folder.
         *
         * @param dataDir the engine's data dir.
         * @return this.
         */
        public Context dataDir(final Path dataDir)
        {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Data dir.
         *
         * @return the data dir, or null when only a journal dir was given.
         */
        public Path dataDir()
        {
            return dataDir;
        }

        /**
         * Put the journal in this directory instead of {@code <dataDir>/journal}.
         *
         * @param journalDir directory of the cycle files.
         * @return this.
         */
        public Context journalDir(final Path journalDir)
        {
            this.journalDir = journalDir;
            return this;
        }

        /**
         * Directory of the cycle files.
         *
         * @return the journal dir (resolved from the data dir once concluded).
         */
        public Path journalDir()
        {
            return journalDir;
        }

        /**
         * Roll cycle by name (see {@link RollCycleNames}).
         *
         * @param name such as {@code HOURLY} or {@code FAST_DAILY}.
         * @return this.
         */
        public Context rollCycle(final String name)
        {
            this.rollCycleName = name;
            this.rollCycle = null;
            return this;
        }

        /**
         * Roll cycle.
         *
         * @param rollCycle a Chronicle roll cycle.
         * @return this.
         */
        public Context rollCycle(final RollCycle rollCycle)
        {
            this.rollCycle = rollCycle;
            return this;
        }

        /**
         * Roll cycle (resolved once concluded). An existing journal keeps the roll cycle it was created with.
         *
         * @return the roll cycle.
         */
        public RollCycle rollCycle()
        {
            return rollCycle;
        }

        /**
         * Which cycle files to keep.
         *
         * @param retention the retention.
         * @return this.
         */
        public Context retention(final Retention retention)
        {
            this.retention = retention;
            return this;
        }

        /**
         * Which cycle files to keep, as {@link Retention#parse(String)} reads it.
         *
         * @param text such as {@code forever}, {@code 7d} or {@code 10 cycles}.
         * @return this.
         */
        public Context retention(final String text)
        {
            this.retentionText = text;
            this.retention = null;
            return this;
        }

        /**
         * Retention (resolved once concluded).
         *
         * @return the retention.
         */
        public Retention retention()
        {
            return retention;
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

        /**
         * Wall clock that decides the cycle a record goes to and the age of cycles for retention.
         *
         * @param clock epoch milliseconds.
         * @return this.
         */
        public Context epochClock(final EpochClock clock)
        {
            this.epochClock = clock;
            return this;
        }

        /**
         * Wall clock.
         *
         * @return the clock.
         */
        public EpochClock epochClock()
        {
            return epochClock;
        }
    }
}
