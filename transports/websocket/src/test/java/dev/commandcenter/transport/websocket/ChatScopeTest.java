package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chat and moderator scopes: what their tokens open (only the feeds the application names, API routes of their
 * scope) and what they do not (other feeds, the index, health, metrics, event posting), rotation of their tokens,
 * API routes registered with a scope, the client address behind trusted proxies, and per-feed retention.
 */
@Timeout(60)
class ChatScopeTest
{
    static final String CHAT_TOKEN = "chat-Lx8Qe3Vt6Nz1Wp4Ry7Ub2Kd";
    static final String MODERATOR_TOKEN = "moderator-Fh2Jm5Sa9Cv3Xo6Tg1Bq";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    private Fixture fixture;
    private final List<HttpApi.Request> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldRelateScopesExplicitly()
    {
        assertThat(Scope.ADMIN.includes(Scope.CHAT)).isTrue();
        assertThat(Scope.ADMIN.includes(Scope.MODERATOR)).isTrue();
        assertThat(Scope.ADMIN.includes(Scope.OVERLAY)).isTrue();
        assertThat(Scope.MODERATOR.includes(Scope.CHAT)).isTrue();
        assertThat(Scope.CHAT.includes(Scope.MODERATOR)).isFalse();
        assertThat(Scope.CHAT.includes(Scope.OVERLAY)).isFalse();
        assertThat(Scope.OVERLAY.includes(Scope.CHAT)).isFalse();
        assertThat(Scope.MODERATOR.includes(Scope.OVERLAY)).isFalse();
        assertThat(Scope.MODERATOR.includes(Scope.ADMIN)).isFalse();
        assertThat(Scope.parse("Moderator")).isEqualTo(Scope.MODERATOR);
        assertThatThrownBy(() -> Scope.parse("root"))
            .hasMessage("scope: expected overlay, admin, chat, moderator or tip, got 'root'");
    }

    @Test
    void shouldOpenOnlyTheChatFeedToChatAndModeratorTokens() throws Exception
    {
        fixture = chatFixture((ctx) -> {});

        for (final String token : List.of(CHAT_TOKEN, MODERATOR_TOKEN))
        {
            assertThat(fixture.subscribe("/ws/alerts?token=" + token)).isNotNull();
            final String label = CHAT_TOKEN.equals(token) ? "chat" : "moderator";
            assertThat(fixture.connect("/ws/all?token=" + token).awaitClose())
                .isEqualTo(new TestClient.Close(1008, "forbidden: a " + label + " token opens only the alerts feed"));
            assertThat(fixture.get("/?token=" + token).statusCode()).isEqualTo(403);
            assertThat(fixture.get("/api/health?token=" + token).statusCode()).isEqualTo(403);
            assertThat(fixture.get("/metrics?token=" + token).statusCode()).isEqualTo(403);
            assertThat(post("/api/events", token, "{\"type\":\"TransactionReceived\",\"amountSats\":5,\"address\":\"x\"}")
                .statusCode()).isEqualTo(403);
        }
        assertThat(fixture.server.refusals().count(Refusals.Reason.FORBIDDEN_SCOPE)).isEqualTo(10);
        assertThat(fixture.subscribe("/ws/all?token=" + Fixture.OVERLAY_TOKEN)).isNotNull();
    }

