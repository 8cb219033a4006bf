package dev.commandcenter.perf;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.Durability;
import dev.commandcenter.persistence.Replayer;
import dev.commandcenter.plugin.streambridge.StreamBridgePlugin;
import org.HdrHistogram.Histogram;
import org.agrona.IoUtil;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Journal figures that JMH's averages do not give:
 * <ol>
 * <li>append latency percentiles at a fixed offered rate, timed from each append's intended start
 * (coordinated-omission safe: a stall delays the schedule, and every append it delayed counts the wait);</li>
 * <li>replay throughput at {@code --speed max} through the engine and the stream bridge;</li>
 * <li>engine throughput with the journal on versus off, as a ratio in one run.</li>
 * </ol>
 * Usage: {@code perf/harness [events] [ratePerSecond]}.
 */
public final class JournalHarness
{
    /** Offered rate for SYNC appends, each one flushed. */
    static final int SYNC_RATE = 500;

    private JournalHarness()
    {
    }

    /**
     * Run every measurement and print a report.
     *
     * @param args optional: events per measurement (default 200000), offered append rate (default 100000/s).
     * @throws Exception on I/O.
     */
    public static void main(final String[] args) throws Exception
    {
        final int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        final int rate = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        final PrintStream out = System.out;
        final Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "journal-harness");
        try
        {
            out.printf(Locale.ROOT, "Journal harness: %d events per measurement, append rate %d/s%n", events, rate);
            for (final Durability durability : Durability.values())
            {
                // SYNC flushes the file on every append here (a batch of one): offer it what a disk can take.
                final int offered = durability == Durability.SYNC ? Math.min(rate, SYNC_RATE) : rate;
                final int count = durability == Durability.SYNC ? Math.min(events, SYNC_RATE * 5) : events;
                final Histogram histogram = appendLatency(root.resolve("latency-" + durability), durability, count, offered);
                out.printf(Locale.ROOT, "append latency %-10s at %6d/s p50 %7.2f us  p90 %7.2f us  p99 %7.2f us  p99.9 %8.2f us  " +
                    "max %9.2f us%n", durability, offered, us(histogram, 50), us(histogram, 90), us(histogram, 99),
                    us(histogram, 99.9), histogram.getMaxValue() / 1000.0);
            }

            final Path recorded = root.resolve("recorded");
            final double withJournal = engineThroughput(recorded, true, events);
            final double withoutJournal = engineThroughput(root.resolve("no-journal"), false, events);
            out.printf(Locale.ROOT, "engine throughput journal on  %,12.0f events/s%n", withJournal);
            out.printf(Locale.ROOT, "engine throughput journal off %,12.0f events/s%n", withoutJournal);
            out.printf(Locale.ROOT, "journal on / off ratio        %12.2f%n", withJournal / withoutJournal);

            out.printf(Locale.ROOT, "replay --speed max            %,12.0f events/s%n", replayThroughput(recorded, root.resolve("replay")));
        }
        finally
        {
            IoUtil.delete(root.toFile(), true);
        }
    }

    private static double us(final Histogram histogram, final double percentile)
    {
        return histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    static Histogram appendLatency(final Path dir, final Durability durability, final int events, final int rate)
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final BenchEvent event = new BenchEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dir).durability(durability)))
        {
            final long intervalNs = TimeUnit.SECONDS.toNanos(1) / rate;
            // Warm up without recording.
            for (int i = 0; i < 20_000; i++)
            {
                event.sequence = i;
                journal.append(event);
                journal.onBatchEnd();
            }
            final long start = System.nanoTime();
            for (int i = 0; i < events; i++)
            {
                final long intended = start + i * intervalNs;
                while (System.nanoTime() < intended)
                {
                    Thread.onSpinWait();
                }
                event.sequence = 20_000 + i;
                event.timestampNs = intended;
                journal.append(event);
                journal.onBatchEnd();
                histogram.recordValue(Math.min(System.nanoTime() - intended, histogram.getHighestTrackableValue()));
            }
        }
        return histogram;
    }

    static double engineThroughput(final Path dataDir, final boolean journaled, final int events)
    {
        final Journal journal = journaled ? ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)) : Journal.NONE;
        final BenchEvent event = new BenchEvent();
        try (Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir).journal(journal)
            .plugin(new StreamBridgePlugin())))
        {
            final EventPublisher publisher = engine.publisher();
            for (int i = 0; i < 20_000; i++)
            {
                publisher.publish(Sources.CLI, BenchEvent.COPY, event);
            }
            awaitDrained(engine);
            final long start = System.nanoTime();
            for (int i = 0; i < events; i++)
            {
                publisher.publish(Sources.CLI, BenchEvent.COPY, event);
            }
            awaitDrained(engine);
            return events / ((System.nanoTime() - start) / 1e9);
        }
    }

    static double replayThroughput(final Path recorded, final Path replayDir)
    {
        try (Engine engine = Engine.launch(new Engine.Context().dataDir(replayDir).journal(Journal.NONE)
            .plugin(new StreamBridgePlugin())))
        {
            final long start = System.nanoTime();
            final long replayed = new Replayer(new Replayer.Context()
                .journalDir(recorded.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME))
                .speed(Replayer.MAX_SPEED).target(engine.recordedEventPublisher())).run();
            awaitDrained(engine);
            return replayed / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void awaitDrained(final Engine engine)
    {
        while (!engine.isDrained())
        {
            Thread.onSpinWait();
        }
    }
}
