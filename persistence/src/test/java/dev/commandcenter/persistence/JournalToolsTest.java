package dev.commandcenter.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalToolsTest
{
    private static final long T0_MS = java.time.Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
    private static final long T0 = T0_MS * 1_000_000L;
    private static final long MINUTE_NS = 60_000_000_000L;

    @TempDir
    Path dataDir;

    private final ObjectMapper mapper = new ObjectMapper();

    /** Six events, one a minute, alternating chat and network status, rolling a file each minute. */
    private Path writeJournal()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0_MS);
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(
            new ChronicleJournal.Context().dataDir(dataDir).rollCycle("MINUTELY").epochClock(clock)))
        {
            for (int i = 0; i < 6; i++)
            {
                if (i % 2 == 0)
                {
                    journal.append(event.chat(i, T0 + i * MINUTE_NS, 1000 + i, "jack", "chat " + i));
                }
                else
                {
                    journal.append(event.status(i, T0 + i * MINUTE_NS, 850_000 + i));
                }
                clock.advance(60_000);
            }
        }
        return dataDir.resolve("journal");
    }

    @Test
    void shouldReadWithTimeAndTypeFiltersReportingIndexes()
    {
        final Path journalDir = writeJournal();
        final List<Long> sequences = new ArrayList<>();
        final List<Long> indexes = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(journalDir)
            .range(new TimeRange(T0 + MINUTE_NS, T0 + 5 * MINUTE_NS))
            .types(List.of("ChatMessage")))
        {
            reader.forEach((record) ->
            {
                sequences.add(record.sequence());
                indexes.add(record.index());
            });
        }
        assertThat(sequences).containsExactly(2L, 4L);
        assertThat(indexes).doesNotHaveDuplicates().allSatisfy((index) -> assertThat(index).isPositive());

        try (JournalReader reader = JournalReader.open(journalDir))
        {
            assertThat(reader.readLast().sequence()).isEqualTo(5);
            assertThat(reader.forEach((record) -> { })).isEqualTo(6);
            reader.rewind();
            assertThat(reader.next()).isTrue();
            assertThat(reader.record().sequence()).isZero();
        }
    }

    @Test
    void shouldRefuseUnknownTypeNames()
    {
        final Path journalDir = writeJournal();
        try (JournalReader reader = JournalReader.open(journalDir))
        {
            assertThatThrownBy(() -> reader.types(List.of("ChatMesage")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown message type 'ChatMesage': expected one of TransactionReceived, ")
                .hasMessageContaining("ChatMessage");
        }
    }

    @Test
    void shouldDumpOneJsonLinePerEvent() throws IOException
    {
        final Path journalDir = writeJournal();
        final JournalCorruptionTest.Output output = new JournalCorruptionTest.Output();

        final int exit = JournalDump.dump(journalDir, TimeRange.ALL, null, output.out, output.err);

        assertThat(exit).isEqualTo(ToolExit.OK);
        final String[] lines = output.out().split("\n");
        assertThat(lines).hasSize(6);
        final JsonNode first = mapper.readTree(lines[0]);
        assertThat(lines[0]).startsWith("{\"sequence\":0,\"timestamp\":\"2026-11-22T10:00:00Z\",\"timestampNs\":" + T0 +
            ",\"source\":\"websocket\",\"type\":\"ChatMessage\",\"messageId\":1000,");
        assertThat(first.get("user").asText()).isEqualTo("jack");
        assertThat(first.get("text").asText()).isEqualTo("chat 0");
        final JsonNode second = mapper.readTree(lines[1]);
        assertThat(second.get("type").asText()).isEqualTo("NetworkStatus");
        assertThat(second.get("source").asText()).isEqualTo("wallet");
        assertThat(second.get("tipHeight").asInt()).isEqualTo(850_001);
        assertThat(output.err()).isEmpty();
    }

    @Test
    void shouldDumpFilteredByTypeAndTime() throws IOException
    {
        final Path journalDir = writeJournal();
        final JournalCorruptionTest.Output output = new JournalCorruptionTest.Output();

        final int exit = JournalDump.dump(journalDir, new TimeRange(T0 + 2 * MINUTE_NS, Long.MAX_VALUE),
            List.of("NetworkStatus"), output.out, output.err);

        assertThat(exit).isEqualTo(ToolExit.OK);
        final List<Long> sequences = new ArrayList<>();
        for (final String line : output.out().split("\n"))
        {
            sequences.add(mapper.readTree(line).get("sequence").asLong());
        }
        assertThat(sequences).containsExactly(3L, 5L);
    }

    @Test
    void shouldReportEmptyTimeRangeWithNonZeroExit()
    {
        final Path journalDir = writeJournal();
        final JournalCorruptionTest.Output output = new JournalCorruptionTest.Output();
        final TimeRange later = new TimeRange(T0 + 60 * MINUTE_NS, T0 + 61 * MINUTE_NS);

        assertThat(JournalDump.dump(journalDir, later, null, output.out, output.err)).isEqualTo(ToolExit.NO_EVENTS);
        assertThat(output.out()).isEmpty();
        assertThat(output.err()).isEqualTo("no events in journal " + journalDir +
            " from 2026-11-22T11:00:00Z to 2026-11-22T11:01:00Z");

        final JournalCorruptionTest.Output stats = new JournalCorruptionTest.Output();
        assertThat(JournalStats.print(journalDir, later, stats.out, stats.err)).isEqualTo(ToolExit.NO_EVENTS);
        assertThat(stats.err()).isEqualTo(output.err());

        final JournalCorruptionTest.Output typed = new JournalCorruptionTest.Output();
        assertThat(JournalDump.dump(journalDir, later, List.of("ChatMessage"), typed.out, typed.err))
            .isEqualTo(ToolExit.NO_EVENTS);
        assertThat(typed.err()).startsWith("no ChatMessage events in journal ");
    }

    @Test
    void shouldPrintStats()
    {
        final Path journalDir = writeJournal();
        final JournalStats.Stats stats = JournalStats.compute(journalDir, TimeRange.ALL);
        assertThat(stats.events()).isEqualTo(6);
        assertThat(stats.cycleFiles()).isEqualTo(6);
        assertThat(stats.sizeBytes()).isPositive();
        assertThat(stats.firstSequence()).isZero();
        assertThat(stats.lastSequence()).isEqualTo(5);
        assertThat(stats.firstTimestampNs()).isEqualTo(T0);
        assertThat(stats.lastTimestampNs()).isEqualTo(T0 + 5 * MINUTE_NS);
        assertThat(stats.countsByType()).containsEntry("ChatMessage", 3L).containsEntry("NetworkStatus", 3L).hasSize(2);

        final JournalCorruptionTest.Output output = new JournalCorruptionTest.Output();
        assertThat(JournalStats.print(journalDir, TimeRange.ALL, output.out, output.err)).isEqualTo(ToolExit.OK);
        assertThat(output.out())
            .contains("cycle files  6")
            .contains("events       6")
            .contains("sequences    0 to 5")
            .contains("first        2026-11-22T10:00:00Z")
            .contains("last         2026-11-22T10:05:00Z")
            .contains("  ChatMessage    3")
            .contains("  NetworkStatus  3");
    }

    @Test
    void shouldVerifySoundJournalAcrossCycleFiles()
    {
        final Path journalDir = writeJournal();
        final JournalCorruptionTest.Output output = new JournalCorruptionTest.Output();

        assertThat(JournalVerify.run(journalDir, output.out, output.err)).isEqualTo(ToolExit.OK);
        assertThat(output.out()).isEqualTo("journal " + journalDir + ": OK, 6 records in 6 cycle files, sequences 0 to 5");
    }

    @Test
    void shouldReportSequenceGap()
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            journal.append(event.chat(0, T0, 1, "kim", "a"));
            journal.append(event.chat(1, T0, 2, "kim", "b"));
            journal.append(event.chat(3, T0, 3, "kim", "c"));
        }
        final JournalVerify.Result result = JournalVerify.verify(dataDir.resolve("journal"));
        assertThat(result.isSound()).isFalse();
        assertThat(result.records()).isEqualTo(2);
        assertThat(result.problem()).isEqualTo("sequence 3 follows 1 (expected 2): records are missing or repeated");
    }

    @Test
    void shouldReportMissingDirectoryWithNonZeroExit()
    {
        final Path missing = dataDir.resolve("nowhere/journal");
        final JournalCorruptionTest.Output dump = new JournalCorruptionTest.Output();
        final JournalCorruptionTest.Output stats = new JournalCorruptionTest.Output();
        final JournalCorruptionTest.Output verify = new JournalCorruptionTest.Output();

        assertThat(JournalDump.dump(missing, TimeRange.ALL, null, dump.out, dump.err)).isEqualTo(ToolExit.ERROR);
        assertThat(JournalStats.print(missing, TimeRange.ALL, stats.out, stats.err)).isEqualTo(ToolExit.ERROR);
        assertThat(JournalVerify.run(missing, verify.out, verify.err)).isEqualTo(ToolExit.ERROR);

        final String expected = "journal dir " + missing + " does not exist";
        assertThat(dump.err()).isEqualTo(expected);
        assertThat(stats.err()).isEqualTo(expected);
        assertThat(verify.err()).isEqualTo(expected);
        assertThat(Files.exists(missing)).isFalse();
    }

    @Test
    void shouldReportForeignDirectoryWithNonZeroExit() throws IOException
    {
        Files.writeString(dataDir.resolve("engine.lock"), "");
        final JournalCorruptionTest.Output output = new JournalCorruptionTest.Output();

        assertThat(JournalDump.dump(dataDir, TimeRange.ALL, null, output.out, output.err)).isEqualTo(ToolExit.ERROR);
        assertThat(output.err()).isEqualTo("journal dir " + dataDir + " is not a Command Center journal: it holds " +
            "'engine.lock' (expected only Chronicle Queue files *.cq4 and *.cq4t)");
    }

    @Test
    void shouldReportEmptyJournal() throws IOException
    {
        final Path journalDir = Files.createDirectories(dataDir.resolve("journal"));
        final JournalCorruptionTest.Output output = new JournalCorruptionTest.Output();

        assertThat(JournalDump.dump(journalDir, TimeRange.ALL, null, output.out, output.err)).isEqualTo(ToolExit.NO_EVENTS);
        assertThat(output.err()).isEqualTo("no events in journal " + journalDir);
    }
}
