package dev.commandcenter.engine;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.Recovery;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class PluginRecoveryTest
{
    private static final long T0 = 1_795_600_000_000_000_000L;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void closeEngines()
    {
        engines.forEach(Engine::close);
    }

    @Test
    void shouldReadExactlyTheJournalTailBeforeLiveThroughItsSubscriptionWithEmitsDropped()
    {
        final StoringJournal journal = StoringJournal.holding(50);
        final EchoPlugin plugin = new EchoPlugin("echo", Recovery.journal(20));
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(plugin).egress("e", egress));

        await().atMost(WAIT).until(() -> plugin.recoveredAt.size() == 1);
        assertThat(journal.reads).containsExactly("30..50");
        assertThat(plugin.seen).containsExactlyElementsOf(
            LongStream.range(30, 50).filter((s) -> 0 == s % 2).mapToObj((s) -> s + " recovering").toList());
        assertThat(engine.readCounter(CounterType.PLUGIN_RECOVERED, "echo")).isEqualTo(10);
        assertThat(engine.readCounter(CounterType.PLUGIN_RECOVERY_EMITS_DROPPED, "echo")).isEqualTo(10);
        // the re-announcement is tagged with the last event read back
        await().atMost(WAIT).until(() -> egress.outputs.size() == 1);
        assertThat(egress.outputs).containsExactly("echo 48 " + (T0 + 48) + " 999");

        for (long id = 50; id < 54; id++)
        {
            engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
        }
        await().atMost(WAIT).until(() -> plugin.seen.size() == 12);
        assertThat(plugin.seen.subList(10, 12)).containsExactly("50 live", "52 live");
        await().atMost(WAIT).until(() -> egress.outputs.size() == 3);
        assertThat(egress.outputs.get(1)).startsWith("echo 50 ");
        assertThat(engine.readCounter(CounterType.PLUGIN_RECOVERY_EMITS_DROPPED, "echo")).isEqualTo(10);
    }

    @Test
    void shouldApplyTheDescriptorSubscriptionToRecoveredEventsAsToLiveOnes()
    {
        final StoringJournal journal = StoringJournal.holding(50);
        final EchoPlugin plugin = new EchoPlugin("narrow", Recovery.journal(20));
        launch(new Engine.Context().journal(journal).plugin(PluginSpec.of(plugin, null).subscription(
            Subscription.of(ChatMessageDecoder.TEMPLATE_ID)
                .where((event) -> 0 == TestMessages.chatId(event.buffer(), event.offset()) % 4))));

        await().atMost(WAIT).until(() -> plugin.recoveredAt.size() == 1);
        assertThat(plugin.seen).containsExactly("32 recovering", "36 recovering", "40 recovering", "44 recovering",
            "48 recovering");
    }

    @Test
    void shouldReadFromWhereTheSnapshotEndsBoundedByMaxEvents()
    {
        final StoringJournal journal = StoringJournal.holding(50);
        final EchoPlugin recent = new EchoPlugin("recent", Recovery.snapshot(20)).snapshotEnds(45);
        final EchoPlugin old = new EchoPlugin("old", Recovery.snapshot(20)).snapshotEnds(10);
        final EchoPlugin none = new EchoPlugin("none", Recovery.snapshot(5));
        launch(new Engine.Context().journal(journal).plugin(recent).plugin(old).plugin(none));

        await().atMost(WAIT).until(() -> recent.recoveredAt.size() == 1 && old.recoveredAt.size() == 1 &&
            none.recoveredAt.size() == 1);
        assertThat(journal.reads).containsExactlyInAnyOrder("45..50", "30..50", "45..50");
        assertThat(recent.seen).containsExactly("46 recovering", "48 recovering");
        assertThat(recent.restoredWhileRecovering).isTrue();
    }

    @Test
    void shouldFallBackToTheJournalWhenTheSnapshotFailsAndCountIt()
    {
        final StoringJournal journal = StoringJournal.holding(50);
        final EchoPlugin plugin = new EchoPlugin("broken", Recovery.snapshot(6)).snapshotFails();
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(plugin));

        await().atMost(WAIT).until(() -> plugin.recoveredAt.size() == 1);
        assertThat(journal.reads).containsExactly("44..50");
        assertThat(plugin.seen).containsExactly("44 recovering", "46 recovering", "48 recovering");
        assertThat(engine.readCounter(CounterType.PLUGIN_RECOVERY_FALLBACKS, "broken")).isEqualTo(1);
        assertThat(engine.pluginState("broken")).isEqualTo(PluginState.RUNNING);
    }

    @Test
    void shouldNotRecoverWhenTheEngineSettingIsOffOrTheDescriptorSaysNone()
    {
        final StoringJournal journal = StoringJournal.holding(50);
        final EchoPlugin replayed = new EchoPlugin("replayed", Recovery.journal(20));
        final CapturingEgress egress = new CapturingEgress();
        launch(new Engine.Context().journal(journal).plugin(replayed).egress("e", egress).recoverPlugins(false));

        await().atMost(WAIT).until(() -> replayed.recoveredAt.size() == 1);
        assertThat(journal.reads).isEmpty();
        assertThat(replayed.seen).isEmpty();
        assertThat(replayed.recoveredAt).containsExactly(-1L);
        engines.remove(0).close();

        final EchoPlugin overridden = new EchoPlugin("overridden", Recovery.journal(20));
        launch(new Engine.Context().journal(journal)
            .plugin(PluginSpec.of(overridden, null).recovery(Recovery.NONE)));
        await().atMost(WAIT).until(() -> overridden.recoveredAt.size() == 1);
        assertThat(journal.reads).isEmpty();
        assertThat(overridden.seen).isEmpty();
    }

    @Test
    void shouldQuarantineAPluginWhoseRecoveredEventsThrowAndSkipOnRecovered()
    {
        final StoringJournal journal = StoringJournal.holding(50);
        final EchoPlugin plugin = new EchoPlugin("thrower", Recovery.journal(20)).throwWhileRecovering();
        final Engine engine = launch(new Engine.Context().journal(journal)
            .plugin(PluginSpec.of(plugin, null).quarantineAfterFailures(3)));

        await().atMost(WAIT).until(() -> engine.pluginState("thrower") == PluginState.QUARANTINED);
        assertThat(plugin.seen).hasSize(3);
        assertThat(engine.readCounter(CounterType.PLUGIN_ERRORS, "thrower")).isEqualTo(3);
        assertThat(plugin.recoveredAt).isEmpty();
    }

    @Test
    void shouldNeitherSkipNorRepeatAnEventAcrossAReloadUnderLoad() throws Exception
    {
        final StoringJournal journal = StoringJournal.holding(0);
        final EchoPlugin first = new EchoPlugin("counter", Recovery.journal(1_000_000));
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(first));
        final int total = 4_000;
        final Thread publisher = Thread.ofPlatform().start(() ->
        {
            for (long id = 0; id < total; id++)
            {
                engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
            }
        });
        await().atMost(WAIT).until(() -> first.seen.size() > 100);
        final EchoPlugin second = new EchoPlugin("counter", Recovery.journal(1_000_000));
        engine.reloadPlugin(PluginSpec.of(second, null));
        publisher.join(WAIT.toMillis());

        await().atMost(WAIT).until(() -> second.seen.size() == total / 2);
        final List<Long> sequences = second.seen.stream().map((s) -> Long.parseLong(s.split(" ")[0])).toList();
        assertThat(sequences).containsExactlyElementsOf(
            LongStream.range(0, total).filter((s) -> 0 == s % 2).boxed().toList());
        final long recovered = second.seen.stream().filter((s) -> s.endsWith("recovering")).count();
        assertThat(recovered).isGreaterThan(0);
        assertThat(second.seen.subList(0, (int)recovered)).allMatch((s) -> s.endsWith("recovering"));
        assertThat(second.recoveredAt).hasSize(1);
    }

    @Test
    void shouldBufferEventsArrivingWhileADetachedPluginRecovers() throws Exception
    {
        final StoringJournal journal = StoringJournal.holding(50);
        final EchoPlugin plugin = new EchoPlugin("slow", Recovery.journal(10));
        final CountDownLatch release = new CountDownLatch(1);
        plugin.holdRecoveryUntil(release);
        final Engine engine = launch(new Engine.Context().journal(journal)
            .plugin(PluginSpec.of(plugin, null).backPressure(BackPressure.DETACH)));

        for (long id = 50; id < 60; id++)
        {
            engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
        }
        await().atMost(WAIT).until(() -> journal.appended() == 60);
        release.countDown();

        await().atMost(WAIT).until(() -> plugin.seen.size() == 10);
        assertThat(plugin.seen).containsExactly("40 recovering", "42 recovering", "44 recovering", "46 recovering",
            "48 recovering", "50 live", "52 live", "54 live", "56 live", "58 live");
    }

    private Engine launch(final Engine.Context ctx)
    {
        final Engine engine = Engine.launch(ctx.dataDir(dataDir.resolve("node" + engines.size())));
        engines.add(engine);
        return engine;
    }

    /**
     * Sees even chat ids only; echoes each event; on recovery emits a chat of id 999.
     */
    static final class EchoPlugin implements Plugin
    {
        final List<String> seen = new CopyOnWriteArrayList<>();
        final List<Long> recoveredAt = new CopyOnWriteArrayList<>();
        private final String id;
        private final Recovery recovery;
        private long snapshotEnds = Recovery.NO_SNAPSHOT;
        private boolean snapshotFails;
        private boolean throwWhileRecovering;
        private CountDownLatch hold;
        volatile boolean restoredWhileRecovering;
        private PluginContext context;

        EchoPlugin(final String id, final Recovery recovery)
        {
            this.id = id;
            this.recovery = recovery;
        }

        EchoPlugin snapshotEnds(final long sequence)
        {
            snapshotEnds = sequence;
            return this;
        }

        EchoPlugin snapshotFails()
        {
            snapshotFails = true;
            return this;
        }

        EchoPlugin throwWhileRecovering()
        {
            throwWhileRecovering = true;
            return this;
        }

        void holdRecoveryUntil(final CountDownLatch latch)
        {
            hold = latch;
        }

        public String id()
        {
            return id;
        }

        public Subscription subscription()
        {
            return Subscription.of(ChatMessageDecoder.TEMPLATE_ID)
                .where((event) -> 0 == TestMessages.chatId(event.buffer(), event.offset()) % 2);
        }

        public Recovery recovery()
        {
            return recovery;
        }

        public void onStart(final PluginContext context)
        {
            this.context = context;
        }

        public long restoreSnapshot(final PluginContext context) throws Exception
        {
            restoredWhileRecovering = context.recovering();
            if (null != hold)
            {
                hold.await(30, TimeUnit.SECONDS);
            }
            if (snapshotFails)
            {
                throw new IllegalStateException("snapshot unreadable");
            }
            return snapshotEnds;
        }

        public void onEvent(final Event event) throws Exception
        {
            if (null != hold)
            {
                hold.await(30, TimeUnit.SECONDS);
            }
            seen.add(event.sequence() + (context.recovering() ? " recovering" : " live"));
            if (throwWhileRecovering && context.recovering())
            {
                throw new IllegalStateException("bad event " + event.sequence());
            }
            assertThat(context.emitter().emit(event.buffer(), event.offset(), event.length())).isTrue();
        }

        public void onRecovered(final PluginContext context)
        {
            recoveredAt.add(seen.isEmpty() ? -1L : Long.parseLong(seen.get(seen.size() - 1).split(" ")[0]));
            context.emitter().emit(TestMessages.CHAT, 999L);
        }
    }

    /**
     * A journal in memory that keeps each event's bytes and reads them back, recording each read's range.
     */
    static final class StoringJournal implements Journal
    {
        final List<String> reads = new CopyOnWriteArrayList<>();
        private final List<StoredEvent> events = new CopyOnWriteArrayList<>();
        private final long next;

        private StoringJournal(final long next)
        {
            this.next = next;
        }

        static StoringJournal holding(final int count)
        {
            final StoringJournal journal = new StoringJournal(count);
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
            for (long sequence = 0; sequence < count; sequence++)
            {
                final int length = TestMessages.writeChat(buffer, 0, sequence);
                journal.events.add(new StoredEvent(sequence, T0 + sequence, Sources.CLI, copy(buffer, length)));
            }
            return journal;
        }

        int appended()
        {
            return events.size();
        }

        public long nextSequence()
        {
            return next;
        }

        public void append(final Event event)
        {
            events.add(new StoredEvent(event.sequence(), event.timestampNs(), event.source(),
                copy(event.buffer(), event.offset(), event.length())));
        }

        public long read(final long fromSequence, final long toSequence, final Consumer<Event> consumer)
        {
            reads.add(fromSequence + ".." + toSequence);
            long count = 0;
            for (final StoredEvent event : events)
            {
                if (event.sequence() >= fromSequence && event.sequence() < toSequence)
                {
                    consumer.accept(event);
                    count++;
                }
            }
            return count;
        }

        public void close()
        {
        }

        private static UnsafeBuffer copy(final DirectBuffer buffer, final int length)
        {
            return copy(buffer, 0, length);
        }

        private static UnsafeBuffer copy(final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return new UnsafeBuffer(bytes);
        }
    }

    record StoredEvent(long sequence, long timestampNs, int source, UnsafeBuffer bytes) implements Event
    {
        public int templateId()
        {
            return MessageSchema.templateId(bytes, 0);
        }

        public DirectBuffer buffer()
        {
            return bytes;
        }

        public int offset()
        {
            return 0;
        }

        public int length()
        {
            return bytes.capacity();
        }
    }

    static final class CapturingEgress implements EgressHandler
    {
        final List<String> outputs = new CopyOnWriteArrayList<>();

        public void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            outputs.add(event.pluginId() + " " + event.inputSequence() + " " + event.timestampNs() + " " +
                TestMessages.chatId(event.buffer(), event.offset()));
        }
    }
}
