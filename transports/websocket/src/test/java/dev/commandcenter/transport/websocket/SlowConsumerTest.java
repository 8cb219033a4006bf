package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.egress.OutputEvent;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class SlowConsumerTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BATCH = 16;
    private static final int DROP_LIMIT = 8;

    @Test
    void shouldDropForAndThenCloseAClientThatNeverReadsWhileOthersReceiveEverything() throws Exception
    {
        final WebSocketEgress egress = new WebSocketEgress(0);
        final TestCounters counters = new TestCounters();
        try (HttpClient http = HttpClient.newHttpClient();
            WebServer server = WebServer.launch(counters.apply(new WebServer.Context())
                .port(0)
                .token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN)
                .egress(egress)
                .writeBufferHighWaterMark(64 * 1024)
                .writeBufferLowWaterMark(32 * 1024)
                .socketSendBufferLength(8 * 1024)
                .slowConsumerDropLimit(DROP_LIMIT)
                .closeTimeoutMs(200));
            Socket slow = new Socket())
        {
            final TestClient fast = TestClient.connect(
                http, URI.create("ws://127.0.0.1:" + server.port() + "/ws/all?token=" + Fixture.TOKEN), null);
            await().atMost(Duration.ofSeconds(10)).until(() -> egress.connectedClients() == 1);
            connectWithoutReading(slow, server.port());
            await().atMost(Duration.ofSeconds(10)).until(() -> egress.connectedClients() == 2);

            final Output output = new Output();
            long next = 0;
            long fastNext = 0;
            for (int batch = 0; batch < 2000 && 0 == egress.slowConsumerCloses(); batch++)
            {
                for (int i = 0; i < BATCH; i++)
                {
                    output.sequence(next++);
                    egress.onOutput(output, i == BATCH - 1);
                }
                fastNext = expectInOrder(fast, fastNext, next);
            }

            assertThat(egress.slowConsumerCloses()).isEqualTo(1);
            assertThat(egress.drops()).isGreaterThan(DROP_LIMIT);
            assertThat(egress.connectedClients()).isEqualTo(1);
            assertThat(counters.value(CounterType.WS_SLOW_CLOSES, "")).isEqualTo(1);
            assertThat(counters.value(CounterType.WS_DROPS, "")).isEqualTo(egress.drops()).isGreaterThan(DROP_LIMIT);
            assertThat(counters.value(CounterType.WS_CLIENTS, "")).isEqualTo(1);
            assertThat(counters.value(CounterType.WS_FRAMES_SENT, "")).isEqualTo(egress.messagesSent()).isPositive();
            assertThat(counters.errors).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 1);

            for (int i = 0; i < BATCH; i++)
            {
                output.sequence(next++);
                egress.onOutput(output, i == BATCH - 1);
            }
            fastNext = expectInOrder(fast, fastNext, next);
            assertThat(fastNext).isEqualTo(next);
            assertThat(fast.closed).isNotDone();
        }
    }

    /**
     * Read the fast client's messages up to {@code end}, each the next in sequence: it missed nothing.
     */
    private static long expectInOrder(final TestClient client, final long from, final long end) throws Exception
    {
        long expected = from;
        while (expected < end)
        {
            final long sequence = MAPPER.readTree(client.nextText()).get("sequence").asLong();
            assertThat(sequence).isEqualTo(expected);
            expected++;
        }
        return expected;
    }

    /**
     * A real client that completes the WebSocket handshake with a tiny receive buffer and then never reads.
     */
    static void connectWithoutReading(final Socket socket, final int port) throws Exception
    {
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        final OutputStream out = socket.getOutputStream();
        out.write(("GET /ws/all?token=" + Fixture.TOKEN + " HTTP/1.1\r\n" +
            "Host: 127.0.0.1:" + port + "\r\n" +
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
                throw new AssertionError("connection closed during handshake: " + head);
            }
            head.append((char)b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
    }

    /**
     * An output as the engine's output ring presents it: an OverlayAlert of about 2 KB.
     */
    static final class Output implements OutputEvent
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        private final int length;
        private long sequence;

        Output()
        {
            length = JsonView.instance().fromJson("{\"type\":\"OverlayAlert\",\"kind\":\"CUSTOM\",\"message\":\"" +
                "m".repeat(2000) + "\"}", buffer, 0);
        }

        void sequence(final long sequence)
        {
            this.sequence = sequence;
        }

        public long outputSequence()
        {
            return sequence;
        }

        public long inputSequence()
        {
            return sequence;
        }

        public long timestampNs()
        {
            return 1_700_000_000_000_000_000L + sequence;
        }

        public String pluginId()
        {
            return "bot";
        }

        public int templateId()
        {
            return JsonView.instance().templateId("OverlayAlert");
        }

        public DirectBuffer buffer()
        {
            return buffer;
        }

        public int offset()
        {
            return 0;
        }

        public int length()
        {
            return length;
        }
    }
}
