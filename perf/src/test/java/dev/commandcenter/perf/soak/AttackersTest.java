package dev.commandcenter.perf.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class AttackersTest
{
    private static final Duration BOUND = Duration.ofSeconds(20);

    @Test
    void shouldPipelineRequestsUpToItsByteBoundWithoutReading() throws IOException
    {
        final AtomicLong received = new AtomicLong();
        try (LocalServer server = new LocalServer((socket) ->
        {
            final byte[] buffer = new byte[64 * 1024];
            int read;
            while ((read = socket.getInputStream().read(buffer)) >= 0)
            {
                received.addAndGet(read);
            }
        });
            Pipeliner pipeliner = new Pipeliner(server.address(), 1 << 20, 10))
        {
            pipeliner.start();

            await().atMost(BOUND).until(() -> received.get() >= 1 << 20);
            assertThat(pipeliner.stats().bytesSent.get()).isBetween(1L << 20, (1L << 20) + 64 * 100);
            assertThat(pipeliner.stats().requests.get()).isGreaterThan(10_000);
            assertThat(pipeliner.stats().connected.get()).isEqualTo(1);
            assertThat(pipeliner.stats().bytesReceived.get()).isZero();
        }
    }

    @Test
    void shouldCountServerClosesAndStopReconnectingAtItsBound() throws IOException
    {
        try (LocalServer server = new LocalServer(Socket::close);
            Pipeliner pipeliner = new Pipeliner(server.address(), 1L << 40, 5))
        {
            pipeliner.start();

            await().atMost(BOUND).until(() -> pipeliner.stats().connected.get() + pipeliner.stats().refused.get() >= 5 &&
                pipeliner.stats().open.get() == 0);
            assertThat(pipeliner.stats().closedByServer.get()).isEqualTo(pipeliner.stats().connected.get());
            assertThat(server.accepted.get()).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void shouldUpgradeThenSendMaskedPingAndTextFramesWithTheToken() throws IOException
    {
        final StringBuilder handshake = new StringBuilder();
        final byte[] firstFrames = new byte[20];
        final AtomicLong framesRead = new AtomicLong();
        try (LocalServer server = new LocalServer((socket) ->
        {
            final InputStream in = socket.getInputStream();
            while (!handshake.toString().endsWith("\r\n\r\n"))
            {
                handshake.append((char)in.read());
            }
            socket.getOutputStream().write("HTTP/1.1 101 Switching Protocols\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            in.readNBytes(firstFrames, 0, firstFrames.length);
            framesRead.set(2);
            LocalServer.drain(socket);
        });
            PingFlooder flooder = new PingFlooder(server.address(), "secret-token", 1 << 20, 10))
        {
            flooder.start();

            await().atMost(BOUND).until(() -> 2 == framesRead.get());
            assertThat(handshake.toString()).startsWith("GET /ws/stream-bridge?token=secret-token HTTP/1.1\r\n")
                .contains("Upgrade: websocket\r\n", "Sec-WebSocket-Version: 13\r\n");
            assertThat(unmasked(firstFrames, 0)).isEqualTo(new byte[]{ (byte)0x89, 'p', 'i', 'n', 'g' });
            assertThat(unmasked(firstFrames, 10)).isEqualTo(new byte[]{ (byte)0x81, 'p', 'i', 'n', 'g' });
            await().atMost(BOUND).until(() -> flooder.stats().bytesSent.get() >= 1 << 20);
            assertThat(flooder.stats().answers.get()).isEqualTo(1);
        }
    }

    @Test
    void shouldNoteAnUpgradeTheServerRefuses() throws IOException
    {
        try (LocalServer server = new LocalServer((socket) ->
        {
            socket.getOutputStream().write("HTTP/1.1 401 Unauthorized\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.close();
        });
            PingFlooder flooder = new PingFlooder(server.address(), "wrong", 1 << 20, 3))
        {
            flooder.start();

            await().atMost(BOUND).until(() -> flooder.stats().closedByServer.get() == 3);
            assertThat(flooder.stats().note()).isEqualTo("upgrade refused: HTTP/1.1 401 Unauthorized");
            assertThat(flooder.stats().bytesSent.get()).isLessThan(3 * 1024);
        }
    }

    @Test
    void shouldHoldHalfHeadersOpenAndReplaceWhatTheServerCloses() throws IOException
    {
        final StringBuilder first = new StringBuilder();
        try (LocalServer server = new LocalServer((socket) ->
        {
            final byte[] head = new byte[40];
            final int read = socket.getInputStream().readNBytes(head, 0, head.length);
            synchronized (first)
            {
                if (first.isEmpty())
                {
                    first.append(new String(head, 0, read, StandardCharsets.US_ASCII));
                }
            }
            LocalServer.drain(socket);
        });
            Slowloris slowloris = new Slowloris(server.address(), 20))
        {
            slowloris.start();

            await().atMost(BOUND).until(() -> 20 == slowloris.stats().open.get());
            assertThat(first.toString()).startsWith("GET /api/health HTTP/1.1\r\nHost: ").doesNotContain("\r\n\r\n");
            server.closeConnections();
            await().atMost(BOUND).until(() -> slowloris.stats().closedByServer.get() >= 20 &&
                20 == slowloris.stats().open.get());
            assertThat(slowloris.stats().connected.get()).isGreaterThanOrEqualTo(40);
        }
    }

    @Test
    void shouldOpenIdleConnectionsUpToItsCapAndNotReplaceThem() throws IOException
    {
        try (LocalServer server = new LocalServer(LocalServer::drain);
            ConnectionHog hog = new ConnectionHog(server.address(), 50, "test"))
        {
            hog.start();

            await().atMost(BOUND).until(() -> 50 == hog.stats().open.get() && 50 == server.accepted.get());
            server.closeConnections();
            await().atMost(BOUND).until(() -> 50 == hog.stats().closedByServer.get());
            assertThat(hog.stats().open.get()).isZero();
            assertThat(hog.stats().connected.get()).isEqualTo(50);
            assertThat(hog.stats().bytesSent.get()).isZero();
        }
    }

    @Test
    void shouldPostLargeBodiesWithoutATokenAndCountTheAnswers() throws IOException
    {
        try (LocalServer server = new LocalServer((socket) ->
        {
            final InputStream in = socket.getInputStream();
            final byte[] head = new byte[4096];
            int length = 0;
            while (length < 4 || !"\r\n\r\n".equals(new String(head, length - 4, 4, StandardCharsets.US_ASCII)))
            {
                head[length++] = (byte)in.read();
            }
            final String text = new String(head, 0, length, StandardCharsets.US_ASCII);
            final OutputStream out = socket.getOutputStream();
            out.write((text.contains("Authorization") ? "HTTP/1.1 500 Bad\r\n\r\n" : "HTTP/1.1 401 Unauthorized\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            in.skipNBytes(64 * 1024);
            socket.close();
        });
            UnauthenticatedBodies bodies = new UnauthenticatedBodies(server.address(), 40, 64 * 1024, 4))
        {
            bodies.start();

            await().atMost(BOUND).until(() -> 40 == bodies.stats().answers.get());
            assertThat(bodies.statuses()).containsExactly(java.util.Map.entry("401", 40L));
            assertThat(bodies.stats().bytesSent.get()).isGreaterThan(40L * 64 * 1024);
            assertThat(server.accepted.get()).isEqualTo(40);
        }
    }

    private static byte[] unmasked(final byte[] frames, final int at)
    {
        assertThat(frames[at + 1] & 0xff).isEqualTo(0x84);
        final byte[] result = new byte[5];
        result[0] = frames[at];
        for (int i = 0; i < 4; i++)
        {
            result[1 + i] = (byte)(frames[at + 6 + i] ^ frames[at + 2 + i]);
        }
        return Arrays.copyOf(result, 5);
    }
}
