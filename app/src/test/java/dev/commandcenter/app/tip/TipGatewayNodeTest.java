package dev.commandcenter.app.tip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.CommandRun;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.transport.electrum.sim.DemoWallet;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tip gateway on a real node over real sockets: the tip token reaches the tip API and nothing else, and a
 * rotated one is applied by the running node; with the Electrum simulator watched through an extended key, a
 * reservation through the real book gives an address that, once the simulator pays it, the status route reports
 * SEEN; a flood from one address gets 429 past the burst and the book holds no more than the burst.
 */
@Timeout(120)
class TipGatewayNodeTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private CommandCenterNode node;
    private DemoWallet simulator;

    @AfterEach
    void tearDown()
    {
        if (null != node)
        {
            node.close();
        }
        if (null != simulator)
        {
            simulator.close();
        }
        http.close();
    }

    /**
     * A node watching the account key of a (not autonomous) demo wallet's simulator, so its receive addresses are
     * the tip page's.
     *
     * @param simulator the running simulator.
     * @param more      the test's own settings.
     * @return the configuration.
     */
    static AppConfig walletConfig(final DemoWallet simulator, final Consumer<AppConfig> more)
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "electrum";
        config.wallet.network = "regtest";
        config.wallet.electrum.servers = List.of(simulator.serverUrl());
        config.wallet.electrum.backoff.minMs = 50;
        config.wallet.electrum.backoff.maxMs = 500;
        config.wallet.watch.xpubs = List.of(simulator.xpubs().get(0));
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        config.tips.creator = "Jane";
        more.accept(config);
        return config;
    }

    @Test
    void shouldGiveTheTipTokenTheTipApiAndNothingElse() throws Exception
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        node = CommandCenterNode.start(config, dataDir, null);
        final String tip = node.tipToken();
        assertThat(tip).isEqualTo(SecretsStore.load(dataDir).tipToken()).isNotEqualTo(node.token())
            .isNotEqualTo(node.chatToken()).isNotEqualTo(node.adminToken());

        final HttpResponse<String> info = get("/api/tip/info", tip);
        assertThat(info.statusCode()).isEqualTo(200);
        final JsonNode off = MAPPER.readTree(info.body());
        assertThat(off.get("enabled").asBoolean()).isFalse();
        assertThat(off.get("reason").asText()).contains("wallet.watch.xpubs");
        assertThat(get("/api/tip/info", node.adminToken()).statusCode()).isEqualTo(200);

        assertThat(feedClose("/ws/all?token=" + tip)).isEqualTo("1008 forbidden: a tip token opens no feed");
        assertThat(feedClose("/ws/stream-bridge?token=" + tip)).isEqualTo("1008 forbidden: a tip token opens no feed");
        assertThat(feedClose("/ws/chat?token=" + tip)).isEqualTo("1008 forbidden: a tip token opens no feed");
        assertThat(post("/api/events", tip, "{\"type\":\"TransactionReceived\",\"amountSats\":2100,\"address\":\"bc1q\"}")
            .statusCode()).isEqualTo(403);
        assertThat(post("/api/chat/messages", tip, "{\"name\":\"ann\",\"text\":\"hi\"}").statusCode()).isEqualTo(403);
        assertThat(post("/api/chat/tips", tip, "{\"txid\":\"" + "ab".repeat(32) + "\",\"name\":\"a\",\"message\":\"b\"}")
            .statusCode()).isEqualTo(403);
        assertThat(get("/", tip).statusCode()).isEqualTo(403);
        assertThat(get("/api/health", tip).statusCode()).isEqualTo(403);
        assertThat(get("/metrics", tip).statusCode()).isEqualTo(403);
        assertThat(get("/api/plugins", tip).statusCode()).isEqualTo(403);
        assertThat(get("/api/chat/session", tip).statusCode()).isEqualTo(403);
        // Neither do the other limited tokens reach the tip API.
        assertThat(get("/api/tip/info", node.token()).statusCode()).isEqualTo(403);
        assertThat(get("/api/tip/info", node.chatToken()).statusCode()).isEqualTo(403);
        assertThat(get("/api/tip/info", null).statusCode()).isEqualTo(401);

        // The page itself is served without a token, as the other pages are.
        final HttpResponse<String> page = get("/tip/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("tip.js");

        final CommandRun shown = CommandRun.run("token", "show", "--scope", "tip", "--data-dir", dataDir.toString());
        assertThat(shown.code()).isZero();
        assertThat(shown.out().strip()).isEqualTo("http://127.0.0.1:7300/tip/?token=" + tip);
        assertThat(node.urls().get("tip page")).isEqualTo(node.webServer().baseUrl() + "/tip/?token=" + tip);
        assertThat(node.urls().get("dashboard")).startsWith(node.webServer().baseUrl() + "/dashboard/")
            .doesNotContain(node.adminToken()).contains("token show --scope admin");
    }

    @Test
    void shouldApplyARotatedTipTokenOnTheRunningNode() throws Exception
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        node = CommandCenterNode.start(config, dataDir, null);
        final String old = node.tipToken();
        final String overlay = node.token();

        final CommandRun rotated = CommandRun.run("token", "rotate", "--scope", "tip", "--data-dir", dataDir.toString());
        assertThat(rotated.code()).as(rotated.err()).isZero();
        assertThat(rotated.out()).contains("rotated the tip token");

        await().atMost(Duration.ofSeconds(20)).until(() -> !old.equals(node.tipToken()));
        final String fresh = SecretsStore.load(dataDir).tipToken();
        assertThat(node.tipToken()).isEqualTo(fresh);
        assertThat(get("/api/tip/info", old).statusCode()).isEqualTo(401);
        assertThat(get("/api/tip/info", fresh).statusCode()).isEqualTo(200);
        assertThat(node.token()).isEqualTo(overlay);
    }

    @Test
    void shouldReserveThroughTheBookAndReportThePaymentTheSimulatorMakes() throws Exception
    {
        simulator = DemoWallet.start(new DemoWallet.Context().autonomous(false));
        node = CommandCenterNode.start(walletConfig(simulator, (c) -> c.tips.goal.title = "Microphone"), dataDir, null);
        final String tip = node.tipToken();

        final JsonNode info = awaitEnabledInfo(tip);
        assertThat(info.get("creator").asText()).isEqualTo("Jane");
        assertThat(info.get("network").asText()).isEqualTo("regtest");

        final HttpResponse<String> created = awaitReservation(tip,
            "{\"name\":\"ann\",\"message\":\"gg & thanks\",\"amountSats\":50000}");
        final JsonNode reservation = MAPPER.readTree(created.body());
        final String address = reservation.get("address").asText();
        assertThat(address).isEqualTo(simulator.tipAddresses().get(0));
        assertThat(reservation.get("id").asText()).matches("[0-9a-f]{32}");
        assertThat(reservation.get("uri").asText())
            .isEqualTo("bitcoin:" + address + "?amount=0.0005&label=Jane&message=gg%20%26%20thanks");
        assertThat(reservation.get("qrSvg").asText()).startsWith("<svg ");
        final String statusPath = "/api/tip/reservations/" + reservation.get("id").asText();
        assertThat(MAPPER.readTree(get(statusPath, tip).body()).get("state").asText()).isEqualTo("WAITING");

        final String txid = simulator.simulator().pay(address, 50_000, null).txid();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
            "SEEN".equals(MAPPER.readTree(get(statusPath, tip).body()).path("state").asText()));
        final JsonNode seen = MAPPER.readTree(get(statusPath, tip).body());
        assertThat(seen.get("txid").asText()).isEqualTo(txid);
        assertThat(seen.get("paidSats").asLong()).isEqualTo(50_000);
        assertThat(get("/api/tip/reservations/" + "0".repeat(32), tip).statusCode()).isEqualTo(404);

        // A second viewer gets the next address, never the first one's.
        final JsonNode second = MAPPER.readTree(post("/api/tip/reservations", tip,
            "{\"name\":\"bob\",\"amountSats\":1000}").body());
        assertThat(second.get("address").asText()).isEqualTo(simulator.tipAddresses().get(1));
    }

    @Test
    void shouldAnswer429ToAFloodFromOneAddressAndReserveNoMoreThanTheBurst() throws Exception
    {
        simulator = DemoWallet.start(new DemoWallet.Context().autonomous(false));
        node = CommandCenterNode.start(walletConfig(simulator, (c) ->
        {
            c.tips.reservationsPerMinutePerAddress = 0.001;
            c.tips.reservationBurstPerAddress = 3;
        }), dataDir, null);
        final String tip = node.tipToken();
        awaitEnabledInfo(tip);
        awaitReservation(tip, "{\"name\":\"flood\",\"amountSats\":1000}");

        int created = 1;
        int limited = 0;
        HttpResponse<String> last = null;
        for (int i = 1; i < 1_000; i++)
        {
            final HttpResponse<String> answer = post("/api/tip/reservations", tip, "{\"name\":\"flood\",\"amountSats\":1000}");
            if (201 == answer.statusCode())
            {
                created++;
            }
            else
            {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
                limited++;
                last = answer;
            }
        }
        assertThat(created).isEqualTo(3);
        assertThat(limited).isEqualTo(997);
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        assertThat(MAPPER.readTree(last.body()).get("error").asText()).startsWith("too many tip requests from this address");
        assertThat(node.tipBook().openReservations()).isEqualTo(3);
    }

    private JsonNode awaitEnabledInfo(final String tip) throws Exception
    {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
            MAPPER.readTree(get("/api/tip/info", tip).body()).path("enabled").asBoolean());
        return MAPPER.readTree(get("/api/tip/info", tip).body());
    }

    /** The first reservation: the book refuses (503) until the wallet has synced its history once. */
    private HttpResponse<String> awaitReservation(final String tip, final String body) throws Exception
    {
        final HttpResponse<String>[] answer = new HttpResponse[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
        {
            answer[0] = post("/api/tip/reservations", tip, body);
            assertThat(answer[0].statusCode()).as(answer[0].body()).isIn(201, 503);
            return 201 == answer[0].statusCode();
        });
        return answer[0];
    }

    private HttpResponse<String> get(final String path, final String token) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + path));
        if (null != token)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(final String path, final String token, final String json) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + path))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String feedClose(final String pathAndQuery) throws Exception
    {
        final CompletableFuture<String> closed = new CompletableFuture<>();
        http.newWebSocketBuilder().buildAsync(
            URI.create(node.webServer().baseUrl().replaceFirst("^http", "ws") + pathAndQuery), new WebSocket.Listener()
            {
                public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
                {
                    closed.complete(statusCode + " " + reason);
                    return null;
                }

                public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
                {
                    webSocket.request(1);
                    return null;
                }

                public void onError(final WebSocket webSocket, final Throwable error)
                {
                    closed.complete("error " + error);
                }
            }).get(10, TimeUnit.SECONDS);
        return closed.get(10, TimeUnit.SECONDS);
    }
}
