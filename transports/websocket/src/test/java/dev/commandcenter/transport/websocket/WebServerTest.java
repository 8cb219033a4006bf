package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.counters.CounterType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class WebServerTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    private Fixture fixture;

    @AfterEach
    void after()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldServePluginPagesWithoutToken() throws Exception
    {
        fixture = new Fixture(dataDir);

        final HttpResponse<String> index = fixture.get("/plugins/alerts/?token=whatever");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).contains("alerts-overlay-marker");

        final HttpResponse<String> script = fixture.get("/plugins/alerts/app.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("new WebSocket");

        final HttpResponse<String> css = fixture.get("/plugins/alerts/css/style.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");

        final HttpResponse<String> missing = fixture.get("/plugins/alerts/missing.png");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(error(missing)).isEqualTo("no file missing.png in the web pages of plugin 'alerts'");

        final HttpResponse<String> noPlugin = fixture.get("/plugins/nobody/index.html");
        assertThat(noPlugin.statusCode()).isEqualTo(404);

        final HttpResponse<String> folder = fixture.get("/plugins/alerts?token=abc");
        assertThat(folder.statusCode()).isEqualTo(302);
        assertThat(folder.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(folder.headers().firstValue("location")).hasValue("/plugins/alerts/?token=abc");

        final HttpResponse<String> subFolder = fixture.get("/plugins/alerts/css");
        assertThat(subFolder.statusCode()).isEqualTo(302);
        assertThat(subFolder.headers().firstValue("location")).hasValue("/plugins/alerts/css/");
    }

    @Test
    void shouldRejectPathTraversal() throws Exception
    {
        fixture = new Fixture(dataDir);

        for (final String path : new String[]{
            "/plugins/alerts/../secret.txt",
            "/plugins/alerts/%2e%2e/secret.txt",
            "/plugins/alerts/..%2fsecret.txt",
            "/plugins/alerts/css/..%2f..%2fsecret.txt",
            "/plugins/alerts/..%5csecret.txt",
            "/plugins/alerts//etc/passwd" })
        {
            final HttpResponse<String> response = fixture.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(response.body()).as(path).doesNotContain("top-secret").contains("bad path");
        }
    }

    @Test
    void shouldRequireTokenForIndexAndHealth() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.statusSupplier(() -> Map.of("engine", "running", "events", 7)));

        final HttpResponse<String> noToken = fixture.get("/api/health");
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(error(noToken)).startsWith("unauthorized: missing or invalid token").doesNotContain("\n");

        assertThat(fixture.get("/api/health?token=wrong").statusCode()).isEqualTo(401);

        final HttpResponse<String> health = fixture.get("/api/health?token=" + Fixture.TOKEN);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(health.body())).isEqualTo(MAPPER.readTree("{\"engine\":\"running\",\"events\":7}"));

        final HttpResponse<String> bearer = fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/health"))
            .header("Authorization", "Bearer " + Fixture.TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.statusCode()).isEqualTo(200);

        assertThat(fixture.get("/").statusCode()).isEqualTo(401);
        final HttpResponse<String> index = fixture.get("/?token=" + Fixture.TOKEN);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("href=\"/plugins/alerts/?token=" + Fixture.TOKEN + "\"").contains("/ws/alerts");

        final HttpResponse<String> unknown = fixture.get("/api/nothing?token=" + Fixture.TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown)).startsWith("no such endpoint: /api/nothing");
    }

    @Test
    void shouldReportOwnCountersWithoutStatusSupplier() throws Exception
    {
        fixture = new Fixture(dataDir);
        fixture.subscribe("/ws/all?token=" + Fixture.TOKEN);

        final JsonNode health = MAPPER.readTree(fixture.get("/api/health?token=" + Fixture.TOKEN).body());

        assertThat(health.get("status").asText()).isEqualTo("up");
        assertThat(health.get("connectedClients").asInt()).isEqualTo(1);
    }

    @Test
    void shouldRejectForbiddenOriginOnHttp() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.allowedOrigins(List.of("http://localhost:5173")));

        final HttpResponse<String> evil = fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/health?token=" +
            Fixture.TOKEN)).header("Origin", "http://evil.example").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(error(evil)).startsWith("forbidden origin: http://evil.example");

        final HttpResponse<String> same = fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/health?token=" +
            Fixture.TOKEN)).header("Origin", fixture.origin()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(same.statusCode()).isEqualTo(200);
        assertThat(same.headers().firstValue("access-control-allow-origin")).isEmpty();

        final HttpResponse<String> allowed = fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/health?token=" +
            Fixture.TOKEN)).header("Origin", "http://localhost:5173").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("http://localhost:5173");
    }

    @Test
    void shouldPublishPostedEventIntoEngine() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient overlay = fixture.subscribe("/ws/alerts?token=" + Fixture.TOKEN);

        final HttpResponse<String> response = post("/api/events",
            "{\"type\":\"TransactionReceived\",\"amountSats\":5000,\"confirmations\":0,\"memo\":\"great stream\"}");

        assertThat(response.statusCode()).isEqualTo(202);
        final long receipt = MAPPER.readTree(response.body()).get("receipt").asLong();
        await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.plugin.seen.isEmpty());
        final JsonNode seen = fixture.plugin.seen.get(0);
        assertThat(seen.get("type").asText()).isEqualTo("TransactionReceived");
        assertThat(seen.get("amountSats").asLong()).isEqualTo(5000);
        assertThat(seen.get("memo").asText()).isEqualTo("great stream");
        assertThat(seen.get("sequence").asLong()).isEqualTo(receipt);
        assertThat(MAPPER.readTree(overlay.nextText()).get("sequence").asLong()).isEqualTo(receipt);
    }

    @Test
    void shouldAnswerBadEventsWithOneLineErrors() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.maxRequestBodyLength(1024));

        final HttpResponse<String> notJson = post("/api/events", "{\"type\": nope");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(error(notJson)).startsWith("not valid JSON: ").doesNotContain("\n");

        final HttpResponse<String> unknownType = post("/api/events", "{\"type\":\"Teleport\"}");
        assertThat(unknownType.statusCode()).isEqualTo(400);
        assertThat(error(unknownType)).startsWith("unknown type \"Teleport\": expected one of");

        final HttpResponse<String> unknownField = post("/api/events", "{\"type\":\"TransactionReceived\",\"colour\":\"red\"}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(error(unknownField)).contains("unknown field \"colour\"");

        final HttpResponse<String> noToken = fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/events"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"TransactionReceived\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);

        final HttpResponse<String> tooLarge = post("/api/events",
            "{\"type\":\"ChatMessage\",\"text\":\"" + "x".repeat(2000) + "\"}");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(error(tooLarge)).isEqualTo("request body larger than 1024 bytes (websocket.maxRequestBodyLength)");

        final HttpResponse<String> wrongMethod = fixture.get("/api/events?token=" + Fixture.TOKEN);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);

        fixture.awaitDrained();
        assertThat(fixture.plugin.seen).isEmpty();
    }

    @Test
    void shouldAnswer503WhenTheRingIsFull() throws Exception
    {
        fixture = new Fixture(dataDir, 8,
            (ctx) -> ctx.inputRingSize(2).backPressure(BackPressure.REJECT), (ctx) -> {});

        assertThat(post("/api/events", "{\"type\":\"TransactionReceived\",\"amountSats\":" + AlertPlugin.BLOCKING_AMOUNT + "}")
            .statusCode()).isEqualTo(202);
        int status = 0;
        for (int i = 0; i < 8 && 503 != status; i++)
        {
            final HttpResponse<String> response = post("/api/events", "{\"type\":\"TransactionReceived\",\"amountSats\":1}");
            status = response.statusCode();
            if (503 == status)
            {
                assertThat(error(response)).isEqualTo("ring full");
            }
        }
        assertThat(status).isEqualTo(503);
        fixture.plugin.release();
    }

    @Test
    void shouldWaitForRoomOffTheEventLoopWhenTheRingIsFullUnderBlockPolicy() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> ctx.inputRingSize(2), (ctx) -> {});

        assertThat(post("/api/events", "{\"type\":\"TransactionReceived\",\"amountSats\":" + AlertPlugin.BLOCKING_AMOUNT + "}")
            .statusCode()).isEqualTo(202);
        final List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            waiting.add(fixture.http.sendAsync(HttpRequest.newBuilder(fixture.http("/api/events"))
                .header("Authorization", "Bearer " + Fixture.TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"TransactionReceived\",\"amountSats\":" + (11 + i) + "}"))
                .build(),
                HttpResponse.BodyHandlers.ofString()));
        }
        // Two slots: the held event and one more; the other posts wait for room, and not on the one HTTP event loop.
        await().atMost(Duration.ofSeconds(10))
            .until(() -> fixture.engine.readCounter(CounterType.EVENTS_IN, "") == 2);
        assertThat(fixture.get("/api/health?token=" + Fixture.TOKEN).statusCode()).isEqualTo(200);
        assertThat(waiting.stream().filter(CompletableFuture::isDone).count()).isLessThanOrEqualTo(1);

        fixture.plugin.release();
        for (final CompletableFuture<HttpResponse<String>> response : waiting)
        {
            assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        }
        assertThat(fixture.engine.readCounter(CounterType.EVENTS_REJECTED, "")).isZero();
        // Each waiting post publishes its own event, not the bytes of a post read after it on the same loop.
        await().atMost(Duration.ofSeconds(10)).until(() -> paymentsSeen().size() == 4);
        assertThat(paymentsSeen())
            .containsExactlyInAnyOrder((long)AlertPlugin.BLOCKING_AMOUNT, 11L, 12L, 13L);
    }

    private List<Long> paymentsSeen()
    {
        return fixture.plugin.seen.stream().filter((node) -> "TransactionReceived".equals(node.get("type").asText()))
            .map((node) -> node.get("amountSats").asLong()).toList();
    }

    @Test
    void shouldAnswerPlainRequestToFeedWith400() throws Exception
    {
        fixture = new Fixture(dataDir);

        final HttpResponse<String> response = fixture.get("/ws/all?token=" + Fixture.TOKEN);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response)).isEqualTo("expected a WebSocket upgrade: connect to ws://<host>:<port>/ws/<feed>?token=<token>");
        assertThat(fixture.egress.connectedClients()).isZero();
    }

    @Test
    void shouldFailWithOneLineMessageWhenPortIsInUse() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final int port = taken.getLocalPort();
            assertThatThrownBy(() -> WebServer.launch(new TestCounters().apply(new WebServer.Context()).port(port).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot listen on 127.0.0.1:" + port + ": address already in use (set websocket.port to a free port)");
        }
    }

    @Test
    void shouldRejectBadSettingsNamingTheKey()
    {
        assertThatThrownBy(() -> new WebServer.Context().conclude())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("websocket.token: expected a secret of 22 or more characters, got none");
        assertThatThrownBy(() -> new TestCounters().apply(new WebServer.Context()).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN).port(70000).conclude())
            .hasMessage("websocket.port: expected 0..65535 (0 for any free port), got 70000");
        assertThatThrownBy(() -> new TestCounters().apply(new WebServer.Context()).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN).writeBufferLowWaterMark(10).writeBufferHighWaterMark(5).conclude())
            .hasMessage("websocket.highWaterMark: expected at least websocket.lowWaterMark (10), got 5");
        assertThatThrownBy(() -> new TestCounters().apply(new WebServer.Context()).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN).httpThreads(0).conclude())
            .hasMessage("websocket.httpThreads: expected 1 or more, got 0");
        assertThatThrownBy(() -> new TestCounters().apply(new WebServer.Context()).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN).fanoutThreads(-1).conclude())
            .hasMessage("websocket.fanoutThreads: expected 0 or more, got -1");
        assertThatThrownBy(() -> new TestCounters().apply(new WebServer.Context()).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN).httpLoopClients(-2).conclude())
            .hasMessage("websocket.httpLoopClients: expected 0 or more, or -1 for auto (4 when engine.runOn is http-loop, else 0), got -2");
        assertThat(new WebServer.Context().token("do-not-print").toString()).doesNotContain("do-not-print");
    }

    @Test
    void shouldListenOnEphemeralPortAndReportIt()
    {
        try (WebServer server = WebServer.launch(new TestCounters().apply(new WebServer.Context()).port(0).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN)))
        {
            assertThat(server.port()).isPositive();
            assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port());
            assertThat(server.context().bindAddress()).isEqualTo(WebServer.Context.BIND_ADDRESS_DEFAULT);
        }
    }

    private HttpResponse<String> post(final String path, final String body) throws Exception
    {
        return fixture.http.send(HttpRequest.newBuilder(fixture.http(path))
            .header("Authorization", "Bearer " + Fixture.TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(final HttpResponse<String> response) throws Exception
    {
        return MAPPER.readTree(response.body()).get("error").asText();
    }
}
