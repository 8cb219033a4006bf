package dev.commandcenter.nativews;

import dev.commandcenter.transport.websocket.wire.WireRequest;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class NativeHttpTest
{
    private final RecordingListener listener = new RecordingListener();
    private NativeWireTransport transport;
    private InetSocketAddress address;

    private void start(final dev.commandcenter.transport.websocket.wire.WireSettings settings) throws Exception
    {
        transport = new NativeWireTransport(NativeTestSupport.library());
        address = transport.start(settings, listener);
        listener.reaction = event ->
        {
            if (event.kind().equals("request"))
            {
                final WireRequest request = event.request();
                final byte[] body = ("echo " + request.method() + " " + request.uri() + " " +
                    new String(request.body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                transport.respond(event.connection(), 200,
                    new String[] {"content-type", "text/plain", "x-served-by", "native"},
                    new UnsafeBuffer(body), 0, body.length, false);
            }
        };
    }

    @AfterEach
    void tearDown()
    {
        if (null != transport)
        {
            transport.close();
        }
    }

    @Test
    void shouldWakeTheWaitingPollerThroughTheEventfdForEachRequest() throws Exception
    {
        start(NativeTestSupport.settings());
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 1; i <= 3; i++)
        {
            // Idle: the poller has given up spinning and waits on the eventfd, so only the shim's write wakes it.
            await().atMost(Duration.ofSeconds(10)).until(transport::pollerWaiting);
            final long wakesBefore = transport.pollerWakes();
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + address.getPort() + "/wake/" + i))
                .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("echo GET /wake/" + i + " ");
            assertThat(transport.pollerWakes()).isGreaterThan(wakesBefore);
        }
    }

    @Test
    void shouldIndexTheSocketTableByDescriptorUnderAModestOpenFileLimit() throws Exception
    {
        start(NativeTestSupport.settings());
        final long openFileLimit = ((com.sun.management.UnixOperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();

        // Searched on every socket event only when a table as large as the limit would be too large.
        assertThat(transport.fdTableSize())
            .isEqualTo(openFileLimit <= NativeProtocol.FD_TABLE_MAX ? openFileLimit : 0L);
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final HttpResponse<String> response = client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/table")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("echo GET /table ");
    }

    @Test
    void shouldDeliverRequestWithHeadersAndBodyAndSendTheResponse() throws Exception
    {
        start(NativeTestSupport.settings());
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + address.getPort() + "/api/events?token=abc&x=1"))
            .header("Authorization", "Bearer t0k")
            .header("Content-Type", "application/json")
            .header("Origin", "http://example.test")
            .header("Cookie", "a=b")
            .header("User-Agent", "cc-test")
            .header("Accept", "text/plain")
            .header("X-Forwarded-For", "10.0.0.9")
            .header("If-None-Match", "\"v1\"")
            .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
            .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("echo POST /api/events?token=abc&x=1 {\"a\":1}");
        assertThat(response.headers().firstValue("x-served-by")).hasValue("native");
        assertThat(response.headers().firstValue("content-type")).hasValue("text/plain");

        final WireRequest request = listener.await("request").request();
        assertThat(request.header("host")).isEqualTo("127.0.0.1:" + address.getPort());
        assertThat(request.header("authorization")).isEqualTo("Bearer t0k");
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.header("content-length")).isEqualTo("7");
        assertThat(request.header("origin")).isEqualTo("http://example.test");
        assertThat(request.header("cookie")).isEqualTo("a=b");
        assertThat(request.header("user-agent")).isEqualTo("cc-test");
        assertThat(request.header("accept")).isEqualTo("text/plain");
        assertThat(request.header("x-forwarded-for")).isEqualTo("10.0.0.9");
        assertThat(request.header("if-none-match")).isEqualTo("\"v1\"");
        assertThat(request.remoteAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(request.remoteAddress().getPort()).isPositive();
    }

    @Test
    void shouldKeepTheConnectionAliveAcrossRequests() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient client = new RawClient(address))
        {
            for (int i = 0; i < 3; i++)
            {
                client.write("GET /page/" + i + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                final String head = client.readHead();
                assertThat(head).startsWith("HTTP/1.1 200");
                assertThat(client.readBody(head)).isEqualTo("echo GET /page/" + i + " ");
            }
        }
        assertThat(listener.of("request")).extracting(RecordingListener.Event::connection).containsOnly(
            listener.of("request").getFirst().connection());
    }

    @Test
    void shouldAnswerPipelinedRequestsWithoutABodyInOrder() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient client = new RawClient(address))
        {
            client.write("GET /a HTTP/1.1\r\nHost: localhost\r\n\r\nGET /b HTTP/1.1\r\nHost: localhost\r\n\r\n" +
                "GET /c HTTP/1.1\r\nHost: localhost\r\n\r\n");
            for (final String page : new String[] {"/a", "/b", "/c"})
            {
                final String head = client.readHead();
                assertThat(head).startsWith("HTTP/1.1 200");
                assertThat(client.readBody(head)).isEqualTo("echo GET " + page + " ");
            }
        }
        assertThat(transport.pipeliningDrops()).isZero();
    }

    @Test
    void shouldDropAClientPipeliningAfterARequestWithABodyAndKeepServing() throws Exception
    {
        start(NativeTestSupport.settings());
        final RecordingListener.Reaction echo = listener.reaction;
        final java.util.concurrent.atomic.AtomicLong held = new java.util.concurrent.atomic.AtomicLong();
        listener.reaction = event ->
        {
            if (event.kind().equals("request") && "POST".equals(event.request().method()))
            {
                held.set(event.connection()); // answered later: the next request is already in the server's buffer
            }
            else
            {
                echo.on(event);
            }
        };
        final String post = "POST /api/events HTTP/1.1\r\nHost: localhost\r\nContent-Length: 7\r\n\r\n{\"a\":1}";
        try (RawClient client = new RawClient(address))
        {
            client.write(post + post);
            assertThat(client.readToEnd()).as("dropped, nothing answered").isEmpty();
        }
        listener.await("closed");
        assertThat(transport.pipeliningDrops()).isEqualTo(1);
        assertThat(listener.of("request")).as("the first request was handed over once, the next never").hasSize(1);
        final byte[] late = "late".getBytes(StandardCharsets.UTF_8);
        assertThat(transport.respond(held.get(), 202, new String[0], new UnsafeBuffer(late), 0, 4, false))
            .isEqualTo(WireTransport.GONE);

        try (RawClient client = new RawClient(address))
        {
            client.write("GET /after HTTP/1.1\r\nHost: localhost\r\n\r\n");
            final String head = client.readHead();
            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(client.readBody(head)).isEqualTo("echo GET /after ");
        }
    }

    @Test
    void shouldAnswerAnH2cUpgradeAsHttp11AndClose() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient client = new RawClient(address))
        {
            client.write("GET /h2 HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n" +
                "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
            final String head = client.readHead();
            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(client.readBody(head)).isEqualTo("echo GET /h2 ");
            assertThat(client.readToEnd()).isEmpty();
        }
        assertThat(listener.of("request")).hasSize(1);
    }

    @Test
    void shouldCloseAfterTheResponseWhenAsked() throws Exception
    {
        start(NativeTestSupport.settings());
        listener.reaction = event ->
        {
            if (event.kind().equals("request"))
            {
                final byte[] body = "bye".getBytes(StandardCharsets.UTF_8);
                transport.respond(event.connection(), 404, new String[0], new UnsafeBuffer(body), 0, 3, true);
            }
        };
        try (RawClient client = new RawClient(address))
        {
            client.write("GET /missing HTTP/1.1\r\nHost: localhost\r\n\r\n");
            final String head = client.readHead();
            assertThat(head).startsWith("HTTP/1.1 404");
            assertThat(client.readBody(head)).isEqualTo("bye");
            assertThat(client.readToEnd()).isEmpty();
        }
        assertThat(listener.await("closed").code()).isZero();
    }

    @Test
    void shouldWriteTheResponseWhenReadingStoppedBeforeIt() throws Exception
    {
        start(NativeTestSupport.settings());
        listener.reaction = event ->
        {
            if (event.kind().equals("request"))
            {
                // as the server's request gate refuses: stop reading, then answer and close
                transport.read(event.connection(), false);
                final byte[] body = "no".getBytes(StandardCharsets.UTF_8);
                transport.respond(event.connection(), 421, new String[] { "Connection", "close" },
                    new UnsafeBuffer(body), 0, 2, true);
            }
        };
        try (RawClient client = new RawClient(address))
        {
            client.write("GET /refused HTTP/1.1\r\nHost: evil.example\r\n\r\n");
            final String head = client.readHead();
            assertThat(head).startsWith("HTTP/1.1 421");
            assertThat(client.readBody(head)).isEqualTo("no");
            assertThat(client.readToEnd()).isEmpty();
        }
        assertThat(listener.await("closed").code()).isZero();
    }

    @Test
    void shouldAnswer413WithoutReadingAnOversizedBody() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient client = new RawClient(address))
        {
            client.write("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10000000\r\n\r\nabc");
            final String head = client.readHead();
            assertThat(head).startsWith("HTTP/1.1 413");
            assertThat(head.toLowerCase()).contains("content-type: application/json; charset=utf-8");
            assertThat(client.readBody(head)).isEqualTo(
                "{\"error\":\"request body larger than 65536 bytes (websocket.maxRequestBodyLength)\"}");
        }
        assertThat(listener.of("request")).isEmpty();
    }

    @Test
    void shouldRefuseAHugeHeaderAndKeepServing() throws Exception
    {
        start(NativeTestSupport.settings());
        try (RawClient client = new RawClient(address))
        {
            client.write("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n");
            final String answer = new String(client.readToEnd(), StandardCharsets.ISO_8859_1);
            assertThat(answer).doesNotStartWith("HTTP/1.1 200");
        }
        assertThat(listener.of("request")).isEmpty();

        final HttpResponse<String> response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + "/after")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("echo GET /after ");
    }

    @Test
    void shouldDropAConnectionThatNeverFinishesItsHead() throws Exception
    {
        start(NativeTestSupport.settings(0, 1 << 20, 1 << 18, 1 << 17, 1_000));
        try (RawClient client = new RawClient(address))
        {
            client.write("GET / HTTP/1.1\r\nHost: loc");
            final long started = System.nanoTime();
            client.readToEnd();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(14));
        }
        assertThat(listener.of("request")).isEmpty();
    }

    @Test
    void shouldCloseAKeptAliveConnectionThatSitsIdle() throws Exception
    {
        start(new dev.commandcenter.transport.websocket.wire.WireSettings(
            "127.0.0.1", 0, 65536, 65536, 8192, 1 << 20, 1 << 18, 1 << 17, 0, 10_000, 1_000, 2_000));
        try (RawClient client = new RawClient(address))
        {
            client.write("GET /once HTTP/1.1\r\nHost: localhost\r\n\r\n");
            final String head = client.readHead();
            assertThat(head).startsWith("HTTP/1.1 200");
            assertThat(client.readBody(head)).isEqualTo("echo GET /once ");
            final long started = System.nanoTime();
            assertThat(client.readToEnd()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(14));
        }
        assertThat(listener.await("closed").code()).isZero();
    }

    @Test
    void shouldDropAResponseForAConnectionThatIsGone() throws Exception
    {
        start(NativeTestSupport.settings());
        listener.reaction = event -> {};
        try (RawClient client = new RawClient(address))
        {
            client.write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
            listener.await("request");
        }
        final long connection = listener.await("closed").connection();
        final byte[] body = "late".getBytes(StandardCharsets.UTF_8);
        assertThat(transport.respond(connection, 200, new String[0], new UnsafeBuffer(body), 0, 4, false))
            .isEqualTo(WireTransport.GONE);
    }
}
