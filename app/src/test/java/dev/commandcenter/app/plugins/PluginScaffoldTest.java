package dev.commandcenter.app.plugins;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Messages;
import dev.commandcenter.plugin.host.PluginJars;
import dev.commandcenter.plugin.host.PluginManager;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code plugins new}: the scaffolded project compiles against the plugin API and the test kit, and its jar runs
 * when dropped into the plugins dir; bad names are refused.
 */
@Timeout(90)
class PluginScaffoldTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Messages.CapturingEgress websocket = new Messages.CapturingEgress();
    private Engine engine;

    @AfterEach
    void close()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    @Test
    void shouldScaffoldAProjectWhoseJarRuns() throws Exception
    {
        final List<Path> written = PluginScaffold.create(dataDir.resolve("work"), "hello-bot", null);
        final Path project = written.get(0);
        assertThat(project).isEqualTo(dataDir.resolve("work/hello-bot"));
        assertThat(project.resolve("pom.xml")).content().contains("<artifactId>hello-bot</artifactId>")
            .contains("<artifactId>commandcenter-engine</artifactId>").contains("<scope>provided</scope>")
            .contains("<artifactId>commandcenter-plugin-testkit</artifactId>");
        assertThat(project.resolve("src/main/resources/plugin.yaml")).content().contains("id: hello-bot")
            .contains("main: com.example.hellobot.HelloBotPlugin");
        assertThat(project.resolve("src/main/java/com/example/hellobot/HelloBotPlugin.java")).exists();

        final Path testClasses = dataDir.resolve("scaffold-test-classes");
        final Path mainClasses = PluginJars.buildProject(project, dataDir.resolve("plugins/hello-bot-0.1.0.jar"), dataDir);
        PluginJars.compile(PluginJars.sources(project.resolve("src/test/java")), testClasses, List.of(mainClasses,
            PluginJars.codeSource(org.junit.jupiter.api.Test.class), PluginJars.codeSource(org.junit.jupiter.api.Assertions.class),
            PluginJars.codeSource(dev.commandcenter.plugin.testkit.PluginContract.class)));
        assertThat(testClasses.resolve("com/example/hellobot/HelloBotPluginTest.class")).exists();

        start();
        engine.publisher().publish(Sources.WEBSOCKET, Messages.CHAT_TEXT, "!hello everyone");
        engine.publisher().publish(Sources.WEBSOCKET, Messages.CHAT_TEXT, "no command here");

        await().atMost(WAIT).until(() -> engine.isDrained() && websocket.from("hello-bot").size() == 1);
        assertThat(websocket.from("hello-bot").get(0).text()).isEqualTo("hello from hello-bot");
        assertThat(websocket.from("hello-bot").get(0).inputSequence()).isZero();
    }

    @Test
    void shouldRefuseABadScaffoldName()
    {
        assertThatThrownBy(() -> PluginScaffold.create(dataDir, "Hello Bot", null))
            .hasMessageStartingWith("plugin name 'Hello Bot': expected lowercase letters, digits and dashes");
        assertThatThrownBy(() -> PluginScaffold.create(dataDir, "ok", "Com.Example"))
            .hasMessageStartingWith("package 'Com.Example': expected a lowercase Java package");
        PluginScaffold.create(dataDir, "twice", null);
        assertThatThrownBy(() -> PluginScaffold.create(dataDir, "twice", null))
            .hasMessageEndingWith("already exists: expected a new folder for the project");
    }

    private void start()
    {
        final PluginManager manager = PluginManager.discover(new PluginManager.Context().dataDir(dataDir)
            .serviceLoader(false));
        final Engine.Context ctx = new Engine.Context().dataDir(dataDir).egress("websocket", websocket);
        manager.configure(ctx);
        engine = Engine.launch(ctx);
        closeables.add(manager);
        closeables.add(engine);
        manager.attach(engine);
    }



}
