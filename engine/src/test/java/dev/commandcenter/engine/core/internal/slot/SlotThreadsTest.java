package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.core.internal.PluginHandler;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import java.util.concurrent.ThreadFactory;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plugin handler with real slot threads: agents on named threads, a detached plugin on its own, and the
 * slot's state seen across threads.
 */
@Timeout(60)
class SlotThreadsTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final SlotFixture fixture = new SlotFixture("named", 3);
    private final Set<String> threadNames = ConcurrentHashMap.newKeySet();

    @Test
    void shouldRunTheSlotAndADetachedPluginOnTheirOwnNamedAgentThreads()
    {
        final RecordingPlugin plugin = new ThreadRecordingPlugin();
        final PluginHandler handler = handler(new PluginSpec("named").instance(plugin));
        handler.start();
        assertThat(handler.awaitStarted(System.nanoTime() + WAIT.toNanos())).isTrue();
        fixture.publish(1, 2, 3);
        fixture.journal();
        await().atMost(WAIT).until(() -> plugin.seen.size() == 3);
        assertThat(threadNames).containsExactly("cc-plugin-named");

        handler.swap(new PluginSpec("named").instance(plugin).backPressure(BackPressure.DETACH).lagLimit(8), true,
            WAIT.toMillis());
        fixture.publish(4, 5);
        fixture.journal();
        await().atMost(WAIT).until(() -> plugin.seen.size() == 5 && handler.isDrained(fixture.input.getCursor()));

        assertThat(plugin.seen).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(threadNames).containsExactlyInAnyOrder("cc-plugin-named", "cc-plugin-named-detached");
        assertThat(handler.shutdown(WAIT.toMillis())).isTrue();
        assertThat(handler.state()).isEqualTo(PluginState.STOPPED);
        assertThat(fixture.errors).isEmpty();
    }

    @Test
    void shouldShowAnotherThreadThatTheSlotIsClosedOnceShutDown() throws Exception
    {
        final PluginHandler handler = handler(new PluginSpec("named").instance(new RecordingPlugin("named")));
        handler.start();
        handler.awaitStarted(System.nanoTime() + WAIT.toNanos());
        final AtomicBoolean sawClosed = new AtomicBoolean();
        final Thread watcher = Thread.ofPlatform().start(() ->
        {
            // Nothing is ever published at this position: only the closed flag can make it drained.
            while (!handler.isDrained(Long.MAX_VALUE))
            {
                Thread.onSpinWait();
            }
            sawClosed.set(true);
        });

        assertThat(handler.shutdown(WAIT.toMillis())).isTrue();
        watcher.join(WAIT.toMillis());

        assertThat(sawClosed).isTrue();
    }

    private PluginHandler handler(final PluginSpec spec)
    {
        final ThreadFactory threadFactory = Thread.ofPlatform().daemon().factory();
        return new PluginHandler(spec, fixture.input, fixture.barrier, fixture.port, fixture.port,
            new SystemEpochClock(), new SystemEpochNanoClock(), new SystemNanoClock(), fixture.errors::add, threadFactory,
            YieldingIdleStrategy::new, AgentHost.dedicated(threadFactory, YieldingIdleStrategy::new, fixture.errors::add,
            null), 3, WAIT.toMillis(),
            (type, suffix) -> fixture.countersManager.newCounter(type.label() + ": handler " + suffix, type.id()),
            SlotRecovery.NONE);
    }

    /** Also records the thread it runs on. */
    private final class ThreadRecordingPlugin extends RecordingPlugin
    {
        ThreadRecordingPlugin()
        {
            super("named");
        }

        public void onEvent(final Event event)
        {
            threadNames.add(Thread.currentThread().getName());
            super.onEvent(event);
        }
    }
}
