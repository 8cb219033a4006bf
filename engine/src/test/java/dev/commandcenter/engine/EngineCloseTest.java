package dev.commandcenter.engine;

import dev.commandcenter.engine.core.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing never closes the journal under a journaller that is still writing.
 */
@Timeout(60)
class EngineCloseTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    @Test
    void shouldLeaveTheJournalOpenWhenTheJournallerDoesNotStopInTime()
    {
        final CountDownLatch appending = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean appendedAfterClose = new AtomicBoolean();
        final RecordingJournal journal = new RecordingJournal(0)
        {
            public void append(final Event event)
            {
                appending.countDown();
                try
                {
                    release.await(30, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                if (closed)
                {
                    appendedAfterClose.set(true);
                }
                super.append(event);
            }
        };
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir).journal(journal)
            .shutdownTimeoutMs(200).errorHandler(errors::add));
        engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 1L);
        await().atMost(WAIT).until(() -> appending.getCount() == 0);

        engine.close();

        assertThat(journal.closed).as("journal closed under a running journaller").isFalse();
        assertThat(errors).extracting(Throwable::getMessage)
            .anySatisfy((message) -> assertThat(message).contains("journal left open"));
        release.countDown();
        await().atMost(WAIT).until(() -> journal.entries.size() == 1);
        assertThat(appendedAfterClose).isFalse();
        journal.close();
    }

    @Test
    void shouldCloseTheJournalOnceEveryRingThreadHasStopped()
    {
        final RecordingJournal journal = new RecordingJournal(0);
        final Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir).journal(journal));
        engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 1L);

        engine.close();

        assertThat(journal.entries).hasSize(1);
        assertThat(journal.closed).isTrue();
        Engine.launch(new Engine.Context().dataDir(dataDir)).close();
    }
}
