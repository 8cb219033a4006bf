package dev.commandcenter.engine;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.counters.CountersFile;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A journal that fails halts the engine loudly: the reason is kept, counted and given to every producer.
 */
@Timeout(60)
class JournalHaltTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    private final List<Engine> engines = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeEngines()
    {
        release.countDown();
        engines.forEach(Engine::close);
    }

    private Engine launch(final Engine.Context ctx)
    {
        final Engine engine = Engine.launch(ctx.dataDir(dataDir).shutdownTimeoutMs(2_000));
        engines.add(engine);
        return engine;
    }

    @Test
    void shouldReturnHaltedWithTheReasonOnceTheJournalFails()
    {
        final RecordingJournal journal = new RecordingJournal(0)
        {
            public void append(final Event event)
            {
                if (TestMessages.chatId(event.buffer(), event.offset()) == 2)
                {
                    throw new IllegalStateException("disk full\nsecond line");
                }
                super.append(event);
            }
        };
        final Engine engine = launch(new Engine.Context().journal(journal));
        final EventPublisher publisher = engine.publisher();

        assertThat(publisher.publish(Sources.CLI, TestMessages.CHAT, 1L)).isGreaterThanOrEqualTo(0);
        assertThat(engine.haltReason()).isNull();
        publisher.publish(Sources.CLI, TestMessages.CHAT, 2L);
        await().atMost(WAIT).until(() -> null != engine.haltReason());

        assertThat(engine.haltReason())
            .isEqualTo("journal halted: append of sequence 1 failed: IllegalStateException: disk full");
        assertThat(publisher.haltReason()).isEqualTo(engine.haltReason());
        assertThat(publisher.publish(Sources.CLI, TestMessages.CHAT, 3L)).isEqualTo(EventPublisher.HALTED);
        final TestEvent copy = new TestEvent(4L);
        assertThat(publisher.publish(Sources.CLI, copy.buffer, 0, copy.length)).isEqualTo(EventPublisher.HALTED);
        assertThat(engine.readCounter(CounterType.JOURNAL_HALTED, "")).isEqualTo(1);
        assertThat(journal.entries).hasSize(1);
        try (CountersFile file = CountersFile.open(dataDir.resolve(CountersFile.FILE_NAME)))
        {
            final StringBuilder errors = new StringBuilder();
            ErrorLogReader.read(file.errorLog(), (count, first, last, text) -> errors.append(text));
            assertThat(errors).contains("journal halted: append of sequence 1 failed");
        }
    }

    @Test
    void shouldWakeAProducerBlockedOnAFullRingWhenTheJournalHalts()
    {
        final RecordingJournal journal = new RecordingJournal(0)
        {
            public void append(final Event event)
            {
                try
                {
                    release.await(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("device gone");
            }
        };
        final Engine engine = launch(new Engine.Context().journal(journal).inputRingSize(4)
            .backPressure(BackPressure.BLOCK));
        final AtomicLong published = new AtomicLong();
        final CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() ->
        {
            long result = 0;
            for (long id = 0; id < 100 && result >= 0; id++)
            {
                result = engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
                published.incrementAndGet();
            }
            return result;
        });

        // The journaller holds the first event; four fill the ring and the fifth publish waits for space.
        await().atMost(WAIT).until(() -> published.get() == 4);
        assertThat(blocked).isNotDone();
        release.countDown();

        assertThat(blocked).succeedsWithin(WAIT).isEqualTo(EventPublisher.HALTED);
        assertThat(published.get()).isEqualTo(5);
        assertThat(engine.haltReason()).startsWith("journal halted: append of sequence 0 failed");
    }

    @Test
    void shouldCountJournalBytesBatchesAndFlushTime()
    {
        final CachedNanoClock nanoClock = new CachedNanoClock();
        final AtomicLong batchEnds = new AtomicLong();
        final RecordingJournal journal = new RecordingJournal(0)
        {
            public void onBatchEnd()
            {
                batchEnds.incrementAndGet();
                nanoClock.advance(1_000);
            }
        };
        final Engine engine = launch(new Engine.Context().journal(journal).nanoClock(nanoClock));

        long bytes = 0;
        for (long id = 0; id < 20; id++)
        {
            bytes += new TestEvent(id).length;
            engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
        }
        await().atMost(WAIT).until(() -> journal.entries.size() == 20 && engine.isDrained());

        assertThat(engine.readCounter(CounterType.JOURNAL_BYTES, "")).isEqualTo(bytes);
        assertThat(engine.readCounter(CounterType.JOURNAL_BATCHES, "")).isEqualTo(batchEnds.get()).isBetween(1L, 20L);
        assertThat(engine.readCounter(CounterType.JOURNAL_FLUSH_NS, "")).isEqualTo(batchEnds.get() * 1_000);
        assertThat(engine.readCounter(CounterType.JOURNAL_HALTED, "")).isZero();
    }

    /** One chat message encoded into a buffer of its own. */
    static final class TestEvent
    {
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(new byte[256]);
        final int length;

        TestEvent(final long id)
        {
            length = TestMessages.writeChat(buffer, 0, id);
        }
    }
}
