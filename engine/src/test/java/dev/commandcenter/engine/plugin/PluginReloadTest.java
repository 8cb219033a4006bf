package dev.commandcenter.engine.plugin;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.PluginSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import dev.commandcenter.engine.ThreadingMode;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class PluginReloadTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int EVENTS = 20_000;

    @TempDir
    Path dataDir;

    private final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void closeEngines()
    {
        engines.forEach(Engine::close);
    }

    static Stream<Arguments> policiesAndModes()
    {
        final List<Arguments> arguments = new ArrayList<>();
        for (final BackPressure policy : BackPressure.values())
        {
            for (final ThreadingMode mode : List.of(ThreadingMode.DEDICATED, ThreadingMode.SHARED_PLUGINS,
                ThreadingMode.SHARED))
            {
                arguments.add(Arguments.of(policy, mode));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest
    @MethodSource("policiesAndModes")
    void shouldNeitherLoseNorRepeatAnEventAcrossReloadsUnderLoad(final BackPressure policy, final ThreadingMode mode)
        throws Exception
    {
        final ConcurrentLinkedQueue<long[]> seen = new ConcurrentLinkedQueue<>();
        final AtomicInteger generation = new AtomicInteger();
        final PluginSpec spec = new PluginSpec("versioned")
            .factory(() -> new Versioned(generation.incrementAndGet(), seen))
            .backPressure(policy)
            .lagLimit(4096);
        final Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir).threadingMode(mode).inputRingSize(256)
            .plugin(spec));
        engines.add(engine);
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicInteger reloads = new AtomicInteger();
        final Thread producer = new Thread(() ->
        {
            for (long id = 0; id < EVENTS; id++)
            {
                engine.publisher().publish(Sources.CLI, Messages.CHAT, id);
                if (id % 1_000 == 999)
                {
                    final int before = reloads.get();
                    final long deadline = System.nanoTime() + WAIT.toNanos();
                    while (reloads.get() == before && System.nanoTime() < deadline)
                    {
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                    }
                }
            }
            done.set(true);
        });
        producer.start();

        final List<Long> boundaries = new ArrayList<>();
        while (!done.get())
        {
            boundaries.add(engine.reloadPlugin(spec));
            reloads.incrementAndGet();
            assertThat(engine.pluginState("versioned")).isEqualTo(PluginState.RUNNING);
        }
        producer.join(WAIT.toMillis());
        await().atMost(WAIT).until(() -> engine.isDrained() &&
            seen.size() + engine.pluginHealth("versioned").dropped() >= EVENTS);
        final long dropped = engine.pluginHealth("versioned").dropped();
        if (policy == BackPressure.BLOCK)
        {
            assertThat(dropped).isZero();
        }

        assertThat(boundaries.stream().filter(boundary -> boundary > 0 && boundary < EVENTS).count())
            .isGreaterThanOrEqualTo(EVENTS / 1_000 - 1);
        final TreeMap<Long, Long> generationBySequence = new TreeMap<>();
        for (final long[] entry : seen)
        {
            assertThat(generationBySequence.put(entry[0], entry[1])).as("sequence %d seen twice", entry[0]).isNull();
        }
        assertThat(generationBySequence.size() + dropped).isEqualTo(EVENTS);
        if (0 == dropped)
        {
            assertThat(generationBySequence.firstKey()).isZero();
            assertThat(generationBySequence.lastKey()).isEqualTo(EVENTS - 1);
        }
        long previous = 0;
        for (final Map.Entry<Long, Long> entry : generationBySequence.entrySet())
        {
            assertThat(entry.getValue()).as("generation at sequence %d", entry.getKey()).isGreaterThanOrEqualTo(previous);
            previous = entry.getValue();
        }
        for (int i = 0; i < boundaries.size(); i++)
        {
            final long boundary = boundaries.get(i);
            if (boundary < EVENTS && boundary > 0 && generationBySequence.containsKey(boundary) &&
                generationBySequence.containsKey(boundary - 1))
            {
                assertThat(generationBySequence.get(boundary)).isGreaterThan(generationBySequence.get(boundary - 1));
            }
        }
        assertThat(generation.get()).isEqualTo(boundaries.size() + 1);
    }

    @Test
    void shouldReportAPluginBusyInOnEventAndSwapWhenItReturns() throws Exception
    {
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final ConcurrentLinkedQueue<long[]> seen = new ConcurrentLinkedQueue<>();
        final AtomicInteger generation = new AtomicInteger();
        final PluginSpec spec = new PluginSpec("slow").factory(() -> new Versioned(generation.incrementAndGet(), seen)
        {
            public void onEvent(final Event event) throws Exception
            {
                if (1 == generation())
                {
                    entered.countDown();
                    release.await();
                }
                super.onEvent(event);
            }
        });
        final Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir).pluginControlTimeoutMs(200).plugin(spec));
        engines.add(engine);
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 0L);
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);
        assertThat(entered.await(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();

        assertThatThrownBy(() -> engine.reloadPlugin(spec)).isInstanceOf(IllegalStateException.class)
            .hasMessage("plugin 'slow' did not reach a sequence boundary within 200 ms (busy in onEvent); the command " +
                "runs when it returns");
        assertThatThrownBy(() -> engine.reloadPlugin(spec)).hasMessageContaining("has not yet run the previous command");
        release.countDown();

        await().atMost(WAIT).until(() -> seen.size() == 2 && engine.isDrained());
        assertThat(seen).extracting(entry -> entry[0] + "@" + entry[1]).containsExactly("0@1", "1@2");
    }

    /** Records (sequence, generation) for every event. */
    static class Versioned implements Plugin
    {
        private final long generation;
        private final ConcurrentLinkedQueue<long[]> seen;

        Versioned(final long generation, final ConcurrentLinkedQueue<long[]> seen)
        {
            this.generation = generation;
            this.seen = seen;
        }

        long generation()
        {
            return generation;
        }

        public String id()
        {
            return "versioned".equals(getClass().getSimpleName()) ? "versioned" : idFor(this);
        }

        public void onEvent(final Event event) throws Exception
        {
            seen.add(new long[] { event.sequence(), generation });
        }

        private static String idFor(final Versioned plugin)
        {
            return plugin.getClass() == Versioned.class ? "versioned" : "slow";
        }
    }
}
