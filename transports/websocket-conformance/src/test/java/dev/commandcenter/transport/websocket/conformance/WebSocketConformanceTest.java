package dev.commandcenter.transport.websocket.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.transport.websocket.Scope;
import dev.commandcenter.transport.websocket.WebServer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static dev.commandcenter.transport.websocket.conformance.ConformanceServer.ADMIN_TOKEN;
import static dev.commandcenter.transport.websocket.conformance.ConformanceServer.BOUND;
import static dev.commandcenter.transport.websocket.conformance.ConformanceServer.OVERLAY_TOKEN;
import static dev.commandcenter.transport.websocket.conformance.RawConnection.BINARY;
import static dev.commandcenter.transport.websocket.conformance.RawConnection.CLOSE;
import static dev.commandcenter.transport.websocket.conformance.RawConnection.CONTINUATION;
import static dev.commandcenter.transport.websocket.conformance.RawConnection.PING;
import static dev.commandcenter.transport.websocket.conformance.RawConnection.PONG;
import static dev.commandcenter.transport.websocket.conformance.RawConnection.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The WebSocket and HTTP protocol of the web server, one suite run against every backend (issue #11): each case
 * runs once per {@link Backend} from {@link #backends()}, Netty and every wire transport found. Most cases share one
 * engine and server per backend (launched on first use, with small limits); cases that need other limits or a
 * known feed history launch their own.
 */
@Timeout(60)
class WebSocketConformanceTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String UNAUTHORIZED = "unauthorized: missing or invalid token";
    private static final String ALLOWED_ORIGIN = "http://localhost:5173";
    private static final String ALLOWED_HOST = "obs.lan";
    private static final int MAX_FRAME_LENGTH = 1024;
    private static final int MAX_REQUEST_BODY_LENGTH = 1024;
    private static final Map<String, ConformanceServer> SHARED = new HashMap<>();
    private static final AtomicLong AMOUNTS = new AtomicLong(10_000);

    @TempDir
    static Path sharedDir;

    @TempDir
    Path dataDir;

    static List<Backend> backends()
    {
        return Backend.selected();
    }

    /**
     * Leave each shared server with no subscriber, so a case can tell when the server has subscribed its client.
     */
    @AfterEach
    void dropClients()
    {
        SHARED.values().forEach(ConformanceServer::dropClients);
    }

    @AfterAll
    static void closeSharedServers()
    {
        SHARED.values().forEach(ConformanceServer::close);
        SHARED.clear();
    }

    /**
     * The backend's shared server: retains 4 messages a feed, keeps 16 for resume, 1 KiB frames and bodies, one
     * allowed extra origin and host.
     */
    private static ConformanceServer shared(final Backend backend) throws IOException
    {
        backend.requireAvailable();
        ConformanceServer server = SHARED.get(backend.name());
        if (null == server)
        {
            server = new ConformanceServer(backend, Files.createDirectories(sharedDir.resolve(backend.name())), 4, 16,
                (ctx) -> ctx
                    .maxFrameLength(MAX_FRAME_LENGTH)
                    .maxRequestBodyLength(MAX_REQUEST_BODY_LENGTH)
                    .allowedOrigins(List.of(ALLOWED_ORIGIN))
                    .allowedHosts(List.of(ALLOWED_HOST)));
            SHARED.put(backend.name(), server);
        }
        return server;
    }

    private ConformanceServer dedicated(
        final Backend backend, final int retain, final int resumeHistory, final Consumer<WebServer.Context> settings)
    {
        backend.requireAvailable();
        return new ConformanceServer(backend, dataDir, retain, resumeHistory, settings);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Authentication and scopes
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldRefuseHttpRequestsWithoutATokenOfTheScopeThePathNeeds(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);

        final HttpResponse<String> noToken = server.get("/api/health");
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(error(noToken)).startsWith(UNAUTHORIZED).doesNotContain("\n");
        assertThat(server.get("/api/health?token=not-the-token").statusCode()).isEqualTo(401);
        assertThat(server.get("/").statusCode()).isEqualTo(401);

        final HttpResponse<String> overlayOnAdmin = server.get("/api/health?token=" + OVERLAY_TOKEN);
        assertThat(overlayOnAdmin.statusCode()).isEqualTo(403);
        assertThat(error(overlayOnAdmin)).startsWith("forbidden: this endpoint needs the admin token, got the overlay token");
        assertThat(server.get("/metrics?token=" + OVERLAY_TOKEN).statusCode()).isEqualTo(403);
        assertThat(server.post("/api/events", OVERLAY_TOKEN, chat("from an overlay")).statusCode()).isEqualTo(403);
        assertThat(server.post("/api/events", null, chat("from nobody")).statusCode()).isEqualTo(401);

        assertThat(server.get("/?token=" + OVERLAY_TOKEN).statusCode()).isEqualTo(200);
        assertThat(server.get("/api/health?token=" + ADMIN_TOKEN).statusCode()).isEqualTo(200);
        assertThat(server.get("/api/health", "Authorization", "Bearer " + ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldHandARouteItsQueryArgumentsDecodedExactlyOnce(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);

        final HttpResponse<String> spaces = server.get("/api/echo?x=events%20in&y=a%26b%3Dc%25d&token=" + ADMIN_TOKEN);
        assertThat(spaces.statusCode()).isEqualTo(200);
        assertThat(spaces.body()).contains("\"x\":\"events in\"").contains("\"y\":\"a&b=c%d\"");

        final HttpResponse<String> unicode = server.get("/api/echo?x=%C3%A9t%C3%A9&y=%2B1&token=" + ADMIN_TOKEN);
        assertThat(unicode.statusCode()).isEqualTo(200);
        assertThat(unicode.body()).contains("\"x\":\"\u00e9t\u00e9\"").contains("\"y\":\"+1\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseAFeedWith1008WithoutAValidTokenAndServeItWithEitherScope(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);

        final WsClient missing = server.connect("/ws/alerts");
        final WsClient wrong = server.connect("/ws/alerts?token=not-the-token");
        final WsClient almost = server.connect("/ws/alerts?token=" + ADMIN_TOKEN + "x");
        assertThat(missing.awaitClose()).isEqualTo(new WsClient.Close(1008, UNAUTHORIZED));
        assertThat(wrong.awaitClose()).isEqualTo(new WsClient.Close(1008, UNAUTHORIZED));
        assertThat(almost.awaitClose()).isEqualTo(new WsClient.Close(1008, UNAUTHORIZED));

        final WsClient overlay = server.subscribe("/ws/alerts?token=" + OVERLAY_TOKEN);
        final WsClient admin = server.subscribe("/ws/all?token=" + ADMIN_TOKEN);
        final long amount = AMOUNTS.incrementAndGet();
        server.publishPayment(amount);

        assertThat(awaitAlert(overlay, amount).get("plugin").asText()).isEqualTo(AlertPlugin.ID);
        assertThat(awaitAlert(admin, amount).get("message").asText()).isEqualTo(amount + " sats");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseSessionsOfARotatedTokenWith1008AndRefuseTheOldToken(final Backend backend) throws Exception
    {
        try (ConformanceServer server = dedicated(backend, 0, 0, (ctx) -> ctx.rotationGraceMs(100)))
        {
            final WsClient overlay = server.subscribe("/ws/alerts?token=" + OVERLAY_TOKEN);
            final WsClient admin = server.subscribe("/ws/all?token=" + ADMIN_TOKEN);
            final String newOverlay = "overlay-rotated-V3k9Qm2Xw7Lp4Zr8";

            server.server.tokens(newOverlay, ADMIN_TOKEN);

            assertThat(overlay.awaitClose()).isEqualTo(new WsClient.Close(1008, "token rotated"));
            assertThat(server.get("/?token=" + OVERLAY_TOKEN).statusCode()).isEqualTo(401);
            assertThat(server.get("/?token=" + newOverlay).statusCode()).isEqualTo(200);
            assertThat(server.connect("/ws/alerts?token=" + OVERLAY_TOKEN).awaitClose())
                .isEqualTo(new WsClient.Close(1008, UNAUTHORIZED));
            final WsClient renewed = server.subscribe("/ws/alerts?token=" + newOverlay);
            server.publishPayment(77);
            assertThat(awaitAlert(admin, 77)).isNotNull();
            assertThat(awaitAlert(renewed, 77)).isNotNull();
            assertThat(admin.closed).isNotDone();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldOpenOnlyTheChatFeedToAChatOrModeratorToken(final Backend backend) throws Exception
    {
        final String chatToken = "chat-Lx8Qe3Vt6Nz1Wp4Ry7Ub2Kd";
        final String moderatorToken = "moderator-Fh2Jm5Sa9Cv3Xo6Tg1Bq";
        try (ConformanceServer server = dedicated(backend, 4, 0, (ctx) -> ctx
            .chatToken(chatToken)
            .moderatorToken(moderatorToken)
            .scopedFeeds(Scope.CHAT, Set.of(AlertPlugin.ID))
            .scopedFeeds(Scope.MODERATOR, Set.of(AlertPlugin.ID))))
        {
            assertThat(server.connect("/ws/all?token=" + chatToken).awaitClose())
                .isEqualTo(new WsClient.Close(1008, "forbidden: a chat token opens only the alerts feed"));
            assertThat(server.connect("/ws/all?token=" + moderatorToken).awaitClose())
                .isEqualTo(new WsClient.Close(1008, "forbidden: a moderator token opens only the alerts feed"));
            assertThat(server.get("/?token=" + chatToken).statusCode()).isEqualTo(403);
            assertThat(server.get("/api/health?token=" + moderatorToken).statusCode()).isEqualTo(403);
            assertThat(server.post("/api/events", chatToken, chat("from a viewer")).statusCode()).isEqualTo(403);

            final WsClient viewer = server.subscribe("/ws/alerts?token=" + chatToken);
            final WsClient moderator = server.subscribe("/ws/alerts?token=" + moderatorToken);
            final long amount = AMOUNTS.incrementAndGet();
            server.publishPayment(amount);
            assertThat(awaitAlert(viewer, amount)).isNotNull();
            assertThat(awaitAlert(moderator, amount)).isNotNull();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Origin and Host
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldRefuseAForbiddenOriginOnHttpAndOnTheUpgrade(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        final String health = "/api/health?token=" + ADMIN_TOKEN;

        final HttpResponse<String> evil = server.get(health, "Origin", "http://evil.example");
        assertThat(evil.statusCode()).isEqualTo(403);
        assertThat(error(evil)).startsWith("forbidden origin: http://evil.example");
        final HttpResponse<String> allowed = server.get(health, "Origin", ALLOWED_ORIGIN);
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue(ALLOWED_ORIGIN);
        assertThat(server.get(health, "Origin", "http://127.0.0.1:" + server.port()).statusCode()).isEqualTo(200);

        final WsClient evilFeed = server.connectFrom("http://evil.example", "/ws/alerts?token=" + ADMIN_TOKEN);
        assertThat(evilFeed.awaitClose()).isEqualTo(new WsClient.Close(1008, "forbidden origin: http://evil.example"));
        final WsClient allowedFeed = server.connectFrom(ALLOWED_ORIGIN, "/ws/alerts?token=" + ADMIN_TOKEN);
        final long amount = AMOUNTS.incrementAndGet();
        server.publishPayment(amount);
        assertThat(awaitAlert(allowedFeed, amount)).isNotNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldAnswer421ToAHostThatIsNotAllowed(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        final int port = server.port();

        final String rebound = RawConnection.exchange(port, "GET /api/health?token=" + ADMIN_TOKEN + " HTTP/1.1\r\n" +
            "Host: evil.example:" + port + "\r\n\r\n");
        assertThat(rebound).startsWith("HTTP/1.1 421 ")
            .contains("{\"error\":\"unknown host evil.example (add it to websocket.allowedHosts)\"}");
        final String upgradeRequest = "GET /ws/all?token=" + OVERLAY_TOKEN + " HTTP/1.1\r\n" +
            "Host: evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        if (backend.deviates(Backend.Deviation.UPGRADE_REFUSAL_IS_A_CLOSE))
        {
            try (RawConnection connection = RawConnection.open(port))
            {
                connection.write(upgradeRequest.getBytes(StandardCharsets.ISO_8859_1));
                assertThat(connection.readResponse()).startsWith("HTTP/1.1 101 ");
                assertThat(connection.readUntilClose().payload()).isEqualTo(RawConnection.closePayload(
                    1008, "unknown host evil.example (add it to websocket.allowedHosts)"));
            }
        }
        else
        {
            assertThat(RawConnection.exchange(port, upgradeRequest)).startsWith("HTTP/1.1 421 ");
        }

        for (final String host : List.of("localhost:" + port, "127.0.0.1:" + port, ALLOWED_HOST + ":" + port))
        {
            assertThat(RawConnection.exchange(port, "GET /api/health?token=" + ADMIN_TOKEN + " HTTP/1.1\r\nHost: " + host +
                "\r\nConnection: close\r\n\r\n")).as(host).startsWith("HTTP/1.1 200 ");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Feeds, types, retained messages, resume and gap
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldDeliverOnlyTheRequestedTypesOfAFeed(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        final WsClient chatOnly = server.subscribe("/ws/alerts?token=" + ADMIN_TOKEN + "&types=ChatMessage");
        final WsClient alertsOnly = server.subscribe("/ws/all?token=" + OVERLAY_TOKEN + "&types=OverlayAlert");
        final long first = AMOUNTS.incrementAndGet();
        final long second = AMOUNTS.incrementAndGet();
        final String text = "types-" + first;

        server.publishPayment(first);
        server.publishChat(text);
        server.publishPayment(second);
        server.publishChat(text + "-last");

        final List<JsonNode> chats = readUntil(chatOnly, (node) -> (text + "-last").equals(node.path("text").asText()));
        assertThat(chats).allSatisfy((node) -> assertThat(node.get("type").asText()).isEqualTo("ChatMessage"));
        assertThat(chats).extracting((node) -> node.get("text").asText()).endsWith(text, text + "-last");
        final List<JsonNode> alerts = readUntil(alertsOnly, (node) -> second == node.path("amountSats").asLong());
        assertThat(alerts).allSatisfy((node) -> assertThat(node.get("type").asText()).isEqualTo("OverlayAlert"));
        assertThat(alerts).extracting((node) -> node.get("amountSats").asLong()).endsWith(first, second);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseWith1008ForAnUnknownFeedTypeOrFormat(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);

        final WsClient feed = server.connect("/ws/nope?token=" + ADMIN_TOKEN);
        final WsClient type = server.connect("/ws/all?token=" + ADMIN_TOKEN + "&types=OverlayAlert,Bogus");
        final WsClient format = server.connect("/ws/all?token=" + ADMIN_TOKEN + "&format=xml");

        assertThat(feed.awaitClose()).isEqualTo(new WsClient.Close(1008, "unknown feed 'nope', expected one of all, alerts"));
        assertThat(type.awaitClose()).isEqualTo(new WsClient.Close(1008,
            "unknown type 'Bogus', expected message names such as OverlayAlert,ChatMessage"));
        assertThat(format.awaitClose()).isEqualTo(new WsClient.Close(1008, "unknown format 'xml', expected json or sbe"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldReplayRetainedMessagesToALateSubscriberThenLiveOnes(final Backend backend) throws Exception
    {
        try (ConformanceServer server = dedicated(backend, 2, 8, (ctx) -> {}))
        {
            for (int amount = 1; amount <= 3; amount++)
            {
                server.publishPayment(amount);
            }
            server.awaitOutputs(3);

            final WsClient late = server.subscribe("/ws/alerts?token=" + OVERLAY_TOKEN);
            assertThat(amount(late.nextText())).isEqualTo(2);
            assertThat(amount(late.nextText())).isEqualTo(3);
            server.publishPayment(4);
            assertThat(amount(late.nextText())).isEqualTo(4);

            final WsClient sbeLate = server.subscribe("/ws/all?token=" + OVERLAY_TOKEN + "&format=sbe");
            assertThat(amount(sbeLate.nextBinary())).isEqualTo(3);
            assertThat(amount(sbeLate.nextBinary())).isEqualTo(4);
            server.publishPayment(5);
            assertThat(amount(late.nextText())).isEqualTo(5);
            assertThat(amount(sbeLate.nextBinary())).isEqualTo(5);
            assertThat(late.texts).isEmpty();
            assertThat(sbeLate.binaries).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldResumeWithSinceWithNoGapAndNoDuplicate(final Backend backend) throws Exception
    {
        try (ConformanceServer server = dedicated(backend, 0, 16, (ctx) -> {}))
        {
            final WsClient observer = server.subscribe("/ws/all?token=" + ADMIN_TOKEN);
            final long[] seqs = new long[6];
            for (int i = 0; i < 5; i++)
            {
                server.publishPayment(i + 1);
            }
            for (int i = 0; i < 5; i++)
            {
                seqs[i] = seq(observer.nextText());
            }
            assertThat(seqs[4] - seqs[0]).isEqualTo(4);

            final WsClient resumed = server.connect("/ws/alerts?token=" + OVERLAY_TOKEN + "&since=" + seqs[1]);
            for (int i = 2; i < 5; i++)
            {
                final JsonNode node = MAPPER.readTree(resumed.nextText());
                assertThat(node.get("seq").asLong()).isEqualTo(seqs[i]);
                assertThat(node.get("amountSats").asLong()).isEqualTo(i + 1);
            }
            await().atMost(BOUND).until(() -> server.egress.connectedClients() == 2);
            server.publishPayment(6);
            seqs[5] = seq(observer.nextText());
            assertThat(seq(resumed.nextText())).isEqualTo(seqs[5]);
            server.publishChat("sentinel");
            assertThat(MAPPER.readTree(resumed.nextText()).get("text").asText()).as("no duplicate before it")
                .isEqualTo("sentinel");
            assertThat(resumed.texts).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldSendOneGapMessageWhenSinceIsOlderThanTheHistory(final Backend backend) throws Exception
    {
        try (ConformanceServer server = dedicated(backend, 0, 4, (ctx) -> {}))
        {
            final WsClient observer = server.subscribe("/ws/all?token=" + ADMIN_TOKEN);
            final long[] seqs = new long[10];
            for (int i = 0; i < 10; i++)
            {
                server.publishPayment(i + 1);
            }
            for (int i = 0; i < 10; i++)
            {
                seqs[i] = seq(observer.nextText());
            }

            final WsClient json = server.connect("/ws/all?token=" + OVERLAY_TOKEN + "&since=" + seqs[0]);
            final WsClient sbe = server.connect("/ws/all?token=" + OVERLAY_TOKEN + "&since=" + seqs[0], "cc.sbe.v1");

            final String gap = "{\"type\":\"gap\",\"missed\":" + (seqs[6] - seqs[0] - 1) + ",\"from\":" + seqs[6] + "}";
            assertThat(json.nextText()).isEqualTo(gap);
            assertThat(sbe.nextText()).as("the gap is a JSON text frame on both renderings").isEqualTo(gap);
            for (int i = 6; i < 10; i++)
            {
                final JsonNode node = MAPPER.readTree(json.nextText());
                assertThat(node.get("seq").asLong()).isEqualTo(seqs[i]);
                assertThat(node.get("amountSats").asLong()).isEqualTo(i + 1);
                assertThat(amount(sbe.nextBinary())).isEqualTo(i + 1);
            }
            assertThat(json.texts).isEmpty();
            assertThat(sbe.texts).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseWith1008ForABadOrFutureSince(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        server.publishPayment(AMOUNTS.incrementAndGet());
        server.awaitOutputs(1);

        final WsClient letters = server.connect("/ws/all?token=" + ADMIN_TOKEN + "&since=abc");
        final WsClient negative = server.connect("/ws/all?token=" + ADMIN_TOKEN + "&since=-1");
        final WsClient future = server.connect("/ws/all?token=" + ADMIN_TOKEN + "&since=999999999");

        assertThat(letters.awaitClose()).isEqualTo(new WsClient.Close(1008,
            "invalid since 'abc', expected the seq of the last output received (0 or more)"));
        assertThat(negative.awaitClose()).isEqualTo(new WsClient.Close(1008,
            "invalid since '-1', expected the seq of the last output received (0 or more)"));
        final WsClient.Close ahead = future.awaitClose();
        assertThat(ahead.code()).isEqualTo(1008);
        assertThat(ahead.reason()).startsWith("since 999999999 is ahead of the newest output ")
            .endsWith(": reconnect without since (the server may have restarted)");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Subprotocols
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldSendJsonTextForCcJsonV1AndSbeBinaryForCcSbeV1(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        final WsClient json = server.subscribe("/ws/alerts?token=" + OVERLAY_TOKEN, "cc.json.v1");
        final WsClient sbe = server.subscribe("/ws/alerts?token=" + OVERLAY_TOKEN, "cc.sbe.v1");
        final WsClient preferSbe = server.subscribe("/ws/all?token=" + OVERLAY_TOKEN, "cc.unknown.v9", "cc.sbe.v1",
            "cc.json.v1");
        final WsClient agreeing = server.subscribe("/ws/all?token=" + OVERLAY_TOKEN + "&format=SBE", "cc.sbe.v1");
        assertThat(json.webSocket.getSubprotocol()).isEqualTo("cc.json.v1");
        assertThat(sbe.webSocket.getSubprotocol()).isEqualTo("cc.sbe.v1");
        assertThat(preferSbe.webSocket.getSubprotocol()).isEqualTo("cc.sbe.v1");

        final long amount = AMOUNTS.incrementAndGet();
        server.publishPayment(amount);

        final JsonNode alert = awaitAlert(json, amount);
        assertThat(alert.has("seq")).isTrue();
        assertThat(alert.get("type").asText()).isEqualTo("OverlayAlert");
        for (final WsClient client : List.of(sbe, preferSbe, agreeing))
        {
            byte[] bytes;
            do
            {
                bytes = client.nextBinary();
                assertThat(MessageSchema.validate(new UnsafeBuffer(bytes), 0, bytes.length)).isNull();
            }
            while (amount(bytes) != amount);
            assertThat(MessageSchema.templateId(new UnsafeBuffer(bytes), 0))
                .isEqualTo(JsonView.instance().templateId("OverlayAlert"));
            assertThat(client.texts).isEmpty();
        }
        assertThat(json.binaries).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseWith1002WhenOnlyUnknownSubprotocolsAreOffered(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);

        if (backend.deviates(Backend.Deviation.UNKNOWN_SUBPROTOCOLS_REFUSED_WITH_400))
        {
            for (final String token : List.of(ADMIN_TOKEN, "wrong"))
            {
                try (RawConnection connection = RawConnection.open(server.port()))
                {
                    final String response = connection.upgrade(
                        "/ws/all?token=" + token, "Sec-WebSocket-Protocol: graphql-ws, cc.json.v2\r\n");
                    assertThat(response).startsWith("HTTP/1.1 400 ");
                    assertThat(new String(connection.readToEnd(), StandardCharsets.UTF_8)).isEqualTo(
                        "{\"error\":\"unsupported subprotocol graphql-ws, cc.json.v2: expected cc.json.v1 or cc.sbe.v1\"}");
                }
            }
            return;
        }

        final WsClient client = server.connect("/ws/all?token=" + ADMIN_TOKEN, "graphql-ws", "cc.json.v2");

        assertThat(client.webSocket.getSubprotocol()).isEmpty();
        assertThat(client.awaitClose()).isEqualTo(new WsClient.Close(1002,
            "unsupported subprotocol graphql-ws, cc.json.v2: expected cc.json.v1 or cc.sbe.v1"));
        assertThat(server.connect("/ws/all?token=wrong", "graphql-ws").awaitClose())
            .as("the token is checked first").isEqualTo(new WsClient.Close(1008, UNAUTHORIZED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseWith1008WhenFormatDisagreesWithTheSubprotocol(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);

        final WsClient client = server.connect("/ws/all?token=" + ADMIN_TOKEN + "&format=json", "cc.sbe.v1");

        assertThat(client.webSocket.getSubprotocol()).isEqualTo("cc.sbe.v1");
        assertThat(client.awaitClose()).isEqualTo(new WsClient.Close(1008,
            "subprotocol cc.sbe.v1 disagrees with format=json: drop format= or make them agree"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Slow clients, pings and heartbeats
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseAClientThatNeverReadsWith1013WhileAnotherReceivesEverything(final Backend backend) throws Exception
    {
        final int batch = 16;
        try (ConformanceServer server = dedicated(backend, 0, 0, (ctx) -> ctx
                .writeBufferHighWaterMark(64 * 1024)
                .writeBufferLowWaterMark(32 * 1024)
                .socketSendBufferLength(8 * 1024)
                .slowConsumerDropLimit(8)
                .closeTimeoutMs(BOUND.toMillis()));
            RawConnection slow = RawConnection.open(server.port(), null, 4096))
        {
            final WsClient fast = server.subscribe("/ws/all?token=" + ADMIN_TOKEN);
            final int before = server.egress.connectedClients();
            slow.upgraded("/ws/all?token=" + OVERLAY_TOKEN);
            await().atMost(BOUND).until(() -> server.egress.connectedClients() == before + 1);

            final String text = "m".repeat(2000);
            int published = 0;
            for (int round = 0; round < 500 && 0 == server.egress.slowConsumerCloses(); round++)
            {
                for (int i = 0; i < batch; i++)
                {
                    server.publishChat(text + (published++));
                }
                for (int i = published - batch; i < published; i++)
                {
                    assertThat(MAPPER.readTree(fast.nextText()).get("text").asText()).isEqualTo(text + i);
                }
            }
            assertThat(server.egress.slowConsumerCloses()).as("slow consumer closes after %d outputs", published)
                .isEqualTo(1);

            final RawConnection.Frame close = slow.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(1013);
            assertThat(close.text()).isEqualTo("slow consumer");
            slow.sendFrame(true, CLOSE, RawConnection.closePayload(1013, ""));
            assertThat(slow.readToEnd()).isEmpty();

            server.publishChat("after");
            assertThat(MAPPER.readTree(fast.nextText()).get("text").asText()).isEqualTo("after");
            assertThat(fast.closed).isNotDone();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldAnswerAPingWithAPongOfTheSamePayloadAndTheTextPingWithPong(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        try (RawConnection raw = RawConnection.open(server.port()).upgraded("/ws/alerts?token=" + OVERLAY_TOKEN))
        {
            raw.sendFrame(true, PING, "are you there".getBytes(StandardCharsets.UTF_8));
            final RawConnection.Frame pong = nextControl(raw);
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.text()).isEqualTo("are you there");
        }
        await().atMost(BOUND).until(() -> 0 == server.egress.connectedClients());

        final WsClient client = server.subscribe("/ws/alerts?token=" + OVERLAY_TOKEN);
        client.webSocket.sendPing(ByteBuffer.wrap(new byte[]{ 1, 2, 3 })).get(5, TimeUnit.SECONDS);
        assertThat(client.nextPong()).containsExactly(1, 2, 3);
        client.webSocket.sendText("ping", true).get(5, TimeUnit.SECONDS);
        assertThat(readUntilText(client, "pong")).isEqualTo("pong");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldPingClientsAndCloseOneThatNeverAnswersWith1001(final Backend backend) throws Exception
    {
        try (ConformanceServer server = dedicated(backend, 0, 0, (ctx) -> ctx.pingIntervalMs(100).missedPongs(2));
            RawConnection silent = RawConnection.open(server.port()))
        {
            final WsClient answering = server.subscribe("/ws/all?token=" + ADMIN_TOKEN);
            silent.upgraded("/ws/all?token=" + ADMIN_TOKEN);

            final RawConnection.Frame ping = silent.readFrame();
            assertThat(ping.opcode()).isEqualTo(PING);
            final RawConnection.Frame close = silent.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(1001);
            assertThat(close.text()).isEqualTo("no pong for 200 ms");

            await().atMost(BOUND).until(() -> answering.pings.get() >= 5);
            assertThat(answering.closed).isNotDone();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Frames: size, UTF-8, fragments, the close handshake
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseWith1009ForAMessageLargerThanTheMaxFrameLength(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        final WsClient client = server.subscribe("/ws/alerts?token=" + OVERLAY_TOKEN);

        client.webSocket.sendText("x".repeat(MAX_FRAME_LENGTH + 1), true).get(5, TimeUnit.SECONDS);

        assertThat(client.awaitClose().code()).isEqualTo(1009);

        try (RawConnection raw = RawConnection.open(server.port()).upgraded("/ws/alerts?token=" + OVERLAY_TOKEN))
        {
            raw.sendFrame(true, BINARY, new byte[MAX_FRAME_LENGTH * 4]);
            assertThat(raw.readUntilClose().closeCode()).isEqualTo(1009);
        }

        // Each fragment fits; the message they make does not.
        try (RawConnection raw = RawConnection.open(server.port()).upgraded("/ws/alerts?token=" + OVERLAY_TOKEN))
        {
            final byte[] half = new byte[MAX_FRAME_LENGTH / 2 + 1];
            raw.sendFrame(false, BINARY, half);
            raw.sendFrame(false, CONTINUATION, half);
            raw.sendFrame(true, CONTINUATION, half);
            assertThat(raw.readUntilClose().closeCode()).isEqualTo(1009);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseWith1007ForATextMessageThatIsNotUtf8(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        try (RawConnection raw = RawConnection.open(server.port()).upgraded("/ws/alerts?token=" + OVERLAY_TOKEN))
        {
            raw.sendFrame(true, TEXT, new byte[]{ 'o', 'k', (byte)0xC3, 0x28, (byte)0xFF });

            assertThat(raw.readUntilClose().closeCode()).isEqualTo(1007);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldAcceptAFragmentedTextMessageWithAPingBetweenItsFragments(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        try (RawConnection raw = RawConnection.open(server.port()).upgraded("/ws/alerts?token=" + OVERLAY_TOKEN))
        {
            // The fragments spell the text ping, answered pong only when they are joined into one message.
            raw.sendFrame(false, TEXT, "p".getBytes(StandardCharsets.UTF_8));
            raw.sendFrame(true, PING, "between".getBytes(StandardCharsets.UTF_8));
            raw.sendFrame(false, CONTINUATION, "in".getBytes(StandardCharsets.UTF_8));
            raw.sendFrame(true, CONTINUATION, "g".getBytes(StandardCharsets.UTF_8));

            final RawConnection.Frame pong = nextControl(raw);
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.text()).isEqualTo("between");
            RawConnection.Frame frame;
            do
            {
                frame = raw.readFrame();
                assertThat(frame.opcode()).as("no close: %s", frame.text()).isNotEqualTo(CLOSE);
            }
            while (!(TEXT == frame.opcode() && "pong".equals(frame.text())));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseWith1002ForAContinuationWithoutAFirstFragment(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        try (RawConnection raw = RawConnection.open(server.port()).upgraded("/ws/alerts?token=" + OVERLAY_TOKEN))
        {
            raw.sendFrame(true, CONTINUATION, "orphan".getBytes(StandardCharsets.UTF_8));

            assertThat(raw.readUntilClose().closeCode()).isEqualTo(1002);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldEchoTheClientsCloseCodeAndThenCloseTheConnection(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        try (RawConnection raw = RawConnection.open(server.port()).upgraded("/ws/alerts?token=" + OVERLAY_TOKEN))
        {
            raw.sendFrame(true, CLOSE, RawConnection.closePayload(4000, "bye"));

            assertThat(raw.readUntilClose().closeCode()).isEqualTo(4000);
            assertThat(raw.readToEnd()).as("nothing after the close frame").isEmpty();
        }
        await().atMost(BOUND).until(() -> 0 == server.egress.connectedClients());

        final WsClient client = server.subscribe("/ws/alerts?token=" + OVERLAY_TOKEN);
        client.webSocket.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        assertThat(client.awaitClose().code()).isEqualTo(1000);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Batching
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCoalesceOutputsOfAWindowIntoOneBatchFrameForAClientThatAsks(final Backend backend) throws Exception
    {
        try (ConformanceServer server = dedicated(backend, 0, 16, (ctx) -> {}))
        {
            final WsClient single = server.subscribe("/ws/all?token=" + OVERLAY_TOKEN);
            final WsClient batched = server.subscribe("/ws/all?token=" + OVERLAY_TOKEN + "&batch=1000");
            final WsClient sbe = server.subscribe("/ws/all?token=" + OVERLAY_TOKEN + "&batch=1000", "cc.sbe.v1");
            final long batchesBefore = server.egress.batchesSent();
            for (int amount = 1; amount <= 5; amount++)
            {
                server.publishPayment(amount);
            }

            final long[] seqs = new long[5];
            for (int i = 0; i < 5; i++)
            {
                final String text = single.nextText();
                assertThat(amount(text)).as("one frame per output without batch=").isEqualTo(i + 1);
                seqs[i] = seq(text);
            }
            final List<JsonNode> messages = new ArrayList<>();
            int largest = 0;
            while (messages.size() < 5)
            {
                final JsonNode batch = MAPPER.readTree(batched.nextText());
                assertThat(batch.get("type").asText()).isEqualTo("batch");
                final JsonNode inside = batch.get("messages");
                assertThat(batch.get("count").asInt()).isEqualTo(inside.size());
                assertThat(batch.get("seq").asLong()).as("the batch's seq is its last message's")
                    .isEqualTo(inside.get(inside.size() - 1).get("seq").asLong());
                inside.forEach(messages::add);
                largest = Math.max(largest, inside.size());
            }
            assertThat(largest).as("outputs of one window share a frame").isGreaterThan(1);
            for (int i = 0; i < 5; i++)
            {
                assertThat(messages.get(i).get("amountSats").asLong()).isEqualTo(i + 1);
                assertThat(messages.get(i).get("seq").asLong()).isEqualTo(seqs[i]);
            }

            final ByteBuffer header = ByteBuffer.wrap(sbe.nextBinary()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            final int count = header.getInt(8);
            assertThat(count).isBetween(2, 5);
            assertThat(header.getLong(0)).as("seq of the last message of the SBE batch").isEqualTo(seqs[count - 1]);
            final UnsafeBuffer first = new UnsafeBuffer(header.array());
            assertThat(MAPPER.readTree(JsonView.instance().toJson(first, 12)).path("amountSats").asLong()).isEqualTo(1);
            assertThat(server.egress.batchesSent()).isGreaterThan(batchesBefore);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Limits and timeouts
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseAConnectionWhoseHeadersAreNotCompleteBeforeTheHeaderTimeout(final Backend backend) throws Exception
    {
        try (ConformanceServer server = dedicated(backend, 0, 0, (ctx) -> ctx.headerTimeoutMs(300));
            RawConnection slowloris = RawConnection.open(server.port()))
        {
            slowloris.write(("GET /api/health?token=" + ADMIN_TOKEN + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                .getBytes(StandardCharsets.US_ASCII));

            assertThat(slowloris.readToEnd()).as("closed with nothing answered").isEmpty();
            assertThat(server.get("/api/health?token=" + ADMIN_TOKEN).statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldRefuseAConnectionPastTheLimitPerAddressWhileAnotherAddressIsServed(final Backend backend) throws Exception
    {
        final List<RawConnection> held = new ArrayList<>();
        try (ConformanceServer server = dedicated(backend, 0, 0, (ctx) -> ctx.maxConnectionsPerAddress(3)))
        {
            for (int i = 0; i < 3; i++)
            {
                held.add(RawConnection.open(server.port()).upgraded("/ws/all?token=" + OVERLAY_TOKEN));
            }
            await().atMost(BOUND).until(() -> server.egress.connectedClients() == 3);

            try (RawConnection refused = RawConnection.open(server.port()))
            {
                refused.write(("GET /api/health?token=" + ADMIN_TOKEN + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                assertThat(refused.readToEnd()).as("closed at accept, nothing answered").isEmpty();
            }
            try (RawConnection other = RawConnection.open(server.port(), InetAddress.getByName("127.0.0.2"), 0))
            {
                other.write(("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN_TOKEN +
                    "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(other.readResponse()).startsWith("HTTP/1.1 200");
            }

            held.remove(0).close();
            await().atMost(BOUND).until(() -> server.egress.connectedClients() == 2);
            await().atMost(BOUND).untilAsserted(() -> assertThat(healthOnNewConnection(server)).startsWith("HTTP/1.1 200"));
        }
        finally
        {
            for (final RawConnection connection : held)
            {
                connection.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldAnswerPipelinedRequestsWithoutABodyInOrder(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        final StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 40; i++)
        {
            requests.append(i % 2 == 0 ? "GET /api/health" : "GET /no-such-page").append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                .append("Authorization: Bearer ").append(ADMIN_TOKEN).append("\r\n\r\n");
        }

        try (RawConnection connection = RawConnection.open(server.port()))
        {
            connection.write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 40; i++)
            {
                assertThat(connection.readResponse()).as("answer " + i).startsWith(i % 2 == 0 ? "HTTP/1.1 200" : "HTTP/1.1 404");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldAnswerOrDropAClientPipeliningPostsAndServeOthersOn(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        final StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 3; i++)
        {
            final String body = "{\"type\":\"TransactionReceived\",\"amountSats\":" + AMOUNTS.incrementAndGet() + "}";
            requests.append("POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ").append(ADMIN_TOKEN)
                .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(body.length()).append("\r\n\r\n")
                .append(body);
        }

        try (RawConnection connection = RawConnection.open(server.port()))
        {
            connection.write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            if (backend.deviates(Backend.Deviation.PIPELINING_AFTER_A_BODY_DROPS_THE_CONNECTION))
            {
                assertThat(connection.readToEnd()).as("dropped, nothing answered").isEmpty();
            }
            else
            {
                for (int i = 0; i < 3; i++)
                {
                    assertThat(connection.readResponse()).as("answer " + i).startsWith("HTTP/1.1 202");
                }
            }
        }
        assertThat(healthOnNewConnection(server)).startsWith("HTTP/1.1 200");
        assertThat(server.get("/api/health?token=" + ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldAnswer413ToABodyLargerThanTheLimit(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);

        final HttpResponse<String> tooLarge = server.post("/api/events", ADMIN_TOKEN,
            chat("x".repeat(MAX_REQUEST_BODY_LENGTH * 2)));

        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(error(tooLarge)).isEqualTo(
            "request body larger than " + MAX_REQUEST_BODY_LENGTH + " bytes (websocket.maxRequestBodyLength)");
        assertThat(server.get("/api/health?token=" + ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // REST and pages
    // ---------------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldAcceptAPostedEventWith202AndDeliverItsOutputToAFeed(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);
        final WsClient overlay = server.subscribe("/ws/alerts?token=" + OVERLAY_TOKEN);
        final long amount = AMOUNTS.incrementAndGet();

        final HttpResponse<String> accepted = server.post("/api/events", ADMIN_TOKEN,
            "{\"type\":\"TransactionReceived\",\"amountSats\":" + amount + ",\"memo\":\"great stream\"}");

        assertThat(accepted.statusCode()).isEqualTo(202);
        final long receipt = MAPPER.readTree(accepted.body()).get("receipt").asLong();
        final JsonNode alert = awaitAlert(overlay, amount);
        assertThat(alert.get("sequence").asLong()).isEqualTo(receipt);
        assertThat(alert.get("alertId").asLong()).isEqualTo(receipt);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldAnswerABadEventWithA400OfOneLine(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);

        final HttpResponse<String> notJson = server.post("/api/events", ADMIN_TOKEN, "{\"type\": nope");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).doesNotContain("\n");
        assertThat(error(notJson)).startsWith("not valid JSON: ");

        final HttpResponse<String> unknownType = server.post("/api/events", ADMIN_TOKEN, "{\"type\":\"Teleport\"}");
        assertThat(unknownType.statusCode()).isEqualTo(400);
        assertThat(error(unknownType)).startsWith("unknown type \"Teleport\": expected one of");

        assertThat(server.get("/api/events?token=" + ADMIN_TOKEN).statusCode()).isEqualTo(405);
        final HttpResponse<String> plainToFeed = server.get("/ws/all?token=" + ADMIN_TOKEN);
        assertThat(plainToFeed.statusCode()).isEqualTo(400);
        assertThat(error(plainToFeed)).isEqualTo(
            "expected a WebSocket upgrade: connect to ws://<host>:<port>/ws/<feed>?token=<token>");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldServeTheIndexAPluginPageHealthAndMetrics(final Backend backend) throws Exception
    {
        final ConformanceServer server = shared(backend);

        final HttpResponse<String> index = server.get("/?token=" + OVERLAY_TOKEN);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(index.body()).contains("href=\"/plugins/alerts/?token=" + OVERLAY_TOKEN + "\"").contains("/ws/alerts");

        final HttpResponse<String> page = server.get("/plugins/alerts/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("alerts-overlay-marker");
        final HttpResponse<String> missing = server.get("/plugins/alerts/missing.png");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(error(missing)).isEqualTo("no file missing.png in the web pages of plugin 'alerts'");
        final HttpResponse<String> folder = server.get("/plugins/alerts?token=abc");
        assertThat(folder.statusCode()).isEqualTo(302);
        assertThat(folder.headers().firstValue("location")).hasValue("/plugins/alerts/?token=abc");
        assertThat(server.get("/plugins/alerts/../secret.txt").statusCode())
            .isEqualTo(backend.deviates(Backend.Deviation.PATH_RESOLVED_BY_THE_TRANSPORT) ? 404 : 400);

        final HttpResponse<String> health = server.get("/api/health?token=" + ADMIN_TOKEN);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
        assertThat(MAPPER.readTree(health.body()).get("status").asText()).isEqualTo("up");

        final HttpResponse<String> metrics = server.get("/metrics", "Authorization", "Bearer " + ADMIN_TOKEN);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(metrics.body()).contains("# TYPE ").contains("commandcenter_");
        assertThat(server.get("/metrics").statusCode()).isEqualTo(401);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static String healthOnNewConnection(final ConformanceServer server) throws IOException
    {
        try (RawConnection connection = RawConnection.open(server.port()))
        {
            connection.write(("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN_TOKEN +
                "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return connection.readResponse();
        }
    }

    /**
     * The next control frame (ping, pong or close), skipping data frames such as retained messages.
     */
    private static RawConnection.Frame nextControl(final RawConnection raw) throws IOException
    {
        RawConnection.Frame frame;
        do
        {
            frame = raw.readFrame();
        }
        while (frame.opcode() < CLOSE);
        return frame;
    }

    private static String chat(final String text)
    {
        return "{\"type\":\"ChatMessage\",\"messageId\":1,\"channel\":\"main\",\"user\":\"ann\",\"text\":\"" + text + "\"}";
    }

    /**
     * Read a client's text messages until the alert of an amount, skipping retained and other outputs.
     */
    private static JsonNode awaitAlert(final WsClient client, final long amount) throws Exception
    {
        final List<JsonNode> read = readUntil(client, (node) -> amount == node.path("amountSats").asLong() &&
            "OverlayAlert".equals(node.path("type").asText()));
        return read.get(read.size() - 1);
    }

    private static List<JsonNode> readUntil(final WsClient client, final java.util.function.Predicate<JsonNode> last)
        throws Exception
    {
        final List<JsonNode> read = new ArrayList<>();
        JsonNode node;
        do
        {
            node = MAPPER.readTree(client.nextText());
            read.add(node);
        }
        while (!last.test(node));
        return read;
    }

    private static String readUntilText(final WsClient client, final String expected) throws Exception
    {
        String text;
        do
        {
            text = client.nextText();
        }
        while (!expected.equals(text));
        return text;
    }

    private static long amount(final String json) throws Exception
    {
        return MAPPER.readTree(json).get("amountSats").asLong();
    }

    private static long amount(final byte[] sbe) throws Exception
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(sbe);
        assertThat(MessageSchema.validate(buffer, 0, sbe.length)).isNull();
        return MAPPER.readTree(JsonView.instance().toJson(buffer, 0)).path("amountSats").asLong();
    }

    private static long seq(final String json) throws Exception
    {
        final JsonNode node = MAPPER.readTree(json);
        assertThat(node.has("seq")).as("seq in %s", json).isTrue();
        return node.get("seq").asLong();
    }

    private static String error(final HttpResponse<String> response) throws Exception
    {
        return MAPPER.readTree(response.body()).get("error").asText();
    }
}
