package dev.commandcenter.app.plugins;

import dev.commandcenter.app.secrets.SecretsStore;
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

import dev.commandcenter.plugin.host.PluginOperations;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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
    private ControlChannel server;

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
        server = ControlChannel.start(dataDir, engine, manager);
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
        assertThat(table.lines().toList().get(0)).startsWith("ID").contains("STATUS").contains("WHERE")
            .contains("REASON");
        assertThat(table.lines().toList().get(2)).contains(" in-process ");
        assertThat(table).contains("'version' (line 2) expected a semantic version such as 1.2.0, got 'one'");

        final PluginView tagger = client.info("tagger");
        assertThat(tagger.processed()).isEqualTo(1);
        assertThat(tagger.emitted()).isEqualTo(1);
        assertThat(tagger.emits()).containsExactly("ChatMessage");
        final String info = PluginTable.info(tagger);
        assertThat(info).contains("id:            tagger").contains("status:        RUNNING")
            .contains("processed:     1").contains("network:       refused")
            .contains("files:         refused");
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
        final Path file = dataDir.resolve(PluginControlRoute.FILE_NAME);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        final JsonNode control = new ObjectMapper().readTree(file.toFile());
        assertThat(control.get("url").asText()).isEqualTo("http://127.0.0.1:" + server.server().port() + "/api/plugins");
        assertThat(control.has("token")).isFalse();
        final HttpClient http = HttpClient.newHttpClient();
        final URI uri = URI.create(control.get("url").asText());

        final HttpResponse<String> none = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        final HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + "0".repeat(32)).build(), HttpResponse.BodyHandlers.ofString());
        final HttpResponse<String> right = http.send(HttpRequest.newBuilder(uri)
            .header("Authorization", "Bearer " + server.token()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain(server.token());
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).contains("\"id\":\"tagger\"");

        SecretsStore.load(dataDir).with(SecretsStore.ADMIN_TOKEN, "a-token-the-engine-does-not-run-with");
        assertThatThrownBy(() -> PluginControlClient.connect(dataDir).list()).isInstanceOf(IllegalStateException.class)
            .hasMessage("the engine on data dir " + dataDir + " refused the token of " + dataDir.resolve("secrets.json") +
                " (401): expected the admin token the engine runs with (websocket.adminToken, else that file's)");
    }

    @Test
    void shouldSayPlainlyWhenNoEngineRuns()
    {
        assertThatThrownBy(() -> PluginControlClient.connect(dataDir)).isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("no engine is running on data dir " + dataDir);

        start();
        final PluginControlClient client = PluginControlClient.connect(dataDir);
        final int port = server.server().port();
        server.close();
        assertThatThrownBy(client::list).isInstanceOf(IllegalStateException.class)
            .hasMessage("no engine answers on data dir " + dataDir + " (its control channel at 127.0.0.1:" + port +
                " refused the connection: is the engine still running?)");
        assertThat(dataDir.resolve(PluginControlRoute.FILE_NAME)).doesNotExist();
    }

    @Test
    void shouldSayWhyWhenTheEngineServesNoChannel()
    {
        PluginControlRoute.writeControlFile(dataDir, null, "the web server is disabled (websocket.enabled: false)");

        assertThatThrownBy(() -> PluginControlClient.connect(dataDir)).isInstanceOf(IllegalStateException.class)
            .hasMessage("the engine on data dir " + dataDir + " serves no control channel: the web server is disabled " +
                "(websocket.enabled: false)");
    }

    @Test
    void shouldServeListWhileAnotherLocalConnectionStallsMidRequest() throws Exception
    {
        start();
        final URI url = URI.create(new ObjectMapper().readTree(dataDir.resolve(PluginControlRoute.FILE_NAME).toFile())
            .get("url").asText());
        try (Socket stalled = new Socket("127.0.0.1", url.getPort()))
        {
            stalled.getOutputStream().write("GET /api/plu".getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            final PluginControlClient client = PluginControlClient.connect(dataDir, Duration.ofSeconds(5));
            assertThat(client.list()).extracting(PluginView::id).contains("tagger");
        }
    }

    @Test
    void shouldRefuseARequestBodyPastTheWebServersLimitBeforeTheChannelReadsIt() throws Exception
    {
        start();
        final URI enable = URI.create(new ObjectMapper().readTree(dataDir.resolve(PluginControlRoute.FILE_NAME).toFile())
            .get("url").asText() + "/tagger/disable");

        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(enable)
            .header("Authorization", "Bearer " + server.token())
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024 * 1024])).build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(engine.pluginState("tagger").name()).isEqualTo("RUNNING");
    }

    @Test
    void shouldAnswerOtherRequestsWhileAReloadBlocks() throws Exception
    {
        start();
        final CountDownLatch reloading = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final PluginOperations slowReload = new PluginOperations()
        {
            public List<PluginView> list()
            {
                return manager.list();
            }

            public PluginView info(final String id)
            {
                return manager.info(id);
            }

            public PluginView enable(final String id)
            {
                return manager.enable(id);
            }

            public PluginView disable(final String id)
            {
                return manager.disable(id);
            }

            public PluginView reload(final String id)
            {
                reloading.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                return manager.info(id);
            }
        };
        server.close();
        server = ControlChannel.start(dataDir, engine, slowReload);
        final PluginControlClient client = PluginControlClient.connect(dataDir, Duration.ofSeconds(5));

        final CompletableFuture<PluginControlClient.Outcome> reload = CompletableFuture.supplyAsync(
            () -> client.reload("tagger"), Executors.newVirtualThreadPerTaskExecutor());
        assertThat(reloading.await(10, TimeUnit.SECONDS)).isTrue();
        try
        {
            assertThat(client.list()).extracting(PluginView::id).contains("tagger");
            assertThat(client.info("tagger").state()).isEqualTo("RUNNING");
            assertThat(reload).isNotDone();
        }
        finally
        {
            release.countDown();
        }
        assertThat(reload.get(10, TimeUnit.SECONDS).message()).isEqualTo("tagger reloaded: RUNNING");
    }
}
