package dev.commandcenter.plugin.host.remote;

import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.plugin.Messages;
import dev.commandcenter.plugin.host.DescriptorException;
import dev.commandcenter.plugin.host.DescriptorParser;
import dev.commandcenter.plugin.host.PluginJars;
import dev.commandcenter.plugin.host.PluginManager;
import dev.commandcenter.plugin.host.PluginView;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The {@code hosting} key: plugins the plugin manager gives remote slots, from their descriptor or their section.
 */
@Timeout(60)
class RemoteHostingTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> outputs = new CopyOnWriteArrayList<>();
    private PluginManager manager;
    private Engine engine;

    @AfterEach
    void close()
    {
        if (null != manager && null != manager.remotePlugins())
        {
            manager.remotePlugins().close();
        }
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    private void start(final Map<String, ?> settings)
    {
        manager = PluginManager.discover(new PluginManager.Context().dataDir(dataDir).serviceLoader(false)
            .settings(settings).remoteHeartbeatIntervalMs(5_000));
        closeables.add(manager);
        final Engine.Context engineContext = new Engine.Context().dataDir(dataDir).sampleIntervalMs(60_000)
            .egress("capture", (final OutputEvent event, final boolean endOfBatch) ->
            {
                if (event.templateId() == ChatMessageDecoder.TEMPLATE_ID)
                {
                    outputs.add(event.pluginId() + ":" + Messages.chatId(event.buffer(), event.offset()));
                }
            });
        manager.configure(engineContext);
        engine = Engine.launch(engineContext);
        closeables.add(engine);
        manager.attach(engine);
    }

    private static String descriptor(final String id, final String extra)
    {
        return """
            id: %s
            version: 2.0.0
            engine: ">=1.0.0 <2.0.0"
            subscribes: [ChatMessage]
            permissions:
              emits: [ChatMessage]
              outputs: ["*"]
            %s
            """.formatted(id, extra);
    }

    private static void write(final Path file, final String text) throws IOException
    {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void shouldGiveADescriptorOnlyFolderThatSaysHostingProcessARemoteSlotAndRunItThroughItsHost() throws IOException
    {
        write(dataDir.resolve("plugins/echo/plugin.yaml"), descriptor("echo", "hosting: process"));
        start(Map.of("echo", Map.of("greeting", "hi")));

        final PluginView waiting = manager.info("echo");
        assertThat(waiting.where()).isEqualTo("process (no host attached)");
        assertThat(waiting.version()).isEqualTo("2.0.0");
        final TestHost host = new TestHost("h");
        closeables.add(host);
        host.connect(manager.remotePlugins(), "echo", HostSession.PROTOCOL_VERSION);
        await().atMost(WAIT).until(() -> manager.info("echo").where().equals("test link h (test h)"));
        assertThat(host.welcomeConfig).isEqualTo("{\"greeting\":\"hi\"}");

        engine.publisher().publish(Sources.CLI, Messages.CHAT, 7L);
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 8L);

        await().atMost(WAIT).until(() -> outputs.size() == 2);
        assertThat(outputs).containsExactly("echo:7", "echo:8");
        assertThat(engine.pluginState("echo")).isEqualTo(PluginState.RUNNING);
    }

    @Test
    void shouldLetTheSectionMoveAJarPluginOutOfProcessAndListInProcessOnesAsSuch()
    {
        PluginJars.jar(dataDir.resolve("plugins/tagger.jar"),
            PluginJars.taggingDescriptor("tagger", "1.0.0", "test.tagger.Tagger", ""),
            Map.of("test.tagger.Tagger", PluginJars.taggingPlugin("test.tagger.Tagger", "tagger", "t")));
        PluginJars.jar(dataDir.resolve("plugins/local.jar"),
            PluginJars.taggingDescriptor("local", "1.0.0", "test.local.Tagger", ""),
            Map.of("test.local.Tagger", PluginJars.taggingPlugin("test.local.Tagger", "local", "l")));
        start(Map.of("tagger", Map.of("hosting", "process")));

        assertThat(manager.info("tagger").where()).isEqualTo("process (no host attached)");
        assertThat(manager.info("local").where()).isEqualTo("in-process");
        assertThat(manager.remotePlugins().slot("local")).isNull();
        await().atMost(WAIT).until(() -> engine.pluginState("tagger") == PluginState.DISCONNECTED);
        assertThat(engine.pluginHealth("tagger").reason()).isEqualTo("waiting for a plugin host");
    }

    @Test
    void shouldNameABadHostingValueAndAMissingMainOfAnInProcessPlugin()
    {
        assertThatThrownBy(() -> DescriptorParser.parse("plugin.yaml", descriptor("x", "hosting: remote"), true))
            .isInstanceOf(DescriptorException.class)
            .hasMessageContaining("hosting").hasMessageContaining("expected 'in-process' or 'process', got 'remote'");
        assertThatThrownBy(() -> DescriptorParser.parse("plugin.yaml", descriptor("x", ""), true))
            .isInstanceOf(DescriptorException.class).hasMessageContaining("main");
        assertThat(DescriptorParser.parse("plugin.yaml", descriptor("x", "hosting: process"), true).isRemote()).isTrue();
        assertThatThrownBy(() -> PluginManager.discover(new PluginManager.Context().dataDir(dataDir)
            .settings(Map.of("tips", Map.of("hosting", "cloud")))))
            .hasMessage("plugin settings: 'plugins.tips.hosting' expected 'in-process' or 'process', got 'cloud'");
    }
}
