package dev.commandcenter.persistence;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.engine.Sources;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChronicleJournalTest
{
    private static final long T0 = 1_795_600_000_000_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void shouldStartAtSequenceZeroWhenEmptyAndPutJournalInDataDir()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            assertThat(journal.nextSequence()).isZero();
            assertThat(journal.journalDir()).isEqualTo(dataDir.resolve("journal"));
        }
    }

    @Test
    void shouldAppendRecordsThatReadBackIdentically()
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            journal.append(event.chat(0, T0, 100, "alice", "hello"));
            journal.append(event.status(1, T0 + 5, 850_000));
            journal.onBatchEnd();
        }

        try (JournalReader reader = JournalReader.open(dataDir.resolve("journal")))
        {
            assertThat(reader.next()).isTrue();
            final JournalRecord first = reader.record();
            assertThat(first.sequence()).isZero();
            assertThat(first.timestampNs()).isEqualTo(T0);
            assertThat(first.source()).isEqualTo(Sources.WEBSOCKET);
            assertThat(first.messageName()).isEqualTo("ChatMessage");
            assertThat(first.recordVersion()).isEqualTo(JournalRecord.RECORD_VERSION);
            final TestEvent expected = new TestEvent().chat(0, T0, 100, "alice", "hello");
            assertThat(copy(first)).isEqualTo(copy(expected.buffer, expected.length));
            final long firstIndex = first.index();

            assertThat(reader.next()).isTrue();
            assertThat(reader.record().sequence()).isEqualTo(1);
            assertThat(reader.record().source()).isEqualTo(Sources.WALLET);
            assertThat(reader.record().messageName()).isEqualTo("NetworkStatus");
            assertThat(reader.record().index()).isEqualTo(firstIndex + 1);
            assertThat(reader.next()).isFalse();
        }
    }

    @Test
    void shouldContinueSequenceAfterReopen()
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            for (int i = 0; i < 5; i++)
            {
                journal.append(event.chat(journal.nextSequence() + i, T0 + i, i, "bob", "line " + i));
            }
        }
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            assertThat(journal.nextSequence()).isEqualTo(5);
            journal.append(event.chat(5, T0 + 5, 5, "bob", "line 5"));
        }
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            assertThat(journal.nextSequence()).isEqualTo(6);
        }
    }

    @Test
    void shouldSyncAtBatchEndOnlyInSyncMode()
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(
            new ChronicleJournal.Context().dataDir(dataDir).durability(Durability.SYNC)))
        {
            journal.append(event.chat(0, T0, 1, "carol", "a"));
            journal.append(event.chat(1, T0, 2, "carol", "b"));
            assertThat(journal.lastSyncedSequence()).isEqualTo(-1);
            journal.onBatchEnd();
            assertThat(journal.lastSyncedSequence()).isEqualTo(1);
            journal.append(event.chat(2, T0, 3, "carol", "c"));
            journal.onBatchEnd();
            assertThat(journal.lastSyncedSequence()).isEqualTo(2);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(
            new ChronicleJournal.Context().dataDir(dataDir).durability(Durability.PAGE_CACHE)))
        {
            journal.append(event.chat(3, T0, 4, "carol", "d"));
            journal.onBatchEnd();
            assertThat(journal.lastSyncedSequence()).isEqualTo(-1);
        }
    }

    @Test
    void shouldSyncBatchesThatRollIntoNewCycleFiles() throws IOException
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0 / 1_000_000);
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)
            .rollCycle("MINUTELY").durability(Durability.SYNC).epochClock(clock)))
        {
            long sequence = 0;
            for (int batch = 0; batch < 3; batch++)
            {
                journal.append(event.chat(sequence++, clock.time() * 1_000_000, sequence, "olga", "before roll"));
                clock.advance(60_000);
                journal.append(event.chat(sequence++, clock.time() * 1_000_000, sequence, "olga", "after roll"));
                journal.onBatchEnd();
                assertThat(journal.lastSyncedSequence()).isEqualTo(sequence - 1);
            }
        }
        assertThat(cycleFiles()).hasSize(4);
        assertThat(JournalVerify.verify(dataDir.resolve("journal")).records()).isEqualTo(6);
    }

    @Test
    void shouldNotAllocateWhenAppendingAndSyncing()
    {
        final TestEvent event = new TestEvent().chat(0, T0, 7, "dave", "a message of a typical length for chat");
        try (ChronicleJournal journal = ChronicleJournal.open(
            new ChronicleJournal.Context().dataDir(dataDir).durability(Durability.SYNC)))
        {
            appendBatches(journal, event, 0, 100_000);
            final int[] next = { 100_000 };
            final long allocated = Allocations.leastAllocatedBytes(3, () ->
            {
                appendBatches(journal, event, next[0], next[0] + 50_000);
                next[0] += 50_000;
            });
            // one object per append would be 800,000 bytes, one per sync (50 batches) 800 bytes
            assertThat(allocated).as("bytes allocated by 50,000 appends and 50 syncs after warm-up").isLessThan(512);
            assertThat(journal.lastSyncedSequence()).isEqualTo(next[0] - 1);
        }
    }

    private static void appendBatches(final ChronicleJournal journal, final TestEvent event, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            event.sequence = i;
            journal.append(event);
            if ((i & 1023) == 1023)
            {
                journal.onBatchEnd();
            }
        }
        journal.onBatchEnd();
    }

    @Test
    void shouldRollAndKeepOnlyTheNewestCycles() throws IOException
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0 / 1_000_000);
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)
            .rollCycle("MINUTELY").retention("2 cycles").epochClock(clock)))
        {
            for (int i = 0; i < 5; i++)
            {
                journal.append(event.chat(i, clock.time() * 1_000_000, i, "erin", "minute " + i));
                clock.advance(60_000);
            }
        }
        assertThat(cycleFiles()).hasSize(2);
        final List<Long> sequences = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dataDir.resolve("journal")))
        {
            reader.forEach((record) -> sequences.add(record.sequence()));
        }
        assertThat(sequences).containsExactly(3L, 4L);
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)
            .rollCycle("MINUTELY").retention("2 cycles").epochClock(clock)))
        {
            assertThat(journal.nextSequence()).isEqualTo(5);
        }
    }

    @Test
    void shouldReadBackARangeOfSequencesAcrossCycleFilesWhileOpenForAppend()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0 / 1_000_000);
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)
            .rollCycle("MINUTELY").epochClock(clock)))
        {
            for (int i = 0; i < 30; i++)
            {
                journal.append(event.chat(100 + i, clock.time() * 1_000_000, i, "gail", "line " + i));
                if (9 == i % 10)
                {
                    clock.advance(60_000);
                }
            }
            final List<Long> sequences = new ArrayList<>();
            final long read = journal.read(107, 123, (record) -> sequences.add(record.sequence()));

            assertThat(read).isEqualTo(16);
            assertThat(sequences).containsExactlyElementsOf(LongStream.range(107, 123).boxed().toList());
            assertThat(journal.read(125, 1_000, (record) -> sequences.add(record.sequence()))).isEqualTo(5);
            assertThat(sequences).endsWith(125L, 126L, 127L, 128L, 129L);
            assertThat(journal.read(130, 200, (record) -> sequences.add(-1L))).isZero();
            assertThat(journal.read(110, 110, (record) -> sequences.add(-1L))).isZero();
            assertThat(sequences).doesNotContain(-1L);
        }
    }

    @Test
    void shouldStartReadingAtTheFirstHeldSequenceWhenRetentionRemovedOlderOnes()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0 / 1_000_000);
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)
            .rollCycle("MINUTELY").retention("2 cycles").epochClock(clock)))
        {
            for (int i = 0; i < 5; i++)
            {
                journal.append(event.chat(i, clock.time() * 1_000_000, i, "erin", "minute " + i));
                clock.advance(60_000);
            }
            final List<Long> sequences = new ArrayList<>();
            assertThat(journal.read(0, 5, (record) -> sequences.add(record.sequence()))).isEqualTo(2);
            assertThat(sequences).containsExactly(3L, 4L);
        }
    }

    @Test
    void shouldReadNothingFromAnEmptyJournal()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            assertThat(journal.read(0, 10, (record) -> { })).isZero();
        }
    }

    @Test
    void shouldDeleteCyclesOlderThanTheRetentionDuration() throws IOException
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0 / 1_000_000 / 3_600_000 * 3_600_000);
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)
            .rollCycle("HOURLY").retention("3h").epochClock(clock)))
        {
            for (int i = 0; i < 6; i++)
            {
                journal.append(event.chat(i, clock.time() * 1_000_000, i, "frank", "hour " + i));
                clock.advance(3_600_000);
            }
        }
        // the last append was at hour 5: hours 2, 3 and 4 ended less than 3 h before it, hour 5 is current
        assertThat(cycleFiles()).hasSize(4);
    }

    @Test
    void shouldRefuseForeignDirectoryAndWriteNothing() throws IOException
    {
        final Path journalDir = Files.createDirectories(dataDir.resolve("journal"));
        Files.writeString(journalDir.resolve("notes.txt"), "not a journal");

        assertThatThrownBy(() -> ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
            .isInstanceOf(JournalException.class)
            .hasMessage("journal dir " + journalDir + " is not a Command Center journal: it holds 'notes.txt' " +
                "(expected only Chronicle Queue files *.cq4 and *.cq4t)");
        try (Stream<Path> files = Files.list(journalDir))
        {
            assertThat(files).containsExactly(journalDir.resolve("notes.txt"));
        }
    }

    @Test
    void shouldRefuseQueueOfForeignRecordsAndWriteNothing() throws IOException
    {
        final Path journalDir = dataDir.resolve("journal");
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(journalDir).build();
            ExcerptAppender appender = queue.createAppender())
        {
            appender.writeText("some other application's message");
        }
        final Map<Path, Long> before = snapshot(journalDir);

        assertThatThrownBy(() -> ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
            .isInstanceOf(JournalException.class)
            .hasMessageStartingWith("cannot open journal " + journalDir + " for append: journal record at index 0x")
            .hasMessageContaining("does not start with the journal record magic")
            .hasMessageNotContaining("\n");
        assertThat(snapshot(journalDir)).isEqualTo(before);
    }

    @Test
    void shouldRefuseJournalWithNewerSchemaVersionAndWriteNothing() throws IOException
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
        {
            journal.append(event.chat(0, T0, 1, "gina", "from the future").schemaVersion(MessageSchema.SCHEMA_VERSION + 1));
        }
        final Path journalDir = dataDir.resolve("journal");
        final Map<Path, Long> before = snapshot(journalDir);

        assertThatThrownBy(() -> ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
            .isInstanceOf(JournalException.class)
            .hasMessageStartingWith("cannot open journal " + journalDir + " for append: journal record at index 0x")
            .hasMessageEndingWith(": schema version " + (MessageSchema.SCHEMA_VERSION + 1) + " is newer than this build reads (" +
                MessageSchema.SCHEMA_VERSION + "): upgrade Command Center");
        assertThat(snapshot(journalDir)).isEqualTo(before);
    }

    @Test
    void shouldRefuseJournalWithNewerRecordFormatAndWriteNothing() throws IOException
    {
        final Path journalDir = dataDir.resolve("journal");
        final TestEvent event = new TestEvent().chat(0, T0, 1, "hank", "v2 record");
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(journalDir).build();
            ExcerptAppender appender = queue.createAppender();
            DocumentContext dc = appender.writingDocument())
        {
            final UnsafeBuffer header = new UnsafeBuffer(new byte[JournalRecord.HEADER_LENGTH]);
            JournalRecord.encodeHeader(header, event.source, 0, T0, event.length);
            header.putShort(JournalRecord.VERSION_OFFSET, (short)2);
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.write(header.byteArray(), 0, JournalRecord.HEADER_LENGTH);
            bytes.write(event.buffer.byteArray(), 0, event.length);
        }
        final Map<Path, Long> before = snapshot(journalDir);

        assertThatThrownBy(() -> ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir)))
            .isInstanceOf(JournalException.class)
            .hasMessageEndingWith(": record format version 2 is newer than this build reads (1): upgrade Command Center");
        assertThat(snapshot(journalDir)).isEqualTo(before);
    }

    @Test
    void shouldNameBadSettings()
    {
        assertThatThrownBy(() -> ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir).rollCycle("FORTNIGHTLY")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("unknown roll cycle 'FORTNIGHTLY': expected one of ")
            .hasMessageContaining("HOURLY, DAILY");
        assertThatThrownBy(() -> ChronicleJournal.open(new ChronicleJournal.Context().dataDir(dataDir).retention("soon")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("unparseable retention 'soon': expected forever, a duration (12h, 7d, 4w) or a number of cycle files (10 cycles)");
        assertThatThrownBy(() -> ChronicleJournal.Context.parseDurability("fsync"))
            .hasMessage("unknown journal durability 'fsync': expected PAGE_CACHE or SYNC");
        assertThatThrownBy(() -> new ChronicleJournal.Context().conclude())
            .hasMessage("journal: expected a data dir or a journal dir");
    }

    private List<Path> cycleFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(dataDir.resolve("journal")))
        {
            return files.filter((file) -> file.toString().endsWith(".cq4")).sorted().toList();
        }
    }

    private static Map<Path, Long> snapshot(final Path dir) throws IOException
    {
        final Map<Path, Long> result = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : files.toList())
            {
                result.put(file, Files.size(file) * 31 + Files.getLastModifiedTime(file).toMillis() +
                    java.util.Arrays.hashCode(Files.readAllBytes(file)));
            }
        }
        return result;
    }

    private static byte[] copy(final JournalRecord record)
    {
        final byte[] bytes = new byte[record.length()];
        record.buffer().getBytes(record.offset(), bytes);
        return bytes;
    }

    private static byte[] copy(final UnsafeBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }
}
