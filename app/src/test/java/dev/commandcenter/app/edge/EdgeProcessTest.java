package dev.commandcenter.app.edge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.main.CommandCenter;
import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.plugin.host.PluginsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An engine and two edges as separate JVMs on loopback: every client of every edge gets every output exactly once
 * and in order, with the engine's output sequences; an edge killed with {@code kill -9} and restarted serves its
 * reconnecting clients exactly what they missed; a late edge serves the retained messages.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EdgeProcessTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<EdgeProcess> edges = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown()
    {
        clients.forEach(Client::close);
        edges.forEach(EdgeProcess::kill);
    }

    @Test
    void shouldServeEveryOutputOnceInOrderOnTwoEdgesAndCatchUpAnEdgeKilledAndRestarted() throws Exception
    {
        final AppConfig config = engineConfig();
        try (CommandCenterNode engine = CommandCenterNode.start(config, dir.resolve("engine"), null))
        {
            final String base = engine.webServer().baseUrl();
            final Client reference = client(engine.urls().get("all events"));
            for (int i = 0; i < 5; i++)
            {
                post(base, engine.adminToken(), i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts(reference).size() == 5);

            final Path secrets = dir.resolve("engine").resolve(SecretsStore.FILE_NAME);
            final EdgeProcess edgeA = startEdge(config, "edge-a", secrets);
            final EdgeProcess edgeB = startEdge(config, "edge-b", secrets);

            // Late edges: the retained messages rebuilt from the recording, as the engine serves them.
            final Client lateA = client(edgeA.urls.get("all events"));
            final Client lateB = client(edgeB.urls.get("all events"));
            final Client engineLate = client(engine.urls().get("all events"));
            awaitOrDump(() -> lateA.seqs().size() >= 1 &&
                lateA.seqs().equals(engineLate.seqs()) && lateB.seqs().equals(engineLate.seqs()),
                () -> "engine " + engineLate.seqs() + " edge-a " + lateA.seqs() + " edge-b " + lateB.seqs());

            for (int i = 5; i < 25; i++)
            {
                post(base, engine.adminToken(), i);
            }
            awaitOrDump(() -> alerts(reference).size() == 25, () -> "alerts " + alerts(reference) + " health " +
                engine.health() + " published " + engine.outputStream().publisher().published() + " waited ns " +
                engine.outputStream().publisher().waitNs() + " dropped " + engine.outputStream().publisher().dropped());
            awaitOrDump(() -> lateA.seqs().equals(engineLate.seqs()) && lateB.seqs().equals(engineLate.seqs()),
                () -> "engine " + engineLate.seqs() + " edge-a " + lateA.seqs() + " edge-b " + lateB.seqs());
            assertThat(lateA.seqs()).isSorted().doesNotHaveDuplicates();
            assertThat(lateA.messages).isEqualTo(engineLate.messages);
            assertThat(lateB.messages).isEqualTo(engineLate.messages);
            assertThat(alerts(lateA)).containsSubsequence(alerts(reference).subList(5, 25));

            awaitOrDump(() -> edgesSeen(engine) == 2, () -> "health " + engine.health());

            // kill -9 one edge; outputs go on; it restarts and its client resumes with since= on the new edge.
            final long lastSeenOnA = lateA.lastSeq();
            lateA.close();
            edgeA.kill();
            for (int i = 25; i < 40; i++)
            {
                post(base, engine.adminToken(), i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> alerts(reference).size() == 40);
            final EdgeProcess edgeA2 = startEdge(config, "edge-a", secrets);
            final Client resumed = client(edgeA2.urls.get("all events") + "&since=" + lastSeenOnA);
            final List<Long> missed = new ArrayList<>();
            for (final long seq : engineLate.seqs())
            {
                if (seq > lastSeenOnA)
                {
                    missed.add(seq);
                }
            }
            awaitOrDump(() -> resumed.seqs().equals(missed),
                () -> "missed " + missed + " resumed " + resumed.seqs());
            awaitOrDump(() -> lateB.seqs().equals(engineLate.seqs()),
                () -> "engine " + engineLate.seqs() + " edge-b " + lateB.seqs());

            final HttpResponse<String> refused = http.send(HttpRequest.newBuilder(
                URI.create(edgeA2.urls.get("health").replace("/api/health", "/api/events")))
                .header("Authorization", "Bearer " + engine.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(404);
            assertThat(refused.body()).contains("served by the engine, not by an edge");
            final HttpResponse<String> chat = http.send(HttpRequest.newBuilder(
                URI.create(edgeA2.urls.get("health").replace("/api/health", "/api/chat/messages")))
                .header("Authorization", "Bearer " + engine.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).isEqualTo(404);
            assertThat(chat.body()).contains("chat posting and moderation are served by the engine");
            assertThat(edgeA2.urls).containsKeys("chat overlay", "chat feed").doesNotContainKey("chat page");
        }
    }

    private void awaitOrDump(final java.util.concurrent.Callable<Boolean> condition,
        final java.util.function.Supplier<String> state)
    {
        try
        {
            await().atMost(Duration.ofSeconds(30)).until(condition);
        }
        catch (final org.awaitility.core.ConditionTimeoutException ex)
        {
            final StringBuilder dump = new StringBuilder(state.get());
            for (final EdgeProcess edge : edges)
            {
                dump.append("\nedge output:\n").append(String.join("\n", edge.lines));
            }
            throw new AssertionError(dump.toString(), ex);
        }
    }

    private static long edgesSeen(final CommandCenterNode engine)
    {
        @SuppressWarnings("unchecked")
        final Map<String, Object> edges = (Map<String, Object>)engine.health().get("edges");
        return ((Number)edges.get("count")).longValue();
    }

    private AppConfig engineConfig()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.websocket.acceptWalletEventsOverRest = true;
        config.plugins = PluginsSettings.of(Map.of("stream-bridge", Map.of("alertDurationMs", 1,
            "acceptPaymentsFrom", List.of("wallet", "rest"))));
        config.aeron.enabled = true;
        config.aeron.termLength = 256 * 1024;
        config.aeron.output.channel = "aeron:udp?control=localhost:" + freeUdpPort() + "|control-mode=dynamic|fc=max";
        config.aeron.output.archiveControlChannel = "aeron:udp?endpoint=localhost:" + freeUdpPort();
        config.aeron.output.statusChannel = "aeron:udp?endpoint=localhost:" + freeUdpPort();
        config.aeron.output.segmentLength = 256 * 1024;
        return config;
    }

    private EdgeProcess startEdge(final AppConfig engine, final String name, final Path secrets) throws Exception
    {
        final Path edgeDir = dir.resolve(name);
        Files.createDirectories(edgeDir);
        final Path yaml = dir.resolve(name + ".yaml");
        Files.writeString(yaml, """
            aeron:
              termLength: 65536
            plugins:
              stream-bridge:
                alertDurationMs: 1
            """);
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("-D") || argument.startsWith("--sun-misc"))
            {
                command.add(argument);
            }
        }
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), CommandCenter.class.getName(),
            "edge", "--engine", engine.aeron.output.channel, "--archive", engine.aeron.output.archiveControlChannel,
            "--status", engine.aeron.output.statusChannel, "--port", "0", "--bind", "127.0.0.1",
            "--data-dir", edgeDir.toString(), "--config", yaml.toString(), "--secrets", secrets.toString()));
        final EdgeProcess edge = new EdgeProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
        edges.add(edge);
        await().atMost(Duration.ofSeconds(60)).until(() -> edge.lines.contains("Press Ctrl-C to stop.") ||
            !edge.process.isAlive());
        assertThat(edge.process.isAlive()).as("edge output: %s", edge.lines).isTrue();
        return edge;
    }

    private Client client(final String url) throws Exception
    {
        final Client client = new Client(url);
        clients.add(client);
        return client;
    }

    private List<String> alerts(final Client client)
    {
        final List<String> txids = new ArrayList<>();
        for (final JsonNode node : client.parsed())
        {
            if ("OverlayAlert".equals(node.path("type").asText()) &&
                "stream-bridge".equals(node.path("plugin").asText()))
            {
                txids.add(node.path("txid").asText());
            }
        }
        return txids;
    }

    private void post(final String base, final String adminToken, final int index) throws Exception
    {
        final String body = "{\"type\":\"TransactionReceived\",\"amountSats\":21000,\"height\":0," +
            "\"confirmations\":0,\"txid\":\"" + String.format("%064x", index + 1) +
            "\",\"address\":\"bcrt1qedge\",\"memo\":\"edge " + index + "\"}";
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
            .header("Authorization", "Bearer " + adminToken)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static int freeUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static final class EdgeProcess
    {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Map<String, String> urls = new ConcurrentHashMap<>();

        EdgeProcess(final Process process)
        {
            this.process = process;
            Thread.ofVirtual().start(() ->
            {
                try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
                {
                    for (String line; null != (line = in.readLine()); )
                    {
                        lines.add(line);
                        final String[] parts = line.trim().split("\\s{2,}");
                        if (parts.length == 2)
                        {
                            urls.put(parts[0], parts[1]);
                        }
                    }
                }
                catch (final IOException ignore)
                {
                    // the process ended
                }
            });
        }

        void kill()
        {
            // SIGKILL: kill -9.
            process.destroyForcibly();
            try
            {
                process.waitFor(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    static final class Client implements WebSocket.Listener, AutoCloseable
    {
        final List<String> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        Client(final String url) throws Exception
        {
            socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), this).get(10, TimeUnit.SECONDS);
        }

        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
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

        List<JsonNode> parsed()
        {
            final List<JsonNode> nodes = new ArrayList<>();
            for (final String message : messages)
            {
                try
                {
                    nodes.add(MAPPER.readTree(message));
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(message, ex);
                }
            }
            return nodes;
        }

        List<Long> seqs()
        {
            final List<Long> seqs = new ArrayList<>();
            for (final JsonNode node : parsed())
            {
                if (node.has("seq"))
                {
                    seqs.add(node.get("seq").asLong());
                }
            }
            return seqs;
        }

        long lastSeq()
        {
            final List<Long> seqs = seqs();
            return seqs.get(seqs.size() - 1);
        }

        public void close()
        {
            socket.abort();
        }
    }
}
