package dev.commandcenter.persistence;

import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.RecordedEventPublisher;
import net.openhft.posix.PosixAPI;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Replays a journal into an engine: each record is published with its recorded sequence, timestamp
 * and source through the engine's {@link RecordedEventPublisher}, into the same ring live events take, so the
 * plugins of the target engine see exactly what the recorded engine saw. Records are paced by their
 * recorded timestamps divided by the speed (at {@code 2x} a recorded minute replays in 30 s), or
 * published as fast as the target takes them at {@code max}.
 * <p>
 * Launch the target engine with {@link dev.commandcenter.engine.Journal#NONE}, so replaying
 * writes nothing to the journal being read.
 * <pre>{@code
 * long replayed = new Replayer(new Replayer.Context()
 *     .journalDir(dataDir.resolve("journal")).speed("10x").target(engine.recordedEventPublisher())
 *     .progressListener(progress -> System.err.print("\r" + progress.describe()))).run();
 * }</pre>
 * <b>Note:</b> {@link #run()} blocks the calling thread until the last record is published; waits go
 * through the context's idle strategy and clock, so tests step time rather than sleep.
 */
public final class Replayer
{
    /** Speed that publishes as fast as the target accepts. */
    public static final double MAX_SPEED = Double.POSITIVE_INFINITY;

    private static final MessageWriter<JournalRecord> COPY_MESSAGE = (buffer, offset, record) ->
        record.copyMessageTo(buffer, offset);

    private final Context ctx;

    /**
     * Create a replayer.
     *
     * @param ctx configuration; concluded here.
     */
    public Replayer(final Context ctx)
    {
        ctx.conclude();
        this.ctx = ctx;
    }

    /**
     * Let Chronicle Queue in this process do without its native POSIX binding, whose loading (stubs generated at
     * run time) is the larger part of a short replay's start. Chronicle uses it to msync under a sync mode, to
     * pretouch and for a POSIX clock: reading a journal needs none of these. Call it first thing in a process that
     * only replays (the {@code replay} command), before anything opens a queue.
     */
    public static void skipNativePosix()
    {
        PosixAPI.useNoOpPosixApi();
    }

    /**
     * Parse a replay speed: a multiple of recorded time such as {@code 1x}, {@code 10x} or
     * {@code 0.5x} (the {@code x} may be left out), or {@code max}.
     *
     * @param text the speed.
     * @return the multiple, {@link #MAX_SPEED} for {@code max}.
     * @throws IllegalArgumentException naming the value and the accepted forms.
     */
    public static double parseSpeed(final String text)
    {
        final String value = null == text ? "" : text.trim().toLowerCase(Locale.ROOT);
        if ("max".equals(value))
        {
            return MAX_SPEED;
        }
        final String number = value.endsWith("x") ? value.substring(0, value.length() - 1) : value;
        try
        {
            final double speed = Double.parseDouble(number);
            if (speed > 0 && Double.isFinite(speed) && !number.isEmpty() && Character.isDigit(number.charAt(number.length() - 1)))
            {
                return speed;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // reported below
        }
        throw new IllegalArgumentException("unparseable replay speed '" + text +
            "': expected a positive multiple such as 1x, 10x or 0.5x, or max");
    }

    /**
     * Replay every record of the journal in the context's range and types. The range and its size come from the
     * queue's index (no counting pass); each record is read in place from the mapped file and copied once, straight
     * into the target's ring slot, where its checksum is checked.
     *
     * @return the number of records published.
     * @throws JournalException when the journal is missing, foreign or corrupt (naming the first bad record's
     *                          index), when no record lies in the range, or when the target refuses a record.
     */
    public long run()
    {
        final Path dir = ctx.journalDir();
        try (JournalReader reader = JournalReader.open(dir).range(ctx.range()).types(ctx.types()))
        {
            final JournalReader.Extent extent = reader.seekRange();
            if (0 == extent.count())
            {
                throw new JournalException(JournalDump.noEvents(dir, ctx.range(), ctx.types()));
            }
            final long replayed = replay(reader, extent);
            if (0 == replayed)
            {
                throw new JournalException(JournalDump.noEvents(dir, ctx.range(), ctx.types()));
            }
            return replayed;
        }
    }

    private long replay(final JournalReader reader, final JournalReader.Extent extent)
    {
        final NanoClock clock = ctx.nanoClock();
        final IdleStrategy idle = ctx.idleStrategy();
        final RecordedEventPublisher publisher = ctx.target();
        final ProgressListener listener = ctx.progressListener();
        final double speed = ctx.speed();
        final boolean paced = speed != MAX_SPEED;
        final long progressIntervalNs = ctx.progressIntervalNs();
        final long total = extent.count();
        final long lastTimestampNs = extent.lastTimestampNs();

        final long startNs = clock.nanoTime();
        long nextProgressNs = startNs + progressIntervalNs;
        long replayed = 0;
        long firstTimestampNs = extent.firstTimestampNs();
        long currentTimestampNs = firstTimestampNs;
        while (reader.nextInPlace())
        {
            final JournalRecord record = reader.record();
            final long timestampNs = record.timestampNs();
            if (0 == replayed)
            {
                firstTimestampNs = timestampNs;
            }
            if (paced)
            {
                final long dueNs = startNs + (long)((timestampNs - firstTimestampNs) / speed);
                long nowNs;
                while ((nowNs = clock.nanoTime()) < dueNs)
                {
                    if (null != listener && nowNs >= nextProgressNs)
                    {
                        nextProgressNs = nowNs + progressIntervalNs;
                        report(listener, replayed, reader.position() - 1, total, startNs, nowNs, currentTimestampNs,
                            lastTimestampNs, speed, false);
                    }
                    idle.idle();
                }
                idle.reset();
            }

            final long sequence = record.sequence();
            long result;
            while (EventPublisher.REJECTED == (result = publisher.publishRecorded(
                sequence, timestampNs, record.source(), COPY_MESSAGE, record)))
            {
                idle.idle();
            }
            idle.reset();
            if (EventPublisher.HALTED == result)
            {
                throw new JournalException("the target engine halted at journal record index " +
                    JournalRecord.formatIndex(record.index()) + " (sequence " + sequence + ")");
            }
            if (EventPublisher.INVALID == result)
            {
                final String problem = record.problem();
                if (null != problem)
                {
                    throw reader.corrupt(record.index(), problem);
                }
                throw new JournalException("the target engine refused journal record at index " +
                    JournalRecord.formatIndex(record.index()) + " (sequence " + sequence + ") as invalid");
            }
            reader.release();
            replayed++;
            currentTimestampNs = timestampNs;

            if (null != listener)
            {
                final long nowNs = clock.nanoTime();
                if (nowNs >= nextProgressNs)
                {
                    nextProgressNs = nowNs + progressIntervalNs;
                    report(listener, replayed, reader.position(), total, startNs, nowNs, currentTimestampNs,
                        lastTimestampNs, speed, false);
                }
            }
        }
        if (null != listener && replayed > 0)
        {
            report(listener, replayed, reader.position(), total, startNs, clock.nanoTime(),
                currentTimestampNs, lastTimestampNs, speed, true);
        }
        return replayed;
    }

    private static void report(
        final ProgressListener listener,
        final long replayed,
        final long position,
        final long total,
        final long startNs,
        final long nowNs,
        final long currentTimestampNs,
        final long lastTimestampNs,
        final double speed,
        final boolean done)
    {
        final long elapsedNs = nowNs - startNs;
        final double eventsPerSecond = elapsedNs > 0 ? replayed * 1e9 / elapsedNs : 0;
        final double positionsPerSecond = elapsedNs > 0 ? position * 1e9 / elapsedNs : 0;
        final long etaNs;
        if (done)
        {
            etaNs = 0;
        }
        else if (speed != MAX_SPEED)
        {
            etaNs = (long)((lastTimestampNs - currentTimestampNs) / speed);
        }
        else
        {
            etaNs = positionsPerSecond > 0 ? (long)(Math.max(0, total - position) / positionsPerSecond * 1e9) : -1;
        }
        listener.onProgress(new Progress(
            replayed, position, total, eventsPerSecond, currentTimestampNs, Math.max(etaNs, done ? 0 : -1), done));
    }

    /**
     * Told how a replay is going, about once per progress interval and once at the end.
     */
    @FunctionalInterface
    public interface ProgressListener
    {
        /**
         * Progress so far.
         *
         * @param progress the figures.
         */
        void onProgress(Progress progress);
    }

    /**
     * How a replay is going. The total and the position come from the journal's index: the records of the time
     * range, of every type; with a type filter fewer are replayed.
     *
     * @param replayed           records published so far.
     * @param position           records of the range read so far, of every type.
     * @param total              records in the range, of every type.
     * @param eventsPerSecond    average publishing rate so far.
     * @param currentTimestampNs recorded timestamp of the last record published.
     * @param etaNs              estimated time to finish, -1 when unknown.
     * @param done               true for the final report.
     */
    public record Progress(
        long replayed, long position, long total, double eventsPerSecond, long currentTimestampNs, long etaNs, boolean done)
    {
        /**
         * One line for a terminal, such as
         * {@code 1200/5000 events, 240.0 events/s, at 2026-11-22T10:00:05Z, ETA 16 s}, with
         * {@code (300 replayed)} after the counts when a type filter skips some.
         *
         * @return the line.
         */
        public String describe()
        {
            final String eta = done ? "done" : etaNs < 0 ? "ETA unknown" : "ETA " + Math.round(etaNs / 1e9) + " s";
            final String filtered = replayed == position ? "" : " (" + replayed + " replayed)";
            return position + "/" + total + " events" + filtered + ", " +
                String.format(Locale.ROOT, "%.1f", eventsPerSecond) + " events/s, at " +
                TimeRange.format(currentTimestampNs) + ", " + eta;
        }
    }

    /**
     * Configuration of a {@link Replayer}; {@link #conclude()} validates.
     */
    public static final class Context
    {
        /** Default speed: recorded pace. */
        public static final double SPEED_DEFAULT = 1.0;
        /** Default time between progress reports: one second. */
        public static final long PROGRESS_INTERVAL_NS_DEFAULT = 1_000_000_000L;

        private boolean concluded;
        private Path journalDir;
        private TimeRange range = TimeRange.ALL;
        private List<String> types;
        private double speed = SPEED_DEFAULT;
        private RecordedEventPublisher target;
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;
        private IdleStrategy idleStrategy;
        private ProgressListener progressListener;
        private long progressIntervalNs = PROGRESS_INTERVAL_NS_DEFAULT;

        /**
         * Create a context holding the defaults.
         */
        public Context()
        {
        }

        /**
         * Validate the configuration. Called by the {@link Replayer} constructor.
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
                throw new IllegalArgumentException("replay: expected a journal dir");
            }
            if (null == target)
            {
                throw new IllegalArgumentException("replay: expected a target (an engine's recorded event publisher)");
            }
            if (!(speed > 0))
            {
                throw new IllegalArgumentException("replay: expected a positive speed, got " + speed);
            }
            if (progressIntervalNs < 1)
            {
                throw new IllegalArgumentException("replay: expected a positive progress interval, got " + progressIntervalNs);
            }
            if (null == idleStrategy)
            {
                idleStrategy = new BackoffIdleStrategy(1, 10, 1_000, 1_000_000);
            }
            return this;
        }

        /**
         * Journal to replay.
         *
         * @param journalDir directory of the cycle files ({@code <dataDir>/journal}).
         * @return this.
         */
        public Context journalDir(final Path journalDir)
        {
            this.journalDir = journalDir;
            return this;
        }

        /**
         * Journal to replay.
         *
         * @return the journal dir.
         */
        public Path journalDir()
        {
            return journalDir;
        }

        /**
         * Replay only records whose timestamps lie in a range.
         *
         * @param range of timestamps, {@link TimeRange#ALL} by default.
         * @return this.
         */
        public Context range(final TimeRange range)
        {
            this.range = null == range ? TimeRange.ALL : range;
            return this;
        }

        /**
         * Range of timestamps replayed.
         *
         * @return the range.
         */
        public TimeRange range()
        {
            return range;
        }

        /**
         * Replay only some message types.
         *
         * @param types message names, null or empty for all.
         * @return this.
         */
        public Context types(final Collection<String> types)
        {
            this.types = null == types ? null : List.copyOf(types);
            return this;
        }

        /**
         * Message types replayed.
         *
         * @return the names, or null for all.
         */
        public List<String> types()
        {
            return types;
        }

        /**
         * Speed as a multiple of recorded time.
         *
         * @param speed positive; {@link Replayer#MAX_SPEED} for as fast as possible.
         * @return this.
         */
        public Context speed(final double speed)
        {
            this.speed = speed;
            return this;
        }

        /**
         * Speed as text (see {@link Replayer#parseSpeed(String)}).
         *
         * @param speed such as {@code 1x}, {@code 10x}, {@code 0.5x} or {@code max}.
         * @return this.
         */
        public Context speed(final String speed)
        {
            this.speed = parseSpeed(speed);
            return this;
        }

        /**
         * Speed as a multiple of recorded time.
         *
         * @return the speed.
         */
        public double speed()
        {
            return speed;
        }

        /**
         * Where replayed records go: an engine launched without writing the journal being read.
         *
         * @param target from {@code Engine.recordedEventPublisher()}, or any receiver of records.
         * @return this.
         */
        public Context target(final RecordedEventPublisher target)
        {
            this.target = target;
            return this;
        }

        /**
         * Where replayed records go.
         *
         * @return the target.
         */
        public RecordedEventPublisher target()
        {
            return target;
        }

        /**
         * Clock that paces the replay.
         *
         * @param clock monotonic nanoseconds.
         * @return this.
         */
        public Context nanoClock(final NanoClock clock)
        {
            this.nanoClock = clock;
            return this;
        }

        /**
         * Pacing clock.
         *
         * @return the clock.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /**
         * How to wait until a record is due, or for room in the target's ring.
         *
         * @param idleStrategy the strategy; a backoff that parks up to 1 ms by default.
         * @return this.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * Idle strategy.
         *
         * @return the strategy.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * Told of progress about once per progress interval, and at the end.
         *
         * @param listener the listener, or null.
         * @return this.
         */
        public Context progressListener(final ProgressListener listener)
        {
            this.progressListener = listener;
            return this;
        }

        /**
         * Progress listener.
         *
         * @return the listener, or null.
         */
        public ProgressListener progressListener()
        {
            return progressListener;
        }

        /**
         * Time between progress reports, by the pacing clock.
         *
         * @param intervalNs nanoseconds.
         * @return this.
         */
        public Context progressIntervalNs(final long intervalNs)
        {
            this.progressIntervalNs = intervalNs;
            return this;
        }

        /**
         * Time between progress reports.
         *
         * @return nanoseconds.
         */
        public long progressIntervalNs()
        {
            return progressIntervalNs;
        }
    }
}