    @Test
    void shouldRouteApiRequestsByScopeWithTheGrantedScopeAndClientAddress() throws Exception
    {
        fixture = chatFixture((ctx) -> {});

        final HttpResponse<String> noToken = post("/api/chat/messages", null, "{}");
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(post("/api/chat/messages", Fixture.OVERLAY_TOKEN, "{}").statusCode()).isEqualTo(403);
        assertThat(post("/api/chat/moderation", CHAT_TOKEN, "{}").statusCode()).isEqualTo(403);
        assertThat(MAPPER.readTree(post("/api/chat/moderation", CHAT_TOKEN, "{}").body()).get("error").asText())
            .isEqualTo("forbidden: this endpoint needs the moderator token, got the chat token " +
                "(commandcenter token show --scope moderator)");
        assertThat(seen).isEmpty();

        assertThat(post("/api/chat/messages", CHAT_TOKEN, "{}").statusCode()).isEqualTo(200);
        assertThat(post("/api/chat/messages", MODERATOR_TOKEN, "{}").statusCode()).isEqualTo(200);
        assertThat(post("/api/chat/moderation", MODERATOR_TOKEN, "{}").statusCode()).isEqualTo(200);
        assertThat(post("/api/chat/moderation", Fixture.TOKEN, "{}").statusCode()).isEqualTo(200);
        assertThat(seen).extracting(HttpApi.Request::scope)
            .containsExactly(Scope.CHAT, Scope.MODERATOR, Scope.MODERATOR, Scope.ADMIN);
        assertThat(seen.get(0).clientAddress()).isEqualTo("127.0.0.1");
        assertThat(seen.get(0).connectionId()).isNotBlank();
        assertThat(seen.get(0).header("content-type")).isEqualTo("application/json");

        // No trusted proxy: a forged X-Forwarded-For is ignored.
        seen.clear();
        assertThat(postForwarded(CHAT_TOKEN, "9.9.9.9").statusCode()).isEqualTo(200);
        assertThat(seen.get(0).clientAddress()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldTakeTheRightMostUntrustedForwardedAddressBehindATrustedProxy() throws Exception
    {
        fixture = chatFixture((ctx) -> ctx.trustedProxies(List.of("127.0.0.0/8", "10.0.0.7")));

        assertThat(postForwarded(CHAT_TOKEN, "6.6.6.6, 203.0.113.9, 10.0.0.7").statusCode()).isEqualTo(200);
        assertThat(postForwarded(CHAT_TOKEN, "203.0.113.10").statusCode()).isEqualTo(200);
        assertThat(post("/api/chat/messages", CHAT_TOKEN, "{}").statusCode()).isEqualTo(200);
        assertThat(seen).extracting(HttpApi.Request::clientAddress)
            .containsExactly("203.0.113.9", "203.0.113.10", "127.0.0.1");
    }

    @Test
    void shouldParseTrustedProxiesAndRefuseWhatIsNotAnAddress() throws Exception
    {
        final TrustedProxies proxies = TrustedProxies.parse(List.of("10.0.0.0/8", "::1", "192.168.1.5"));
        final InetSocketAddress proxy = new InetSocketAddress("10.1.2.3", 80);
        assertThat(proxies.clientAddress(proxy, List.of("1.2.3.4", "10.9.9.9"))).isEqualTo("1.2.3.4");
        assertThat(proxies.clientAddress(proxy, List.of("not-an-ip, 10.9.9.9"))).isEqualTo("10.9.9.9");
        assertThat(proxies.clientAddress(proxy, List.of())).isEqualTo("10.1.2.3");
        assertThat(proxies.clientAddress(new InetSocketAddress("11.0.0.1", 80), List.of("1.2.3.4"))).isEqualTo("11.0.0.1");
        assertThat(proxies.clientAddress(new InetSocketAddress("192.168.1.5", 80), List.of("[2001:db8::1]")))
            .isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("proxy.lan")))
            .hasMessage("websocket.trustedProxies: expected IP addresses or CIDR blocks such as 10.0.0.5 or 10.0.0.0/8, " +
                "got 'proxy.lan'");
        assertThatThrownBy(() -> TrustedProxies.parse(List.of("10.0.0.0/33")))
            .hasMessageContaining("got '10.0.0.0/33'");
    }

