package dev.commandcenter.persistence;

import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TelemetrySnapshotEncoder;
import dev.commandcenter.engine.counters.TelemetryListener;
import dev.commandcenter.persistence.internal.QueueAppender;
import dev.commandcenter.persistence.internal.QueueFiles;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.nio.file.Path;

/**
 * Keeps telemetry history: every {@code intervalMs} it appends a {@code TelemetrySnapshot} SBE message
 * holding every allocated counter (id, type id, value, label) to a Chronicle queue in
 * {@code <dataDir>/telemetry}, one document per snapshot. The engine's sampler calls it after each
 * sample (every second by default); samples are recorded at most once per interval, the first
 * sample at or after each interval boundary of the sample time passed in.
 * <pre>{@code
 * TelemetryRecorder recorder = TelemetryRecorder.open(new TelemetryRecorder.Context().dataDir(dir));
 * Engine engine = Engine.launch(new Engine.Context().dataDir(dir).telemetryListener(recorder));
 * }</pre>
 * Recording a snapshot allocates nothing once its buffer has grown to fit the counters.
 * <p>
 * <b>Note:</b> thread safe; calls are serialised, as the engine may sample from more than one thread.
 */
public final class TelemetryRecorder implements TelemetryListener, AutoCloseable
{
    private static final int LABEL_LENGTH_OFFSET = CountersReader.LABEL_OFFSET;
    private static final int COUNTER_ENCODED_LENGTH = TelemetrySnapshotEncoder.CountersEncoder.sbeBlockLength() +
        TelemetrySnapshotEncoder.CountersEncoder.labelHeaderLength();

