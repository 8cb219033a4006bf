package dev.commandcenter.app.plugins;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.main.CommandCenter;
import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.plugin.Messages;
import dev.commandcenter.plugin.host.PluginJars;
import dev.commandcenter.plugin.host.PluginsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code commandcenter plugin-host} as real child JVMs running a real plugin jar for an engine in this JVM over
 * Aeron IPC: events in, the plugin's emits out; {@code kill -9} of the host under load and a restart lose and repeat
 * nothing; the slot goes DISCONNECTED while the in-process plugins carry on; refusals end the host with one line
 * and a non-zero exit.
 */
@Timeout(180)
class PluginHostProcessTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int EVENTS = 2_000;

    @TempDir
    Path dataDir;

    @TempDir
    Path hostDir;

    private final List<Process> processes = new ArrayList<>();
    private final List<Long> remoteOutputs = new CopyOnWriteArrayList<>();
    private final List<Long> localOutputs = new CopyOnWriteArrayList<>();
    private CommandCenterNode node;

    @AfterEach
    void stop()
    {
        for (final Process process : processes)
        {
            process.destroyForcibly();
        }
        for (final Process process : processes)
        {
            try
            {
                process.waitFor(20, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (null != node)
        {
            node.close();
        }
    }

    private Path taggerJar(final String file, final String id)
    {
        final String className = "test." + id.replace("-", "") + ".Tagger";
        return PluginJars.jar(dataDir.resolve("plugins").resolve(file),
            PluginJars.taggingDescriptor(id, "1.0.0", className, ""),
            Map.of(className, PluginJars.taggingPlugin(className, id, id)));
    }

    private void startEngine()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.enabled = false;
        // A remote slot waiting for its host holds its thread, as any slow blocking plugin does: with a thread per
        // plugin the others carry on.
        config.engine.threadingMode = ThreadingMode.DEDICATED;
        config.aeron.enabled = true;
        config.aeron.termLength = 64 * 1024;
        config.aeron.plugins.heartbeatIntervalMs = 200;
        config.plugins = PluginsSettings.of(Map.of("remote", Map.of("hosting", "process")));
        node = CommandCenterNode.launch(new CommandCenterNode.Context().config(config).dataDir(dataDir)
            .egress("capture", (final OutputEvent event, final boolean endOfBatch) ->
            {
                if (event.templateId() == ChatMessageDecoder.TEMPLATE_ID)
                {
                    final long id = Messages.chatId(event.buffer(), event.offset());
                    if ("remote".equals(event.pluginId()))
                    {
                        remoteOutputs.add(id);
                    }
                    else if ("local".equals(event.pluginId()))
                    {
                        localOutputs.add(id);
                    }
                }
            }));
    }

    private Process host(final Path jar, final int responseStreamId, final List<String> lines) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("-Dchronicle") || argument.startsWith("--sun-misc"))
            {
                command.add(argument);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CommandCenter.class.getName(),
            "plugin-host", "--engine", "aeron:ipc", "--aeron-dir", dataDir.resolve("aeron").toString(),
            "--plugin", jar.toString(), "--data-dir", hostDir.resolve("host-" + responseStreamId).toString(),
            "--response-stream-id", Integer.toString(responseStreamId), "--connect-timeout-ms", "5000"));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(process);
        Thread.ofVirtual().start(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    lines.add(line);
                }
            }
            catch (final java.io.IOException ignore)
            {
                // The process ended.
            }
        });
        return process;
    }

    @Test
    void shouldLoseAndRepeatNothingWhenTheHostIsKilledUnderLoadAndRestarted() throws Exception
    {
        final Path remoteJar = taggerJar("remote.jar", "remote");
        taggerJar("local.jar", "local");
        startEngine();
        assertThat(node.pluginManager().info("remote").where()).isEqualTo("process (no host attached)");
        assertThat(node.pluginManager().info("local").where()).isEqualTo("in-process");

        final List<String> firstLines = new CopyOnWriteArrayList<>();
        final Process first = host(remoteJar, 3001, firstLines);
        await().atMost(WAIT).until(() -> node.engine().pluginState("remote") == PluginState.RUNNING);
        assertThat(node.pluginManager().info("remote").where())
            .matches("aeron session -?\\d+ \\(java pid " + first.pid() + " on .+\\)");

        final List<Long> published = new CopyOnWriteArrayList<>();
        final Thread producer = Thread.ofPlatform().start(() ->
        {
            for (long id = 0; id < EVENTS; id++)
            {
                published.add(node.engine().publisher().publish(Sources.CLI, Messages.CHAT, id));
            }
        });
        await().atMost(WAIT).until(() -> remoteOutputs.size() >= 200);
        first.destroyForcibly();
        assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();

        await().atMost(WAIT).until(() -> node.engine().pluginState("remote") == PluginState.DISCONNECTED);
        assertThat(node.engine().pluginHealth("remote").reason()).startsWith("host aeron session");
        assertThat(node.engine().pluginState("local")).isIn(PluginState.RUNNING, PluginState.DEGRADED);
        final int remoteWhileDown = remoteOutputs.size();
        await("the in-process plugin carries on while the remote one is down").atMost(WAIT)
            .until(() -> localOutputs.size() > remoteWhileDown + 100);
        assertThat(remoteOutputs).hasSize(remoteWhileDown);

        final List<String> secondLines = new CopyOnWriteArrayList<>();
        host(remoteJar, 3002, secondLines);
        producer.join(TimeUnit.SECONDS.toMillis(60));
        await().atMost(WAIT).until(() -> remoteOutputs.size() >= EVENTS && localOutputs.size() >= EVENTS);

        assertThat(published).hasSize(EVENTS);
        assertThat(remoteOutputs).as("each event's emit exactly once, in order").isEqualTo(published);
        assertThat(localOutputs).isEqualTo(published);
        // Caught up: the sampler moves it from DEGRADED (lag beyond its limit while the host was down) to RUNNING.
        await().atMost(WAIT).until(() -> node.engine().pluginState("remote") == PluginState.RUNNING);
    }

    @Test
    void shouldEndAHostThatIsRefusedOrCannotLoadItsJarWithOneLineAndANonZeroExit() throws Exception
    {
        final Path remoteJar = taggerJar("remote.jar", "remote");
        final Path strangerJar = PluginJars.jar(hostDir.resolve("stranger.jar"),
            PluginJars.taggingDescriptor("stranger", "1.0.0", "test.s.Tagger", ""),
            Map.of("test.s.Tagger", PluginJars.taggingPlugin("test.s.Tagger", "stranger", "s")));
        startEngine();
        final Process first = host(remoteJar, 3011, new CopyOnWriteArrayList<>());
        await().atMost(WAIT).until(() -> node.engine().pluginState("remote") == PluginState.RUNNING);

        final List<String> duplicateLines = new CopyOnWriteArrayList<>();
        final Process duplicate = host(remoteJar, 3012, duplicateLines);
        final List<String> strangerLines = new CopyOnWriteArrayList<>();
        final Process stranger = host(strangerJar, 3013, strangerLines);
        final List<String> badLines = new CopyOnWriteArrayList<>();
        final Process bad = host(hostDir.resolve("missing.jar"), 3014, badLines);

        assertThat(duplicate.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(stranger.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(duplicate.exitValue()).isEqualTo(4);
        assertThat(stranger.exitValue()).isEqualTo(4);
        assertThat(bad.exitValue()).isEqualTo(2);
        await().atMost(WAIT).until(() -> duplicateLines.stream().anyMatch((line) -> line.startsWith("plugin-host: ")));
        assertThat(duplicateLines).anyMatch((line) -> line.matches("plugin-host: engine refused plugin 'remote': " +
            "plugin 'remote' already has a host attached: aeron session -?\\d+ \\(java pid " + first.pid() +
            " on .+\\); expected one host per plugin"));
        await().atMost(WAIT).until(() -> strangerLines.stream().anyMatch((line) -> line.contains("refused")));
        assertThat(strangerLines).anyMatch((line) -> line.startsWith("plugin-host: engine refused plugin 'stranger': " +
            "no remote slot for plugin 'stranger': expected one of [remote]"));
        await().atMost(WAIT).until(() -> badLines.stream().anyMatch((line) -> line.startsWith("plugin-host: ")));
        assertThat(badLines).anyMatch((line) -> line.startsWith("plugin-host: cannot load " +
            hostDir.resolve("missing.jar")));
        assertThat(first.isAlive()).isTrue();
    }
}
