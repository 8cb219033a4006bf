package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.counters.CounterType;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile clients against a real server on loopback (issue #10): pipelined floods that never read, ping floods,
 * half-sent headers and bodies, connection floods, and bodies held open to exhaust memory. Each limit closes or
 * refuses the offender, counts it and logs it without the token, while other clients keep being served.
 */
@Timeout(60)
class HostileConnectionsTest
{
    private static final Duration BOUND = Duration.ofSeconds(15);

    @TempDir
    Path tempDir;

    private final TestCounters counters = new TestCounters();
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    private WebServer launch(final Consumer<WebServer.Context> settings)
    {
        final WebServer.Context ctx = counters.apply(new WebServer.Context())
            .port(0)
            .token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN)
            .closeTimeoutMs(200)
            .warningLog(warnings::add);
        settings.accept(ctx);
        return WebServer.launch(ctx);
    }

    private long trips(final WebLimits.Limit limit)
    {
        return counters.value(CounterType.WEB_LIMITS, limit.suffix);
    }

    @Test
    void shouldStopReadingAPipeliningClientThatNeverReadsAndKeepQueuedBytesUnderTheCap() throws Exception
    {
        final int requests = 50_000;
        final ClassLoader pages = webRoot("overlay.js", 300);
        try (WebServer server = launch((ctx) -> ctx.webRoot("pages", pages, "")
            .maxQueuedBytesPerConnection(1024 * 1024));
            Socket attacker = new Socket())
        {
            attacker.setReceiveBufferSize(4096);
            attacker.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            final byte[] one = ("GET /plugins/pages/overlay.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
            final Thread writer = Thread.ofVirtual().start(() -> writeQuietly(attacker, one, requests));
            final Channel channel = ServerChannels.serverSide(server, attacker, BOUND);

            await().atMost(BOUND).until(() -> !channel.isOpen() || !channel.config().isAutoRead());
            assertThat(pendingBytes(channel)).isLessThanOrEqualTo(1024 * 1024);
            assertThat(healthStatus(server)).isEqualTo(200);
            assertThat(pendingBytes(channel)).isLessThanOrEqualTo(1024 * 1024);
            assertThat(server.httpStatusCounters().value(200)).isLessThan(requests);
            writer.interrupt();
        }
    }

    @Test
    void shouldCloseAndCountAConnectionWhoseQueuedResponsesPassTheCap() throws Exception
    {
        final ClassLoader pages = webRoot("big.js", 64 * 1024);
        // A fixed socket send buffer: with kernel autotuning (up to net.ipv4.tcp_wmem's maximum) the 3.2 MB of
        // answers could all sit in the kernel and never queue in the server.
        try (WebServer server = launch((ctx) -> ctx.webRoot("pages", pages, "")
            .socketSendBufferLength(64 * 1024)
            .maxQueuedBytesPerConnection(512 * 1024));
            Socket attacker = new Socket())
        {
            attacker.setReceiveBufferSize(4096);
            attacker.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            final Channel channel = ServerChannels.serverSide(server, attacker, BOUND);
            final OutputStream out = attacker.getOutputStream();
            out.write(("GET /plugins/pages/big.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").repeat(50)
                .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            await().atMost(BOUND).until(() -> !channel.isOpen());
            assertThat(trips(WebLimits.Limit.QUEUED_BYTES)).isEqualTo(1);
            assertThat(warnings).anyMatch((line) -> line.contains(WebLimits.describe(attacker.getLocalSocketAddress())) &&
                line.contains("websocket.maxQueuedBytesPerConnection"));
            assertThat(healthStatus(server)).isEqualTo(200);
        }
    }

    @Test
    void shouldCloseWith1008AWebSocketClientFloodingPingsWhileOthersAreServed() throws Exception
    {
        try (HttpClient http = HttpClient.newHttpClient();
            WebServer server = launch((ctx) -> ctx.maxControlFramesPerSecond(20));
            Socket attacker = new Socket())
        {
            final TestClient other = TestClient.connect(
                http, URI.create("ws://127.0.0.1:" + server.port() + "/ws/all?token=" + Fixture.TOKEN), null);
            SlowConsumerTest.connectWithoutReading(attacker, server.port());
            final Channel channel = ServerChannels.serverSide(server, attacker, BOUND);
            final ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < 2_000; i++)
            {
                flood.writeBytes(maskedFrame(0x9, new byte[0]));
                flood.writeBytes(maskedFrame(0x1, "ping".getBytes(StandardCharsets.US_ASCII)));
            }
            final Thread writer = Thread.ofVirtual().start(() -> writeQuietly(attacker, flood.toByteArray(), 1));

            await().atMost(BOUND).until(() -> !channel.isOpen());
            assertThat(trips(WebLimits.Limit.CONTROL_FRAMES)).isEqualTo(1);
            final byte[] received = readToEnd(attacker);
            assertThat(closeStatus(received)).isEqualTo(WebSocketSession.POLICY_VIOLATION);
            assertThat(warnings).anyMatch((line) -> line.contains("pings a second") && !line.contains(Fixture.TOKEN));

            other.webSocket.sendText("ping", true);
            assertThat(other.nextText()).isEqualTo("pong");
            assertThat(other.closed).isNotDone();
            writer.interrupt();
        }
    }

    @Test
    void shouldNotAnswerPingsWhileTheConnectionIsNotWritableNorReadMore() throws Exception
    {
        final int highWaterMark = 64 * 1024;
        try (WebServer server = launch((ctx) -> ctx.maxControlFramesPerSecond(1_000_000)
            .writeBufferHighWaterMark(highWaterMark).writeBufferLowWaterMark(highWaterMark / 2)
            .socketSendBufferLength(8 * 1024));
            Socket attacker = new Socket())
        {
            SlowConsumerTest.connectWithoutReading(attacker, server.port());
            final Channel channel = ServerChannels.serverSide(server, attacker, BOUND);
            final byte[] ping = maskedFrame(0x9, new byte[100]);
            final ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < 20_000; i++)
            {
                flood.writeBytes(ping);
            }
            final Thread writer = Thread.ofVirtual().start(() -> writeQuietly(attacker, flood.toByteArray(), 1));

            await().atMost(BOUND).until(() -> !channel.isWritable() && !channel.config().isAutoRead());
            assertThat(pendingBytes(channel)).isLessThanOrEqualTo(highWaterMark + 1024);
            assertThat(channel.isOpen()).isTrue();
            assertThat(trips(WebLimits.Limit.QUEUED_BYTES)).isZero();
            writer.interrupt();
        }
    }

    @Test
    void shouldBoundTheBytesQueuedForAFeedClientThatNeverReadsNotOnlyItsFrames() throws Exception
    {
        final int cap = 64 * 1024;
        final WebSocketEgress egress = new WebSocketEgress(0);
        try (WebServer server = launch((ctx) -> ctx.egress(egress)
            .writeBufferHighWaterMark(cap).writeBufferLowWaterMark(cap / 2).maxQueuedBytesPerConnection(cap)
            .socketSendBufferLength(8 * 1024).slowConsumerDropLimit(1_000_000));
            Socket slow = new Socket())
        {
            SlowConsumerTest.connectWithoutReading(slow, server.port());
            await().atMost(BOUND).until(() -> egress.connectedClients() == 1);
            final Channel channel = ServerChannels.serverSide(server, slow, BOUND);

            final SlowConsumerTest.Output output = new SlowConsumerTest.Output();
            for (int i = 0; i < 2_000 && channel.isOpen(); i++)
            {
                output.sequence(i);
                egress.onOutput(output, 0 == (i + 1) % 100);
            }

            await().atMost(BOUND).until(() -> !channel.isOpen());
            assertThat(trips(WebLimits.Limit.QUEUED_BYTES)).isEqualTo(1);
            assertThat(egress.slowConsumerCloses()).isZero();
            await().atMost(BOUND).until(() -> egress.connectedClients() == 0);
        }
    }

    @Test
    void shouldCloseHalfSentHeadersAfterTheHeaderTimeout() throws Exception
    {
        final int attackers = 500;
        final List<Socket> sockets = new ArrayList<>();
        try (WebServer server = launch((ctx) -> ctx.headerTimeoutMs(300).maxConnectionsPerAddress(1000)))
        {
            for (int i = 0; i < attackers; i++)
            {
                final Socket socket = new Socket();
                sockets.add(socket);
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                socket.getOutputStream().write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                    .getBytes(StandardCharsets.US_ASCII));
            }

            await().atMost(BOUND).until(() -> trips(WebLimits.Limit.HEADER_TIMEOUT) == attackers);
            await().atMost(BOUND).until(() -> server.openConnections() == 0);
            for (final Socket socket : sockets)
            {
                assertThat(readToEnd(socket)).isEmpty();
            }
            assertThat(metrics(server)).contains("commandcenter_web_limit_trips_total{limit=\"header_timeout\"} " + attackers);
            assertThat(warnings).as("one line per address and limit per interval").hasSize(1);
            assertThat(warnings.get(0)).contains("127.0.0.1:").contains("websocket.headerTimeoutMs");
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }
    }

    @Test
    void shouldCloseASlowBodyAfterTheBodyTimeout() throws Exception
    {
        try (WebServer server = launch((ctx) -> ctx.bodyTimeoutMs(300));
            Socket attacker = new Socket())
        {
            attacker.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            postHead(attacker, 1000);
            attacker.getOutputStream().write("{\"type\":".getBytes(StandardCharsets.US_ASCII));

            assertThat(readToEnd(attacker)).isEmpty();
            assertThat(trips(WebLimits.Limit.BODY_TIMEOUT)).isEqualTo(1);
            assertThat(trips(WebLimits.Limit.HEADER_TIMEOUT)).isZero();
            await().atMost(BOUND).until(() -> server.limits().aggregatingBytes() == 0);
        }
    }

    @Test
    void shouldCloseAKeptAliveConnectionAfterTheIdleTimeoutButNotBefore() throws Exception
    {
        try (WebServer server = launch((ctx) -> ctx.idleTimeoutMs(500).headerTimeoutMs(5_000));
            Socket client = new Socket())
        {
            client.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            final OutputStream out = client.getOutputStream();
            final String request = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Fixture.TOKEN +
                "\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 200");
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 200");

            await().atMost(BOUND).until(() -> trips(WebLimits.Limit.IDLE_TIMEOUT) == 1);
            await().atMost(BOUND).until(() -> server.openConnections() == 0);
            assertThat(trips(WebLimits.Limit.HEADER_TIMEOUT)).isZero();
        }
    }

    @Test
    void shouldRefuseConnectionsPastTheTotalLimitAtAcceptAndAcceptAgainWhenOneCloses() throws Exception
    {
        final List<Socket> sockets = new ArrayList<>();
        try (WebServer server = launch((ctx) -> ctx.maxConnections(5)))
        {
            for (int i = 0; i < 5; i++)
            {
                sockets.add(connect(server, null));
            }
            await().atMost(BOUND).until(() -> server.limits().connections() == 5);

            try (Socket refused = connect(server, null))
            {
                assertThat(readToEnd(refused)).isEmpty();
            }
            assertThat(trips(WebLimits.Limit.MAX_CONNECTIONS)).isEqualTo(1);
            assertThat(warnings).anyMatch((line) -> line.contains("websocket.maxConnections"));

            sockets.remove(0).close();
            await().atMost(BOUND).until(() -> server.limits().connections() == 4);
            assertThat(healthStatus(server)).isEqualTo(200);
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }
    }

    @Test
    void shouldRefuseConnectionsPastThePerAddressLimitWhileAnotherAddressIsServed() throws Exception
    {
        final int perAddress = 50;
        final List<Socket> sockets = new ArrayList<>();
        try (WebServer server = launch((ctx) -> ctx.maxConnectionsPerAddress(perAddress)))
        {
            for (int i = 0; i < perAddress; i++)
            {
                sockets.add(connect(server, null));
            }
            await().atMost(BOUND).until(() -> server.limits().connections() == perAddress);

            try (Socket refused = connect(server, null))
            {
                assertThat(readToEnd(refused)).isEmpty();
            }
            assertThat(trips(WebLimits.Limit.MAX_CONNECTIONS_PER_ADDRESS)).isEqualTo(1);
            assertThat(warnings).anyMatch((line) -> line.contains("127.0.0.1:") &&
                line.contains("websocket.maxConnectionsPerAddress"));

            try (Socket other = connect(server, InetAddress.getByName("127.0.0.2")))
            {
                other.getOutputStream().write(("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                    Fixture.TOKEN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertThat(readResponseHead(other)).startsWith("HTTP/1.1 200");
            }
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }
    }

    @Test
    void shouldAnswer503WhenRequestBodiesBeingReadPassTheServerWideCap() throws Exception
    {
        final List<Socket> sockets = new ArrayList<>();
        try (WebServer server = launch((ctx) -> ctx.maxRequestBodyLength(64 * 1024).maxAggregatingBytes(128 * 1024)))
        {
            final byte[] part = "x".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 2; i++)
            {
                final Socket socket = connect(server, null);
                sockets.add(socket);
                postHead(socket, 60_000);
                socket.getOutputStream().write(part);
                final int held = i + 1;
                await().atMost(BOUND).until(() -> server.limits().aggregatingBytes() == held * 50_000L);
            }

            try (Socket third = connect(server, null))
            {
                postHead(third, 60_000);
                third.getOutputStream().write(part);
                final String answer = new String(readToEnd(third), StandardCharsets.US_ASCII);
                assertThat(answer).startsWith("HTTP/1.1 503").contains("too many request bodies");
            }
            assertThat(trips(WebLimits.Limit.AGGREGATING_BYTES)).isEqualTo(1);
            await().atMost(BOUND).until(() -> server.limits().aggregatingBytes() == 100_000L);

            for (final Socket socket : sockets)
            {
                socket.close();
            }
            await().atMost(BOUND).until(() -> server.limits().aggregatingBytes() == 0);
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }
    }

    @Test
    void shouldLogARequestNettyCannotDecodeNamingTheRemoteButNotTheToken() throws Exception
    {
        try (WebServer server = launch((ctx) -> {});
            Socket client = new Socket())
        {
            client.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            client.getOutputStream().write(("GET /api/health?token=" + Fixture.TOKEN + "&pad=" + "a".repeat(8000) +
                " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));

            assertThat(readResponseHead(client)).startsWith("HTTP/1.1 400");
            assertThat(trips(WebLimits.Limit.DECODER_FAILURE)).isEqualTo(1);
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).contains(WebLimits.describe(client.getLocalSocketAddress()))
                .doesNotContain(Fixture.TOKEN);
        }
    }

    @Test
    void shouldPingWebSocketClientsAndCloseOneThatNeverAnswersWith1001() throws Exception
    {
        try (HttpClient http = HttpClient.newHttpClient();
            WebServer server = launch((ctx) -> ctx.pingIntervalMs(100).missedPongs(2));
            Socket silent = new Socket())
        {
            final TestClient answering = TestClient.connect(
                http, URI.create("ws://127.0.0.1:" + server.port() + "/ws/all?token=" + Fixture.TOKEN), null);
            SlowConsumerTest.connectWithoutReading(silent, server.port());

            final byte[] received = readToEnd(silent);
            assertThat(received[0] & 0xFF).as("FIN and ping").isEqualTo(0x89);
            assertThat(received[1] & 0xFF).as("unmasked, empty").isZero();
            assertThat(closeStatus(received)).isEqualTo(WebSocketSession.GOING_AWAY);
            assertThat(trips(WebLimits.Limit.MISSED_PONGS)).isEqualTo(1);

            await().atMost(BOUND).until(() -> answering.pings.get() >= 5);
            assertThat(answering.closed).isNotDone();
            assertThat(trips(WebLimits.Limit.MISSED_PONGS)).isEqualTo(1);
        }
    }

    @Test
    void shouldServeStaticFilesFromACacheReadAgainOnlyWhenThePluginsClassLoaderChanges() throws Exception
    {
        final Path first = tempDir.resolve("first");
        Files.createDirectories(first);
        Files.writeString(first.resolve("page.js"), "one");
        final Path second = tempDir.resolve("second");
        Files.createDirectories(second);
        Files.writeString(second.resolve("page.js"), "two");
        final WebRoot[] current = { new WebRoot(new java.net.URLClassLoader(new java.net.URL[]{ first.toUri().toURL() }, null), "") };
        try (HttpClient http = HttpClient.newHttpClient();
            WebServer server = launch((ctx) -> ctx.webRootLookup((id) -> "reloadable".equals(id) ? current[0] : null)))
        {
            final URI uri = URI.create("http://127.0.0.1:" + server.port() + "/plugins/reloadable/page.js");
            assertThat(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("one");

            Files.writeString(first.resolve("page.js"), "changed on disk");
            final HttpResponse<String> cached = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(cached.body()).isEqualTo("one");
            assertThat(cached.headers().firstValue("Cache-Control")).contains("no-cache");

            current[0] = new WebRoot(new java.net.URLClassLoader(new java.net.URL[]{ second.toUri().toURL() }, null), "");
            assertThat(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("two");
        }
    }

    @Test
    void shouldRefuseBadLimitSettingsNamingTheKey()
    {
        assertRefused((ctx) -> ctx.maxQueuedBytesPerConnection(1), "websocket.maxQueuedBytesPerConnection");
        assertRefused((ctx) -> ctx.maxPipelinedRequests(0), "websocket.maxPipelinedRequests");
        assertRefused((ctx) -> ctx.headerTimeoutMs(0), "websocket.headerTimeoutMs");
        assertRefused((ctx) -> ctx.bodyTimeoutMs(0), "websocket.bodyTimeoutMs");
        assertRefused((ctx) -> ctx.idleTimeoutMs(-1), "websocket.idleTimeoutMs");
        assertRefused((ctx) -> ctx.pingIntervalMs(-1), "websocket.pingIntervalMs");
        assertRefused((ctx) -> ctx.missedPongs(0), "websocket.missedPongs");
        assertRefused((ctx) -> ctx.maxControlFramesPerSecond(0), "websocket.maxControlFramesPerSecond");
        assertRefused((ctx) -> ctx.maxConnections(-1), "websocket.maxConnections");
        assertRefused((ctx) -> ctx.maxConnectionsPerAddress(0), "websocket.maxConnectionsPerAddress");
        assertRefused((ctx) -> ctx.maxAggregatingBytes(10), "websocket.maxAggregatingBytes");
        assertRefused((ctx) -> ctx.limitLogIntervalMs(0), "websocket.limitLogIntervalMs");
    }

    @Test
    void shouldResolveTheDefaultConnectionLimitBelowTheOpenFileLimit()
    {
        final WebServer.Context ctx = counters.apply(new WebServer.Context()).port(0).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN).conclude();

        assertThat(ctx.maxConnections()).isEqualTo(WebServer.Context.autoMaxConnections()).isBetween(1, 4096);
        final var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix)
        {
            assertThat((long)ctx.maxConnections()).isLessThan(unix.getMaxFileDescriptorCount());
        }
    }

    private void assertRefused(final Consumer<WebServer.Context> setting, final String key)
    {
        final WebServer.Context ctx = counters.apply(new WebServer.Context()).port(0).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN);
        setting.accept(ctx);
        org.assertj.core.api.Assertions.assertThatThrownBy(ctx::conclude)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(key + ": expected");
    }

    private ClassLoader webRoot(final String name, final int length) throws IOException
    {
        final Path dir = Files.createDirectories(tempDir.resolve("web-" + name));
        Files.writeString(dir.resolve(name), "/" + "*".repeat(length - 2) + "/");
        return new java.net.URLClassLoader(new java.net.URL[]{ dir.toUri().toURL() }, null);
    }

    private static Socket connect(final WebServer server, final InetAddress localAddress) throws IOException
    {
        final Socket socket = new Socket();
        if (null != localAddress)
        {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        return socket;
    }

    private static void postHead(final Socket socket, final int contentLength) throws IOException
    {
        // authenticated: an unauthenticated body is refused before it is read (see AccessHardeningTest)
        socket.getOutputStream().write(("POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
            "Authorization: Bearer " + Fixture.TOKEN + "\r\nContent-Length: " + contentLength + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    }

    private static long pendingBytes(final Channel channel) throws Exception
    {
        return channel.eventLoop().submit(() ->
        {
            final ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
            return null == outbound ? 0L : outbound.totalPendingWriteBytes();
        }).get();
    }

    private static int healthStatus(final WebServer server) throws Exception
    {
        try (HttpClient http = HttpClient.newHttpClient())
        {
            return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/api/health"))
                    .header("Authorization", "Bearer " + Fixture.TOKEN).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    private static String metrics(final WebServer server) throws Exception
    {
        try (HttpClient http = HttpClient.newHttpClient())
        {
            return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics"))
                    .header("Authorization", "Bearer " + Fixture.TOKEN).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static void writeQuietly(final Socket socket, final byte[] bytes, final int times)
    {
        try
        {
            final OutputStream out = socket.getOutputStream();
            for (int i = 0; i < times; i++)
            {
                out.write(bytes);
            }
            out.flush();
        }
        catch (final IOException ex)
        {
            // the server closed the connection: what the test expects of some attacks
        }
    }

    /**
     * Everything the server sends until it closes the connection (a reset counts as a close).
     */
    private static byte[] readToEnd(final Socket socket) throws IOException
    {
        socket.setSoTimeout((int)BOUND.toMillis());
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
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("the server did not close the connection within " + BOUND, ex);
        }
        catch (final SocketException ex)
        {
            // reset by the server
        }
        return received.toByteArray();
    }

    private static String readResponseHead(final Socket socket) throws IOException
    {
        return RawHttp.readResponseHead(socket, BOUND);
    }

    /**
     * A client frame (masked, as a client must send) with a payload under 126 bytes.
     */
    private static byte[] maskedFrame(final int opcode, final byte[] payload)
    {
        final byte[] mask = { 1, 2, 3, 4 };
        final byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte)(0x80 | opcode);
        frame[1] = (byte)(0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++)
        {
            frame[6 + i] = (byte)(payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /**
     * The status code of the first close frame among server frames, or -1.
     */
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
}
