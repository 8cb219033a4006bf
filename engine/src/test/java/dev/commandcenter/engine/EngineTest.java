package dev.commandcenter.engine;

import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.codecs.sbe.WalletBalanceEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.counters.CountersFile;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.PluginHealth;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class EngineTest
{
    private static final long SAMPLE_INTERVAL_MS = 10;

    @TempDir
    Path dataDir;

    private final List<Engine> engines = new ArrayList<>();

    @AfterEach
    void closeEngines()
    {
        engines.forEach(Engine::close);
    }

    private Engine launch(final Engine.Context ctx)
    {
        final Engine engine = Engine.launch(ctx.dataDir(dataDir).sampleIntervalMs(SAMPLE_INTERVAL_MS));
        engines.add(engine);
        return engine;
    }

    private static void sample(final Engine engine, final CachedEpochClock clock)
    {
        clock.advance(SAMPLE_INTERVAL_MS);
        assertThat(engine.samplerAgentInvoker().invoke()).as("sampled").isEqualTo(1);
    }

    @Test
    void shouldJournalThenDeliverToEveryPluginInSequenceOrder()
    {
        final RecordingJournal journal = new RecordingJournal(0);
        final RecordingPlugin first = new RecordingPlugin("first", journal);
        final RecordingPlugin second = new RecordingPlugin("second", journal);
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(first).plugin(second));

        for (long id = 0; id < 100; id++)
        {
            assertThat(engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id)).isGreaterThanOrEqualTo(0);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> first.seen.size() == 100 && second.seen.size() == 100);
        assertThat(journal.entries).extracting(RecordingJournal.Entry::sequence)
            .containsExactlyElementsOf(range(0, 100));
        assertThat(first.seen).extracting(Seen::chatId).containsExactlyElementsOf(range(0, 100));
        assertThat(second.seen).extracting(Seen::sequence).containsExactlyElementsOf(range(0, 100));
        assertThat(first.notJournaledWhenSeen).isZero();
        assertThat(journal.entries).allSatisfy(entry -> assertThat(entry.source()).isEqualTo(Sources.CLI));
    }

    @Test
    void shouldContinueTheJournalsSequence()
    {
        final RecordingJournal journal = new RecordingJournal(1_000);
        final RecordingPlugin plugin = new RecordingPlugin("p", journal);
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(plugin));

        engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 1L);
        engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 2L);

        await().atMost(Duration.ofSeconds(10)).until(() -> plugin.seen.size() == 2);
        assertThat(plugin.seen).extracting(Seen::sequence).containsExactly(1_000L, 1_001L);
        engine.close();
        assertThat(engine.nextSequence()).isEqualTo(1_002L);
        assertThat(journal.closed).isTrue();
    }

    @Test
    void shouldStampEventsWithTheInjectedClock()
    {
        final AtomicLong now = new AtomicLong(1_700_000_000_000_000_000L);
        final RecordingJournal journal = new RecordingJournal(0);
        final RecordingPlugin plugin = new RecordingPlugin("p", journal);
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(plugin).epochNanoClock(now::get));

        engine.publisher().publish(Sources.WALLET, TestMessages.CHAT, 1L);
        now.addAndGet(5_000);
        engine.publisher().publish(Sources.WALLET, TestMessages.CHAT, 2L);

        await().atMost(Duration.ofSeconds(10)).until(() -> plugin.seen.size() == 2);
        assertThat(plugin.seen).extracting(Seen::timestampNs)
            .containsExactly(1_700_000_000_000_000_000L, 1_700_000_000_000_005_000L);
    }

    @Test
    void shouldDeliverOnlyWhatTheSubscriptionAdmits()
    {
        final RecordingJournal journal = new RecordingJournal(0);
        final RecordingPlugin chatOnly = new RecordingPlugin("chat-only", journal)
        {
            public Subscription subscription()
            {
                return Subscription.of(ChatMessageDecoder.TEMPLATE_ID)
                    .where(event -> TestMessages.chatId(event.buffer(), event.offset()) % 2 == 0);
            }
        };
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(chatOnly));
        final UnsafeBuffer balance = new UnsafeBuffer(new byte[256]);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + new WalletBalanceEncoder()
            .wrapAndApplyHeader(balance, 0, new MessageHeaderEncoder()).confirmedSats(5).address("a").encodedLength();

        engine.publisher().publish(Sources.WALLET, balance, 0, length);
        for (long id = 0; id < 10; id++)
        {
            engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> journal.entries.size() == 11 && engine.isDrained());
        assertThat(chatOnly.seen).extracting(Seen::chatId).containsExactly(0L, 2L, 4L, 6L, 8L);
    }

    @Test
    void shouldQuarantineAFailingPluginWhileOthersCarryOn() throws Exception
    {
        final RecordingJournal journal = new RecordingJournal(0);
        final RecordingPlugin healthy = new RecordingPlugin("healthy", journal);
        final Plugin failing = new Plugin()
        {
            public String id()
            {
                return "failing";
            }

            public void onEvent(final Event event)
            {
                throw new IllegalStateException("cannot handle " + event.sequence());
            }
        };
        final CachedEpochClock clock = new CachedEpochClock();
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(failing).plugin(healthy)
            .quarantineAfterFailures(3).epochClock(clock).useSamplerAgentInvoker(true));

        for (long id = 0; id < 10; id++)
        {
            engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> healthy.seen.size() == 10 && engine.isDrained());
        sample(engine, clock);
        assertThat(engine.pluginState("failing")).isEqualTo(PluginState.QUARANTINED);
        assertThat(engine.pluginState("healthy")).isEqualTo(PluginState.RUNNING);
        final PluginHealth health = engine.pluginHealth().get(0);
        assertThat(health.errors()).isEqualTo(3);
        assertThat(health.reason()).contains("quarantined after 3 failures").contains("IllegalStateException");
        assertThat(health.lag()).isZero();
        assertThat(engine.readCounter(CounterType.ERRORS, "")).isEqualTo(3);

        try (CountersFile file = CountersFile.open(dataDir.resolve(CountersFile.FILE_NAME)))
        {
            final List<String> errors = new ArrayList<>();
            final int distinct = ErrorLogReader.read(file.errorLog(),
                (count, first, last, text) -> errors.add(count + " " + text));
            assertThat(distinct).isGreaterThanOrEqualTo(1);
            assertThat(String.join("\n", errors)).contains("plugin failing failed").contains("cannot handle");
        }
    }

    @Test
    void shouldMarkAPluginThatFailsToStartAsFailed()
    {
        final RecordingJournal journal = new RecordingJournal(0);
        final RecordingPlugin broken = new RecordingPlugin("broken", journal)
        {
            public void onStart(final PluginContext context)
            {
                throw new IllegalArgumentException("plugins.broken.x: expected a number");
            }
        };
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(broken));

        engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 1L);

        await().atMost(Duration.ofSeconds(10)).until(engine::isDrained);
        assertThat(engine.pluginState("broken")).isEqualTo(PluginState.FAILED);
        assertThat(engine.pluginHealth().get(0).reason()).contains("expected a number");
        assertThat(broken.seen).isEmpty();
    }

    @Test
    void shouldRejectAndCountWhenTheRingIsFullUnderRejectPolicy() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final RecordingJournal journal = new RecordingJournal(0);
        final RecordingPlugin blocked = new RecordingPlugin("blocked", journal)
        {
            public void onEvent(final Event event) throws Exception
            {
                release.await(30, TimeUnit.SECONDS);
                super.onEvent(event);
            }
        };
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(blocked)
            .inputRingSize(8).backPressure(BackPressure.REJECT));

        int accepted = 0;
        int rejected = 0;
        for (long id = 0; id < 20; id++)
        {
            final long receipt = engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
            if (receipt == EventPublisher.REJECTED)
            {
                rejected++;
            }
            else
            {
                accepted++;
            }
        }
        release.countDown();

        assertThat(rejected).isPositive();
        assertThat(accepted).isBetween(8, 9);
        final int expected = accepted;
        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.seen.size() == expected);
        assertThat(engine.readCounter(CounterType.EVENTS_REJECTED, "")).isEqualTo(rejected);
        assertThat(engine.readCounter(CounterType.EVENTS_IN, "")).isEqualTo(accepted);
    }

    @ParameterizedTest
    @EnumSource(value = BackPressure.class, names = { "BLOCK", "REJECT" })
    void shouldNeverWaitInTryPublish(final BackPressure policy) throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final RecordingJournal journal = new RecordingJournal(0);
        final RecordingPlugin blocked = new RecordingPlugin("blocked", journal)
        {
            public void onEvent(final Event event) throws Exception
            {
                release.await(30, TimeUnit.SECONDS);
                super.onEvent(event);
            }
        };
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(blocked)
            .inputRingSize(8).backPressure(policy));
        final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
        final int length = TestMessages.CHAT.write(message, 0, 1L);

        final long full = BackPressure.BLOCK == policy ? EventPublisher.WOULD_WAIT : EventPublisher.REJECTED;
        int accepted = 0;
        long last = 0;
        for (int i = 0; i < 20 && full != last; i++)
        {
            last = engine.publisher().tryPublish(Sources.CLI, message, 0, length);
            accepted += last >= 0 ? 1 : 0;
        }
        release.countDown();

        assertThat(last).isEqualTo(full);
        assertThat(accepted).isBetween(8, 9);
        final int expected = accepted;
        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.seen.size() == expected);
        assertThat(engine.readCounter(CounterType.EVENTS_REJECTED, "")).isEqualTo(BackPressure.BLOCK == policy ? 0 : 1);
    }

    @Test
    void shouldBlockTheProducerUnderBlockPolicyAndLoseNothing() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final RecordingJournal journal = new RecordingJournal(0);
        final RecordingPlugin blocked = new RecordingPlugin("blocked", journal)
        {
            public void onEvent(final Event event) throws Exception
            {
                release.await(30, TimeUnit.SECONDS);
                super.onEvent(event);
            }
        };
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(blocked).inputRingSize(8));
        final AtomicLong published = new AtomicLong();
        final Thread producer = new Thread(() ->
        {
            for (long id = 0; id < 50; id++)
            {
                engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
                published.incrementAndGet();
            }
        });
        producer.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> published.get() >= 8 &&
            producer.getState() == Thread.State.WAITING || producer.getState() == Thread.State.TIMED_WAITING);
        assertThat(published.get()).isLessThan(50);
        release.countDown();
        producer.join(TimeUnit.SECONDS.toMillis(10));

        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.seen.size() == 50);
        assertThat(blocked.seen).extracting(Seen::chatId).containsExactlyElementsOf(range(0, 50));
    }

    @Test
    void shouldRouteEmittedMessagesToEveryEgressTaggedWithTheInputEvent()
    {
        final RecordingJournal journal = new RecordingJournal(500);
        final Plugin echo = new EchoPlugin(event -> {});
        final CapturingEgress a = new CapturingEgress();
        final CapturingEgress b = new CapturingEgress();
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(echo).egress("a", a).egress("b", b)
            .epochNanoClock(() -> 42L));

        engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 7L);

        await().atMost(Duration.ofSeconds(10)).until(() -> a.outputs.size() == 1 && b.outputs.size() == 1);
        assertThat(a.outputs.get(0)).isEqualTo("echo 500 42 7");
        assertThat(b.outputs).isEqualTo(a.outputs);
    }

    @Test
    void shouldKeepTheRingsMessagesInSharedArraysNotOneArrayPerSlot()
    {
        final RecordingJournal journal = new RecordingJournal(0);
        final List<String> inputs = new CopyOnWriteArrayList<>();
        final Plugin echo = new EchoPlugin(event -> inputs.add(where(event.buffer())));
        final List<String> outputs = new CopyOnWriteArrayList<>();
        final EgressHandler egress = (event, endOfBatch) -> outputs.add(where(event.buffer()));
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(echo).egress("where", egress)
            .inputRingSize(16).outputRingSize(16));

        for (long id = 0; id < 3; id++)
        {
            engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> outputs.size() == 3);
        // One array of 16 x 4 KiB for the ring, each slot a slice of it at its own offset.
        final int ring = 16 * EventPublisher.MAX_MESSAGE_LENGTH;
        assertThat(inputs).containsExactly(ring + " @ 0", ring + " @ 4096", ring + " @ 8192");
        assertThat(outputs).containsExactly(ring + " @ 0", ring + " @ 4096", ring + " @ 8192");
    }

    private static String where(final org.agrona.DirectBuffer buffer)
    {
        return (null == buffer.byteArray() ? "off-heap" : Integer.toString(buffer.byteArray().length)) + " @ " +
            buffer.wrapAdjustment();
    }

    @Test
    void shouldRefuseInvalidMessagesAndCountThem()
    {
        final RecordingJournal journal = new RecordingJournal(0);
        final Engine engine = launch(new Engine.Context().journal(journal));
        final UnsafeBuffer garbage = new UnsafeBuffer(new byte[64]);

        assertThat(engine.publisher().publish(Sources.REST, garbage, 0, 64)).isEqualTo(EventPublisher.INVALID);
        assertThat(engine.publisher().publish(Sources.REST, (buffer, offset, arg) -> 3, null))
            .isEqualTo(EventPublisher.INVALID);
        assertThat(engine.publisher().publish(Sources.REST, (buffer, offset, arg) ->
        {
            throw new IllegalStateException("encoder bug");
        }, null)).isEqualTo(EventPublisher.INVALID);
        engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 9L);

        await().atMost(Duration.ofSeconds(10)).until(() -> journal.entries.size() == 1);
        assertThat(journal.entries.get(0).sequence()).isZero();
        assertThat(engine.readCounter(CounterType.EVENTS_INVALID, "")).isEqualTo(3);
    }

    @Test
    void shouldAcknowledgeOnlyJournaledEvents() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
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
                super.append(event);
            }
        };
        final Engine engine = launch(new Engine.Context().journal(journal));

        final long receipt = engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 1L);

        assertThat(engine.publisher().isJournaled(receipt)).isFalse();
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.publisher().isJournaled(receipt));
        assertThat(journal.entries).hasSize(1);
    }

    @Test
    void shouldHaltRatherThanAcknowledgeWhenTheJournalFails()
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
        final RecordingPlugin plugin = new RecordingPlugin("p", journal);
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(plugin).shutdownTimeoutMs(500));

        final long first = engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 1L);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.publisher().isJournaled(first));
        final long failed = engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 2L);
        final long after = engine.publisher().publish(Sources.CLI, TestMessages.CHAT, 3L);

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.readCounter(CounterType.ERRORS, "") >= 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> plugin.seen.size() == 1);
        assertThat(engine.publisher().isJournaled(first)).isTrue();
        assertThat(engine.publisher().isJournaled(failed)).isFalse();
        assertThat(engine.publisher().isJournaled(after)).isFalse();
        assertThat(plugin.seen).extracting(Seen::chatId).containsExactly(1L);
        assertThat(journal.entries).hasSize(1);
    }

    @Test
    void shouldExposeLiveCountersToAnotherReader()
    {
        final RecordingJournal journal = new RecordingJournal(0);
        final RecordingPlugin plugin = new RecordingPlugin("counted", journal);
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(1_000);
        final Engine engine = launch(new Engine.Context().journal(journal).plugin(plugin).epochClock(clock)
            .useSamplerAgentInvoker(true));
        for (long id = 0; id < 5; id++)
        {
            engine.publisher().publish(Sources.CLI, TestMessages.CHAT, id);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> plugin.seen.size() == 5 && engine.isDrained());
        sample(engine, clock);

        try (CountersFile file = CountersFile.open(dataDir.resolve(CountersFile.FILE_NAME)))
        {
            final Map<String, Long> values = new HashMap<>();
            final CountersReader reader = file.reader();
            reader.forEach((value, id, label) -> values.put(label, value));
            assertThat(values).containsEntry("events in", 5L).containsEntry("events journaled", 5L)
                .containsEntry("plugin processed: counted", 5L).containsEntry("plugin lag: counted", 0L)
                .containsEntry("input ring remaining capacity", (long)Engine.Context.INPUT_RING_SIZE_DEFAULT)
                .containsEntry("plugin state: counted", (long)PluginState.RUNNING.value());
            assertThat(file.pid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(file.heartbeatMs()).isPositive();
        }
    }

    @Test
    void shouldRefuseADataDirInUseByAnotherEngine()
    {
        launch(new Engine.Context());

        assertThatThrownBy(() -> Engine.launch(new Engine.Context().dataDir(dataDir)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use by another running engine");
    }

    @Test
    void shouldNameTheBadSetting()
    {
        assertThatThrownBy(() -> new Engine.Context().inputRingSize(1000).conclude())
            .hasMessage("engine.inputRingSize: expected a power of two >= 2, got 1000");
        assertThatThrownBy(() -> new Engine.Context().waitStrategy("spin").conclude())
            .hasMessageContaining("unknown wait strategy 'spin', expected one of [blocking, sleeping");
        assertThatThrownBy(() -> new Engine.Context().quarantineAfterFailures(0).conclude())
            .hasMessageContaining("engine.quarantineAfterFailures");
        final Engine.Context ctx = new Engine.Context();
        ctx.conclude();
        assertThatThrownBy(ctx::conclude).hasMessageContaining("already concluded");
        final RecordingJournal journal = new RecordingJournal(0);
        assertThatThrownBy(() -> new Engine.Context().plugin(new RecordingPlugin("x", journal))
            .plugin(new RecordingPlugin("x", journal)).conclude()).hasMessageContaining("'x' is used twice");
    }

    private static List<Long> range(final long from, final long to)
    {
        final List<Long> result = new ArrayList<>();
        for (long i = from; i < to; i++)
        {
            result.add(i);
        }
        return result;
    }

    record Seen(long sequence, long timestampNs, long chatId)
    {
    }

    static class RecordingPlugin implements Plugin
    {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        private final String id;
        private final RecordingJournal journal;
        volatile int notJournaledWhenSeen;

        RecordingPlugin(final String id, final RecordingJournal journal)
        {
            this.id = id;
            this.journal = journal;
        }

        public String id()
        {
            return id;
        }

        public void onEvent(final Event event) throws Exception
        {
            final long sequence = event.sequence();
            if (journal.entries.stream().noneMatch(entry -> entry.sequence() == sequence))
            {
                notJournaledWhenSeen++;
            }
            seen.add(new Seen(sequence, event.timestampNs(), TestMessages.chatId(event.buffer(), event.offset())));
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
