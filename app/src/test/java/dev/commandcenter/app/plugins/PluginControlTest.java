package dev.commandcenter.app.plugins;

import dev.commandcenter.engine.plugin.Messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.host.PluginJars;
import dev.commandcenter.plugin.host.PluginManager;
import dev.commandcenter.plugin.host.PluginView;
import dev.commandcenter.plugin.host.SampleEchoPlugin;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class PluginControlTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dataDir;

    private Engine engine;
    private PluginManager manager;
    private PluginControlServer server;

    @AfterEach
    void close()
    {
        CloseHelper.quietClose(server);
        CloseHelper.quietClose(engine);
        CloseHelper.quietClose(manager);
    }

    private void start()
    {
        final String className = "test.tagger.Tagger";
        PluginJars.jar(dataDir.resolve("plugins/tagger.jar"),
            PluginJars.taggingDescriptor("tagger", "1.0.0", className, ""),
            Map.of(className, PluginJars.taggingPlugin(className, "tagger", "v1")));
        PluginJars.jar(dataDir.resolve("plugins/broken.jar"), "id: broken\nversion: one\n", Map.of(className,
            PluginJars.taggingPlugin(className, "broken", "x")));
        manager = PluginManager.discover(new PluginManager.Context().dataDir(dataDir).serviceLoader(false)
            .builtIn(SampleEchoPlugin::new));
        final Engine.Context ctx = new Engine.Context().dataDir(dataDir).sampleIntervalMs(10);
        manager.configure(ctx);
        engine = Engine.launch(ctx);
        manager.attach(engine);
        server = PluginControlServer.start(dataDir, manager);
    }

    @Test
    void shouldListEveryPluginWithItsStatusIncludingThoseThatFailedToLoad()
    {
        start();
        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);
        await().atMost(WAIT).until(() -> engine.isDrained() && engine.pluginHealth("tagger").processed() == 1);

        final PluginControlClient client = PluginControlClient.connect(dataDir);
        final List<PluginView> views = client.list();

        assertThat(views).extracting(PluginView::id, PluginView::state)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("sample-echo", "RUNNING"),
                org.assertj.core.groups.Tuple.tuple("tagger", "RUNNING"),
                org.assertj.core.groups.Tuple.tuple("broken.jar", "FAILED"));
        final String table = PluginTable.list(views);
        assertThat(table.lines().toList()).hasSize(4);
        assertThat(table.lines().toList().get(0)).startsWith("ID").contains("STATUS").contains("REASON");
        assertThat(table).contains("'version' (line 2) expected a semantic version such as 1.2.0, got 'one'");

        final PluginView tagger = client.info("tagger");
        assertThat(tagger.processed()).isEqualTo(1);
        assertThat(tagger.emitted()).isEqualTo(1);
        assertThat(tagger.emits()).containsExactly("ChatMessage");
        final String info = PluginTable.info(tagger);
        assertThat(info).contains("id:            tagger").contains("status:        RUNNING")
            .contains("processed:     1").contains("network:       refused");
    }

    @Test
    void shouldEnableDisableAndReloadThroughTheChannel()
    {
        start();
        final PluginControlClient client = PluginControlClient.connect(dataDir);

        final PluginControlClient.Outcome disabled = client.disable("tagger");
        assertThat(disabled.plugin().state()).isEqualTo("STOPPED");
        assertThat(disabled.message()).isEqualTo("tagger disabled: STOPPED (disabled)");
        assertThat(engine.pluginState("tagger").name()).isEqualTo("STOPPED");
        assertThat(client.enable("tagger").plugin().state()).isEqualTo("RUNNING");

        final String className = "test.tagger.Tagger";
        PluginJars.jar(dataDir.resolve("plugins/tagger.jar"),
            PluginJars.taggingDescriptor("tagger", "1.1.0", className, ""),
            Map.of(className, PluginJars.taggingPlugin(className, "tagger", "v2")));
        final PluginControlClient.Outcome reloaded = client.reload("tagger");
        assertThat(reloaded.plugin().version()).isEqualTo("1.1.0");
        assertThat(reloaded.message()).isEqualTo("tagger reloaded: RUNNING");

        assertThatThrownBy(() -> client.info("ghost")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("no plugin 'ghost', expected one of [broken.jar, sample-echo, tagger]");
        assertThatThrownBy(() -> client.enable("broken.jar")).isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("plugin 'broken.jar' failed to load (").hasMessageEndingWith(
                "fix it and run 'commandcenter plugins reload broken.jar'");
        assertThatThrownBy(() -> client.info("../etc")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("not a plugin id: '../etc'");
    }

    @Test
    void shouldRefuseARequestWithoutTheTokenAndKeepTheFilePrivate() throws Exception
    {
        start();
        final Path file = dataDir.resolve(PluginControlServer.FILE_NAME);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        final JsonNode control = new ObjectMapper().readTree(file.toFile());
        assertThat(control.get("host").asText()).isEqualTo("127.0.0.1");
        final HttpClient http = HttpClient.newHttpClient();
        final URI uri = URI.create("http://127.0.0.1:" + control.get("port").asInt() + "/v1/plugins");

        final HttpResponse<String> none = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        final HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + "0".repeat(64)).build(), HttpResponse.BodyHandlers.ofString());
        final HttpResponse<String> right = http.send(HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + control.get("token").asText()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(control.get("token").asText());
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).contains("\"id\":\"tagger\"");
    }

    @Test
    void shouldSayPlainlyWhenNoEngineRuns()
    {
        assertThatThrownBy(() -> PluginControlClient.connect(dataDir)).isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("no engine is running on data dir " + dataDir);

        start();
        final PluginControlClient client = PluginControlClient.connect(dataDir);
        final int port = server.port();
        server.close();
        assertThatThrownBy(client::list).isInstanceOf(IllegalStateException.class)
            .hasMessage("no engine answers on data dir " + dataDir + " (its control channel at 127.0.0.1:" + port +
                " refused the connection: is the engine still running?)");
        assertThat(dataDir.resolve(PluginControlServer.FILE_NAME)).doesNotExist();
    }
}
