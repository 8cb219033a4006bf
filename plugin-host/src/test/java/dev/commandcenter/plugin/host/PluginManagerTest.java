package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.plugin.Messages;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.host.PluginManager;
import dev.commandcenter.plugin.host.PluginView;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(90)
class PluginManagerTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Messages.CapturingEgress egress = new Messages.CapturingEgress();
    private Engine engine;
    private PluginManager manager;

    @AfterEach
    void close()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    private Path plugins()
    {
        return dataDir.resolve("plugins");
    }

    private void start(final PluginManager.Context ctx)
    {
        manager = PluginManager.discover(ctx.dataDir(dataDir));
        final Engine.Context engineContext = new Engine.Context().dataDir(dataDir).sampleIntervalMs(60_000)
            .egress("websocket", egress);
        manager.configure(engineContext);
        engine = Engine.launch(engineContext);
        closeables.add(manager);
        closeables.add(engine);
        manager.attach(engine);
    }

    private Path tagger(final String file, final String id, final String version, final String tag, final String extra)
    {
        final String className = "test." + id.replace("-", "") + ".Tagger";
        return PluginJars.jar(plugins().resolve(file), PluginJars.taggingDescriptor(id, version, className, extra),
            Map.of(className, PluginJars.taggingPlugin(className, id, tag)));
    }

    @Test
    void shouldLoadBuiltInAndJarPluginsAndListThoseThatFailedWithTheirReasons()
    {
        tagger("good.jar", "good", "1.0.0", "good", "");
        tagger("bad-version.jar", "bad-version", "1", "x", "");
        PluginJars.jar(plugins().resolve("no-descriptor.jar"), null,
            Map.of("test.none.Tagger", PluginJars.taggingPlugin("test.none.Tagger", "none", "x")));
        PluginJars.jar(plugins().resolve("wrong-main.jar"),
            PluginJars.taggingDescriptor("wrong-main", "1.0.0", "test.wrong.Missing", ""),
            Map.of("test.wrong.Tagger", PluginJars.taggingPlugin("test.wrong.Tagger", "wrong-main", "x")));

        start(new PluginManager.Context().serviceLoader(true));
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);
        await().atMost(WAIT).until(() -> egress.from("good").size() == 1 && egress.from("sample-echo").size() == 1);

        final Map<String, PluginView> views = manager.list().stream()
            .collect(Collectors.toMap(PluginView::id, view -> view));
        assertThat(views.keySet()).containsExactlyInAnyOrder("sample-echo", "sample-counter", "good", "bad-version.jar",
            "no-descriptor.jar", "wrong-main");
        assertThat(views.get("good").state()).isEqualTo("RUNNING");
        assertThat(views.get("good").origin()).isEqualTo(plugins().resolve("good.jar").toString());
        assertThat(views.get("sample-echo").state()).isEqualTo("RUNNING");
        assertThat(views.get("sample-echo").subscribes()).containsExactly("ChatMessage where channel == 'main'");
        assertThat(views.get("sample-counter").version()).isEqualTo("2.1.0");
        assertThat(views.get("bad-version.jar").state()).isEqualTo("FAILED");
        assertThat(views.get("bad-version.jar").reason()).isEqualTo("plugin.yaml in " + plugins().resolve("bad-version.jar") +
            ": 'version' (line 2) expected a semantic version such as 1.2.0, got '1'");
        assertThat(views.get("no-descriptor.jar").reason()).isEqualTo(plugins().resolve("no-descriptor.jar") +
            ": no plugin.yaml at the root of the jar, expected one (src/main/resources/plugin.yaml in a Maven project)");
        assertThat(views.get("wrong-main").reason()).endsWith(
            "'main': class test.wrong.Missing not found in the plugin");
    }

    @Test
    void shouldRecordThePluginsThatFailedToLoadInTheEnginesErrorLogWhenAttached()
    {
        tagger("bad-version.jar", "bad-version", "1", "x", "");
        tagger("good.jar", "good", "1.0.0", "good", "");
        start(new PluginManager.Context().serviceLoader(false));

        final List<String> errors = new ArrayList<>();
        try (dev.commandcenter.engine.counters.CountersFile file = dev.commandcenter.engine.counters.CountersFile.open(
            dataDir.resolve(dev.commandcenter.engine.counters.CountersFile.FILE_NAME)))
        {
            org.agrona.concurrent.errors.ErrorLogReader.read(file.errorLog(),
                (count, first, last, text) -> errors.add(text));
        }
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0)).contains("plugin 'bad-version.jar' failed to load: plugin.yaml in " +
            plugins().resolve("bad-version.jar") + ": 'version' (line 2) expected a semantic version");
    }

    @Test
    void shouldResolveRequirementsAndNameThePluginsInvolved()
    {
        tagger("base.jar", "base", "1.2.0", "base", "");
        tagger("needs-base.jar", "needs-base", "1.0.0", "x", "requires:\n  base: \"^1.0.0\"");
        tagger("needs-newer.jar", "needs-newer", "1.0.0", "x", "requires:\n  base: \">=2.0.0\"");
        tagger("needs-ghost.jar", "needs-ghost", "1.0.0", "x", "requires:\n  ghost: \"*\"");
        tagger("cycle-a.jar", "cycle-a", "1.0.0", "x", "requires:\n  cycle-b: \"*\"");
        tagger("cycle-b.jar", "cycle-b", "1.0.0", "x", "requires:\n  cycle-a: \"*\"");

        start(new PluginManager.Context().serviceLoader(false));
        await().atMost(WAIT).until(() -> manager.info("needs-base").state().equals("RUNNING"));

        final Map<String, PluginView> views = manager.list().stream()
            .collect(Collectors.toMap(PluginView::id, view -> view));
        assertThat(views.get("base").state()).isEqualTo("RUNNING");
        assertThat(views.get("needs-base").state()).isEqualTo("RUNNING");
        assertThat(views.get("needs-newer").reason()).isEqualTo("requires 'base' >=2.0.0, but 'base' 1.2.0 is installed");
        assertThat(views.get("needs-ghost").reason()).isEqualTo("requires 'ghost' (*), which is not installed");
        assertThat(views.get("cycle-a").reason()).isEqualTo("dependency cycle: cycle-a -> cycle-b -> cycle-a");
        assertThat(views.get("cycle-b").reason()).isEqualTo("dependency cycle: cycle-a -> cycle-b -> cycle-a");
        final List<String> order = manager.list().stream().map(PluginView::id).toList();
        assertThat(order.indexOf("base")).isLessThan(order.indexOf("needs-base"));

        assertThatThrownBy(() -> manager.disable("base")).isInstanceOf(IllegalStateException.class)
            .hasMessage("cannot disable 'base': 'needs-base' requires it (disable 'needs-base' first)");
        manager.disable("needs-base");
        assertThat(manager.disable("base").state()).isEqualTo("STOPPED");
        assertThatThrownBy(() -> manager.enable("needs-base"))
            .hasMessage("cannot enable 'needs-base': it requires 'base', which is not enabled");
        assertThat(manager.enable("base").state()).isEqualTo("RUNNING");
        assertThat(manager.enable("needs-base").state()).isEqualTo("RUNNING");
        assertThatThrownBy(() -> manager.enable("needs-ghost")).hasMessageContaining("failed to load");
        assertThatThrownBy(() -> manager.info("nobody")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("no plugin 'nobody', expected one of [base, cycle-a");
    }

    @Test
    void shouldGiveEachJarItsOwnClassLoaderThatHidesTheEngineAndOtherPlugins()
    {
        final String probe = """
            package probe;

            import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
            import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
            import dev.commandcenter.engine.Event;
            import dev.commandcenter.engine.plugin.Plugin;
            import dev.commandcenter.engine.plugin.PluginContext;
            import org.agrona.concurrent.UnsafeBuffer;

            public final class Probe implements Plugin
            {
                private PluginContext context;

                public String id()
                {
                    return ID;
                }

                static final String ID = "%s";

                public void onStart(final PluginContext context)
                {
                    this.context = context;
                }

                public void onEvent(final Event event)
                {
                    final String report = "internal=" + visible("dev.commandcenter.engine.core.internal.PluginHandler") +
                        " engine=" + visible("dev.commandcenter.engine.core.Engine") +
                        " manager=" + visible("dev.commandcenter.plugin.host.PluginManager") +
                        " api=" + visible("dev.commandcenter.engine.plugin.Plugin") +
                        " event=" + visible("dev.commandcenter.engine.Event") +
                        " codecs=" + visible("dev.commandcenter.codecs.sbe.OverlayAlertEncoder") +
                        " agrona=" + visible("org.agrona.DirectBuffer") +
                        " other=" + visible("other.Other") +
                        " jackson=" + visible("com.fasterxml.jackson.databind.ObjectMapper") +
                        " socket=" + visible("java.net.Socket") +
                        " http=" + visible("java.net.http.HttpClient") +
                        " jdk=" + visible("java.util.concurrent.ConcurrentHashMap");
                    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
                    final ChatMessageEncoder encoder = new ChatMessageEncoder()
                        .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                        .messageId(event.sequence()).channel("probe").user(ID).text(report);
                    context.emitter().emit(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
                }

                private static boolean visible(final String name)
                {
                    try
                    {
                        Class.forName(name);
                        return true;
                    }
                    catch (final ClassNotFoundException | LinkageError ex)
                    {
                        return false;
                    }
                }
            }
            """;
        PluginJars.jar(plugins().resolve("other.jar"), PluginJars.taggingDescriptor("other", "1.0.0", "other.Other", ""),
            Map.of("other.Other", PluginJars.taggingPlugin("other.Other", "other", "other")));
        PluginJars.jar(plugins().resolve("probe.jar"), PluginJars.taggingDescriptor("probe", "1.0.0", "probe.Probe", ""),
            Map.of("probe.Probe", probe.formatted("probe")));
        PluginJars.jar(plugins().resolve("networked.jar"), PluginJars.taggingDescriptor("networked", "1.0.0",
            "probe.Probe", "").replace("outputs: [\"*\"]", "outputs: [\"*\"]\n  network: true"),
            Map.of("probe.Probe", probe.formatted("networked")));

        start(new PluginManager.Context().serviceLoader(false));
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);
        await().atMost(WAIT).until(() -> egress.from("probe").size() == 1 && egress.from("networked").size() == 1);

        assertThat(egress.from("probe").get(0).text()).isEqualTo("internal=false engine=false manager=false api=true " +
            "event=true codecs=true agrona=true other=false jackson=false socket=false http=false jdk=true");
        assertThat(egress.from("networked").get(0).text()).contains("internal=false").contains("other=false")
            .contains("socket=true").contains("http=true");
        assertThat(egress.from("other")).hasSize(1);
    }

    @Test
    void shouldReloadAJarAtASequenceBoundaryNeitherLosingNorRepeatingAnEvent() throws Exception
    {
        final Path jar = tagger("tagger.jar", "tagger", "1.0.0", "v1", "");
        final Path staged = tagger("../staged/tagger.jar", "tagger", "2.0.0", "v2", "");
        start(new PluginManager.Context().serviceLoader(false));
        final AtomicBoolean reloaded = new AtomicBoolean();
        final Thread producer = new Thread(() ->
        {
            for (long id = 0; id < 3_000; id++)
            {
                engine.publisher().publish(Sources.CLI, Messages.CHAT, id);
                if (id == 1_000)
                {
                    await().atMost(WAIT).untilTrue(reloaded);
                }
            }
        });
        producer.start();
        await().atMost(WAIT).until(() -> egress.from("tagger").size() > 400);

        Files.copy(staged, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        final PluginView view = manager.reload("tagger");
        reloaded.set(true);
        assertThat(view.version()).isEqualTo("2.0.0");
        assertThat(view.state()).isEqualTo("RUNNING");
        producer.join(WAIT.toMillis());
        await().atMost(WAIT).until(() -> engine.isDrained() && egress.from("tagger").size() >= 3_000);

        final List<Messages.Output> outputs = egress.from("tagger");
        assertThat(outputs).hasSize(3_000);
        final Set<Long> sequences = new HashSet<>();
        String previous = "v1";
        for (final Messages.Output output : outputs)
        {
            assertThat(sequences.add(output.inputSequence())).as("sequence %d twice", output.inputSequence()).isTrue();
            assertThat(output.chatId()).isEqualTo(output.inputSequence());
            if ("v2".equals(previous))
            {
                assertThat(output.text()).as("after the boundary, at sequence %d", output.inputSequence()).isEqualTo("v2");
            }
            previous = output.text();
        }
        assertThat(outputs.stream().filter(output -> "v1".equals(output.text())).count()).isBetween(401L, 1_001L);
        assertThat(outputs.get(outputs.size() - 1).text()).isEqualTo("v2");
    }

    @Test
    void shouldKeepTheRunningVersionWhenTheNewOneCannotLoad()
    {
        tagger("tagger.jar", "tagger", "1.0.0", "v1", "");
        start(new PluginManager.Context().serviceLoader(false));

        tagger("tagger.jar", "tagger", "2.0.0", "v2", "requires:\n  ghost: \"^1.0.0\"");
        assertThatThrownBy(() -> manager.reload("tagger")).isInstanceOf(IllegalStateException.class)
            .hasMessage("reload of 'tagger' failed, version 1.0.0 keeps running: requires 'ghost' (^1.0.0), which is " +
                "not installed");
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);

        await().atMost(WAIT).until(() -> egress.from("tagger").size() == 1);
        assertThat(egress.from("tagger").get(0).text()).isEqualTo("v1");
        assertThat(manager.info("tagger").state()).isEqualTo("RUNNING");
    }

    @Test
    void shouldStartAPluginThatFailedToLoadOnceItIsFixedAndReloaded()
    {
        tagger("fixme.jar", "fixme", "not-a-version", "x", "");
        start(new PluginManager.Context().serviceLoader(false));
        assertThat(manager.info("fixme.jar").state()).isEqualTo("FAILED");

        tagger("fixme.jar", "fixme", "1.0.1", "fixed", "");
        assertThat(manager.reload("fixme.jar").state()).isEqualTo("RUNNING");
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);

        await().atMost(WAIT).until(() -> egress.from("fixme").size() == 1);
        assertThat(manager.list()).extracting(PluginView::id).containsExactly("fixme");
    }

    @Test
    void shouldApplyTheConfigurationSectionsHostingSettingsAndPassTheRestToThePlugin()
    {
        tagger("detached.jar", "detached", "1.0.0", "x", "backPressure: block");
        tagger("failing.jar", "failing", "1.0.0", "x", "");
        tagger("off.jar", "off", "1.0.0", "x", "");
        start(new PluginManager.Context().serviceLoader(false).settings(Map.of(
            "defaults", Map.of("stallTimeoutMs", 777),
            "detached", Map.of("backPressure", "detach", "lagLimit", 64),
            "failing", Map.of("failStart", true),
            "off", Map.of("enabled", false))));

        final PluginView detached = manager.info("detached");
        assertThat(detached.backPressure()).isEqualTo("detach");
        assertThat(detached.lagLimit()).isEqualTo(64);
        assertThat(detached.stallTimeoutMs()).isEqualTo(777);
        assertThat(manager.info("failing").state()).isEqualTo("FAILED");
        assertThat(manager.info("failing").reason()).isEqualTo("start failed: IllegalStateException: told to fail");
        assertThat(manager.info("off").state()).isEqualTo("STOPPED");
        assertThat(manager.info("off").enabled()).isFalse();
        assertThat(manager.enable("off").state()).isEqualTo("RUNNING");
    }

    @Test
    void shouldNameABadSetting()
    {
        assertThatThrownBy(() -> PluginManager.discover(new PluginManager.Context().dataDir(dataDir)
            .settings(Map.of("tips", Map.of("backPressure", "drop")))))
            .hasMessage("plugin settings: 'plugins.tips.backPressure' expected one of block | detach, got 'drop'");
        assertThatThrownBy(() -> PluginManager.discover(new PluginManager.Context().dataDir(dataDir)
            .settings(Map.of("tips", Map.of("lagLimit", 0)))))
            .hasMessage("plugin settings: 'plugins.tips.lagLimit' expected a whole number of 1 or more, got '0'");
        assertThatThrownBy(() -> PluginManager.discover(new PluginManager.Context().dataDir(dataDir)
            .settings(Map.of("defaults", Map.of("colour", "red")))))
            .hasMessageStartingWith("plugin settings: unknown key 'plugins.defaults.colour', expected one of [backPressure");
        assertThatThrownBy(() -> PluginManager.discover(new PluginManager.Context().dataDir(dataDir)
            .settings(Map.of("dir", " "))))
            .hasMessage("plugin settings: 'plugins.dir' expected a directory path, got ' '");
    }

    @Test
    void shouldFindPluginsInTheConfiguredDir()
    {
        final Path elsewhere = dataDir.resolve("elsewhere");
        PluginJars.jar(elsewhere.resolve("far.jar"), PluginJars.taggingDescriptor("far", "1.0.0", "test.far.Tagger", ""),
            Map.of("test.far.Tagger", PluginJars.taggingPlugin("test.far.Tagger", "far", "far")));
        start(new PluginManager.Context().serviceLoader(false).settings(Map.of("dir", elsewhere.toString())));

        assertThat(manager.pluginsDir()).isEqualTo(elsewhere);
        assertThat(manager.info("far").state()).isEqualTo("RUNNING");
    }

    @Test
    void shouldLoadAPluginFolderWithItsDescriptorAndClasses()
    {
        final Path folder = plugins().resolve("folder-plugin");
        PluginJars.compile(Map.of("test.folder.Tagger", PluginJars.taggingPlugin("test.folder.Tagger", "folder", "f")),
            folder.resolve("classes"), List.of());
        writeString(folder.resolve("plugin.yaml"), PluginJars.taggingDescriptor("folder", "1.0.0", "test.folder.Tagger", ""));

        start(new PluginManager.Context().serviceLoader(false));
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);

        await().atMost(WAIT).until(() -> egress.from("folder").size() == 1);
        assertThat(manager.info("folder").origin()).isEqualTo(folder.toString());
    }

    @Test
    void shouldWatchThePluginsDirInDevMode()
    {
        start(new PluginManager.Context().serviceLoader(false).devMode(true).watchDebounceMs(100));

        tagger("live.jar", "live", "1.0.0", "v1", "");
        await().atMost(WAIT).until(() -> manager.list().stream().anyMatch(view -> view.id().equals("live") &&
            view.state().equals("RUNNING")));
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);
        await().atMost(WAIT).until(() -> egress.from("live").size() == 1);

        tagger("live.jar", "live", "1.1.0", "v2", "");
        await().atMost(WAIT).until(() -> manager.info("live").version().equals("1.1.0"));
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 2L);
        await().atMost(WAIT).until(() -> egress.from("live").size() == 2);
        assertThat(egress.from("live")).extracting(Messages.Output::text).containsExactly("v1", "v2");

        deleteFile(plugins().resolve("live.jar"));
        await().atMost(WAIT).until(() -> manager.list().isEmpty());
        assertThat(engine.pluginState("live")).isNull();
    }

    private static void writeString(final Path file, final String text)
    {
        try
        {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static void deleteFile(final Path file)
    {
        try
        {
            Files.delete(file);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
