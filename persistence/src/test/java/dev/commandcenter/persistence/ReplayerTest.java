package dev.commandcenter.persistence;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.persistence.internal.QueueFiles;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ReplayerTest
{
    private static final long T0 = 1_795_600_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path tempDir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldReproduceThePluginOutputsOfTheRecordedRun()
    {
        final Path recordedDir = tempDir.resolve("recorded");
        final EchoPlugin.Capture recorded = new EchoPlugin.Capture();
        final TestEvent event = new TestEvent();
        final int events = 200;
        try (Engine engine = Engine.launch(new Engine.Context().dataDir(recordedDir)
            .journal(ChronicleJournal.open(new ChronicleJournal.Context().dataDir(recordedDir)))
            .plugin(new EchoPlugin()).egress("capture", recorded)))
        {
            for (int i = 0; i < events; i++)
            {
                if (i % 3 == 0)
                {
                    event.status(0, 0, 850_000 + i);
                    assertThat(engine.publisher().publish(Sources.WALLET, event.buffer, 0, event.length)).isNotNegative();
                }
                else
                {
                    event.chat(0, 0, i, "user" + (i % 7), "line " + i);
                    assertThat(engine.publisher().publish(Sources.WEBSOCKET, event.buffer, 0, event.length)).isNotNegative();
                }
            }
            await().atMost(20, TimeUnit.SECONDS).until(() -> recorded.size() == 2 * events);
        }

        final Path replayDir = tempDir.resolve("replay");
        final EchoPlugin.Capture replayed = new EchoPlugin.Capture();
        final List<Replayer.Progress> progress = new ArrayList<>();
        try (Engine engine = Engine.launch(new Engine.Context().dataDir(replayDir).journal(Journal.NONE)
            .plugin(new EchoPlugin()).egress("capture", replayed)))
        {
            final long count = new Replayer(new Replayer.Context()
                .journalDir(recordedDir.resolve("journal"))
                .speed("max")
                .target(engine.recordedEventPublisher())
                .progressListener(progress::add)).run();

            assertThat(count).isEqualTo(events);
            await().atMost(20, TimeUnit.SECONDS).until(() -> replayed.size() == 2 * events);
        }

        assertThat(replayed.outputs()).containsExactlyElementsOf(recorded.outputs());
        assertThat(recorded.outputs().get(1)).startsWith("echo 0 ");
        assertThat(progress).last().satisfies((last) ->
        {
            assertThat(last.done()).isTrue();
            assertThat(last.replayed()).isEqualTo(events);
            assertThat(last.total()).isEqualTo(events);
        });
        assertThat(replayDir.resolve("journal")).doesNotExist();
    }

    @Test
    void shouldPaceByRecordedTimestampsScaledBySpeed()
    {
        writeJournal(T0, T0 + 10 * SECOND, T0 + 10 * SECOND + SECOND / 2, T0 + 30 * SECOND);
        final SteppedClock clock = new SteppedClock(1_000_000L);
        final List<Long> publishedAt = new ArrayList<>();
        final List<Replayer.Progress> progress = new ArrayList<>();

        final long count = new Replayer(new Replayer.Context()
            .journalDir(tempDir.resolve("journal"))
            .speed("2x")
            .nanoClock(clock)
            .idleStrategy(clock)
            .progressListener(progress::add)
            .target((sequence, timestampNs, source, buffer, offset, length) ->
            {
                publishedAt.add(clock.nanoTime());
                return sequence;
            })).run();

        assertThat(count).isEqualTo(4);
        assertThat(publishedAt).containsExactly(0L, 5 * SECOND, 5 * SECOND + SECOND / 4, 15 * SECOND);
        assertThat(progress).hasSizeGreaterThan(10);
        final Replayer.Progress afterThird = progress.stream()
            .filter((p) -> p.replayed() == 3 && !p.done()).findFirst().orElseThrow();
        assertThat(afterThird.currentTimestampNs()).isEqualTo(T0 + 10 * SECOND + SECOND / 2);
        assertThat(afterThird.etaNs()).isEqualTo((30 * SECOND - 10 * SECOND - SECOND / 2) / 2);
        assertThat(progress).last().satisfies((last) ->
        {
            assertThat(last.done()).isTrue();
            assertThat(last.etaNs()).isZero();
            assertThat(last.eventsPerSecond()).isEqualTo(4 / 15.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(last.describe()).isEqualTo("4/4 events, 0.3 events/s, at 2026-11-25T09:47:10Z, done");
        });
    }

    @Test
    void shouldReplayAtMaxSpeedWithoutWaitingAndRetryWhenTheRingIsFull()
    {
        writeJournal(T0, T0 + 3_600 * SECOND, T0 + 7_200 * SECOND);
        final SteppedClock clock = new SteppedClock(1_000L);
        final List<Long> sequences = new ArrayList<>();
        final int[] attempts = { 0 };

        final long count = new Replayer(new Replayer.Context()
            .journalDir(tempDir.resolve("journal"))
            .speed(Replayer.MAX_SPEED)
            .nanoClock(clock)
            .idleStrategy(clock)
            .target((sequence, timestampNs, source, buffer, offset, length) ->
            {
                if (attempts[0]++ % 2 == 0)
                {
                    return EventPublisher.REJECTED;
                }
                sequences.add(sequence);
                return sequence;
            })).run();

        assertThat(count).isEqualTo(3);
        assertThat(sequences).containsExactly(0L, 1L, 2L);
        assertThat(clock.idles).isEqualTo(3);
    }

    @Test
    void shouldReplayOnlyTheTimeRange()
    {
        writeJournal(T0, T0 + SECOND, T0 + 2 * SECOND, T0 + 3 * SECOND);
        final List<Long> sequences = new ArrayList<>();
        final SteppedClock clock = new SteppedClock(1_000_000L);

        new Replayer(new Replayer.Context()
            .journalDir(tempDir.resolve("journal"))
            .range(new TimeRange(T0 + SECOND, T0 + 3 * SECOND))
            .nanoClock(clock)
            .idleStrategy(clock)
            .target((sequence, timestampNs, source, buffer, offset, length) ->
            {
                sequences.add(sequence);
                return sequence;
            })).run();

        assertThat(sequences).containsExactly(1L, 2L);
        assertThat(clock.nanoTime()).isEqualTo(SECOND);
    }

    @Test
    void shouldRefuseEmptyRangeMissingJournalAndBadSpeed()
    {
        writeJournal(T0);
        final Path journalDir = tempDir.resolve("journal");
        final Replayer.Context later = new Replayer.Context().journalDir(journalDir)
            .range(new TimeRange(T0 + SECOND, T0 + 2 * SECOND))
            .target((sequence, timestampNs, source, buffer, offset, length) -> sequence);
        assertThatThrownBy(() -> new Replayer(later).run())
            .isInstanceOf(JournalException.class)
            .hasMessage("no events in journal " + journalDir + " from 2026-11-25T09:46:41Z to 2026-11-25T09:46:42Z");

        final Path missing = tempDir.resolve("missing");
        assertThatThrownBy(() -> new Replayer(new Replayer.Context().journalDir(missing)
            .target((sequence, timestampNs, source, buffer, offset, length) -> sequence)).run())
            .isInstanceOf(JournalException.class)
            .hasMessage("journal dir " + missing + " does not exist");

        assertThat(Replayer.parseSpeed("1x")).isEqualTo(1.0);
        assertThat(Replayer.parseSpeed("10x")).isEqualTo(10.0);
        assertThat(Replayer.parseSpeed("0.5x")).isEqualTo(0.5);
        assertThat(Replayer.parseSpeed("3")).isEqualTo(3.0);
        assertThat(Replayer.parseSpeed("MAX")).isEqualTo(Replayer.MAX_SPEED);
        for (final String bad : new String[]{ "0x", "-2x", "fast", "x", "1.x", "NaNx", "Infinityx" })
        {
            assertThatThrownBy(() -> Replayer.parseSpeed(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unparseable replay speed '" + bad + "': expected a positive multiple such as 1x, 10x or 0.5x, or max");
        }
    }

    @Test
    void shouldTakeTheTotalOfARangeFromTheIndexAcrossCycleFiles()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(T0 / 1_000_000);
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context()
            .journalDir(tempDir.resolve("journal")).rollCycle("MINUTELY").epochClock(clock)))
        {
            for (int i = 0; i < 40; i++)
            {
                journal.append(event.chat(i, clock.time() * 1_000_000, i, "nina", "at " + i));
                clock.advance(10_000);
            }
        }
        assertThat(QueueFiles.cycleFiles(tempDir.resolve("journal"))).hasSizeGreaterThan(3);
        final List<Long> sequences = new ArrayList<>();
        final List<Replayer.Progress> progress = new ArrayList<>();
        final SteppedClock stepped = new SteppedClock(1_000L);

        final long count = new Replayer(new Replayer.Context()
            .journalDir(tempDir.resolve("journal"))
            .range(new TimeRange(T0 + 55 * SECOND, T0 + 215 * SECOND))
            .speed("max")
            .nanoClock(stepped)
            .idleStrategy(stepped)
            .progressIntervalNs(1)
            .progressListener(progress::add)
            .target((sequence, timestampNs, source, buffer, offset, length) ->
            {
                sequences.add(sequence);
                stepped.idle();
                return sequence;
            })).run();

        assertThat(count).isEqualTo(16);
        assertThat(sequences).containsExactlyElementsOf(java.util.stream.LongStream.range(6, 22).boxed().toList());
        assertThat(progress).allSatisfy((p) -> assertThat(p.total()).isEqualTo(16));
        assertThat(progress.getFirst().replayed()).isEqualTo(1);
        assertThat(progress.getFirst().position()).isEqualTo(1);
        assertThat(progress.getFirst().etaNs()).isBetween(15 * 1_000L - 1, 15 * 1_000L);
        assertThat(progress).last().satisfies((last) ->
        {
            assertThat(last.done()).isTrue();
            assertThat(last.replayed()).isEqualTo(16);
            assertThat(last.position()).isEqualTo(16);
        });
    }

    @Test
    void shouldCountEveryTypeInTheTotalAndSayHowManyAFilterReplayed()
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().journalDir(tempDir.resolve("journal"))))
        {
            for (int i = 0; i < 6; i++)
            {
                journal.append(i % 3 == 0 ? event.status(i, T0 + i * SECOND, 850_000 + i) :
                    event.chat(i, T0 + i * SECOND, i, "nina", "at " + i));
            }
        }
        final List<Replayer.Progress> progress = new ArrayList<>();
        final List<Long> sequences = new ArrayList<>();

        final long count = new Replayer(new Replayer.Context()
            .journalDir(tempDir.resolve("journal"))
            .types(List.of("NetworkStatus"))
            .speed("max")
            .progressListener(progress::add)
            .target((sequence, timestampNs, source, buffer, offset, length) ->
            {
                sequences.add(sequence);
                return sequence;
            })).run();

        assertThat(count).isEqualTo(2);
        assertThat(sequences).containsExactly(0L, 3L);
        assertThat(progress).last().satisfies((last) ->
        {
            assertThat(last.total()).isEqualTo(6);
            assertThat(last.position()).isEqualTo(6);
            assertThat(last.replayed()).isEqualTo(2);
            assertThat(last.describe()).startsWith("6/6 events (2 replayed), ");
        });
    }

    @Test
    void shouldPublishTheSoundRecordsThenReportTheFirstCorruptOneOnce() throws IOException
    {
        writeJournal(T0, T0 + SECOND, T0 + 2 * SECOND, T0 + 3 * SECOND, T0 + 4 * SECOND, T0 + 5 * SECOND);
        final Path journalDir = tempDir.resolve("journal");
        final CorruptRecord bad = corruptRecord(journalDir, 3);
        final List<Long> sequences = new ArrayList<>();

        assertThatThrownBy(() -> new Replayer(new Replayer.Context()
            .journalDir(journalDir)
            .speed("max")
            .target((sequence, timestampNs, source, buffer, offset, length) ->
            {
                sequences.add(sequence);
                return sequence;
            })).run())
            .isInstanceOf(JournalException.class)
            .hasMessageStartingWith("journal record at index " + JournalRecord.formatIndex(bad.index()) + " in " +
                bad.file().getFileName() + ": checksum mismatch")
            .hasMessageNotContaining("\n");
        assertThat(sequences).containsExactly(0L, 1L, 2L);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCheckEachRecordAsItIsCopiedIntoTheEnginesRingAndPassNoCorruptOneToThePlugins() throws IOException
    {
        writeJournal(T0, T0 + SECOND, T0 + 2 * SECOND, T0 + 3 * SECOND, T0 + 4 * SECOND, T0 + 5 * SECOND);
        final Path journalDir = tempDir.resolve("journal");
        final CorruptRecord bad = corruptRecord(journalDir, 4);
        final EchoPlugin.Capture replayed = new EchoPlugin.Capture();

        try (Engine engine = Engine.launch(new Engine.Context().dataDir(tempDir.resolve("replay")).journal(Journal.NONE)
            .plugin(new EchoPlugin()).egress("capture", replayed)))
        {
            assertThatThrownBy(() -> new Replayer(new Replayer.Context()
                .journalDir(journalDir)
                .speed("max")
                .target(engine.recordedEventPublisher())).run())
                .isInstanceOf(JournalException.class)
                .hasMessageStartingWith("journal record at index " + JournalRecord.formatIndex(bad.index()) + " in " +
                    bad.file().getFileName() + ": checksum mismatch");
            await().atMost(20, TimeUnit.SECONDS).until(engine::isDrained);
            await().atMost(20, TimeUnit.SECONDS).until(() -> replayed.size() == 2 * 4);
        }

        assertThat(replayed.outputs()).extracting((output) -> output.split(" ")[1])
            .containsExactly("0", "0", "1", "1", "2", "2", "3", "3");
    }

    @Test
    void shouldCopyARecordFromTheMappedFileIdenticalToTheCheckedCopy()
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().journalDir(tempDir.resolve("journal"))))
        {
            journal.append(event.chat(7, T0, 7, "nina", "in place"));
            journal.append(event.status(8, T0 + 1, 850_001));
        }
        final List<byte[]> copied = new ArrayList<>();
        final List<byte[]> inPlace = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(tempDir.resolve("journal")))
        {
            reader.forEach((record) ->
            {
                final byte[] message = new byte[record.length()];
                record.buffer().getBytes(record.offset(), message);
                copied.add(message);
            });
        }
        try (JournalReader reader = JournalReader.open(tempDir.resolve("journal")))
        {
            assertThat(reader.seekRange().count()).isEqualTo(2);
            final UnsafeBuffer slot = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH + 16]);
            while (reader.nextInPlace())
            {
                final JournalRecord record = reader.record();
                assertThat(record.sequence()).isEqualTo(7 + inPlace.size());
                assertThat(record.buffer().byteArray()).as("a view of the mapped file, not a copy").isNull();
                final int length = record.copyMessageTo(slot, 16);
                assertThat(record.problem()).isNull();
                assertThat(length).isEqualTo(record.length());
                final byte[] message = new byte[length];
                slot.getBytes(16, message);
                inPlace.add(message);
            }
            assertThat(reader.position()).isEqualTo(2);
        }
        assertThat(inPlace).hasSize(2);
        assertThat(inPlace.get(0)).isEqualTo(copied.get(0));
        assertThat(inPlace.get(1)).isEqualTo(copied.get(1));
    }

    private static CorruptRecord corruptRecord(final Path journalDir, final int ordinal) throws IOException
    {
        final long index;
        final Path file;
        final long position;
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(journalDir).readOnly(true).build();
            ExcerptTailer tailer = queue.createTailer())
        {
            index = queue.firstIndex() + ordinal;
            assertThat(tailer.moveToIndex(index)).isTrue();
            try (DocumentContext dc = tailer.readingDocument())
            {
                file = tailer.currentFile().toPath();
                position = dc.wire().bytes().readPosition();
            }
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[]{ 'X', 'X' }), position + JournalRecord.HEADER_LENGTH + 12);
        }
        return new CorruptRecord(index, file);
    }

    private record CorruptRecord(long index, Path file)
    {
    }

    private void writeJournal(final long... timestamps)
    {
        final TestEvent event = new TestEvent();
        try (ChronicleJournal journal = ChronicleJournal.open(new ChronicleJournal.Context().journalDir(tempDir.resolve("journal"))))
        {
            for (int i = 0; i < timestamps.length; i++)
            {
                journal.append(event.chat(i, timestamps[i], i, "nina", "at " + i));
            }
        }
    }

    /** A clock that moves only when the replayer idles: each idle advances it by a fixed step. */
    static final class SteppedClock implements NanoClock, IdleStrategy
    {
        private final long stepNs;
        private long nowNs;
        int idles;

        SteppedClock(final long stepNs)
        {
            this.stepNs = stepNs;
        }

        public long nanoTime()
        {
            return nowNs;
        }

        public void idle(final int workCount)
        {
            if (workCount <= 0)
            {
                idle();
            }
        }

        public void idle()
        {
            idles++;
            nowNs += stepNs;
        }

        public void reset()
        {
        }
    }
}
