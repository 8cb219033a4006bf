package dev.commandcenter.engine;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.egress.EgressHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine's cycle lent to a host thread ({@link Engine#lendableCycle()}): the host runs the whole engine, woken
 * only through its waker (it parks without a timeout, so a missed wake-up shows as a stuck event), gives it back,
 * and the engine closes on the host when it closes while lent.
 */
class EngineCycleTest
{
    private static final String HOST_THREAD = "test-host";

    @TempDir
    Path dataDir;

    private final List<Engine> engines = new ArrayList<>();
    private final List<String> pluginThreads = new CopyOnWriteArrayList<>();
    private final List<String> egressThreads = new CopyOnWriteArrayList<>();
    private final List<String> closedOn = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeEngines()
    {
        engines.forEach(Engine::close);
    }

    @Test
    void shouldRunTheWholeEngineOnItsHostOnceLentAndOnItsOwnThreadOnceGivenBack()
    {
        final Engine engine = launch(ThreadingMode.SHARED, "blocking");
        final EngineCycle cycle = engine.lendableCycle();
        assertThat(cycle).isNotNull();
        publish(engine, 0, 5);
        await().atMost(Duration.ofSeconds(10)).until(() -> egressThreads.size() == 5);

        final Host host = new Host(cycle);
        assertThat(cycle.lend(host::wake)).isTrue();
        assertThat(cycle.lend(host::wake)).as("one host at a time").isFalse();
        host.start();
        await().atMost(Duration.ofSeconds(10)).until(cycle::isLent);
        // Published one at a time, each after the last was delivered: the host is parked when each arrives.
        for (int i = 5; i < 25; i++)
        {
            publish(engine, i, i + 1);
            final int delivered = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> egressThreads.size() == delivered);
        }
        assertThat(Set.copyOf(pluginThreads.subList(5, 25))).containsExactly(HOST_THREAD);
        assertThat(Set.copyOf(egressThreads.subList(5, 25))).containsExactly(HOST_THREAD);

        host.giveBack();
        await().atMost(Duration.ofSeconds(10)).until(() -> !cycle.isLent());
        publish(engine, 25, 30);
        await().atMost(Duration.ofSeconds(10)).until(() -> egressThreads.size() == 30);
        assertThat(egressThreads.subList(25, 30).stream().collect(Collectors.toSet()))
            .singleElement().asString().startsWith("cc-engine");
        assertThat(cycle.doWork()).as("given back: the host runs nothing").isZero();
    }

    @Test
    void shouldCloseOnTheHostWhenTheEngineClosesWhileLent()
    {
        final Engine engine = launch(ThreadingMode.SHARED, "blocking");
        final EngineCycle cycle = engine.lendableCycle();
        final Host host = new Host(cycle);
        assertThat(cycle.lend(host::wake)).isTrue();
        host.start();
        await().atMost(Duration.ofSeconds(10)).until(cycle::isLent);
        publish(engine, 0, 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> egressThreads.size() == 3);

        engine.close();

        assertThat(closedOn).containsExactly(HOST_THREAD);
        assertThat(cycle.isLent()).isFalse();
        assertThat(cycle.lend(host::wake)).as("closed").isFalse();
        host.giveBack();
    }

    @Test
    void shouldOfferTheCycleOnlyWhenOneParkingThreadRunsTheWholeEngine()
    {
        assertThat(launch(ThreadingMode.DEDICATED, "blocking").lendableCycle()).isNull();
        assertThat(launch(ThreadingMode.SHARED_PLUGINS, "blocking").lendableCycle()).isNull();
        assertThat(launch(ThreadingMode.SHARED, "sleeping").lendableCycle()).isNull();
    }

    private Engine launch(final ThreadingMode mode, final String waitStrategy)
    {
        final Engine engine = Engine.launch(new Engine.Context()
            .dataDir(dataDir.resolve(mode + "-" + waitStrategy))
            .threadingMode(mode)
            .waitStrategy(waitStrategy)
            .journal(new RecordingJournal(0))
            .plugin(new EchoPlugin((event) -> pluginThreads.add(Thread.currentThread().getName()),
                () -> closedOn.add(Thread.currentThread().getName())))
            .egress("threads", (EgressHandler)(event, endOfBatch) -> egressThreads.add(Thread.currentThread().getName())));
        engines.add(engine);
        return engine;
    }

    private static void publish(final Engine engine, final long from, final long to)
    {
        for (long id = from; id < to; id++)
        {
            assertThat(engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id)).isGreaterThanOrEqualTo(0);
        }
    }

    /**
     * A host loop as an event loop runs one: a duty cycle, then block (here a park without a timeout) unless the
     * cycle has work, checked after announcing the block; woken only by the cycle's waker.
     */
    private static final class Host
    {
        private final EngineCycle cycle;
        private final Thread thread;
        private final AtomicBoolean blocked = new AtomicBoolean();
        private volatile boolean giveBack;

        Host(final EngineCycle cycle)
        {
            this.cycle = cycle;
            this.thread = new Thread(this::run, HOST_THREAD);
            thread.setDaemon(true);
        }

        void start()
        {
            thread.start();
        }

        void wake()
        {
            if (blocked.get() && blocked.compareAndSet(true, false))
            {
                LockSupport.unpark(thread);
            }
        }

        void giveBack()
        {
            giveBack = true;
            blocked.set(false);
            LockSupport.unpark(thread);
            try
            {
                thread.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            assertThat(thread.isAlive()).isFalse();
        }

        private void run()
        {
            while (!giveBack)
            {
                if (cycle.doWork() > 0)
                {
                    continue;
                }
                blocked.set(true);
                VarHandle.fullFence();
                if (!cycle.hasWork())
                {
                    while (blocked.get() && !giveBack)
                    {
                        LockSupport.park();
                    }
                }
                blocked.set(false);
            }
            cycle.giveBack();
        }
    }
}
