package dev.commandcenter.app.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.counters.CounterType;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chat gateway on a real node with the real chat plugin, over real sockets: posting and its verdicts, the role
 * taken from the token, what the chat token cannot do, the rate limits and their bounded memory.
 */
@Timeout(90)
class ChatGatewayTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    private CommandCenterNode node;
    private final List<HttpClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown()
    {
        clients.forEach(HttpClient::close);
        if (null != node)
        {
            node.close();
        }
    }

    static AppConfig config(final Consumer<AppConfig> more)
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        config.plugins = PluginsSettings.of(Map.of("chat", Map.of("streamerName", "jane")));
        more.accept(config);
        return config;
    }

    @Test
    void shouldShowAPostedMessageOnTheChatFeedAndAnswerWithItsLine() throws Exception
    {
        node = CommandCenterNode.start(config((c) -> {}), dataDir, null);
        final Feed feed = Feed.open(node.webServer().baseUrl(), "/ws/chat?token=" + node.chatToken());

        final HttpResponse<String> posted = post(node.chatToken(), "{\"name\":\"ann\",\"text\":\"hello <b>all</b>\",\"messageId\":7}");

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        final JsonNode answer = MAPPER.readTree(posted.body());
        final long receipt = answer.get("receipt").asLong();
        assertThat(answer.get("lineId").asLong()).isEqualTo(receipt);
        final JsonNode line = feed.awaitType("ChatLine");
        assertThat(line.get("lineId").asLong()).isEqualTo(receipt);
        assertThat(line.get("messageId").asLong()).isEqualTo(7);
        assertThat(line.get("user").asText()).isEqualTo("ann");
        assertThat(line.get("text").asText()).isEqualTo("hello <b>all</b>");
        assertThat(line.get("role").asText()).isEqualTo("VIEWER");
        assertThat(node.engine().readCounter(CounterType.CHAT_POSTS_ACCEPTED, "")).isEqualTo(1);

        final JsonNode session = MAPPER.readTree(get("/api/chat/session", node.chatToken()).body());
        assertThat(session.get("role").asText()).isEqualTo("viewer");
        assertThat(session.get("room").asText()).isEqualTo("main");
        assertThat(session.get("streamerName").asText()).isEqualTo("jane");
        assertThat(session.get("maxGraphemes").asInt()).isEqualTo(300);
        assertThat(MAPPER.readTree(get("/api/chat/session", node.moderatorToken()).body()).get("role").asText())
            .isEqualTo("moderator");
        assertThat(node.urls().get("chat page")).endsWith("/plugins/chat/?token=" + node.chatToken());
        assertThat(node.urls().get("chat overlay")).endsWith("/plugins/chat/overlay.html?token=" + node.token());
    }

    @Test
    void shouldRefuseABannedViewerAndEnforceSlowModeWithTheirReasons() throws Exception
    {
        node = CommandCenterNode.start(config((c) -> {}), dataDir, null);

        final HttpResponse<String> ban = post("/api/chat/moderation", node.moderatorToken(),
            "{\"action\":\"ban\",\"target\":\"troll\",\"reason\":\"spam\"}");
        assertThat(ban.statusCode()).as(ban.body()).isEqualTo(202);
        final HttpResponse<String> banned = post(node.chatToken(), "{\"name\":\"troll\",\"text\":\"let me in\"}");
        assertThat(banned.statusCode()).as(banned.body()).isEqualTo(403);
        final JsonNode refusal = MAPPER.readTree(banned.body());
        assertThat(refusal.get("error").asText()).startsWith("banned");
        assertThat(refusal.get("refusal").asText()).isEqualTo("BANNED");
        assertThat(refusal.get("receipt").asLong()).isPositive();

        assertThat(post("/api/chat/moderation", node.adminToken(), "{\"action\":\"slow\",\"durationMs\":60000}")
            .statusCode()).isEqualTo(202);
        assertThat(post(node.chatToken(), "{\"name\":\"ann\",\"text\":\"first\"}").statusCode()).isEqualTo(200);
        final HttpResponse<String> slow = post(node.chatToken(), "{\"name\":\"ann\",\"text\":\"second\"}");
        assertThat(slow.statusCode()).as(slow.body()).isEqualTo(429);
        final JsonNode slowed = MAPPER.readTree(slow.body());
        assertThat(slowed.get("refusal").asText()).isEqualTo("SLOW_MODE");
        assertThat(slowed.get("retryAfterMs").asLong()).isBetween(1L, 60_000L);
        assertThat(slow.headers().firstValue("retry-after")).isPresent();
        assertThat(MAPPER.readTree(get("/api/chat/session", node.chatToken()).body()).get("slowModeMs").asLong())
            .isEqualTo(60_000);
        assertThat(node.engine().readCounter(CounterType.CHAT_POSTS_REFUSED, "")).isEqualTo(2);
        assertThat(node.engine().readCounter(CounterType.CHAT_MODERATION_ACTIONS, "")).isEqualTo(2);
    }

    @Test
    void shouldTakeTheRoleFromTheTokenNeverFromTheBody() throws Exception
    {
        node = CommandCenterNode.start(config((c) -> {}), dataDir, null);
        final Feed feed = Feed.open(node.webServer().baseUrl(), "/ws/chat?token=" + node.moderatorToken());

        final HttpResponse<String> withRole = post(node.moderatorToken(),
            "{\"name\":\"mod\",\"text\":\"hi\",\"role\":\"ADMIN\"}");
        assertThat(withRole.statusCode()).isEqualTo(400);
        assertThat(MAPPER.readTree(withRole.body()).get("error").asText())
            .isEqualTo("unknown key 'role': expected name, text, room, messageId");

        final HttpResponse<String> asStreamer = post(node.moderatorToken(), "{\"name\":\"jane\",\"text\":\"I am the streamer\"}");
        assertThat(asStreamer.statusCode()).as(asStreamer.body()).isEqualTo(403);
        assertThat(MAPPER.readTree(asStreamer.body()).get("refusal").asText()).isEqualTo("NOT_ALLOWED");

        assertThat(post(node.moderatorToken(), "{\"name\":\"mod\",\"text\":\"hi all\"}").statusCode()).isEqualTo(200);
        assertThat(feed.awaitType("ChatLine").get("role").asText()).isEqualTo("MODERATOR");
        assertThat(post(node.adminToken(), "{\"name\":\"jane\",\"text\":\"welcome\"}").statusCode()).isEqualTo(200);
        assertThat(feed.awaitNth("ChatLine", 2).get("role").asText()).isEqualTo("ADMIN");
    }

    @Test
    void shouldGiveTheChatTokenTheChatAndNothingElse() throws Exception
    {
        node = CommandCenterNode.start(config((c) -> {}), dataDir, null);
        final String base = node.webServer().baseUrl();
        final String chat = node.chatToken();

        assertThat(Feed.open(base, "/ws/all?token=" + chat).closed.get())
            .isEqualTo("1008 forbidden: a chat token opens only the chat feed");
        assertThat(Feed.open(base, "/ws/stream-bridge?token=" + chat).closed.get())
            .isEqualTo("1008 forbidden: a chat token opens only the chat feed");
        final HttpResponse<String> payment = post("/api/events", chat,
            "{\"type\":\"TransactionReceived\",\"amountSats\":2100,\"address\":\"bc1q\"}");
        assertThat(payment.statusCode()).isEqualTo(403);
        assertThat(post("/api/chat/moderation", chat, "{\"action\":\"clear\"}").statusCode()).isEqualTo(403);
        assertThat(get("/api/health", chat).statusCode()).isEqualTo(403);
        assertThat(get("/metrics", chat).statusCode()).isEqualTo(403);
        assertThat(get("/", chat).statusCode()).isEqualTo(403);
        assertThat(get("/api/plugins", chat).statusCode()).isEqualTo(403);
        assertThat(post("/api/chat/messages", node.token(), "{\"name\":\"obs\",\"text\":\"hi\"}").statusCode())
            .isEqualTo(403);
    }

    @Test
    void shouldRateLimitPerConnectionAndPerAddressIgnoringUntrustedForwardedFor() throws Exception
    {
        node = CommandCenterNode.start(config((c) ->
        {
            c.chat.postsPerSecondPerConnection = 0.001;
            c.chat.burstPerConnection = 2;
            c.chat.postsPerSecondPerAddress = 0.001;
            c.chat.burstPerAddress = 4;
        }), dataDir, null);
        final HttpClient one = client();

        assertThat(post(one, node.chatToken(), "a1", null).statusCode()).isEqualTo(200);
        assertThat(post(one, node.chatToken(), "a2", null).statusCode()).isEqualTo(200);
        final HttpResponse<String> limited = post(one, node.chatToken(), "a3", null);
        assertThat(limited.statusCode()).isEqualTo(429);
        final JsonNode body = MAPPER.readTree(limited.body());
        assertThat(body.get("refusal").asText()).isEqualTo("RATE_LIMITED");
        assertThat(body.get("error").asText()).startsWith("too many messages from this connection");
        assertThat(limited.headers().firstValue("retry-after")).isPresent();

        // New connections share the address: two more, then the address is limited, whatever X-Forwarded-For says.
        assertThat(post(client(), node.chatToken(), "b1", "203.0.113.1").statusCode()).isEqualTo(200);
        assertThat(post(client(), node.chatToken(), "b2", "203.0.113.2").statusCode()).isEqualTo(200);
        final HttpResponse<String> address = post(client(), node.chatToken(), "b3", "203.0.113.3");
        assertThat(address.statusCode()).isEqualTo(429);
        assertThat(MAPPER.readTree(address.body()).get("error").asText()).startsWith("too many messages from this address");
        assertThat(node.engine().readCounter(CounterType.CHAT_POSTS_RATE_LIMITED, "")).isEqualTo(2);
    }

    @Test
    void shouldKeepTheAddressMapBoundedUnderAForwardedForFloodFromATrustedProxy() throws Exception
    {
        node = CommandCenterNode.start(config((c) ->
        {
            c.websocket.trustedProxies = List.of("127.0.0.1");
            c.chat.maxTrackedAddresses = 8;
            c.chat.postsPerSecondPerAddress = 0.001;
            c.chat.burstPerAddress = 1;
            c.chat.burstPerConnection = 1000;
        }), dataDir, null);
        final HttpClient proxy = client();

        for (int i = 0; i < 40; i++)
        {
            final HttpResponse<String> response = post(proxy, node.chatToken(), "flood " + i, "198.51.100." + i);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(node.chatGateway().trackedAddresses()).isLessThanOrEqualTo(8);
        }
        // The same forwarded address twice: its one token is spent.
        assertThat(post(proxy, node.chatToken(), "again", "198.51.100.39").statusCode()).isEqualTo(429);
    }

    private HttpClient client()
    {
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
        clients.add(client);
        return client;
    }

    private HttpResponse<String> post(final HttpClient client, final String token, final String text, final String forwardedFor)
        throws Exception
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + "/api/chat/messages"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"viewer\",\"text\":\"" + text + "\"}"));
        if (null != forwardedFor)
        {
            builder.header("X-Forwarded-For", forwardedFor);
        }
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(final String token, final String json) throws Exception
    {
        return post("/api/chat/messages", token, json);
    }

    private HttpResponse<String> post(final String path, final String token, final String json) throws Exception
    {
        return client().send(HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(final String path, final String token) throws Exception
    {
        return client().send(HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + path))
            .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A WebSocket feed client recording the JSON messages it receives and its close.
     */
    static final class Feed implements WebSocket.Listener
    {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
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
                    messages.add(MAPPER.readTree(partial.toString()));
                }
                catch (final Exception ex)
                {
                    closed.completeExceptionally(ex);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
        {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        public void onError(final WebSocket webSocket, final Throwable error)
        {
            closed.complete("error " + error);
        }

        JsonNode awaitType(final String type)
        {
            return awaitNth(type, 1);
        }

        JsonNode awaitNth(final String type, final int nth)
        {
            await().atMost(Duration.ofSeconds(20)).until(() -> ofType(type).size() >= nth);
            return ofType(type).get(nth - 1);
        }

        List<JsonNode> ofType(final String type)
        {
            final List<JsonNode> found = new ArrayList<>();
            for (final JsonNode message : messages)
            {
                if (type.equals(message.path("type").asText()))
                {
                    found.add(message);
                }
            }
            return found;
        }
    }
}
