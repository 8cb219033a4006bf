package dev.commandcenter.transport.aeron.plugins;

import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.plugin.Messages;
import dev.commandcenter.plugin.host.HostedPlugin;
import dev.commandcenter.plugin.host.PluginJars;
import dev.commandcenter.plugin.host.remote.RemotePlugins;
import dev.commandcenter.transport.aeron.AeronNode;
import dev.commandcenter.transport.aeron.AeronSettings;
import dev.commandcenter.transport.aeron.plugins.host.PluginHost;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Aeron link of the remote plugin protocol with a real embedded media driver: an engine with a remote slot, the
 * link poller, and plugin hosts (the runtime of {@code plugin-host}) running a real plugin jar over IPC.
 */
@Timeout(90)
class AeronPluginLinksTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int STREAM_ID = 1002;

    @TempDir
    Path dir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<PluginHost> hosts = new ArrayList<>();
    private final List<Long> outputs = new CopyOnWriteArrayList<>();
    private AeronNode node;
    private RemotePlugins endpoint;
    private Engine engine;
    private AeronPluginLinks links;
    private Path jar;

    @BeforeEach
    void start()
    {
        final AeronSettings settings = new AeronSettings();
        settings.termLength = 64 * 1024;
        node = AeronNode.embed(settings, dir.resolve("aeron").toString(), Throwable::printStackTrace);
        jar = PluginJars.jar(dir.resolve("plugins/tagger.jar"),
            PluginJars.taggingDescriptor("tagger", "1.0.0", "test.t.Tagger", "hosting: process"),
            Map.of("test.t.Tagger", PluginJars.taggingPlugin("test.t.Tagger", "tagger", "t")));
        endpoint = new RemotePlugins(500, 4, SystemEpochClock.INSTANCE);
        final ChatMessageDecoder chat = new ChatMessageDecoder();
        engine = Engine.launch(new Engine.Context().dataDir(dir.resolve("engine"))
            .plugin(new PluginSpec("tagger").instance(endpoint.newSlot("tagger", "1.0.0", Map.of(), 16))
                .emits(ChatMessageDecoder.TEMPLATE_ID))
            .egress("capture", (final OutputEvent event, final boolean endOfBatch) ->
            {
                if (event.templateId() == ChatMessageDecoder.TEMPLATE_ID)
                {
                    outputs.add(Messages.chatId(event.buffer(), event.offset()));
                }
            }));
        endpoint.start(engine.errorHandler());
        links = new AeronPluginLinks(node.aeron(), "aeron:ipc", STREAM_ID, endpoint, SystemEpochClock.INSTANCE, 4,
            5_000);
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(1), Throwable::printStackTrace, null,
            links);
        AgentRunner.startOnThread(runner);
        closeables.add(node);
        closeables.add(engine);
        closeables.add(endpoint);
        closeables.add(runner);
    }

    @AfterEach
    void stop() throws InterruptedException
    {
        hosts.forEach(PluginHost::close);
        for (final Thread thread : threads)
        {
            thread.join(10_000);
        }
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    private PluginHost host(final Path pluginJar, final int responseStreamId, final AtomicReference<Throwable> ended)
    {
        final HostedPlugin hosted = HostedPlugin.load(pluginJar, dir.resolve("host-" + responseStreamId));
        closeables.add(hosted);
        final PluginHost host = new PluginHost(node.aeron(), hosted, "aeron:ipc", STREAM_ID, "aeron:ipc",
            responseStreamId, "test host " + responseStreamId, 5_000, new BackoffIdleStrategy());
        hosts.add(host);
        final Thread thread = new Thread(() ->
        {
            try
            {
                host.run();
            }
            catch (final Throwable ex)
            {
                ended.set(ex);
            }
        }, "plugin-host-" + responseStreamId);
        threads.add(thread);
        thread.start();
        return host;
    }

    @Test
    void shouldRunARealPluginJarInAHostOverAeronAndResumeWithANewHostWithoutLosingOrRepeating()
    {
        final AtomicReference<Throwable> ended = new AtomicReference<>();
        final PluginHost first = host(jar, 2001, ended);
        await().atMost(WAIT).until(() -> engine.pluginState("tagger") == PluginState.RUNNING && first.isAttached());
        assertThat(endpoint.where("tagger")).matches("aeron session -?\\d+ \\(test host 2001\\)");

        for (long id = 0; id < 100; id++)
        {
            engine.publisher().publish(Sources.CLI, Messages.CHAT, id);
        }
        await().atMost(WAIT).until(() -> outputs.size() == 100);
        assertThat(outputs).isEqualTo(LongStream.range(0, 100).boxed().toList());

        first.close();
        await().atMost(WAIT).until(() -> engine.pluginState("tagger") == PluginState.DISCONNECTED);
        // The goodbye, or the image going unavailable as its publication closes, whichever the engine reads first; on a
        // loaded machine the heartbeat timer may find the host silent for two intervals before the poller reads either.
        assertThat(engine.pluginHealth("tagger").reason()).matches("host aeron session -?\\d+ \\(test host 2001\\) " +
            "(gone: (host said goodbye: host shutting down|aeron image unavailable.*)|" +
            "silent for \\d+ ms \\(heartbeatIntervalMs 500\\): link closed)");
        for (long id = 100; id < 150; id++)
        {
            engine.publisher().publish(Sources.CLI, Messages.CHAT, id);
        }

        final PluginHost second = host(jar, 2002, ended);
        await().atMost(WAIT).until(() -> outputs.size() == 150);
        assertThat(outputs).isEqualTo(LongStream.range(0, 150).boxed().toList());
        assertThat(second.isAttached()).isTrue();
        assertThat(engine.pluginState("tagger")).isEqualTo(PluginState.RUNNING);
        assertThat(ended.get()).isNull();
    }

    @Test
    void shouldRefuseAHostOfAPluginWithoutARemoteSlotAndEndItsRunWithTheReason()
    {
        final Path other = PluginJars.jar(dir.resolve("plugins/other.jar"),
            PluginJars.taggingDescriptor("other", "1.0.0", "test.o.Tagger", ""),
            Map.of("test.o.Tagger", PluginJars.taggingPlugin("test.o.Tagger", "other", "o")));
        final AtomicReference<Throwable> ended = new AtomicReference<>();
        host(other, 2003, ended);

        await().atMost(WAIT).until(() -> null != ended.get());
        assertThat(ended.get()).isInstanceOf(PluginHost.HostException.class);
        assertThat(((PluginHost.HostException)ended.get()).exitCode()).isEqualTo(PluginHost.EXIT_REFUSED);
        assertThat(ended.get().getMessage()).isEqualTo("engine refused plugin 'other': no remote slot for plugin " +
            "'other': expected one of [tagger] (plugins whose plugin.yaml says hosting: process)");
        assertThat(endpoint.refusedHellos()).isEqualTo(1);
    }
}
