package dev.commandcenter.app.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.CommandRun;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.host.PluginsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert queue's control in a running node: {@code POST /api/stream/control} (admin only) and
 * {@code commandcenter overlay} publish {@code OverlayControl} events the stream bridge applies, answering with
 * {@code OverlayQueue} on {@code /ws/stream-bridge}; a test alert arrives there; pause holds a payment's alert until
 * resume; a tip memo posted before its payment names the viewer in its alert.
 */
@Timeout(120)
class StreamControlNodeTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MessageWriter<Object[]> PAYMENT = (buffer, offset, payment) ->
        MessageHeaderEncoder.ENCODED_LENGTH + new TransactionReceivedEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .amountSats((Long)payment[1])
            .height(0)
            .confirmations(0)
            .putTxid(HexFormat.of().parseHex((String)payment[0]), 0, 32)
            .putScriptHash(new byte[32], 0, 32)
            .address("bcrt1qstreamcontrol")
            .memo("")
            .encodedLength();

    @TempDir
    Path dir;

    private CommandCenterNode node;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close()
    {
        if (null != node)
        {
            node.close();
        }
        http.close();
    }

    private static AppConfig config()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        config.plugins = PluginsSettings.of(Map.of("chat", Map.of("streamerName", "jane")));
        return config;
    }

    private static String txid(final int n)
    {
        return String.format("%064x", 0x5c000L + n);
    }

    @Test
    void shouldSendATestAlertAndHoldAPaymentWhilePaused() throws Exception
    {
        node = CommandCenterNode.start(config(), dir.resolve("data"), null);
        final Feed feed = Feed.open(node.webServer().baseUrl(), "/ws/stream-bridge?token=" + node.token());

        final long test = control("{\"action\":\"test-alert\"}");
        final JsonNode alert = feed.await((m) -> "OverlayAlert".equals(type(m)) && m.path("alertId").asLong() == test);
        assertThat(alert.path("kind").asText()).isEqualTo("TEST");
        assertThat(alert.path("title").asText()).isEqualTo("Test alert");
        feed.await((m) -> "OverlayQueue".equals(type(m)) && "TEST_ALERT".equals(m.path("action").asText()));

        control("{\"action\":\"pause\",\"actor\":\"mod-ann\"}");
        feed.await((m) -> "OverlayQueue".equals(type(m)) && "PAUSE".equals(m.path("action").asText()) &&
            "TRUE".equals(m.path("paused").asText()));
        final long paid = node.engine().publisher().publish(Sources.WALLET, PAYMENT, new Object[]{ txid(1), 50_000L });
        assertThat(paid).isNotNegative();
        feed.await((m) -> "OverlayQueue".equals(type(m)) && "PAUSE".equals(m.path("action").asText()) &&
            m.path("pending").asInt() >= 1);
        assertThat(feed.messages).noneMatch((m) -> "OverlayAlert".equals(type(m)) && m.path("alertId").asLong() == paid);

        final long resumed = control("{\"action\":\"resume\"}");
        final JsonNode released = feed.await((m) -> "OverlayAlert".equals(type(m)) && m.path("alertId").asLong() == paid);
        assertThat(released.path("amountSats").asLong()).isEqualTo(50_000);
        assertThat(released.path("sequence").asLong()).as("emitted for the resume").isEqualTo(resumed);
        // the state after this resume names the payment it released as the last alert
        final JsonNode queue = feed.await((m) -> "OverlayQueue".equals(type(m)) &&
            "RESUME".equals(m.path("action").asText()) && m.path("lastAlertId").asLong() == paid);
        assertThat(queue.path("paused").asText()).isEqualTo("FALSE");
        assertThat(resumed).isGreaterThan(paid);

        final long skip = control("{\"action\":\"skip\"}");
        feed.await((m) -> "OverlayQueue".equals(type(m)) && "SKIP".equals(m.path("action").asText()));
        final long replay = control("{\"action\":\"replay-last\"}");
        final JsonNode again = feed.await((m) -> "OverlayAlert".equals(type(m)) && m.path("alertId").asLong() == replay);
        assertThat(again.path("txid").asText()).isEqualTo(txid(1));
        assertThat(skip).isLessThan(replay);
    }

    @Test
    void shouldNameTheViewerOfATipMemoPostedBeforeItsPayment() throws Exception
    {
        node = CommandCenterNode.start(config(), dir.resolve("data"), null);
        final Feed feed = Feed.open(node.webServer().baseUrl(), "/ws/stream-bridge?token=" + node.token());

        final HttpResponse<String> memo = post("/api/chat/tips", node.adminToken(),
            "{\"txid\":\"" + txid(2) + "\",\"name\":\"ann\",\"message\":\"gg\",\"room\":\"main\"}");
        assertThat(memo.statusCode()).as(memo.body()).isEqualTo(202);
        final long paid = node.engine().publisher().publish(Sources.WALLET, PAYMENT, new Object[]{ txid(2), 50_000L });

        final JsonNode alert = feed.await((m) -> "OverlayAlert".equals(type(m)) && m.path("alertId").asLong() == paid);
        assertThat(alert.path("title").asText()).isEqualTo("ann tipped 0.00050000 BTC");
        assertThat(alert.path("message").asText()).isEqualTo("gg");
    }

    @Test
    void shouldServeTheAdminOnlyAndRefuseABadBodyInOneLine() throws Exception
    {
        node = CommandCenterNode.start(config(), dir.resolve("data"), null);

        assertThat(post("/api/stream/control", node.token(), "{\"action\":\"pause\"}").statusCode()).isEqualTo(403);
        assertThat(post("/api/stream/control", node.chatToken(), "{\"action\":\"pause\"}").statusCode()).isEqualTo(403);
        assertThat(post("/api/stream/control", "wrong", "{\"action\":\"pause\"}").statusCode()).isEqualTo(401);
        final HttpResponse<String> get = http.send(HttpRequest.newBuilder(
            URI.create(node.webServer().baseUrl() + "/api/stream/control"))
            .header("Authorization", "Bearer " + node.adminToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(get.body()).path("error").asText()).isEqualTo("POST /api/stream/control expected, got GET");

        assertBadRequest("{\"action\":\"explode\"}",
            "'action' expected one of pause | resume | skip | replay-last | test-alert, got \"explode\"");
        assertBadRequest("{}", "'action' expected one of pause | resume | skip | replay-last | test-alert, got nothing");
        assertBadRequest("{\"action\":\"pause\",\"colour\":\"red\"}", "unknown key 'colour': expected action, actor");
        assertBadRequest("{\"action\":\"pause\",\"actor\":42}", "'actor' expected a name of 1 to 64 characters, got 42");
        assertBadRequest("not json", "body: expected a JSON object such as {\"action\":\"pause\"}, got invalid JSON at line 1 column 1");
    }

    @Test
    void shouldControlTheQueueFromTheTerminal() throws Exception
    {
        final Path data = dir.resolve("data");
        node = CommandCenterNode.start(config(), data, null);
        final Feed feed = Feed.open(node.webServer().baseUrl(), "/ws/stream-bridge?token=" + node.token());

        final CommandRun paused = CommandRun.run("overlay", "pause", "--data-dir", data.toString());
        assertThat(paused.code()).as(paused.err()).isZero();
        assertThat(paused.out()).matches("alerts paused \\(event \\d+\\)\\R");
        feed.await((m) -> "OverlayQueue".equals(type(m)) && "TRUE".equals(m.path("paused").asText()));

        final CommandRun tested = CommandRun.run("overlay", "test", "--data-dir", data.toString());
        assertThat(tested.code()).as(tested.err()).isZero();
        final long receipt = Long.parseLong(tested.out().replaceAll("\\D", ""));
        feed.await((m) -> "OverlayAlert".equals(type(m)) && m.path("alertId").asLong() == receipt &&
            "TEST".equals(m.path("kind").asText()));

        final CommandRun resumed = CommandRun.run("overlay", "resume", "--data-dir", data.toString());
        assertThat(resumed.out()).startsWith("alerts resumed (event ");
        final long resumeReceipt = Long.parseLong(resumed.out().replaceAll("\\D", ""));
        final JsonNode queue = feed.await((m) -> "OverlayQueue".equals(type(m)) &&
            m.path("sequence").asLong() == resumeReceipt);
        assertThat(queue.path("action").asText()).isEqualTo("RESUME");
        assertThat(queue.path("paused").asText()).isEqualTo("FALSE");
    }

    @Test
    void shouldSayInOneLineWhenNoEngineRuns()
    {
        final CommandRun run = CommandRun.run("overlay", "skip", "--data-dir", dir.resolve("nothing").toString());

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err().strip()).startsWith("commandcenter: ").doesNotContain("\n");
    }

    private long control(final String body) throws Exception
    {
        final HttpResponse<String> response = post("/api/stream/control", node.adminToken(), body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).path("receipt").asLong();
    }

    private void assertBadRequest(final String body, final String error) throws Exception
    {
        final HttpResponse<String> response = post("/api/stream/control", node.adminToken(), body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo(error);
    }

    private HttpResponse<String> post(final String path, final String token, final String json) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String type(final JsonNode message)
    {
        return message.path("type").asText();
    }

    /**
     * A WebSocket feed client recording the JSON messages it receives.
     */
    static final class Feed implements WebSocket.Listener
    {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        static Feed open(final String baseUrl, final String pathAndQuery) throws Exception
        {
            final Feed feed = new Feed();
            HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + pathAndQuery), feed).get();
            return feed;
        }

        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                try
                {
                    final JsonNode node = JSON.readTree(partial.toString());
                    if (node.isArray())
                    {
                        node.forEach(messages::add);
                    }
                    else
                    {
                        messages.add(node);
                    }
                }
                catch (final Exception ignore)
                {
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        JsonNode await(final Predicate<JsonNode> test)
        {
            final List<JsonNode> found = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
            {
                for (final JsonNode message : messages)
                {
                    if (test.test(message))
                    {
                        found.add(message);
                        return true;
                    }
                }
                return false;
            });
            return found.get(0);
        }
    }
}
