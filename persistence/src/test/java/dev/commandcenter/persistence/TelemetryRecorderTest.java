package dev.commandcenter.persistence;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Sources;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TelemetryRecorderTest
{
    private static final long T0_MS = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

    @TempDir
    Path dataDir;

    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(new byte[64 * CountersReader.METADATA_LENGTH]),
        new UnsafeBuffer(new byte[64 * CountersReader.COUNTER_LENGTH]));
    private final AtomicCounter eventsIn = counters.newCounter("events in", 1);
    private final AtomicCounter lag = counters.newCounter("plugin lag: chat", 12);

    @Test
    void shouldRecordOneSnapshotPerIntervalAndPrintThem()
    {
        try (TelemetryRecorder recorder = TelemetryRecorder.open(new TelemetryRecorder.Context().dataDir(dataDir)))
        {
            assertThat(recorder.telemetryDir()).isEqualTo(dataDir.resolve("telemetry"));
            for (int second = 0; second < 26; second++)
            {
                eventsIn.set(second * 100L);
                lag.set(second % 3);
                recorder.onSample(T0_MS + second * 1000L, counters);
            }
            assertThat(recorder.snapshotsRecorded()).isEqualTo(3);
        }

        final JournalCorruptionTest.Output output = new JournalCorruptionTest.Output();
        final int exit = TelemetryHistory.print(dataDir.resolve("telemetry"), TimeRange.ALL, null, output.out, output.err);

        assertThat(exit).isEqualTo(ToolExit.OK);
        assertThat(output.out()).isEqualTo(String.join("\n",
            "time                  events in  plugin lag: chat",
            "2026-11-22T10:00:00Z          0                 0",
            "2026-11-22T10:00:10Z       1000                 1",
            "2026-11-22T10:00:20Z       2000                 2"));
    }

    @Test
    void shouldKeepOnlyTheCyclesItsRetentionAllowsAsItRolls()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0_MS);
        try (TelemetryRecorder recorder = TelemetryRecorder.open(new TelemetryRecorder.Context().dataDir(dataDir)
            .intervalMs(60_000).rollCycle("MINUTELY").retention("2 cycles").epochClock(clock)))
        {
            for (int minute = 0; minute < 5; minute++)
            {
                clock.update(T0_MS + minute * 60_000L);
                recorder.onSample(clock.time(), counters);
            }
            assertThat(recorder.snapshotsRecorded()).isEqualTo(5);
        }
        assertThat(dev.commandcenter.persistence.internal.QueueFiles.cycleFiles(dataDir.resolve("telemetry"))).hasSize(2);
    }

    @Test
    void shouldNameTheTelemetryWhenNoDirIsGiven()
    {
        assertThatThrownBy(() -> TelemetryRecorder.open(new TelemetryRecorder.Context()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("telemetry: expected a data dir or a telemetry dir");
    }

    @Test
    void shouldSelectColumnsByMetricAndRowsBySince()
    {
        recordThreeSnapshots();
        final JournalCorruptionTest.Output output = new JournalCorruptionTest.Output();
        final TimeRange since = new TimeRange((T0_MS + 10_000) * 1_000_000L, Long.MAX_VALUE);

        final int exit = TelemetryHistory.print(dataDir.resolve("telemetry"), since, "LAG", output.out, output.err);

        assertThat(exit).isEqualTo(ToolExit.OK);
        assertThat(output.out()).isEqualTo(String.join("\n",
            "time                  plugin lag: chat",
            "2026-11-22T10:00:10Z                 1",
            "2026-11-22T10:00:20Z                 2"));
        final TelemetryHistory.Table table = TelemetryHistory.read(dataDir.resolve("telemetry"), TimeRange.ALL, "events in");
        assertThat(table.columns()).containsExactly("events in");
        assertThat(table.rows()).extracting((row) -> row[0]).containsExactly(0L, 1000L, 2000L);
    }

    @Test
    void shouldReportUnknownMetricEmptyRangeAndMissingDir()
    {
        recordThreeSnapshots();
        final Path telemetryDir = dataDir.resolve("telemetry");

        final JournalCorruptionTest.Output unknown = new JournalCorruptionTest.Output();
        assertThat(TelemetryHistory.print(telemetryDir, TimeRange.ALL, "heap", unknown.out, unknown.err))
            .isEqualTo(ToolExit.ERROR);
        assertThat(unknown.err()).isEqualTo("no counter label matches 'heap': the counters are events in, plugin lag: chat");

        final JournalCorruptionTest.Output empty = new JournalCorruptionTest.Output();
        final TimeRange later = new TimeRange((T0_MS + 3_600_000) * 1_000_000L, Long.MAX_VALUE);
        assertThat(TelemetryHistory.print(telemetryDir, later, null, empty.out, empty.err)).isEqualTo(ToolExit.NO_EVENTS);
        assertThat(empty.err()).isEqualTo("no telemetry snapshots in " + telemetryDir + " from 2026-11-22T11:00:00Z to the end");

        final JournalCorruptionTest.Output missing = new JournalCorruptionTest.Output();
        final Path nowhere = dataDir.resolve("nowhere");
        assertThat(TelemetryHistory.print(nowhere, TimeRange.ALL, null, missing.out, missing.err)).isEqualTo(ToolExit.ERROR);
        assertThat(missing.err()).isEqualTo("telemetry dir " + nowhere + " does not exist");
    }

    @Test
    void shouldRefuseJournalAsTelemetry()
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().journalDir(dataDir.resolve("telemetry"))))
        {
            journal.append(event.chat(0, T0_MS * 1_000_000L, 1, "lee", "not telemetry"));
        }
        final JournalCorruptionTest.Output output = new JournalCorruptionTest.Output();
        assertThat(TelemetryHistory.print(dataDir.resolve("telemetry"), TimeRange.ALL, null, output.out, output.err))
            .isEqualTo(ToolExit.ERROR);
        assertThat(output.err()).startsWith("telemetry record at index 0x").contains("is not a TelemetrySnapshot");
    }

    @Test
    void shouldNotAllocatePerSnapshot()
    {
        for (int i = 0; i < 40; i++)
        {
            counters.newCounter("plugin processed: plugin-" + i, 10);
        }
        try (TelemetryRecorder recorder = TelemetryRecorder.open(new TelemetryRecorder.Context().dataDir(dataDir).intervalMs(1)))
        {
            final long[] now = { T0_MS };
            final Runnable snapshots = () ->
            {
                for (int i = 0; i < 10_000; i++)
                {
                    eventsIn.set(now[0] - T0_MS);
                    recorder.onSample(now[0]++, counters);
                }
            };
            snapshots.run();
            snapshots.run();
            final long allocated = Allocations.leastAllocatedBytes(3, snapshots);
            // one object per snapshot would be 160,000 bytes, one per counter 42 times that; what remains is the
            // JIT settling and Chronicle mapping its next chunk (run with -Xint, only the latter shows: 664 bytes)
            assertThat(allocated).as("bytes allocated by 10,000 snapshots of 42 counters").isLessThan(16 * 1024);
            assertThat(recorder.snapshotsRecorded()).isEqualTo(now[0] - T0_MS);
        }
        final TelemetryHistory.Table table = TelemetryHistory.read(dataDir.resolve("telemetry"), TimeRange.ALL, "events in");
        assertThat(table.rows()).hasSizeGreaterThanOrEqualTo(30_000);
        assertThat(table.rows().getLast()[0]).isEqualTo(table.rows().size() - 1);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRecordTheEnginesCounters() throws Exception
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0_MS);
        try (TelemetryRecorder recorder = TelemetryRecorder.open(new TelemetryRecorder.Context().dataDir(dataDir));
            Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir).epochClock(clock)
                .sampleIntervalMs(10_000).useSamplerAgentInvoker(true).telemetryListener(recorder)))
        {
            final TestEvent event = new TestEvent().chat(0, 0, 1, "max", "hello");
            engine.publisher().publish(Sources.CLI, event.buffer, 0, event.length);
            org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(engine::isDrained);
            clock.advance(10_000);
            assertThat(engine.samplerAgentInvoker().invoke()).isEqualTo(1);
            assertThat(recorder.snapshotsRecorded()).isEqualTo(2);
        }
        assertThat(Files.isDirectory(dataDir.resolve("telemetry"))).isTrue();
        final TelemetryHistory.Table table = TelemetryHistory.read(dataDir.resolve("telemetry"), TimeRange.ALL, "events in");
        assertThat(table.columns()).containsExactly("events in");
        assertThat(table.times()).containsExactly(T0_MS, T0_MS + 10_000);
        assertThat(table.rows().get(1)[0]).isEqualTo(1);
    }

    private void recordThreeSnapshots()
    {
        try (TelemetryRecorder recorder = TelemetryRecorder.open(new TelemetryRecorder.Context().dataDir(dataDir)))
        {
            for (int second = 0; second < 26; second++)
            {
                eventsIn.set(second * 100L);
                lag.set(second % 3);
                recorder.onSample(T0_MS + second * 1000L, counters);
            }
        }
    }

}
