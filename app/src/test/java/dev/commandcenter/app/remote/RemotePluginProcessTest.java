package dev.commandcenter.app.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.plugin.host.PluginsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * The example plugin hosts as real child processes ({@code /usr/bin/python3} and {@code node}) against a real
 * node with their {@code plugin.yaml} in its plugins dir: payments posted over REST reach them, their alerts come
 * out on the overlay feed, killing a host makes its slot DISCONNECTED, and a restarted host resumes without loss or
 * repetition. Also the refusals a bad host meets on the real node.
 */
@Timeout(180)
class RemotePluginProcessTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> children = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private CommandCenterNode node;
    private String base;
    private String adminToken;
    private String overlayToken;

    @AfterEach
    void after() throws Exception
    {
        for (final Process child : children)
        {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            resources.get(i).close();
        }
        if (null != node)
        {
            node.close();
        }
    }

    @Test
    void shouldRunThePythonExampleAndResumeItAfterAKillWithoutLossOrRepetition() throws Exception
    {
        final String id = "big-tip-python";
        shouldRunAndResume(id, () -> List.of("/usr/bin/python3", EXAMPLES.resolve("remote-plugin-python/plugin.py").toString(),
            "--url", base, "--max-backoff", "0.5"));
    }

    @Test
    void shouldRunTheNodeExampleAndResumeItAfterAKillWithoutLossOrRepetition() throws Exception
    {
        final String id = "big-tip-node";
        shouldRunAndResume(id, () ->
        {
            final List<String> command = new ArrayList<>(List.of("node"));
            if (nodeMajorVersion() < 22)
            {
                command.add("--experimental-websocket");
            }
            command.addAll(List.of(EXAMPLES.resolve("remote-plugin-node/plugin.mjs").toString(), "--url", base,
                "--max-backoff-ms", "500"));
            return command;
        });
    }

    @Test
    void shouldRefuseBadHostsOnTheRealNode() throws Exception
    {
        start("big-tip-python", "remote-plugin-python");
        final String url = base.replaceFirst("^http", "ws") + RemotePluginRoute.PATH;

        // threadingMode auto with a plugin hosted out of process: a thread per plugin, so a slot waiting for its
        // host (none is attached here) holds only its own thread.
        assertThat(node.startLines()).contains("threading: dedicated (engine.threadingMode auto with plugins hosted " +
            "out of process)");
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).contains("cc-plugin-big-tip-python");

        final HostClient noToken = track(HostClient.connect(url, RemoteJson.JSON_SUBPROTOCOL));
        assertThat(noToken.awaitClose().code()).isEqualTo(1008);
        assertThat(noToken.awaitClose().reason()).startsWith("unauthorized");

        final HostClient overlay = track(HostClient.connect(url + "?token=" + overlayToken, RemoteJson.JSON_SUBPROTOCOL));
        assertThat(overlay.awaitClose().code()).isEqualTo(1008);
        assertThat(overlay.awaitClose().reason()).startsWith("forbidden: this endpoint needs the admin token");

        final HostClient badJson = track(HostClient.connect(url + "?token=" + adminToken, RemoteJson.JSON_SUBPROTOCOL));
        badJson.send("{\"type\":\"hello\",");
        assertThat(badJson.awaitClose().code()).isEqualTo(1007);

        final HostClient unknown = track(HostClient.connect(url + "?token=" + adminToken, RemoteJson.JSON_SUBPROTOCOL));
        unknown.send("{\"type\":\"hello\",\"plugin\":\"no-such-plugin\",\"protocol\":1,\"host\":\"test\"}");
        final JsonNode goodbye = MAPPER.readTree(unknown.nextText());
        assertThat(goodbye.get("type").asText()).isEqualTo("goodbye");
        assertThat(goodbye.get("refused").asBoolean()).isTrue();
        assertThat(goodbye.get("reason").asText()).contains("no-such-plugin").contains("big-tip-python");
        assertThat(unknown.awaitClose().code()).isEqualTo(1008);

        final HostClient neverSent = track(HostClient.connect(url + "?token=" + adminToken, RemoteJson.JSON_SUBPROTOCOL));
        neverSent.send("{\"type\":\"hello\",\"plugin\":\"big-tip-python\",\"protocol\":1,\"host\":\"test\"}");
        assertThat(MAPPER.readTree(neverSent.nextText()).get("type").asText()).isEqualTo("welcome");
        neverSent.send("{\"type\":\"done\",\"seq\":1000000,\"emits\":[]}");
        final HostClient.Close close = neverSent.awaitClose();
        assertThat(close.code()).isEqualTo(1008);
        assertThat(close.reason()).startsWith("done for event 1000000, never sent");

        // The upgrade itself: a plain GET is not an upgrade.
        final HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create(base + RemotePluginRoute.PATH +
            "?token=" + adminToken)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(400);
    }

    @FunctionalInterface
    private interface Command
    {
        List<String> get() throws Exception;
    }

    private void shouldRunAndResume(final String id, final Command command) throws Exception
    {
        start(id, id.equals("big-tip-python") ? "remote-plugin-python" : "remote-plugin-node");
        final TestFeed feed = track(new TestFeed(base.replaceFirst("^http", "ws") + "/ws/all?types=OverlayAlert&token=" +
            overlayToken));

        final List<String> firstRun = new CopyOnWriteArrayList<>();
        final Process first = spawn(command.get(), firstRun);
        await().atMost(BOUND).until(() -> firstRun.contains("welcome " + id + " resumeAfter=-1"));

        post(60_000, 1);
        post(1_000, 2);
        post(70_000, 3);
        await().atMost(BOUND).until(() -> alerts(feed, id).size() == 2);
        assertThat(alerts(feed, id)).extracting((alert) -> alert.get("amountSats").asLong()).containsExactly(60_000L, 70_000L);
        await().atMost(BOUND).until(() -> firstRun.stream().filter((line) -> line.startsWith("done ")).count() >= 3);

        first.destroyForcibly();
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(BOUND).until(() -> "DISCONNECTED".equals(state(id)));

        post(80_000, 4);
        post(90_000, 5);
        final List<String> secondRun = new CopyOnWriteArrayList<>();
        spawn(command.get(), secondRun);
        await().atMost(BOUND).until(() -> alerts(feed, id).size() == 4);
        await().atMost(BOUND).until(() -> !"DISCONNECTED".equals(state(id)));

        final List<JsonNode> alerts = alerts(feed, id);
        assertThat(alerts).extracting((alert) -> alert.get("amountSats").asLong())
            .containsExactly(60_000L, 70_000L, 80_000L, 90_000L);
        assertThat(alerts).extracting((alert) -> alert.get("alertId").asLong()).doesNotHaveDuplicates();
        assertThat(secondRun).anyMatch((line) -> line.startsWith("welcome " + id + " resumeAfter=") &&
            !line.endsWith("=-1"));
        // Every event handled across both hosts. A done in flight when a link closes (a host too slow for its
        // heartbeats on a loaded machine) is redone after the resume; its emits are applied once, as checked above.
        final List<String> dones = new ArrayList<>();
        for (final String line : firstRun)
        {
            if (line.startsWith("done "))
            {
                dones.add(line.split(" ")[1]);
            }
        }
        await().atMost(BOUND).until(() -> secondRun.stream().filter((line) -> line.startsWith("done ")).count() >= 2);
        for (final String line : secondRun)
        {
            if (line.startsWith("done "))
            {
                dones.add(line.split(" ")[1]);
            }
        }
        assertThat(new java.util.TreeSet<>(dones)).hasSize(5);
        // Nothing more arrives: no alert repeated later either.
        assertThat(alerts(feed, id)).hasSize(4);
    }

    private void start(final String id, final String example) throws Exception
    {
        final Path pluginDir = Files.createDirectories(dataDir.resolve("plugins").resolve(id));
        Files.copy(EXAMPLES.resolve(example).resolve("plugin.yaml"), pluginDir.resolve("plugin.yaml"));
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.websocket.acceptWalletEventsOverRest = true;
        config.plugins = PluginsSettings.of(Map.of(id, Map.of("thresholdSats", 50_000, "title", "Whoa")));
        node = CommandCenterNode.start(config, dataDir, null);
        base = node.urls().get("health").replace("/api/health", "");
        adminToken = SecretsStore.load(dataDir).adminToken();
        overlayToken = SecretsStore.load(dataDir).overlayToken();
    }

    private Process spawn(final List<String> command, final List<String> lines) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CC_ADMIN_TOKEN", adminToken);
        final Process process = builder.start();
        children.add(process);
        Thread.ofVirtual().start(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line; null != (line = in.readLine()); )
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // the process ended
            }
        });
        return process;
    }

    private void post(final long amountSats, final int n) throws Exception
    {
        final String json = "{\"type\":\"TransactionReceived\",\"amountSats\":" + amountSats + ",\"height\":0," +
            "\"confirmations\":0,\"txid\":\"" + String.format("%064x", 0xbeef00L + n) + "\",\"address\":\"bcrt1qcreator\"," +
            "\"memo\":\"tip " + n + "\"}";
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
            .header("Authorization", "Bearer " + adminToken)
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    }

    private String state(final String id) throws Exception
    {
        final HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/api/health"))
            .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
        for (final JsonNode plugin : MAPPER.readTree(health.body()).get("plugins"))
        {
            if (id.equals(plugin.get("id").asText()))
            {
                return plugin.get("state").asText();
            }
        }
        return null;
    }

    private static List<JsonNode> alerts(final TestFeed feed, final String id) throws IOException
    {
        final List<JsonNode> alerts = new ArrayList<>();
        for (final String message : feed.messages)
        {
            final JsonNode alert = MAPPER.readTree(message);
            if (id.equals(alert.path("plugin").asText()))
            {
                alerts.add(alert);
            }
        }
        return alerts;
    }

    private static int nodeMajorVersion() throws Exception
    {
        final Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        final String version = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Integer.parseInt(version.substring(1, version.indexOf('.')));
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    /** A feed subscriber recording text messages. */
    private static final class TestFeed implements java.net.http.WebSocket.Listener, AutoCloseable
    {
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final java.net.http.WebSocket socket;

        TestFeed(final String url) throws Exception
        {
            socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), this).get(10, TimeUnit.SECONDS);
        }

        public java.util.concurrent.CompletionStage<?> onText(
            final java.net.http.WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        public void close()
        {
            socket.abort();
        }
    }
}
