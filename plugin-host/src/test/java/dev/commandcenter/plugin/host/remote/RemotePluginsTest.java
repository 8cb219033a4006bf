package dev.commandcenter.plugin.host.remote;

import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.OverlayAlertDecoder;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.plugin.Messages;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class RemotePluginsTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int INTERVAL_MS = 200;

    @TempDir
    Path dataDir;

    private final CachedEpochClock clock = new CachedEpochClock();
    private final RemotePlugins endpoint = new RemotePlugins(INTERVAL_MS, 4, clock);
    private final List<TestHost> hosts = new ArrayList<>();
    private final List<Long> outputs = new CopyOnWriteArrayList<>();
    private final List<Long> outputInputs = new CopyOnWriteArrayList<>();
    private Engine engine;

    @AfterEach
    void close()
    {
        endpoint.close();
        hosts.forEach(TestHost::close);
        if (null != engine)
        {
            engine.close();
        }
    }

    private RemotePluginProxy launch(final PluginSpec spec, final Map<String, ?> config)
    {
        clock.update(1_000);
        final RemotePluginProxy proxy = endpoint.newSlot(spec.id(), "1.2.3", config, spec.lagLimit());
        final ChatMessageDecoder chat = new ChatMessageDecoder();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        engine = Engine.launch(new Engine.Context().dataDir(dataDir).sampleIntervalMs(1).useSamplerAgentInvoker(true)
            .plugin(spec.instance(proxy).version("1.2.3"))
            .egress("capture", (final OutputEvent event, final boolean endOfBatch) ->
            {
                if (event.templateId() == ChatMessageDecoder.TEMPLATE_ID)
                {
                    header.wrap(event.buffer(), event.offset());
                    chat.wrap(event.buffer(), event.offset() + MessageHeaderDecoder.ENCODED_LENGTH,
                        header.blockLength(), header.version());
                    outputs.add(chat.messageId());
                    outputInputs.add(event.inputSequence());
                }
            }));
        await().atMost(WAIT).until(() -> null != proxy.health());
        return proxy;
    }

    private TestHost host(final String name, final String pluginId)
    {
        final TestHost host = new TestHost(name);
        hosts.add(host);
        return host.connect(endpoint, pluginId, HostSession.PROTOCOL_VERSION);
    }

    private void publish(final long fromId, final long toId)
    {
        for (long id = fromId; id < toId; id++)
        {
            engine.publisher().publish(Sources.CLI, Messages.CHAT, id);
        }
    }

    private static List<Long> range(final long from, final long to)
    {
        return LongStream.range(from, to).boxed().toList();
    }

    @Test
    void shouldRunEventsThroughTheHostAndPublishItsEmitsTaggedWithTheirEvent()
    {
        launch(new PluginSpec("echo").emits(ChatMessageDecoder.TEMPLATE_ID), Map.of("greeting", "hi"));
        final TestHost host = host("a", "echo");
        await().atMost(WAIT).until(() -> host.resumeAfter == -1);
        assertThat(host.welcomeConfig).isEqualTo("{\"greeting\":\"hi\"}");

        publish(0, 200);

        await().atMost(WAIT).until(() -> outputs.size() == 200);
        assertThat(outputs).isEqualTo(range(0, 200));
        assertThat(outputInputs).isEqualTo(range(0, 200));
        assertThat(engine.pluginHealth("echo").processed()).isEqualTo(200);
        assertThat(engine.pluginHealth("echo").emitted()).isEqualTo(200);
        assertThat(endpoint.slot("echo").lastAcknowledged()).isEqualTo(199);
        assertThat(endpoint.where("echo")).isEqualTo("test link a (test a)");
    }

    @Test
    void shouldResumeAfterTheLastAcknowledgedEventSoNothingIsLostOrRepeated()
    {
        launch(new PluginSpec("echo").emits(ChatMessageDecoder.TEMPLATE_ID).backPressure(BackPressure.BLOCK), null);
        final TestHost first = host("first", "echo");
        publish(0, 50);
        await().atMost(WAIT).until(() -> outputs.size() == 50);

        first.answering = false;
        publish(50, 60);
        await().atMost(WAIT).until(() -> engine.pluginHealth("echo").lag() > 0);
        first.kill();
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.DISCONNECTED);
        assertThat(engine.pluginHealth("echo").reason()).isEqualTo("host test link first (test first) gone: link lost");
        assertThat(endpoint.where("echo")).isEqualTo("process (no host attached)");

        final TestHost second = host("second", "echo");
        await().atMost(WAIT).until(() -> outputs.size() == 60);
        assertThat(second.resumeAfter).isEqualTo(49);
        assertThat(second.eventsSeen.getFirst()).isEqualTo(50);
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.RUNNING);
        publish(60, 100);

        await().atMost(WAIT).until(() -> outputs.size() == 100 && engine.isDrained());
        assertThat(outputs).isEqualTo(range(0, 100));
        assertThat(endpoint.staleDones()).isZero();
    }

    @Test
    void shouldBeDisconnectedUntilAHostAttachesThenStalledAfterOneSilentIntervalAndDisconnectedAfterTwo()
    {
        final RemotePluginProxy proxy = launch(new PluginSpec("echo"), null);
        await().atMost(WAIT).until(() -> engine.pluginState("echo") == PluginState.RUNNING);
        endpoint.doWork();
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.DISCONNECTED);
        assertThat(engine.pluginHealth("echo").reason()).isEqualTo("waiting for a plugin host");

        final TestHost host = host("a", "echo");
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.RUNNING);
        await().atMost(WAIT).until(() -> host.heartbeats == 0 && proxy.attached() != null);

        clock.advance(INTERVAL_MS - 20);
        endpoint.doWork();
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.RUNNING);
        clock.advance(20);
        endpoint.doWork();
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.STALLED);
        assertThat(engine.pluginHealth("echo").reason())
            .isEqualTo("host test link a (test a) silent for 200 ms (heartbeatIntervalMs 200)");
        await().atMost(WAIT).until(() -> host.heartbeats >= 1);
        engine.samplerAgentInvoker().invoke();
        assertThat(engine.pluginState("echo")).as("the sampler does not undo a host's stall")
            .isEqualTo(PluginState.STALLED);

        host.heartbeat(-1);
        clock.advance(INTERVAL_MS / 4);
        endpoint.doWork();
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.RUNNING);

        clock.advance(2 * INTERVAL_MS);
        endpoint.doWork();
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.DISCONNECTED);
        assertThat(engine.pluginHealth("echo").reason()).startsWith("host test link a (test a) silent for 450 ms");
        assertThat(host.isClosed()).isTrue();
        assertThat(proxy.attached()).isNull();

        final TestHost again = host("b", "echo");
        assertThat(again.isClosed()).isFalse();
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.RUNNING);
    }

    @Test
    void shouldNotLetADutyCycleUndoWhatAnAttachOrADetachReportedSinceItLooked()
    {
        final RemotePluginProxy proxy = launch(new PluginSpec("echo"), null);
        await().atMost(WAIT).until(() -> engine.pluginState("echo") == PluginState.RUNNING);
        final TestHost host = host("a", "echo");
        await().atMost(WAIT).until(() -> proxy.attached() != null);
        final HostSession attached = proxy.attached();

        // A duty cycle that looked before the host attached saw no host: its report comes too late to count.
        proxy.reportDetached();
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.RUNNING);

        host.close();
        await().atMost(WAIT).until(() -> proxy.attached() == null);
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.DISCONNECTED);

        // One that looked before the host detached saw it attached, then stalled: neither undoes the detach.
        proxy.reportAttached(attached, null);
        proxy.reportAttached(attached, "silent");
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.DISCONNECTED);
    }

    @Test
    void shouldRefuseAnUnknownPluginASecondHostAndAnotherProtocolVersionNamingWhatWasExpected()
    {
        launch(new PluginSpec("echo"), null);
        final Map<CounterType, AtomicCounter> counters = new java.util.concurrent.ConcurrentHashMap<>();
        endpoint.bindCounters((type, suffix) -> counters.computeIfAbsent(type, t -> engine.counters().allocate(t, suffix)));
        final TestHost unknown = host("u", "nope");
        final TestHost first = host("a", "echo");
        final TestHost duplicate = host("d", "echo");
        final TestHost version = new TestHost("v");
        hosts.add(version);
        version.connect(endpoint, "echo", 2);

        await().atMost(WAIT).until(() -> unknown.isClosed() && duplicate.isClosed() && version.isClosed());
        assertThat(unknown.closedReason).isEqualTo("refused: no remote slot for plugin 'nope': expected one of " +
            "[echo] (plugins whose plugin.yaml says hosting: process)");
        assertThat(duplicate.closedReason).isEqualTo("refused: plugin 'echo' already has a host attached: " +
            "test link a (test a); expected one host per plugin");
        assertThat(version.closedReason).isEqualTo("refused: protocol version 2 not supported, expected 1");
        assertThat(first.isClosed()).isFalse();
        assertThat(endpoint.refusedHellos()).isEqualTo(3);
        // The engine's counters file carries them, for stat and /metrics.
        assertThat(counters.get(CounterType.REMOTE_HELLOS_REFUSED).get()).isEqualTo(3);
        assertThat(counters.get(CounterType.REMOTE_MALFORMED).get()).isZero();
    }

    @Test
    void shouldBoundHostsWaitingForHelloAndCloseOnesThatSendGarbage()
    {
        launch(new PluginSpec("echo"), null);
        final List<TestHost> silent = new ArrayList<>();
        for (int i = 0; i < 4; i++)
        {
            final TestHost link = new TestHost("s" + i);
            hosts.add(link);
            endpoint.attach(link);
            silent.add(link);
        }
        final TestHost flood = new TestHost("flood");
        hosts.add(flood);
        endpoint.attach(flood);
        assertThat(flood.isClosed()).isTrue();
        assertThat(flood.closedReason).startsWith("refused: too many plugin hosts waiting to say hello (4)");

        clock.advance(2 * INTERVAL_MS);
        endpoint.doWork();
        assertThat(silent).allMatch(TestHost::isClosed);
        assertThat(silent.getFirst().closedReason).isEqualTo("no PluginHello within 400 ms of connecting");

        final TestHost garbage = host("g", "echo");
        garbage.sendRaw(new byte[] {1, 2, 3});
        assertThat(garbage.isClosed()).isTrue();
        assertThat(garbage.closedReason).isEqualTo(
            "malformed message from the host: a message of 3 bytes, shorter than the 8-byte header");
        assertThat(engine.pluginState("echo")).isNotEqualTo(PluginState.RUNNING);
    }

    @Test
    void shouldCountAHostsFailuresTowardsQuarantineAndKeepItsEmitsToThePermittedTypes()
    {
        launch(new PluginSpec("echo").emits(OverlayAlertDecoder.TEMPLATE_ID).quarantineAfterFailures(3), null);
        final TestHost host = host("a", "echo");
        publish(0, 5);
        await().atMost(WAIT).until(() -> engine.pluginHealth("echo").processed() == 5);
        assertThat(outputs).isEmpty();
        assertThat(engine.pluginHealth("echo").refused()).isEqualTo(5);

        host.failWith = "IllegalStateException: boom";
        publish(5, 8);
        await().atMost(WAIT).until(() -> engine.pluginState("echo") == PluginState.QUARANTINED);
        assertThat(engine.pluginHealth("echo").errors()).isEqualTo(3);
        assertThat(engine.pluginHealth("echo").lastError()).contains("IllegalStateException: boom");
    }
}
