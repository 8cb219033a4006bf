package dev.commandcenter.engine;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.core.internal.slot.IdleStrategies;
import dev.commandcenter.engine.core.internal.slot.ParkingIdleStrategy;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine behaves the same in every threading mode, with and without a journal: every plugin sees every
 * event in order with dense sequences, control commands act at a sequence boundary, failures stay isolated,
 * a halted journal halts, close drains; and each mode starts only the threads it needs, parks them while idle
 * and wakes them on publish.
 */
@Timeout(120)
class ThreadingModeTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long LONG_PARK_NS = TimeUnit.SECONDS.toNanos(120);

    @TempDir
    Path dataDir;

    private final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void closeEngines()
    {
        engines.forEach(Engine::close);
    }

    static Stream<Arguments> modesWithAndWithoutJournal()
    {
        final List<Arguments> arguments = new ArrayList<>();
        for (final ThreadingMode mode : List.of(ThreadingMode.DEDICATED, ThreadingMode.SHARED_PLUGINS,
            ThreadingMode.SHARED))
        {
            arguments.add(Arguments.of(mode, true));
            arguments.add(Arguments.of(mode, false));
        }
        return arguments.stream();
    }

    private Engine launch(final Engine.Context ctx)
    {
        final Engine engine = Engine.launch(ctx.dataDir(dataDir).useSamplerAgentInvoker(true));
        engines.add(engine);
        return engine;
    }

    private static Engine.Context context(final ThreadingMode mode, final boolean journaled, final Journal journal)
    {
        return new Engine.Context().threadingMode(mode).journal(journaled ? journal : Journal.NONE);
    }

    @ParameterizedTest
    @MethodSource("modesWithAndWithoutJournal")
    void shouldDeliverEveryEventInOrderWithDenseSequencesFromManyProducers(
        final ThreadingMode mode, final boolean journaled) throws Exception
    {
        final int producers = 3;
        final int perProducer = 2_000;
        final int events = producers * perProducer;
        final RecordingJournal journal = new RecordingJournal(100);
        final List<Recorder> plugins = List.of(new Recorder("a"), new Recorder("b"), new Recorder("c"));
        final Engine.Context ctx = context(mode, journaled, journal).inputRingSize(256);
        plugins.forEach(ctx::plugin);
        final Engine engine = launch(ctx);
        final long first = journaled ? 100 : 0;

        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++)
        {
            final long base = (long)p * perProducer;
            threads.add(Thread.ofPlatform().start(() ->
            {
                for (long id = base; id < base + perProducer; id++)
                {
                    assertThat(engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id)).isGreaterThanOrEqualTo(0);
                    if (id % 500 == 0)
                    {
                        // A failed encode takes a ring slot but no engine sequence.
                        assertThat(engine.publisher().publish(Sources.CLI, (buffer, offset, arg) ->
                        {
                            throw new IllegalStateException("cannot encode " + arg);
                        }, id)).isEqualTo(EventPublisher.INVALID);
                    }
                }
            }));
        }
        for (final Thread thread : threads)
        {
            thread.join(WAIT.toMillis());
        }
        await().atMost(WAIT).until(() -> engine.isDrained() &&
            plugins.stream().allMatch((plugin) -> plugin.sequences.size() == events));

        final List<Long> dense = LongStream.range(first, first + events).boxed().toList();
        for (final Recorder plugin : plugins)
        {
            assertThat(plugin.sequences).as("sequences seen by %s", plugin.id).isEqualTo(dense);
            assertThat(plugin.ids).as("order seen by %s", plugin.id).isEqualTo(plugins.get(0).ids);
        }
        assertThat(plugins.get(0).ids).containsExactlyInAnyOrderElementsOf(LongStream.range(0, events).boxed().toList());
        assertThat(engine.nextSequence()).isEqualTo(first + events);
        assertThat(engine.readCounter(CounterType.EVENTS_JOURNALED, "")).as("journaled, or sequenced").isEqualTo(events);
        assertThat(engine.readCounter(CounterType.JOURNAL_HALTED, "")).isZero();
        if (journaled)
        {
            assertThat(journal.entries).extracting(RecordingJournal.Entry::sequence).isEqualTo(dense);
            assertThat(journal.entries).extracting(RecordingJournal.Entry::chatId).isEqualTo(plugins.get(0).ids);
        }
        final long receipt = engine.publisher().publish(Sources.CLI, TestMessages.CHAT, -1L);
        await().atMost(WAIT).until(() -> engine.publisher().isJournaled(receipt));
    }

    @ParameterizedTest
    @MethodSource("modesWithAndWithoutJournal")
    void shouldStartOnlyTheThreadsTheModeAndTheJournalNeed(final ThreadingMode mode, final boolean journaled)
    {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        final Engine engine = launch(context(mode, journaled, new RecordingJournal(0))
            .plugin(new Recorder("a"))
            .plugin(new Recorder("b"))
            .plugin(new PluginSpec("d").instance(new Recorder("d")).backPressure(BackPressure.DETACH)));
        await().atMost(WAIT).until(() -> engine.pluginState("d") == PluginState.RUNNING);

        final Set<String> started = new HashSet<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (!before.contains(thread) && thread.isAlive() && thread.getName().startsWith("cc-"))
            {
                started.add(thread.getName());
            }
        }

        final Set<String> expected = new HashSet<>(Set.of("cc-plugin-d-detached"));
        if (mode != ThreadingMode.SHARED)
        {
            expected.add("cc-egress");
        }
        switch (mode)
        {
            case DEDICATED -> expected.addAll(Set.of("cc-plugin-a", "cc-plugin-b", "cc-plugin-d"));
            case SHARED_PLUGINS -> expected.add("cc-plugins");
            default -> expected.add("cc-engine");
        }
        if (journaled && mode != ThreadingMode.SHARED)
        {
            expected.add("cc-journal");
        }
        assertThat(started).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("modesWithAndWithoutJournal")
    void shouldWakeParkedAgentsAndEgressWhenAnEventIsPublished(final ThreadingMode mode, final boolean journaled)
    {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        final Recorder sleeper = new Recorder("sleeper");
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine;
        // Park so long that only a wake-up can deliver within the wait.
        System.setProperty(IdleStrategies.MAX_PARK_NS_PROP_NAME, Long.toString(LONG_PARK_NS));
        try
        {
            engine = launch(context(mode, journaled, new RecordingJournal(0)).plugin(sleeper).egress("capture", egress));
        }
        finally
        {
            System.clearProperty(IdleStrategies.MAX_PARK_NS_PROP_NAME);
        }
        final String slotThread = switch (mode)
        {
            case DEDICATED -> "cc-plugin-sleeper";
            case SHARED_PLUGINS -> "cc-plugins";
            default -> "cc-engine";
        };
        final List<String> parkers = new ArrayList<>(List.of(slotThread));
        if (mode != ThreadingMode.SHARED)
        {
            parkers.add("cc-egress");
        }
        if (journaled && mode != ThreadingMode.SHARED)
        {
            parkers.add("cc-journal");
        }

        for (long id = 0; id < 3; id++)
        {
            awaitParked(before, parkers);
            engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
            final int expected = (int)id + 1;
            await().atMost(WAIT).until(() -> sleeper.ids.size() == expected && egress.outputs.size() == expected);
        }
        assertThat(sleeper.ids).containsExactly(0L, 1L, 2L);
    }

    @ParameterizedTest
    @MethodSource("modesWithAndWithoutJournal")
    void shouldStampEveryStageInOrderOnOutputs(final ThreadingMode mode, final boolean journaled)
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch(context(mode, journaled, new RecordingJournal(0))
            .plugin(new Recorder("a")).plugin(new Recorder("b")).egress("capture", egress));
        final int events = 500;
        for (long id = 0; id < events; id++)
        {
            engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
        }
        await().atMost(WAIT).until(() -> egress.outputs.size() == 2 * events);

        for (final long[] stamps : egress.stamps)
        {
            assertThat(stamps[0]).as("timestampNs").isPositive();
            assertThat(stamps[1]).as("journaledNs").isGreaterThanOrEqualTo(stamps[0]);
            assertThat(stamps[2]).as("handledNs").isGreaterThanOrEqualTo(stamps[1]);
            assertThat(stamps[3]).as("emittedNs").isGreaterThanOrEqualTo(stamps[2]);
        }
        await().atMost(WAIT).untilAsserted(() ->
        {
            engine.samplerAgentInvoker().invoke();
            assertThat(engine.pluginHealth("a").p99Ns()).isPositive();
        });
    }

    @ParameterizedTest
    @EnumSource(value = ThreadingMode.class, names = {"DEDICATED", "SHARED_PLUGINS", "SHARED"})
    void shouldDisableAndEnableAtASequenceBoundary(final ThreadingMode mode)
    {
        final List<Recorder> instances = new CopyOnWriteArrayList<>();
        final AtomicInteger made = new AtomicInteger();
        final Engine engine = launch(context(mode, false, Journal.NONE).plugin(new PluginSpec("switched").factory(() ->
        {
            final Recorder recorder = new Recorder("switched");
            made.incrementAndGet();
            instances.add(recorder);
            return recorder;
        })));
        publish(engine, 0, 10);
        await().atMost(WAIT).until(engine::isDrained);

        assertThat(engine.disablePlugin("switched")).isEqualTo(PluginState.STOPPED);
        publish(engine, 10, 20);
        await().atMost(WAIT).until(engine::isDrained);
        assertThat(engine.enablePlugin("switched")).isEqualTo(PluginState.RUNNING);
        publish(engine, 20, 30);
        await().atMost(WAIT).until(() -> engine.isDrained() && instances.size() == 2 &&
            instances.get(1).ids.size() == 10);

        assertThat(instances.get(0).ids).isEqualTo(LongStream.range(0, 10).boxed().toList());
        assertThat(instances.get(1).ids).isEqualTo(LongStream.range(20, 30).boxed().toList());
        assertThat(instances.get(1).sequences).isEqualTo(LongStream.range(20, 30).boxed().toList());
    }

    @ParameterizedTest
    @MethodSource("modesWithAndWithoutJournal")
    void shouldAddAndRemovePluginsWhileTheOthersCarryOn(final ThreadingMode mode, final boolean journaled)
    {
        final Recorder staying = new Recorder("staying");
        final Recorder leaving = new Recorder("leaving");
        final Engine engine = launch(context(mode, journaled, new RecordingJournal(0)).plugin(staying).plugin(leaving));
        publish(engine, 0, 10);
        await().atMost(WAIT).until(() -> engine.isDrained() && leaving.ids.size() == 10);

        assertThat(engine.removePlugin("leaving")).isTrue();
        final Recorder late = new Recorder("late");
        assertThat(engine.addPlugin(PluginSpec.of(late, null))).isEqualTo(PluginState.RUNNING);
        publish(engine, 10, 20);
        await().atMost(WAIT).until(() -> engine.isDrained() && staying.ids.size() == 20 && late.ids.size() == 10);

        assertThat(staying.ids).isEqualTo(LongStream.range(0, 20).boxed().toList());
        assertThat(late.ids).isEqualTo(LongStream.range(10, 20).boxed().toList());
        assertThat(leaving.ids).isEqualTo(LongStream.range(0, 10).boxed().toList());
        assertThat(engine.pluginState("leaving")).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = ThreadingMode.class, names = {"DEDICATED", "SHARED_PLUGINS", "SHARED"})
    void shouldQuarantineAFailingPluginWhileItsNeighboursCarryOn(final ThreadingMode mode)
    {
        final Recorder healthy = new Recorder("healthy");
        final Engine engine = launch(context(mode, false, Journal.NONE)
            .plugin(new PluginSpec("failing").instance(new Failing()).quarantineAfterFailures(3))
            .plugin(healthy));
        publish(engine, 0, 20);

        await().atMost(WAIT).until(() -> healthy.ids.size() == 20 && engine.isDrained());
        assertThat(engine.pluginState("failing")).isEqualTo(PluginState.QUARANTINED);
        assertThat(engine.readCounter(CounterType.PLUGIN_ERRORS, "failing")).isEqualTo(3);
        assertThat(engine.pluginState("healthy")).isEqualTo(PluginState.RUNNING);
        assertThat(healthy.ids).isEqualTo(LongStream.range(0, 20).boxed().toList());
    }

    @ParameterizedTest
    @EnumSource(value = ThreadingMode.class, names = {"DEDICATED", "SHARED_PLUGINS", "SHARED"})
    void shouldCountWhatADetachedPluginDropsWithoutHoldingTheOthersBack(final ThreadingMode mode)
    {
        final CountDownLatch release = new CountDownLatch(1);
        final Recorder slow = new Recorder("slow")
        {
            public void onEvent(final Event event) throws Exception
            {
                release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                super.onEvent(event);
            }
        };
        final Recorder fast = new Recorder("fast");
        final Engine engine = launch(context(mode, true, new RecordingJournal(0))
            .plugin(new PluginSpec("slow").instance(slow).backPressure(BackPressure.DETACH).lagLimit(4))
            .plugin(fast));
        final int events = 200;
        publish(engine, 0, events);

        await().atMost(WAIT).until(() -> fast.ids.size() == events);
        await().atMost(WAIT).until(() -> engine.pluginHealth("slow").dropped() > 0);
        release.countDown();
        await().atMost(WAIT).until(() ->
            engine.isDrained() && slow.ids.size() + engine.pluginHealth("slow").dropped() == events);
        assertThat(engine.readCounter(CounterType.PLUGIN_DROPPED, "slow")).isEqualTo(events - slow.ids.size());
        assertThat(slow.ids).isSorted();
    }

    @ParameterizedTest
    @EnumSource(value = ThreadingMode.class, names = {"DEDICATED", "SHARED_PLUGINS", "SHARED"})
    void shouldHaltWhenTheJournalFailsAndStillClose(final ThreadingMode mode)
    {
        final RecordingJournal journal = new RecordingJournal(0)
        {
            public void append(final Event event)
            {
                if (TestMessages.chatId(event.buffer(), event.offset()) == 2)
                {
                    throw new IllegalStateException("disk full");
                }
                super.append(event);
            }
        };
        final Recorder plugin = new Recorder("p");
        final Engine engine = Engine.launch(context(mode, true, journal).dataDir(dataDir).plugin(plugin)
            .shutdownTimeoutMs(5_000));
        engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 1L);
        await().atMost(WAIT).until(() -> plugin.ids.size() == 1);
        engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 2L);
        await().atMost(WAIT).until(() -> null != engine.haltReason());

        assertThat(engine.haltReason()).isEqualTo("journal halted: append of sequence 1 failed: " +
            "IllegalStateException: disk full");
        assertThat(engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 3L)).isEqualTo(EventPublisher.HALTED);
        assertThat(engine.readCounter(CounterType.JOURNAL_HALTED, "")).isEqualTo(1);
        assertThat(engine.pluginState("p")).isEqualTo(PluginState.RUNNING);
        engine.close();

        assertThat(plugin.ids).containsExactly(1L);
        assertThat(journal.closed).as("journal closed: every engine thread stopped").isTrue();
    }

    @ParameterizedTest
    @MethodSource("modesWithAndWithoutJournal")
    void shouldDrainWhatWasPublishedOnClose(final ThreadingMode mode, final boolean journaled)
    {
        final RecordingJournal journal = new RecordingJournal(0);
        final Recorder plugin = new Recorder("p");
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = Engine.launch(context(mode, journaled, journal).dataDir(dataDir).plugin(plugin)
            .egress("capture", egress));
        final int events = 2_000;
        publish(engine, 0, events);
        engine.close();

        assertThat(plugin.ids).hasSize(events);
        assertThat(egress.outputs).hasSize(events);
        assertThat(egress.shutdownAfter).as("outputs taken before onShutdown").isEqualTo(events);
        if (journaled)
        {
            assertThat(journal.entries).hasSize(events);
            assertThat(journal.closed).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("modesWithAndWithoutJournal")
    void shouldDeliverEveryOutputToEveryEgressInOrderWithDenseOutputSequences(
        final ThreadingMode mode, final boolean journaled)
    {
        final CapturingEgress first = new CapturingEgress();
        final CapturingEgress second = new CapturingEgress();
        // An output ring far smaller than what one batch emits: the emitters must wait for (or, on the engine
        // thread, run) the egress rather than overrun or deadlock.
        final Engine engine = launch(context(mode, journaled, new RecordingJournal(0)).inputRingSize(1024)
            .outputRingSize(16).plugin(new Recorder("a")).plugin(new Recorder("b"))
            .egress("first", first).egress("second", second));
        final int events = 3_000;
        publish(engine, 0, events);
        await().atMost(WAIT).until(() -> engine.isDrained() && first.outputs.size() == 2 * events &&
            second.outputs.size() == 2 * events);

        final List<Long> dense = LongStream.range(0, 2 * events).boxed().toList();
        assertThat(first.outputSequences).isEqualTo(dense);
        assertThat(second.outputSequences).isEqualTo(dense);
        assertThat(second.outputs).isEqualTo(first.outputs);
        for (final String plugin : List.of("a", "b"))
        {
            assertThat(first.outputs.stream().filter((output) -> output.startsWith(plugin + " "))
                .map((output) -> Long.parseLong(output.substring(plugin.length() + 1))).toList())
                .as("input sequences of the outputs of %s", plugin)
                .isEqualTo(LongStream.range(0, events).boxed().toList());
        }
        assertThat(first.endsOfBatch.get(first.endsOfBatch.size() - 1)).as("last output ends its batch").isTrue();
    }

    @ParameterizedTest
    @MethodSource("modesWithAndWithoutJournal")
    void shouldReportAThrowingEgressWhileItAndTheOthersCarryOn(final ThreadingMode mode, final boolean journaled)
    {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final CapturingEgress healthy = new CapturingEgress();
        final CapturingEgress throwing = new CapturingEgress()
        {
            public void onOutput(final OutputEvent event, final boolean endOfBatch)
            {
                super.onOutput(event, endOfBatch);
                if (event.inputSequence() % 10 == 3)
                {
                    throw new IllegalStateException("egress cannot send " + event.inputSequence());
                }
            }
        };
        final Engine engine = launch(context(mode, journaled, new RecordingJournal(0)).errorHandler(errors::add)
            .plugin(new Recorder("a")).egress("throwing", throwing).egress("healthy", healthy));
        final int events = 100;
        publish(engine, 0, events);
        await().atMost(WAIT).until(() -> engine.isDrained() && healthy.outputs.size() == events &&
            throwing.outputs.size() == events);

        final List<Long> dense = LongStream.range(0, events).boxed().toList();
        assertThat(throwing.outputSequences).as("the throwing egress keeps its place").isEqualTo(dense);
        assertThat(healthy.outputSequences).isEqualTo(dense);
        assertThat(errors).hasSize(10).allSatisfy((error) ->
            assertThat(error).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("egress cannot send"));
    }

    @ParameterizedTest
    @EnumSource(value = ThreadingMode.class, names = {"DEDICATED", "SHARED_PLUGINS", "SHARED"})
    void shouldRunTheEgressOnTheEngineThreadOnlyInSharedMode(final ThreadingMode mode)
    {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = Engine.launch(context(mode, true, new RecordingJournal(0)).dataDir(dataDir)
            .plugin(new Recorder("a")).egress("capture", egress));
        publish(engine, 0, 10);
        await().atMost(WAIT).until(() -> egress.outputs.size() == 10);
        final boolean egressThread = Thread.getAllStackTraces().keySet().stream()
            .anyMatch((thread) -> !before.contains(thread) && thread.getName().startsWith("cc-egress"));
        engine.close();

        final String expected = mode == ThreadingMode.SHARED ? "cc-engine" : "cc-egress";
        assertThat(egressThread).as("a cc-egress thread").isEqualTo(mode != ThreadingMode.SHARED);
        assertThat(egress.threads).as("threads of onStart, onOutput, onShutdown").containsExactly(expected);
        assertThat(egress.started).isTrue();
        assertThat(egress.shutdownAfter).as("outputs taken before onShutdown").isEqualTo(10);
    }

    @ParameterizedTest
    @MethodSource("modesWithAndWithoutJournal")
    void shouldWakeAParkedEgressWhenADetachedPluginEmits(final ThreadingMode mode, final boolean journaled)
    {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        final Recorder detached = new Recorder("d");
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine;
        // Park so long that only a wake-up can deliver within the wait.
        System.setProperty(IdleStrategies.MAX_PARK_NS_PROP_NAME, Long.toString(LONG_PARK_NS));
        try
        {
            engine = launch(context(mode, journaled, new RecordingJournal(0))
                .plugin(new PluginSpec("d").instance(detached).backPressure(BackPressure.DETACH))
                .egress("capture", egress));
        }
        finally
        {
            System.clearProperty(IdleStrategies.MAX_PARK_NS_PROP_NAME);
        }
        await().atMost(WAIT).until(() -> engine.pluginState("d") == PluginState.RUNNING);
        final List<String> parkers = new ArrayList<>(List.of("cc-plugin-d-detached", switch (mode)
        {
            case DEDICATED -> "cc-plugin-d";
            case SHARED_PLUGINS -> "cc-plugins";
            default -> "cc-engine";
        }));
        if (mode != ThreadingMode.SHARED)
        {
            parkers.add("cc-egress");
        }
        if (journaled && mode != ThreadingMode.SHARED)
        {
            parkers.add("cc-journal");
        }

        for (long id = 0; id < 3; id++)
        {
            awaitParked(before, parkers);
            engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
            final int expected = (int)id + 1;
            await().atMost(WAIT).until(() -> egress.outputs.size() == expected);
        }
        assertThat(egress.outputs).containsExactly("d 0", "d 1", "d 2");
    }

    private static void publish(final Engine engine, final long from, final long to)
    {
        for (long id = from; id < to; id++)
        {
            assertThat(engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id)).isGreaterThanOrEqualTo(0);
        }
    }

    private static void awaitParked(final Set<Thread> before, final List<String> names)
    {
        final List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
            .filter((thread) -> !before.contains(thread) && names.contains(thread.getName()))
            .collect(Collectors.toList());
        assertThat(threads).extracting(Thread::getName).containsExactlyInAnyOrderElementsOf(names);
        await().atMost(WAIT).until(() -> threads.stream().allMatch((thread) ->
        {
            final Object blocker = LockSupport.getBlocker(thread);
            return blocker instanceof ParkingIdleStrategy;
        }));
    }

    /** Records the sequences and chat ids it sees, and emits a copy of each. */
    static class Recorder implements Plugin
    {
        final String id;
        final List<Long> sequences = new CopyOnWriteArrayList<>();
        final List<Long> ids = new CopyOnWriteArrayList<>();
        private Emitter emitter;

        Recorder(final String id)
        {
            this.id = id;
        }

        public String id()
        {
            return id;
        }

        public void onStart(final PluginContext context)
        {
            emitter = context.emitter();
        }

        public void onEvent(final Event event) throws Exception
        {
            final long chatId = TestMessages.chatId(event.buffer(), event.offset());
            sequences.add(event.sequence());
            ids.add(chatId);
            emitter.emit(TestMessages.CHAT, chatId);
        }
    }

    /** Fails on every event. */
    static final class Failing implements Plugin
    {
        public String id()
        {
            return "failing";
        }

        public void onEvent(final Event event)
        {
            throw new IllegalStateException("always fails");
        }
    }

    /** Keeps each output's plugin and input sequence, output sequence, stamps and end of batch, and the threads. */
    static class CapturingEgress implements EgressHandler
    {
        final List<String> outputs = new CopyOnWriteArrayList<>();
        final List<Long> outputSequences = new CopyOnWriteArrayList<>();
        final List<Boolean> endsOfBatch = new CopyOnWriteArrayList<>();
        final List<long[]> stamps = new CopyOnWriteArrayList<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        volatile boolean started;
        volatile int shutdownAfter = -1;

        public void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            threads.add(Thread.currentThread().getName());
            outputs.add(event.pluginId() + " " + event.inputSequence());
            outputSequences.add(event.outputSequence());
            endsOfBatch.add(endOfBatch);
            stamps.add(new long[]{event.timestampNs(), event.journaledNs(), event.handledNs(), event.emittedNs()});
        }

        public void onStart()
        {
            threads.add(Thread.currentThread().getName());
            started = true;
        }

        public void onShutdown()
        {
            threads.add(Thread.currentThread().getName());
            shutdownAfter = outputs.size();
        }
    }
}