    private final Context ctx;
    private final Path dir;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final QueueAppender queueAppender;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16 * 1024);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TelemetrySnapshotEncoder snapshot = new TelemetrySnapshotEncoder();
    private long nextRecordMs = Long.MIN_VALUE;
    private long recorded;
    private boolean closed;

    private TelemetryRecorder(final Context ctx)
    {
        this.ctx = ctx;
        this.dir = ctx.telemetryDir();
        QueueFiles.requireNoForeignFiles(dir, "telemetry");
        queueAppender = QueueFiles.openForAppend(ctx, null);
        queue = queueAppender.queue();
        appender = queueAppender.appender();
    }

    /**
     * Open (creating if needed) the telemetry history a context describes.
     *
     * @param ctx configuration; concluded here.
     * @return the recorder.
     * @throws JournalException when the directory is foreign or cannot be created.
     */
    public static TelemetryRecorder open(final Context ctx)
    {
        ctx.conclude();
        return new TelemetryRecorder(ctx);
    }

    /**
     * Record a snapshot if the interval has elapsed since the last one.
     *
     * @param epochMs  when the sample was taken.
     * @param counters the counters to record.
     */
    public synchronized void onSample(final long epochMs, final CountersReader counters)
    {
        if (closed || epochMs < nextRecordMs)
        {
            return;
        }
        final long intervalMs = ctx.intervalMs();
        nextRecordMs = (Math.floorDiv(epochMs, intervalMs) + 1) * intervalMs;
        final int length = encode(epochMs, counters);
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().write(buffer.byteArray(), 0, length);
        }
        recorded++;
        queueAppender.onAppended();
    }

    /**
     * Number of snapshots recorded since opened.
     *
     * @return the count.
     */
    public synchronized long snapshotsRecorded()
    {
        return recorded;
    }

    /**
     * Directory of the telemetry queue.
     *
     * @return the telemetry dir.
     */
    public Path telemetryDir()
    {
        return dir;
    }

    /**
     * Release the files; later samples are ignored.
     */
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.quietCloseAll(appender, queue);
        }
    }

    private int encode(final long epochMs, final CountersReader counters)
    {
        final AtomicBuffer metaData = counters.metaDataBuffer();
        final int maxCounterId = counters.maxCounterId();
        int count = 0;
        for (int id = 0; id <= maxCounterId; id++)
        {
            final int state = counters.getCounterState(id);
            if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
            if (CountersReader.RECORD_ALLOCATED == state)
            {
                count++;
            }
        }
        buffer.checkLimit(MessageHeaderEncoder.ENCODED_LENGTH + TelemetrySnapshotEncoder.BLOCK_LENGTH +
            TelemetrySnapshotEncoder.CountersEncoder.sbeHeaderSize() +
            count * (COUNTER_ENCODED_LENGTH + CountersReader.MAX_LABEL_LENGTH));

        snapshot.wrapAndApplyHeader(buffer, 0, header).sampledAtEpochMs(epochMs);
        final TelemetrySnapshotEncoder.CountersEncoder group = snapshot.countersCount(count);
        int written = 0;
        for (int id = 0; id <= maxCounterId && written < count; id++)
        {
            final int state = counters.getCounterState(id);
            if (CountersReader.RECORD_UNUSED == state)
            {
                break;
            }
            if (CountersReader.RECORD_ALLOCATED != state)
            {
                continue;
            }
            final int labelOffset = CountersReader.metaDataOffset(id) + LABEL_LENGTH_OFFSET;
            final int labelLength = Math.min(metaData.getInt(labelOffset), CountersReader.MAX_LABEL_LENGTH);
            group.next()
                .counterId(id)
                .typeId(counters.getCounterTypeId(id))
                .value(counters.getCounterValue(id))
                .putLabel(metaData, labelOffset + BitUtil.SIZE_OF_INT, labelLength);
            written++;
        }
        return MessageHeaderEncoder.ENCODED_LENGTH + snapshot.encodedLength();
    }

    /**
     * Configuration of a {@link TelemetryRecorder}. Defaults come from system properties named by the
     * {@code *_PROP_NAME} constants, else the {@code *_DEFAULT} constants (shared ones in {@link QueueContext}); {@link #conclude()} validates.
     */
    public static final class Context extends QueueContext<Context>
    {
        /** Name of the telemetry directory inside the data dir. */
        public static final String TELEMETRY_DIR_NAME = "telemetry";
        /** System property giving the snapshot interval in milliseconds. */
        public static final String INTERVAL_MS_PROP_NAME = "commandcenter.telemetry.intervalMs";
        /** Default snapshot interval: 10 s. */
        public static final long INTERVAL_MS_DEFAULT = 10_000;
        /** System property naming the roll cycle. */
        public static final String ROLL_CYCLE_PROP_NAME = "commandcenter.telemetry.rollCycle";
        /** System property giving the retention, as {@link Retention#parse(String)} reads it. */
        public static final String RETENTION_PROP_NAME = "commandcenter.telemetry.retention";

        private long intervalMs = Long.getLong(INTERVAL_MS_PROP_NAME, INTERVAL_MS_DEFAULT);

        /**
         * Create a context holding the defaults.
         */
        public Context()
        {
            super("telemetry", TELEMETRY_DIR_NAME, ROLL_CYCLE_PROP_NAME, RETENTION_PROP_NAME);
        }

        /**
         * Validate the configuration. Called by {@link TelemetryRecorder#open(Context)}.
         *
         * @return this.
         * @throws IllegalStateException if called twice.
         * @throws IllegalArgumentException naming the setting that is wrong.
         */
        public Context conclude()
        {
            super.conclude();
            if (intervalMs < 1)
            {
                throw new IllegalArgumentException("telemetry.intervalMs: expected 1 or more, got " + intervalMs);
            }
            return this;
        }

        /**
         * Put the history in this directory instead of {@code <dataDir>/telemetry}.
         *
         * @param telemetryDir directory of the cycle files.
         * @return this.
         */
        public Context telemetryDir(final Path telemetryDir)
        {
            return queueDir(telemetryDir);
        }

        /**
         * Directory of the cycle files.
         *
         * @return the telemetry dir (resolved from the data dir once concluded).
         */
        public Path telemetryDir()
        {
            return queueDir();
        }

        /**
         * Time between recorded snapshots.
         *
         * @param intervalMs milliseconds, 1 or more.
         * @return this.
         */
        public Context intervalMs(final long intervalMs)
        {
            this.intervalMs = intervalMs;
            return this;
        }

        /**
         * Time between recorded snapshots.
         *
         * @return milliseconds.
         */
        public long intervalMs()
        {
            return intervalMs;
        }
    }
}
