package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Hostile clients against the access checks: a payment posted with a leaked token, bodies sent before a token,
 * DNS rebinding, rotated tokens, escape codes echoed in errors, and weak tokens.
 */
@Timeout(60)
class AccessHardeningTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PAYMENT = "{\"type\":\"TransactionReceived\",\"amountSats\":2100000000000000,\"address\":\"bc1qfake\"}";

    @TempDir
    Path dataDir;

    private Fixture fixture;

    @AfterEach
    void tearDown()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldRefuseAPaymentPostedOverRestWithTheOverlayOrTheAdminToken() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.acceptWalletEventsOverRest(false));
        final TestClient overlay = fixture.subscribe("/ws/alerts?token=" + Fixture.OVERLAY_TOKEN);

        final HttpResponse<String> withOverlayToken = post(Fixture.OVERLAY_TOKEN, PAYMENT);
        assertThat(withOverlayToken.statusCode()).isEqualTo(403);
        assertThat(error(withOverlayToken)).startsWith("forbidden: this endpoint needs the admin token, got the overlay token");

        final HttpResponse<String> withAdminToken = post(Fixture.TOKEN, PAYMENT);
        assertThat(withAdminToken.statusCode()).isEqualTo(422);
        assertThat(error(withAdminToken)).isEqualTo(
            "wallet event TransactionReceived cannot be posted over REST: wallet events come from the wallet source only");
        for (final String type : List.of("TransactionConfirmed", "TransactionReorged", "WalletBalance", "NetworkStatus"))
        {
            assertThat(post(Fixture.TOKEN, "{\"type\":\"" + type + "\"}").statusCode()).as(type).isEqualTo(422);
        }
        assertThat(fixture.server.refusals().count(Refusals.Reason.WALLET_EVENT_OVER_REST)).isEqualTo(5);
        assertThat(fixture.server.refusals().count(Refusals.Reason.FORBIDDEN_SCOPE)).isEqualTo(1);

        // Messages of the transports' own protocols are never events, whoever posts them.
        final HttpResponse<String> transportMessage = post(Fixture.TOKEN, "{\"type\":\"PluginHeartbeat\",\"epochMs\":1}");
        assertThat(transportMessage.statusCode()).isEqualTo(422);
        assertThat(error(transportMessage)).isEqualTo("type PluginHeartbeat is a transport message, not an event: " +
            "expected an event type such as ChatMessage");

        // A chat message goes through, and is the first thing the overlay sees: no alert came before it.
        assertThat(post(Fixture.TOKEN, "{\"type\":\"ChatMessage\",\"messageId\":1,\"channel\":\"main\",\"user\":\"ann\"," +
            "\"text\":\"hi\"}").statusCode()).isEqualTo(202);
        assertThat(MAPPER.readTree(overlay.nextText()).get("type").asText()).isEqualTo("ChatMessage");
    }

    @Test
    void shouldGiveTheOverlayTokenPagesAndFeedsButNotTheApiOrMetrics() throws Exception
    {
        fixture = new Fixture(dataDir);

        assertThat(fixture.get("/?token=" + Fixture.OVERLAY_TOKEN).statusCode()).isEqualTo(200);
        assertThat(fixture.get("/api/health?token=" + Fixture.OVERLAY_TOKEN).statusCode()).isEqualTo(403);
        assertThat(fixture.get("/metrics?token=" + Fixture.OVERLAY_TOKEN).statusCode()).isEqualTo(403);
        assertThat(fixture.get("/api/health?token=" + Fixture.TOKEN).statusCode()).isEqualTo(200);
        assertThat(fixture.get("/metrics?token=" + Fixture.TOKEN).statusCode()).isEqualTo(200);
        assertThat(fixture.subscribe("/ws/all?token=" + Fixture.OVERLAY_TOKEN)).isNotNull();
        assertThat(fixture.subscribe("/ws/all?token=" + Fixture.TOKEN)).isNotNull();
    }

    @Test
    void shouldAnswerAndCloseBeforeTheBodyOfAnUnauthenticatedPostIsSent() throws Exception
    {
        fixture = new Fixture(dataDir);
        final int port = fixture.server.port();

        // Headers only: the 64 KB body is never sent. The old server waited for it and answered nothing.
        for (int i = 0; i < 20; i++)
        {
            final String noToken = exchange(port, "POST /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + port +
                "\r\nContent-Type: application/json\r\nContent-Length: 65536\r\n\r\n");
            assertThat(noToken).startsWith("HTTP/1.1 401 ").contains("connection: close");
        }
        final String overlayToken = exchange(port, "POST /api/events?token=" + Fixture.OVERLAY_TOKEN + " HTTP/1.1\r\n" +
            "Host: localhost:" + port + "\r\nContent-Length: 65536\r\n\r\n");
        assertThat(overlayToken).startsWith("HTTP/1.1 403 ");
        final String chunked = exchange(port, "POST /?token=" + Fixture.OVERLAY_TOKEN + " HTTP/1.1\r\n" +
            "Host: localhost:" + port + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(chunked).startsWith("HTTP/1.1 403 ");
        assertThat(fixture.server.refusals().count(Refusals.Reason.UNAUTHORIZED)).isEqualTo(20);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.server.openConnections() == 0);
    }

    @Test
    void shouldRefuseAnUnknownHostNameAsADnsRebindingGuard() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.allowedHosts(List.of("obs.lan")));
        final int port = fixture.server.port();

        final String rebound = exchange(port, "GET /api/health?token=" + Fixture.TOKEN + " HTTP/1.1\r\n" +
            "Host: evil.example:" + port + "\r\nOrigin: http://evil.example:" + port + "\r\n\r\n");
        assertThat(rebound).startsWith("HTTP/1.1 421 ")
            .contains("{\"error\":\"unknown host evil.example (add it to websocket.allowedHosts)\"}");
        final String upgrade = exchange(port, "GET /ws/all?token=" + Fixture.OVERLAY_TOKEN + " HTTP/1.1\r\n" +
            "Host: evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        assertThat(upgrade).startsWith("HTTP/1.1 421 ");
        final String page = exchange(port, "GET /plugins/alerts/ HTTP/1.1\r\nHost: evil.example\r\n\r\n");
        assertThat(page).startsWith("HTTP/1.1 421 ");
        final String noHost = exchange(port, "GET /plugins/alerts/ HTTP/1.1\r\n\r\n");
        assertThat(noHost).startsWith("HTTP/1.1 400 ");

        for (final String host : List.of("localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "obs.lan:" + port,
            "OBS.LAN", "192.168.1.20:" + port))
        {
            assertThat(exchange(port, "GET /api/health?token=" + Fixture.TOKEN + " HTTP/1.1\r\nHost: " + host +
                "\r\nConnection: close\r\n\r\n")).as(host).startsWith("HTTP/1.1 200 ");
        }
        assertThat(fixture.server.refusals().count(Refusals.Reason.UNKNOWN_HOST)).isEqualTo(3);
    }

    @Test
    void shouldCheckEachRequestOfAKeptAliveConnectionAgainstItsOwnTokenAndHostAndTheTokensOfNow() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> {});
        final int port = fixture.server.port();
        try (Socket client = new Socket())
        {
            client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            final OutputStream out = client.getOutputStream();
            out.write(("GET /api/health HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: Bearer " +
                Fixture.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 200 ");
            out.write(("GET /api/health HTTP/1.1\r\nHost: evil.example:" + port + "\r\nAuthorization: Bearer " +
                Fixture.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 421 ");
        }
        try (Socket client = new Socket())
        {
            client.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            final OutputStream out = client.getOutputStream();
            final String health = "GET /api/health HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: Bearer " +
                Fixture.TOKEN + "\r\n\r\n";

            // The overlay token, then the admin token: the second is checked for itself, not taken from the first.
            out.write(("GET / HTTP/1.1\r\nHost: localhost:" + port + "\r\nAuthorization: Bearer " + Fixture.OVERLAY_TOKEN +
                "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 200 ");
            out.write(health.getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 200 ");
            out.write(health.getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 200 ");

            // The same token text again after a rotation: refused on the connection that used it a moment ago.
            fixture.server.tokens(Fixture.OVERLAY_TOKEN, Tokens.generate());
            out.write(health.getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 401 ");
        }
        assertThat(fixture.server.refusals().count(Refusals.Reason.UNAUTHORIZED)).isEqualTo(1);
        assertThat(fixture.server.refusals().count(Refusals.Reason.UNKNOWN_HOST)).isEqualTo(1);
    }

    @Test
    void shouldCloseSessionsOfARotatedTokenAfterTheGraceAndRefuseTheOldToken() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.rotationGraceMs(200));
        final TestClient overlay = fixture.subscribe("/ws/alerts?token=" + Fixture.OVERLAY_TOKEN);
        final TestClient admin = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN);
        final String newOverlay = Tokens.generate();

        fixture.server.tokens(newOverlay, Fixture.TOKEN);

        assertThat(overlay.awaitClose()).isEqualTo(new TestClient.Close(1008, TokenSessions.TOKEN_ROTATED));
        assertThat(fixture.get("/?token=" + Fixture.OVERLAY_TOKEN).statusCode()).isEqualTo(401);
        assertThat(fixture.get("/?token=" + newOverlay).statusCode()).isEqualTo(200);
        assertThat(fixture.subscribe("/ws/alerts?token=" + newOverlay)).isNotNull();
        assertThat(admin.closed).isNotDone();
        fixture.publishPayment(77);
        assertThat(MAPPER.readTree(admin.nextText()).get("amountSats").asLong()).isEqualTo(77);
        assertThat(fixture.server.refusals().count(Refusals.Reason.TOKEN_ROTATED)).isEqualTo(1);
        assertThatThrownBy(() -> fixture.server.tokens("short", Fixture.TOKEN))
            .hasMessage("websocket.token: expected 22 or more characters (128 bits, such as commandcenter token rotate " +
                "makes), got 5");
    }

    @Test
    void shouldEchoNoControlCharactersAndNoPluginListInErrors() throws Exception
    {
        fixture = new Fixture(dataDir);

        final HttpResponse<String> escape = fixture.get("/api/%1B%5B2J%1B%5D0;pwned%07?token=" + Fixture.TOKEN);
        assertThat(escape.statusCode()).isEqualTo(404);
        final String message = error(escape);
        assertThat(message).startsWith("no such endpoint: /api/\\u001b[2J\\u001b]0;pwned\\u0007 ");
        assertThat(message.chars().noneMatch((c) -> c < 0x20)).isTrue();

        final HttpResponse<String> longPath = fixture.get("/" + "a".repeat(1000) + "?token=" + Fixture.TOKEN);
        assertThat(error(longPath)).hasSizeLessThan(400).contains("a...");

        final HttpResponse<String> noPlugin = fixture.get("/plugins/nobody/");
        assertThat(noPlugin.statusCode()).isEqualTo(404);
        assertThat(error(noPlugin)).doesNotContain("alerts");
        assertThat(error(fixture.get("/plugins"))).doesNotContain("alerts");
        assertThat(fixture.get("/?token=" + Fixture.OVERLAY_TOKEN).headers().firstValue("cache-control")).hasValue("no-store");
    }

    @Test
    void shouldRefuseWeakOrSharedTokensNamingTheKeyButNotTheToken()
    {
        final String repeated = "a".repeat(40);
        assertThatThrownBy(() -> new TestCounters().apply(new WebServer.Context()).token("s3cret-token")
            .adminToken(Fixture.TOKEN).conclude())
            .hasMessage("websocket.token: expected 22 or more characters (128 bits, such as commandcenter token rotate " +
                "makes), got 12");
        assertThatThrownBy(() -> new TestCounters().apply(new WebServer.Context()).token(Fixture.OVERLAY_TOKEN)
            .adminToken(repeated).conclude())
            .hasMessage("websocket.adminToken: expected a random secret, got one of only 1 distinct characters " +
                "(too little entropy)");
        assertThatThrownBy(() -> new TestCounters().apply(new WebServer.Context()).token(Fixture.TOKEN)
            .adminToken(Fixture.TOKEN).conclude())
            .hasMessageNotContaining(Fixture.TOKEN)
            .hasMessage("websocket.adminToken: expected a secret different from websocket.token, got the same one");
        assertThat(Tokens.weakness(Tokens.generate())).isNull();
    }

    private HttpResponse<String> post(final String token, final String json) throws Exception
    {
        return fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/events"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(final HttpResponse<String> response) throws IOException
    {
        final JsonNode body = MAPPER.readTree(response.body());
        return body.get("error").asText();
    }

    /**
     * Send a raw request and read until the server closes the connection; fails if it does not within 5 s.
     */
    private static String readResponseHead(final Socket socket) throws IOException
    {
        return RawHttp.readResponseHead(socket, Duration.ofSeconds(5));
    }

    private static String exchange(final int port, final String request) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            final OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream response = new ByteArrayOutputStream();
            final byte[] chunk = new byte[4096];
            try
            {
                for (int read; (read = in.read(chunk)) >= 0; )
                {
                    response.write(chunk, 0, read);
                }
            }
            catch (final SocketTimeoutException ex)
            {
                throw new AssertionError("connection still open 5 s after the request; got so far: " +
                    response.toString(StandardCharsets.ISO_8859_1));
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