    @Test
    void shouldCloseChatSessionsOfARotatedChatTokenAndRefuseSharedTokens() throws Exception
    {
        fixture = chatFixture((ctx) -> ctx.rotationGraceMs(100));
        final TestClient viewer = fixture.subscribe("/ws/alerts?token=" + CHAT_TOKEN);
        final TestClient moderator = fixture.subscribe("/ws/alerts?token=" + MODERATOR_TOKEN);
        final String newChat = Tokens.generate();

        fixture.server.tokens(Fixture.OVERLAY_TOKEN, Fixture.TOKEN, newChat, MODERATOR_TOKEN);

        assertThat(viewer.awaitClose()).isEqualTo(new TestClient.Close(1008, TokenSessions.TOKEN_ROTATED));
        assertThat(moderator.closed).isNotDone();
        assertThat(post("/api/chat/messages", CHAT_TOKEN, "{}").statusCode()).isEqualTo(401);
        assertThat(post("/api/chat/messages", newChat, "{}").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> fixture.server.tokens(Fixture.OVERLAY_TOKEN, Fixture.TOKEN, newChat, newChat))
            .hasMessage("websocket.moderatorToken: expected a secret different from websocket.chatToken, got the same one");
        assertThatThrownBy(() -> fixture.server.tokens(Fixture.OVERLAY_TOKEN, Fixture.TOKEN, "short", null))
            .hasMessageStartingWith("websocket.chatToken: expected 22 or more characters");
    }

    @Test
    void shouldRetainMoreMessagesForAFeedWithAnOverride() throws Exception
    {
        final WebSocketEgress egress = new WebSocketEgress(2).retainOverrides(Map.of(AlertPlugin.ID, 12));
        assertThat(egress.retainOf(AlertPlugin.ID)).isEqualTo(12);
        assertThat(egress.retainOf("other")).isEqualTo(2);
        fixture = new Fixture(dataDir, egress, (ctx) -> {}, (ctx) -> {});
        for (int i = 1; i <= 15; i++)
        {
            fixture.publishPayment(i);
        }
        fixture.awaitDrained();

        final TestClient late = fixture.subscribe("/ws/alerts?token=" + Fixture.OVERLAY_TOKEN);
        for (int i = 4; i <= 15; i++)
        {
            final JsonNode alert = MAPPER.readTree(late.nextText());
            assertThat(alert.get("amountSats").asLong()).isEqualTo(i);
        }
        final TestClient all = fixture.subscribe("/ws/all?token=" + Fixture.OVERLAY_TOKEN);
        assertThat(MAPPER.readTree(all.nextText()).get("amountSats").asLong()).isEqualTo(14);
        assertThatThrownBy(() -> new WebSocketEgress().retainOverrides(Map.of("chat", -1)))
            .hasMessage("websocket feed retention of chat: expected 0 or more, got -1");
    }

    private Fixture chatFixture(final java.util.function.Consumer<WebServer.Context> more)
    {
        return new Fixture(dataDir, 8, (ctx) -> {}, (ctx) ->
        {
            ctx.chatToken(CHAT_TOKEN)
                .moderatorToken(MODERATOR_TOKEN)
                .scopedFeeds(Scope.CHAT, Set.of(AlertPlugin.ID))
                .scopedFeeds(Scope.MODERATOR, Set.of(AlertPlugin.ID))
                .apiRoute("/api/chat/messages", Scope.CHAT, (request, responder) ->
                {
                    seen.add(request);
                    responder.respond(200, Map.of("ok", true));
                })
                .apiRoute("/api/chat/moderation", Scope.MODERATOR, (request, responder) ->
                {
                    seen.add(request);
                    responder.respond(200, Map.of("ok", true));
                });
            more.accept(ctx);
        });
    }

    private HttpResponse<String> post(final String path, final String token, final String json) throws Exception
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(fixture.http(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
        if (null != token)
        {
            builder.header("Authorization", "Bearer " + token);
        }
        return fixture.http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postForwarded(final String token, final String forwardedFor) throws Exception
    {
        return fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/chat/messages"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + token)
            .header("X-Forwarded-For", forwardedFor)
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
