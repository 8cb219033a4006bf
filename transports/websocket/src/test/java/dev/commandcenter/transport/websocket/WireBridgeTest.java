package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.engine.EngineCycle;
import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.transport.websocket.wire.WireSettings;
import org.agrona.concurrent.UnsafeBuffer;
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
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The web server served through a {@link dev.commandcenter.transport.websocket.wire.WireTransport} (the bridge):
 * the same URLs, gate, sessions, feeds, resume, subprotocols, heartbeats, slow-client policy, token rotation and
 * connection limits as on Netty's own socket, with {@link TestWireTransport} owning the socket. Each test also checks
 * that the transport carried the traffic, so none of them would pass against Netty's listening socket.
 */
@Timeout(60)
class WireBridgeTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final String FEED = "/ws/alerts?token=" + Fixture.TOKEN;

    @TempDir
    Path dataDir;

    final TestWireTransport transport = new TestWireTransport();
    Fixture fixture;

    @AfterEach
    void after()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    /**
     * Post a payment over REST: answered 202, and the overlay gets it with the receipt as its sequence.
     */
    private void postAndReceive(final TestClient overlay) throws Exception
    {
        final HttpResponse<String> posted = fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/events"))
            .header("Authorization", "Bearer " + Fixture.TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"TransactionReceived\",\"amountSats\":5000}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(202);
        final long receipt = MAPPER.readTree(posted.body()).get("receipt").asLong();
        assertThat(MAPPER.readTree(overlay.nextText()).get("sequence").asLong()).isEqualTo(receipt);
    }

    private Fixture launch(final Consumer<WebServer.Context> settings)
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) ->
        {
            ctx.wireTransport(transport);
            settings.accept(ctx);
        });
        return fixture;
    }

    @Test
    void shouldStartTheTransportWithTheServersLimitsAndNameItAsTheBackend()
    {
        final List<String> lines = new CopyOnWriteArrayList<>();
        launch((ctx) -> ctx.infoLog(lines::add).maxFrameLength(4096).maxRequestBodyLength(2048).maxQueuedBytesPerConnection(65536)
            .writeBufferHighWaterMark(32768).writeBufferLowWaterMark(16384).maxConnections(100).closeTimeoutMs(300));

        final WireSettings settings = transport.settings;
        assertThat(settings.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(settings.maxFrameLength()).isEqualTo(4096);
        assertThat(settings.maxRequestBodyLength()).isEqualTo(2048);
        assertThat(settings.maxQueuedBytesPerConnection()).isEqualTo(65536);
        assertThat(settings.highWaterMark()).isEqualTo(32768);
        assertThat(settings.lowWaterMark()).isEqualTo(16384);
        assertThat(settings.maxConnections()).isEqualTo(100);
        assertThat(settings.closeTimeoutMs()).isEqualTo(300);
        assertThat(settings.maxHeaderBytes()).isEqualTo(WireBridge.MAX_HEADER_BYTES);
        assertThat(fixture.server.backend()).isEqualTo("test (netty test transport)");
        assertThat(lines).containsExactly("websocket backend: test (netty test transport)");
        assertThat(fixture.server.port()).isPositive();
    }

    @Test
    void shouldNameNettyAndItsVersionAsTheBackendWithoutATransport()
    {
        final List<String> lines = new CopyOnWriteArrayList<>();
        try (WebServer server = WebServer.launch(new TestCounters().apply(new WebServer.Context())
            .port(0).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN).infoLog(lines::add)))
        {
            assertThat(server.backend()).matches("netty 4\\.2\\.\\d+\\.Final \\((epoll|nio, epoll unavailable: .+|nio)\\)");
            assertThat(lines).containsExactly("websocket backend: " + server.backend());
        }
        assertThat(transport.settings).isNull();
    }

    @Test
    void shouldAnswerTextPingsAndCloseAPingFloodWith1008ThroughTheTransport() throws Exception
    {
        launch((ctx) -> ctx.maxControlFramesPerSecond(5));
        final TestClient client = fixture.subscribe(FEED);

        client.webSocket.sendText("ping", true).get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(client.nextText()).isEqualTo("pong");
        for (int i = 0; i < 10; i++)
        {
            client.webSocket.sendText("ping", true).get(5, java.util.concurrent.TimeUnit.SECONDS);
        }

        final TestClient.Close close = client.awaitClose();
        assertThat(close.code()).isEqualTo(1008);
        assertThat(close.reason()).startsWith("too many pings: more than 5 a second");
        assertThat(fixture.server.limits().trips(WebLimits.Limit.CONTROL_FRAMES)).isEqualTo(1);
    }

    @Test
    void shouldServePagesRestHealthMetricsAndTheIndexThroughTheTransport() throws Exception
    {
        launch((ctx) -> {});
        final TestClient overlay = fixture.subscribe(FEED);

        final HttpResponse<String> page = fixture.get("/plugins/alerts/?token=whatever");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("alerts-overlay-marker");
        assertThat(fixture.get("/plugins/alerts?token=abc").statusCode()).isEqualTo(302);

        postAndReceive(overlay);

        assertThat(fixture.get("/api/health?token=" + Fixture.TOKEN).statusCode()).isEqualTo(200);
        assertThat(fixture.get("/api/health").statusCode()).isEqualTo(401);
        assertThat(fixture.get("/api/health?token=" + Fixture.OVERLAY_TOKEN).statusCode()).isEqualTo(403);
        final HttpResponse<String> metrics = fixture.get("/metrics?token=" + Fixture.TOKEN);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("commandcenter_");
        assertThat(fixture.get("/?token=" + Fixture.OVERLAY_TOKEN).body()).contains("/plugins/alerts/");
        assertThat(fixture.get("/nowhere?token=" + Fixture.TOKEN).statusCode()).isEqualTo(404);

        assertThat(fixture.server.httpStatusCounters().value(202)).isEqualTo(1);
        assertThat(fixture.server.httpStatusCounters().value(101)).isEqualTo(1);
        assertThat(transport.commands).anyMatch((command) -> command.startsWith("respond ") && command.endsWith(" 202"));
        assertThat(transport.commands.stream().filter((command) -> command.startsWith("respond "))).hasSize(9);
        assertThat(fixture.errors).isEmpty();
    }

    @Test
    void shouldRunTheEngineOnTheLoopThatCarriesTheTransportsRequestsWhenLentItsCycle() throws Exception
    {
        // The loop's safety tick is an hour: only the cycle's waker brings it back for an event.
        fixture = new Fixture(dataDir, new WebSocketEgress(0),
            (ctx) -> ctx.threadingMode(ThreadingMode.SHARED).waitStrategy("blocking"),
            (engine, ctx) -> ctx.wireTransport(transport).engineCycle(engine.lendableCycle(), TimeUnit.HOURS.toNanos(1)));
        final EngineCycle cycle = fixture.engine.lendableCycle();
        await().atMost(BOUND).until(cycle::isLent);
        final TestClient overlay = fixture.subscribe(FEED);

        postAndReceive(overlay);
        final long sequence = fixture.publishPayment(6000);
        assertThat(MAPPER.readTree(overlay.nextText()).get("sequence").asLong()).isEqualTo(sequence);
        assertThat(fixture.plugin.threads).hasSize(2).allMatch((name) -> name.startsWith("cc-web-http"));
        assertThat(transport.commands).anyMatch((command) -> command.startsWith("respond ") && command.endsWith(" 202"));

        fixture.server.close();
        assertThat(cycle.isLent()).as("given back when the loop stopped").isFalse();
    }

    @Test
    void shouldReadTheEventsOfATransportThatGivesThemOnTheFirstHttpLoop() throws Exception
    {
        // Without the engine's cycle nothing else starts the first loop: only the wake after the transport's start.
        transport.hosting = true;
        launch((ctx) -> {});
        final TestClient overlay = fixture.subscribe(FEED);

        postAndReceive(overlay);
        assertThat(transport.queued.pollThreads).singleElement().satisfies((name) -> assertThat(name).startsWith("cc-web-http"));
        assertThat(transport.commands).anyMatch((command) -> command.startsWith("respond ") && command.endsWith(" 202"));
        assertThat(fixture.errors).isEmpty();
    }

    @Test
    void shouldReadTheEventsOfATransportThatGivesThemOnTheLoopThatRunsTheEngine() throws Exception
    {
        // The loop's safety tick is an hour: it waits on the transport, so only the transport's wakes and the
        // engine's bring it back.
        transport.hosting = true;
        fixture = new Fixture(dataDir, new WebSocketEgress(0),
            (ctx) -> ctx.threadingMode(ThreadingMode.SHARED).waitStrategy("blocking"),
            (engine, ctx) -> ctx.wireTransport(transport).engineCycle(engine.lendableCycle(), TimeUnit.HOURS.toNanos(1)));
        final TestClient overlay = fixture.subscribe(FEED);

        postAndReceive(overlay);
        final long sequence = fixture.publishPayment(6000);
        assertThat(MAPPER.readTree(overlay.nextText()).get("sequence").asLong()).isEqualTo(sequence);
        assertThat(transport.queued.pollThreads).singleElement().satisfies((name) -> assertThat(name).startsWith("cc-web-http"));
        assertThat(fixture.plugin.threads).as("the engine ran on the loop that read the events")
            .hasSize(2).allMatch(transport.queued.pollThreads::contains);
        assertThat(fixture.errors).isEmpty();
    }

    @Test
    void shouldAnswerARefusedPostAndCloseTheConnectionAfterIt() throws Exception
    {
        launch((ctx) -> {});

        final HttpResponse<String> refused = fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/events"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"TransactionReceived\",\"amountSats\":1}"))
            .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(fixture.server.refusals().count(Refusals.Reason.UNAUTHORIZED)).isEqualTo(1);
        await().atMost(BOUND).until(() -> transport.commands.stream().anyMatch((c) -> c.endsWith(" 401 close")));
        await().atMost(BOUND).until(() -> 0 == fixture.server.openConnections());
    }

    @Test
    void shouldDeliverJsonAndSbeFeedsRetainedMessagesAndSubprotocolsThroughTheTransport() throws Exception
    {
        launch((ctx) -> {});
        final TestClient json = fixture.subscribe(FEED, WebSocketUpgrade.JSON_V1);
        final TestClient sbe = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN, WebSocketUpgrade.SBE_V1);
        assertThat(json.webSocket.getSubprotocol()).isEqualTo(WebSocketUpgrade.JSON_V1);
        assertThat(sbe.webSocket.getSubprotocol()).isEqualTo(WebSocketUpgrade.SBE_V1);

        final long sequence = fixture.publishPayment(5000);
        final JsonNode node = MAPPER.readTree(json.nextText());
        assertThat(node.get("sequence").asLong()).isEqualTo(sequence);
        assertThat(node.get("amountSats").asLong()).isEqualTo(5000);
        final byte[] bytes = sbe.nextBinary();
        assertThat(MessageSchema.validate(new UnsafeBuffer(bytes), 0, bytes.length)).isNull();

        final TestClient late = fixture.connect(FEED);
        assertThat(MAPPER.readTree(late.nextText()).get("amountSats").asLong()).isEqualTo(5000);

        // Longer than the encoder writes in one buffer: the retained copy a late client gets is a composite.
        final String big = "x".repeat(3000);
        fixture.publish("{\"type\":\"ChatMessage\",\"messageId\":9,\"channel\":\"main\",\"user\":\"ann\",\"text\":\"" + big + "\"}");
        assertThat(MAPPER.readTree(json.nextText()).get("text").asText()).isEqualTo(big);
        assertThat(MAPPER.readTree(late.nextText()).get("text").asText()).isEqualTo(big);
        final TestClient later = fixture.connect(FEED);
        assertThat(MAPPER.readTree(later.nextText()).get("amountSats").asLong()).isEqualTo(5000);
        assertThat(MAPPER.readTree(later.nextText()).get("text").asText()).isEqualTo(big);

        assertThat(TestCounters.value(fixture.engine.countersReader(), CounterType.WS_CLIENTS, "")).isEqualTo(4);
        assertThat(fixture.server.openConnections()).isEqualTo(4);
        assertThat(transport.openConnections()).isEqualTo(4);
        assertThat(fixture.errors).isEmpty();
    }

    @Test
    void shouldCloseRefusedUpgradesWithTheSameCodesAndReasons() throws Exception
    {
        launch((ctx) -> {});

        assertThat(fixture.connect("/ws/alerts?token=wrong").awaitClose())
            .isEqualTo(new TestClient.Close(1008, "unauthorized: missing or invalid token"));
        assertThat(fixture.connect(FEED, "graphql-ws").awaitClose()).isEqualTo(new TestClient.Close(1002,
            "unsupported subprotocol graphql-ws: expected cc.json.v1 or cc.sbe.v1"));
        assertThat(fixture.connect("/ws/nobody?token=" + Fixture.TOKEN).awaitClose().code()).isEqualTo(1008);
        assertThat(fixture.connect(FEED + "&since=x").awaitClose().code()).isEqualTo(1008);

        assertThat(fixture.egress.connectedClients()).isZero();
        assertThat(fixture.server.refusals().count(Refusals.Reason.UNAUTHORIZED)).isEqualTo(1);
        assertThat(transport.commands).anyMatch((command) -> command.contains(" 1002 unsupported subprotocol"));
    }

    @Test
    void shouldRefuseAnUnknownHostWithACloseNamingIt() throws Exception
    {
        launch((ctx) -> {});
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", fixture.server.port()), 5000);
            handshake(socket, fixture.server.port(), "evil.example:" + fixture.server.port(), FEED);

            final byte[] frames = readToEnd(socket);
            assertThat(frames[0] & 0xFF).isEqualTo(0x88);
            assertThat(closeStatus(frames)).isEqualTo(1008);
            assertThat(new String(frames, 4, frames.length - 4, StandardCharsets.UTF_8)).startsWith("unknown host evil.example");
        }
        assertThat(fixture.server.refusals().count(Refusals.Reason.UNKNOWN_HOST)).isEqualTo(1);
        assertThat(fixture.server.httpStatusCounters().value(421)).isEqualTo(1);
    }

    @Test
    void shouldResumeWithSinceAndSendOneGapThroughTheTransport() throws Exception
    {
        fixture = new Fixture(dataDir, new WebSocketEgress(0, 1), (ctx) -> {}, (ctx) -> ctx.wireTransport(transport));
        final TestClient observer = fixture.subscribe(FEED);
        final long first = fixture.publishPayment(1);
        fixture.publishPayment(2);
        final long third = fixture.publishPayment(3);
        for (int i = 0; i < 3; i++)
        {
            observer.nextText();
        }

        final TestClient resumed = fixture.connect(FEED + "&since=" + first);
        assertThat(resumed.nextText()).isEqualTo("{\"type\":\"gap\",\"missed\":" + (third - first - 1) + ",\"from\":" + third + "}");
        assertThat(MAPPER.readTree(resumed.nextText()).get("amountSats").asLong()).isEqualTo(3);
        fixture.publishPayment(4);
        assertThat(MAPPER.readTree(resumed.nextText()).get("amountSats").asLong()).isEqualTo(4);
        assertThat(fixture.egress.resumesServed()).isEqualTo(1);
        assertThat(fixture.egress.gapsSent()).isEqualTo(1);

        assertThat(fixture.connect(FEED + "&since=999999").awaitClose().code()).isEqualTo(1008);
    }

    @Test
    void shouldCloseSessionsOfARotatedTokenThroughTheTransport() throws Exception
    {
        launch((ctx) -> ctx.rotationGraceMs(100));
        final TestClient overlay = fixture.subscribe("/ws/alerts?token=" + Fixture.OVERLAY_TOKEN);
        final TestClient admin = fixture.subscribe(FEED);

        fixture.server.tokens(Tokens.generate(), Fixture.TOKEN);

        assertThat(overlay.awaitClose()).isEqualTo(new TestClient.Close(1008, TokenSessions.TOKEN_ROTATED));
        assertThat(admin.closed).isNotDone();
        assertThat(fixture.server.refusals().count(Refusals.Reason.TOKEN_ROTATED)).isEqualTo(1);
        assertThat(transport.commands).anyMatch((command) -> command.endsWith(" 1008 " + TokenSessions.TOKEN_ROTATED));
    }

    @Test
    void shouldPingThroughTheTransportAndCloseAClientThatNeverAnswersWith1001() throws Exception
    {
        // A second of silence allowed: a client answering pings on a loaded machine is never taken for a silent one.
        launch((ctx) -> ctx.pingIntervalMs(200).missedPongs(5));
        try (Socket silent = new Socket())
        {
            final TestClient answering = fixture.subscribe(FEED);
            silent.connect(new InetSocketAddress("127.0.0.1", fixture.server.port()), 5000);
            handshake(silent, fixture.server.port(), "127.0.0.1:" + fixture.server.port(), FEED);

            final byte[] received = readToEnd(silent);
            assertThat(received[0] & 0xFF).isEqualTo(0x89);
            assertThat(closeStatus(received)).isEqualTo(WebSocketSession.GOING_AWAY);
            assertThat(fixture.server.limits().trips(WebLimits.Limit.MISSED_PONGS)).isEqualTo(1);

            await().atMost(BOUND).until(() -> answering.pings.get() >= 8);
            assertThat(answering.closed).isNotDone();
            assertThat(fixture.server.limits().trips(WebLimits.Limit.MISSED_PONGS)).isEqualTo(1);
            assertThat(transport.commands).anyMatch((command) -> command.startsWith("ping "));
        }
    }

    @Test
    void shouldDropForAndCloseWith1013AClientThatNeverReadsWhileAnotherReceivesEverything() throws Exception
    {
        final WebSocketEgress egress = new WebSocketEgress(0);
        final TestCounters counters = new TestCounters();
        try (HttpClient http = HttpClient.newHttpClient();
            WebServer server = WebServer.launch(counters.apply(new WebServer.Context())
                .port(0)
                .token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN)
                .egress(egress)
                .wireTransport(transport)
                .writeBufferHighWaterMark(64 * 1024)
                .writeBufferLowWaterMark(32 * 1024)
                .maxQueuedBytesPerConnection(256 * 1024)
                .slowConsumerDropLimit(8)
                .closeTimeoutMs(200));
            Socket slow = new Socket())
        {
            final TestClient fast = TestClient.connect(
                http, URI.create("ws://127.0.0.1:" + server.port() + "/ws/all?token=" + Fixture.TOKEN), null);
            await().atMost(BOUND).until(() -> egress.connectedClients() == 1);
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            handshake(slow, server.port(), "127.0.0.1:" + server.port(), "/ws/all?token=" + Fixture.TOKEN);
            await().atMost(BOUND).until(() -> egress.connectedClients() == 2);

            final SlowConsumerTest.Output output = new SlowConsumerTest.Output();
            long next = 0;
            long fastNext = 0;
            for (int batch = 0; batch < 2000 && 0 == egress.slowConsumerCloses(); batch++)
            {
                for (int i = 0; i < 16; i++)
                {
                    output.sequence(next++);
                    egress.onOutput(output, i == 15);
                }
                while (fastNext < next)
                {
                    assertThat(MAPPER.readTree(fast.nextText()).get("sequence").asLong()).isEqualTo(fastNext++);
                }
            }

            assertThat(egress.slowConsumerCloses()).isEqualTo(1);
            assertThat(egress.drops()).isGreaterThan(8);
            assertThat(counters.value(CounterType.WS_SLOW_CLOSES, "")).isEqualTo(1);
            await().atMost(BOUND).until(() -> egress.connectedClients() == 1);
            assertThat(transport.commands).anyMatch((command) -> command.endsWith(" 1013 slow consumer"));
            assertThat(fast.closed).isNotDone();
            assertThat(counters.errors).isEmpty();
        }
    }

    @Test
    void shouldRefuseConnectionsPastThePerAddressLimitAndServeAgainWhenOneCloses() throws Exception
    {
        final List<String> warnings = new CopyOnWriteArrayList<>();
        launch((ctx) -> ctx.maxConnectionsPerAddress(1).warningLog(warnings::add));
        final TestClient first = fixture.subscribe(FEED);

        try (Socket other = new Socket())
        {
            other.connect(new InetSocketAddress("127.0.0.1", fixture.server.port()), 5000);
            other.setSoTimeout((int)BOUND.toMillis());
            other.getOutputStream().write(("GET /api/health?token=" + Fixture.TOKEN + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            assertThat(readToEnd(other)).isEmpty();
        }
        assertThat(fixture.server.limits().trips(WebLimits.Limit.MAX_CONNECTIONS_PER_ADDRESS)).isEqualTo(1);
        assertThat(warnings).anyMatch((line) -> line.contains("127.0.0.1:") &&
            line.contains("websocket.maxConnectionsPerAddress"));
        assertThat(transport.commands).anyMatch((command) -> command.startsWith("abort "));

        first.webSocket.sendClose(1000, "bye");
        await().atMost(BOUND).until(() -> 0 == fixture.server.limits().connections());
        assertThat(fixture.get("/api/health?token=" + Fixture.TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldTellFeedClientsTheServerIsGoingAwayOnClose() throws Exception
    {
        launch((ctx) -> {});
        final TestClient client = fixture.subscribe(FEED);

        fixture.server.close();

        assertThat(client.awaitClose()).isEqualTo(new TestClient.Close(1001, "server shutting down"));
        assertThat(transport.openConnections()).isZero();
    }

    @Test
    void shouldFailToLaunchWithOneLineWhenTheTransportCannotBind() throws Exception
    {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            assertThatThrownBy(() -> launch((ctx) -> ctx.port(taken.getLocalPort())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
        }
    }

    private static void handshake(final Socket socket, final int port, final String host, final String pathAndQuery)
        throws IOException
    {
        socket.setSoTimeout((int)BOUND.toMillis());
        final OutputStream out = socket.getOutputStream();
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\n" +
            "Host: " + host + "\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
            "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        final InputStream in = socket.getInputStream();
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new AssertionError("connection closed during handshake on port " + port + ": " + head);
            }
            head.append((char)b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
    }

    private static byte[] readToEnd(final Socket socket) throws IOException
    {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final InputStream in = socket.getInputStream();
        final byte[] chunk = new byte[8192];
        try
        {
            for (int n; (n = in.read(chunk)) >= 0; )
            {
                received.write(chunk, 0, n);
            }
        }
        catch (final SocketException ex)
        {
            // reset by the server
        }
        return received.toByteArray();
    }

    private static int closeStatus(final byte[] frames)
    {
        int at = 0;
        while (at + 2 <= frames.length)
        {
            final int opcode = frames[at] & 0x0F;
            int length = frames[at + 1] & 0x7F;
            int header = 2;
            if (126 == length)
            {
                length = ((frames[at + 2] & 0xFF) << 8) | (frames[at + 3] & 0xFF);
                header = 4;
            }
            if (0x8 == opcode && length >= 2)
            {
                return ((frames[at + header] & 0xFF) << 8) | (frames[at + header + 1] & 0xFF);
            }
            at += header + length;
        }
        return -1;
    }

    @Test
    void shouldSpreadTheNativeTransportsConnectionIdsOverTheMapsHashes()
    {
        // The native transport's ids: generation << 32 | slot; connections opened in turn take slot g - 1.
        final java.util.Set<Integer> plain = new java.util.HashSet<>();
        final java.util.Set<Integer> spread = new java.util.HashSet<>();
        final java.util.Set<Long> keys = new java.util.HashSet<>();
        for (long generation = 1; generation <= 1_000; generation++)
        {
            final long id = generation << 32 | (generation - 1);
            plain.add(Long.hashCode(id));
            spread.add(WireBridge.key(id).hashCode());
            keys.add(WireBridge.key(id));
        }

        assertThat(plain).hasSizeLessThan(16);
        assertThat(keys).hasSize(1_000);
        assertThat(spread).hasSizeGreaterThan(990);
    }
}
