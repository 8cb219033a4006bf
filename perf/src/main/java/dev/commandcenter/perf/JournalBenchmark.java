package dev.commandcenter.perf;

import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.Durability;
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
 * Queue on a real disk, page-cache durability, with a batch end every 64 events as under load.
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
