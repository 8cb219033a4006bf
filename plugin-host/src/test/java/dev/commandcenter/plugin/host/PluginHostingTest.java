package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.Subscription;
import dev.commandcenter.engine.plugin.PluginHealth;

import dev.commandcenter.engine.plugin.Messages;

import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.counters.CountersFile;
import dev.commandcenter.plugin.host.DescriptorParser;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.PluginSpec;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
import static org.awaitility.Awaitility.await;

@Timeout(60)
class PluginHostingTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

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
        final Engine engine = Engine.launch(ctx.dataDir(dataDir).sampleIntervalMs(1).useSamplerAgentInvoker(true));
        engines.add(engine);
        return engine;
    }

    private static void sample(final Engine engine, final CachedEpochClock clock)
    {
        clock.advance(1);
        assertThat(engine.samplerAgentInvoker().invoke()).as("sampled").isEqualTo(1);
    }

    @Test
    void shouldKeepTheRingAndOtherPluginsMovingWhileADetachedPluginBlocks()
    {
        final Recorder blocked = new Recorder("blocked", release);
        final Recorder fast = new Recorder("fast", null);
        final CachedEpochClock clock = new CachedEpochClock();
        final Engine engine = launch(new Engine.Context().inputRingSize(64).epochClock(clock)
            .plugin(new PluginSpec("blocked").instance(blocked).backPressure(BackPressure.DETACH).lagLimit(16))
            .plugin(PluginSpec.of(fast, null)));

        long maxFastLag = 0;
        for (long id = 0; id < 2_000; id++)
        {
            engine.publisher().publish(Sources.CLI, Messages.CHAT, id);
            maxFastLag = Math.max(maxFastLag, engine.pluginHealth("fast").lag());
        }

        await().atMost(WAIT).until(() -> fast.seen.size() == 2_000 && engine.pluginHealth("fast").lag() == 0);
        assertThat(maxFastLag).isLessThanOrEqualTo(64);
        assertThat(blocked.seen).hasSizeLessThanOrEqualTo(1);
        sample(engine, clock);
        final PluginHealth health = engine.pluginHealth("blocked");
        assertThat(health.state()).isEqualTo(PluginState.DEGRADED);
        assertThat(health.reason()).contains("dropped").contains("buffer of 16 full");
        assertThat(health.dropped()).isGreaterThanOrEqualTo(2_000 - 16 - 1);
        assertThat(engine.readCounter(CounterType.PLUGIN_DROPPED, "blocked")).isEqualTo(health.dropped());

        release.countDown();
        await().atMost(WAIT).until(() -> blocked.seen.size() + engine.pluginHealth("blocked").dropped() == 2_000);
        assertThat(blocked.sequencesInOrder()).isTrue();
        sample(engine, clock);
        assertThat(engine.pluginState("blocked")).isEqualTo(PluginState.RUNNING);
    }

    @Test
    void shouldHoldTheRingBackForABlockingPluginAndReportItDegraded() throws Exception
    {
        final Recorder blocked = new Recorder("blocked", release);
        final CachedEpochClock clock = new CachedEpochClock();
        final Engine engine = launch(new Engine.Context().inputRingSize(16).epochClock(clock)
            .plugin(new PluginSpec("blocked").instance(blocked).lagLimit(4)));
        final AtomicLong published = new AtomicLong();
        final Thread producer = new Thread(() ->
        {
            for (long id = 0; id < 100; id++)
            {
                engine.publisher().publish(Sources.CLI, Messages.CHAT, id);
                published.incrementAndGet();
            }
        });
        producer.start();

        await().atMost(WAIT).until(() -> published.get() >= 16 && producer.getState() != Thread.State.RUNNABLE);
        assertThat(published.get()).isLessThan(100);
        sample(engine, clock);
        assertThat(engine.pluginState("blocked")).isEqualTo(PluginState.DEGRADED);
        assertThat(engine.pluginHealth("blocked").reason()).contains("exceeds lagLimit 4").contains("backPressure block");

        release.countDown();
        producer.join(TimeUnit.SECONDS.toMillis(20));
        await().atMost(WAIT).until(() -> blocked.seen.size() == 100);
        assertThat(blocked.sequencesInOrder()).isTrue();
        sample(engine, clock);
        assertThat(engine.pluginState("blocked")).isEqualTo(PluginState.RUNNING);
    }

    @Test
    void shouldMarkAPluginStalledWhenItMakesNoProgressAndRecoverWhenItMoves()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(1_000);
        final Recorder stuck = new Recorder("stuck", release);
        final Engine engine = launch(new Engine.Context().epochClock(clock)
            .plugin(new PluginSpec("stuck").instance(stuck).stallTimeoutMs(5_000)));

        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);
        await().atMost(WAIT).until(() -> stuck.entered.get() == 1);
        clock.advance(4_999);
        assertThat(engine.samplerAgentInvoker().invoke()).isEqualTo(1);
        assertThat(engine.pluginState("stuck")).isEqualTo(PluginState.RUNNING);
        clock.advance(1);
        assertThat(engine.samplerAgentInvoker().invoke()).isEqualTo(1);
        assertThat(engine.pluginState("stuck")).isEqualTo(PluginState.STALLED);
        assertThat(engine.pluginHealth("stuck").reason()).isEqualTo(
            "no progress for 5000 ms with 1 events waiting (stallTimeoutMs 5000)");

        release.countDown();
        await().atMost(WAIT).until(() -> stuck.seen.size() == 1 && engine.isDrained());
        clock.advance(1);
        assertThat(engine.samplerAgentInvoker().invoke()).isEqualTo(1);
        assertThat(engine.pluginState("stuck")).isEqualTo(PluginState.RUNNING);
        assertThat(engine.pluginHealth("stuck").reason()).isEmpty();
    }

    @Test
    void shouldNotCallAnIdlePluginStalled()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        final Recorder idle = new Recorder("idle", null);
        final Engine engine = launch(new Engine.Context().epochClock(clock)
            .plugin(new PluginSpec("idle").instance(idle).stallTimeoutMs(100)));
        clock.advance(10_000);
        assertThat(engine.samplerAgentInvoker().invoke()).isEqualTo(1);

        assertThat(engine.pluginState("idle")).isEqualTo(PluginState.RUNNING);
    }

    @Test
    void shouldQuarantineByThePluginsOwnPolicyAndStartAFreshInstanceWhenEnabled()
    {
        final List<Thrower> instances = new CopyOnWriteArrayList<>();
        final Recorder healthy = new Recorder("healthy", null);
        final Engine engine = launch(new Engine.Context().quarantineAfterFailures(100)
            .plugin(new PluginSpec("thrower").factory(() ->
            {
                final Thrower thrower = new Thrower();
                instances.add(thrower);
                return thrower;
            }).quarantineAfterFailures(2))
            .plugin(PluginSpec.of(healthy, null)));

        for (long id = 0; id < 10; id++)
        {
            engine.publisher().publish(Sources.CLI, Messages.CHAT, id);
        }
        await().atMost(WAIT).until(() -> healthy.seen.size() == 10 && engine.isDrained());

        assertThat(engine.pluginState("thrower")).isEqualTo(PluginState.QUARANTINED);
        assertThat(engine.pluginHealth("thrower").errors()).isEqualTo(2);
        assertThat(engine.pluginHealth("thrower").reason()).startsWith("quarantined after 2 failures, last: IllegalStateException");
        assertThat(instances).hasSize(1);
        assertThat(instances.get(0).stopped).isFalse();

        assertThat(engine.enablePlugin("thrower")).isEqualTo(PluginState.RUNNING);
        assertThat(instances).hasSize(2);
        assertThat(instances.get(0).stopped).isTrue();
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 10L);
        await().atMost(WAIT).until(() -> engine.pluginHealth("thrower").errors() == 3);
        assertThat(engine.pluginState("thrower")).isEqualTo(PluginState.RUNNING);
    }

    @Test
    void shouldRefuseAndCountEmitsTheSpecDoesNotPermitAndKeepOutputsToPermittedEgress()
    {
        final Messages.CapturingEgress websocket = new Messages.CapturingEgress();
        final Messages.CapturingEgress webhooks = new Messages.CapturingEgress();
        final Emitting restricted = new Emitting("restricted");
        final Emitting trusted = new Emitting("trusted");
        final Engine engine = launch(new Engine.Context()
            .plugin(new PluginSpec("restricted").instance(restricted).emits(ChatMessageDecoder.TEMPLATE_ID)
                .outputs(java.util.Set.of("websocket")))
            .plugin(PluginSpec.of(trusted, null))
            .egress("websocket", websocket).egress("webhooks", webhooks));

        engine.publisher().publish(Sources.CLI, Messages.CHAT, 5L);

        await().atMost(WAIT).until(() -> websocket.outputs.size() == 3 && webhooks.outputs.size() == 2 && engine.isDrained());
        assertThat(restricted.results).containsExactly(true, false);
        assertThat(trusted.results).containsExactly(true, true);
        assertThat(websocket.from("restricted")).extracting(Messages.Output::type).containsExactly("ChatMessage");
        assertThat(webhooks.from("restricted")).isEmpty();
        assertThat(webhooks.from("trusted")).extracting(Messages.Output::type).containsExactly("ChatMessage", "OverlayAlert");
        assertThat(engine.pluginHealth("restricted").refused()).isEqualTo(1);
        assertThat(engine.pluginHealth("restricted").emitted()).isEqualTo(1);
        assertThat(engine.readCounter(CounterType.PLUGIN_EMITS_REFUSED, "restricted")).isEqualTo(1);
    }

    @Test
    void shouldDeliverOnlyWhatTheDescriptorSubscriptionAdmits()
    {
        final Recorder bigTips = new Recorder("big-tips", null);
        final Subscription subscription = DescriptorParser.parse("plugin.yaml", """
            id: big-tips
            version: 1.0.0
            engine: "^1.0.0"
            subscribes:
              - type: TransactionReceived
                where: amountSats >= 1000
            """, false).subscription();
        final Engine engine = launch(new Engine.Context()
            .plugin(new PluginSpec("big-tips").instance(bigTips).subscription(subscription)));

        for (final long amount : new long[] { 10, 999, 1000, 50_000 })
        {
            engine.publisher().publish(Sources.WALLET, Messages.PAYMENT, amount);
        }
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);

        await().atMost(WAIT).until(engine::isDrained);
        assertThat(bigTips.seen).extracting(Seen::sequence).containsExactly(2L, 3L);
    }

    @Test
    void shouldDisableAtABoundaryAndKeepTheSequenceMoving()
    {
        final Recorder plugin = new Recorder("toggled", null);
        final Engine engine = launch(new Engine.Context().inputRingSize(8).plugin(PluginSpec.of(plugin, null)));
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 0L);
        await().atMost(WAIT).until(() -> plugin.seen.size() == 1);

        assertThat(engine.disablePlugin("toggled")).isEqualTo(PluginState.STOPPED);
        assertThat(engine.pluginHealth("toggled").reason()).isEqualTo("disabled");
        assertThat(plugin.stops.get()).isEqualTo(1);
        for (long id = 1; id < 50; id++)
        {
            engine.publisher().publish(Sources.CLI, Messages.CHAT, id);
        }
        await().atMost(WAIT).until(engine::isDrained);
        assertThat(plugin.seen).hasSize(1);

        assertThat(engine.enablePlugin("toggled")).isEqualTo(PluginState.RUNNING);
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 50L);
        await().atMost(WAIT).until(() -> plugin.seen.size() == 2);
        assertThat(plugin.seen).extracting(Seen::sequence).containsExactly(0L, 50L);
    }

    @Test
    void shouldListAPluginThatFailedToLoadWithItsReasonInHealthAndCounters() throws Exception
    {
        final Engine engine = launch(new Engine.Context()
            .plugin(PluginSpec.failed("broken", "1.0.0", "plugins/broken.jar", "plugin.yaml in plugins/broken.jar: " +
                "field 'version': expected a semantic version such as 1.2.0, got '1'"))
            .plugin(PluginSpec.of(new Recorder("fine", null), null)));
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);
        await().atMost(WAIT).until(engine::isDrained);

        assertThat(engine.pluginState("broken")).isEqualTo(PluginState.FAILED);
        assertThat(engine.pluginState("fine")).isEqualTo(PluginState.RUNNING);
        assertThat(engine.pluginHealth("broken").reason()).contains("field 'version'");
        try (CountersFile file = CountersFile.open(dataDir.resolve(CountersFile.FILE_NAME)))
        {
            final Map<String, Long> values = new HashMap<>();
            final CountersReader reader = file.reader();
            reader.forEach((value, typeId, label) -> values.put(label, value));
            assertThat(values).containsEntry("plugin state: broken", (long)PluginState.FAILED.value());
            assertThat(values.keySet()).anySatisfy(label -> assertThat(label)
                .startsWith("plugin status: broken 1.0.0 FAILED - plugin.yaml in plugins/broken.jar: field 'version'"));
            assertThat(values).containsEntry("plugin status: fine 0.1.0 RUNNING", (long)PluginState.RUNNING.value());
        }
    }

    record Seen(long sequence, long chatId)
    {
    }

    /** Records what it sees; blocks in onEvent until released when given a latch. */
    static class Recorder implements Plugin
    {
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        final AtomicLong entered = new AtomicLong();
        final AtomicLong stops = new AtomicLong();
        private final String id;
        private final CountDownLatch gate;

        Recorder(final String id, final CountDownLatch gate)
        {
            this.id = id;
            this.gate = gate;
        }

        public String id()
        {
            return id;
        }

        public void onEvent(final Event event) throws Exception
        {
            entered.incrementAndGet();
            if (null != gate)
            {
                gate.await(30, TimeUnit.SECONDS);
            }
            seen.add(new Seen(event.sequence(), event.templateId() == ChatMessageDecoder.TEMPLATE_ID ?
                Messages.chatId(event.buffer(), event.offset()) : -1));
        }

        public void onStop()
        {
            stops.incrementAndGet();
        }

        boolean sequencesInOrder()
        {
            for (int i = 1; i < seen.size(); i++)
            {
                if (seen.get(i).sequence() <= seen.get(i - 1).sequence())
                {
                    return false;
                }
            }
            return true;
        }
    }

    static final class Thrower implements Plugin
    {
        volatile boolean stopped;

        public String id()
        {
            return "thrower";
        }

        public void onEvent(final Event event)
        {
            throw new IllegalStateException("cannot handle " + event.sequence());
        }

        public void onStop()
        {
            stopped = true;
        }
    }

    /** Emits a chat message and an overlay alert for each event, and remembers whether each was accepted. */
    static final class Emitting implements Plugin
    {
        final List<Boolean> results = new CopyOnWriteArrayList<>();
        private final String id;
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
        private PluginContext context;

        Emitting(final String id)
        {
            this.id = id;
        }

        public String id()
        {
            return id;
        }

        public void onStart(final PluginContext context)
        {
            this.context = context;
        }

        public void onEvent(final Event event)
        {
            final int chat = Messages.chat(buffer, 0, event.sequence());
            results.add(context.emitter().emit(buffer, 0, chat));
            results.add(context.emitter().emit(Messages.ALERT, event.sequence()));
        }
    }
}
