package dev.commandcenter.persistence;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.Journal;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
