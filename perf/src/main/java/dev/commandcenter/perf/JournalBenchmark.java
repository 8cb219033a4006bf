package dev.commandcenter.perf;

import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.Durability;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.IoUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * (c) One journal append: the journaller's work per event (header, SBE bytes, CRC) into Chronicle
 * Queue on a real disk, page-cache durability, with a batch end every 64 events as under load; and its
 * baseline, {@link #rawChronicleAppend}: the same bytes (a 32-byte header and the SBE message) appended
 * with Chronicle's own appender and nothing else, in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class JournalBenchmark
{
    private Path dir;
    private ChronicleJournal journal;
    private final BenchEvent event = new BenchEvent();

    /**
     * Open a journal in a fresh directory.
     *
     * @throws Exception on I/O.
     */
    @Setup(Level.Trial)
    public void setup() throws Exception
    {
        final Path parent = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))).toAbsolutePath();
        dir = Files.createTempDirectory(Files.createDirectories(parent), "journal-bench");
        journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dir).durability(Durability.PAGE_CACHE));
        event.sequence = journal.nextSequence();
    }

    /**
     * Close and delete the journal.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        journal.close();
        IoUtil.delete(dir.toFile(), true);
    }

    /**
     * The baseline: a bare Chronicle queue in its own fresh directory, same default roll cycle.
     */
    @State(Scope.Thread)
    public static class RawQueue
    {
        private Path dir;
        private ChronicleQueue queue;
        private ExcerptAppender appender;
        private final byte[] header = new byte[32];
        private final byte[] message;
        private long sequence;

        /**
         * Prepare the bytes the journal would write for the benchmark event.
         */
        public RawQueue()
        {
            final BenchEvent event = new BenchEvent();
            message = new byte[event.length];
            event.buffer.getBytes(0, message);
        }

        /**
         * Open the queue.
         *
         * @throws Exception on I/O.
         */
        @Setup(Level.Trial)
        public void setup() throws Exception
        {
            final Path parent = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))).toAbsolutePath();
            dir = Files.createTempDirectory(Files.createDirectories(parent), "raw-chronicle-bench");
            queue = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).build();
            appender = queue.createAppender();
        }

        /**
         * Close and delete the queue.
         */
        @TearDown(Level.Trial)
        public void tearDown()
        {
            appender.close();
            queue.close();
            IoUtil.delete(dir.toFile(), true);
        }
    }

    /**
     * Append the same bytes with Chronicle's appender alone (no CRC, no sequence check, no batch end).
     *
     * @param raw the bare queue.
     * @return a running count.
     */
    @Benchmark
    public long rawChronicleAppend(final RawQueue raw)
    {
        try (DocumentContext dc = raw.appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(raw.header, 0, raw.header.length);
            bytes.write(raw.message, 0, raw.message.length);
        }
        return raw.sequence++;
    }

    /**
     * Append one event.
     *
     * @return its sequence.
     */
    @Benchmark
    public long append()
    {
        final long sequence = event.sequence++;
        event.timestampNs = sequence;
        journal.append(event);
        if ((sequence & 63) == 63)
        {
            journal.onBatchEnd();
        }
        return sequence;
    }
}
