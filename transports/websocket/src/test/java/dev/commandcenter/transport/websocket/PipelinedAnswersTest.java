package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import io.netty.channel.Channel;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Answers to pipelined HTTP/1.1 requests (real server, raw socket on loopback): the answers to the requests read at
 * once leave together when the read is done, in order, instead of one socket write each; a WebSocket connection
 * upgraded from such a connection has its frames sent as written.
 */
@Timeout(60)
class PipelinedAnswersTest
{
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final Pattern RECEIPT = Pattern.compile("HTTP/1\\.1 202 [^\\r]*\\r\\n.*?\\{\"receipt\":(\\d+)\\}",
        Pattern.DOTALL);

    @Test
    void shouldHoldTheAnswersToRequestsReadAtOnceUntilTheReadIsDone() throws Exception
    {
        final GatedPublisher publisher = new GatedPublisher(3);
        try (WebServer server = WebServer.launch(new TestCounters().apply(new WebServer.Context())
            .port(0)
            .token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN)
            .acceptWalletEventsOverRest(true)
            .eventPublisher(publisher));
            Socket client = new Socket())
        {
            client.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            client.setSoTimeout((int)BOUND.toMillis());
            // Three posts in one write: the server reads them in one pass and answers the first two before the
            // third's publish, which waits at the gate.
            client.getOutputStream().write((post(server.port(), 1) + post(server.port(), 2) + post(server.port(), 3))
                .getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();

            assertThat(publisher.gateReached.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
            // Written unflushed: had the first two answers been flushed each as written, the loopback write would have
            // put them in this socket's receive queue before the third publish began.
            assertThat(client.getInputStream().available()).as("bytes answered before the read was done").isZero();

            publisher.gate.countDown();
            final String answers = read(client.getInputStream(), 3);
            final Matcher receipts = RECEIPT.matcher(answers);
            for (int receipt = 1; receipt <= 3; receipt++)
            {
                assertThat(receipts.find()).as("answer " + receipt + " in " + answers).isTrue();
                assertThat(receipts.group(1)).isEqualTo(Integer.toString(receipt));
            }
        }
    }

    @Test
    void shouldSendTheFramesOfAnUpgradedConnectionAsWritten() throws Exception
    {
        try (WebServer server = WebServer.launch(new TestCounters().apply(new WebServer.Context())
            .port(0)
            .token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN));
            Socket client = new Socket())
        {
            client.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            final Channel beforeUpgrade = ServerChannels.serverSide(server, client, BOUND);
            assertThat(beforeUpgrade.pipeline().get(HttpFlowGuard.FLUSH_CONSOLIDATION)).isNotNull();

            client.getOutputStream().write(("GET /ws/all?token=" + Fixture.TOKEN + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                server.port() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            client.setSoTimeout((int)BOUND.toMillis());
            final byte[] head = new byte[12];
            assertThat(client.getInputStream().readNBytes(head, 0, head.length)).isEqualTo(head.length);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 101");

            final Channel session = ServerChannels.serverSide(server, client, BOUND);
            await().atMost(BOUND).until(() -> null == session.pipeline().get(HttpFlowGuard.FLUSH_CONSOLIDATION));
        }
    }

    private static String post(final int port, final int n)
    {
        final String body = "{\"type\":\"TransactionReceived\",\"amountSats\":" + (1000 + n) +
            ",\"height\":0,\"confirmations\":0,\"txid\":\"" + "%064x".formatted(n) + "\",\"address\":\"bc1qtest\"}";
        return "POST /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n" +
            "Authorization: Bearer " + Fixture.TOKEN + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private static String read(final InputStream in, final int answers) throws IOException
    {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final byte[] chunk = new byte[4096];
        while (RECEIPT.matcher(received.toString(StandardCharsets.US_ASCII)).results().count() < answers)
        {
            final int n = in.read(chunk);
            if (n < 0)
            {
                break;
            }
            received.write(chunk, 0, n);
        }
        return received.toString(StandardCharsets.US_ASCII);
    }

    /**
     * Hands out receipts 1, 2, 3...; the publish of the event numbered {@code gated} waits until the test opens the
     * gate.
     */
    private static final class GatedPublisher implements EventPublisher
    {
        final CountDownLatch gateReached = new CountDownLatch(1);
        final CountDownLatch gate = new CountDownLatch(1);
        private final long gated;
        private final AtomicLong sequence = new AtomicLong();

        GatedPublisher(final long gated)
        {
            this.gated = gated;
        }

        public long publish(final int source, final DirectBuffer buffer, final int offset, final int length)
        {
            final long next = sequence.incrementAndGet();
            if (next == gated)
            {
                gateReached.countDown();
                try
                {
                    gate.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            return next;
        }

        public long tryPublish(final int source, final DirectBuffer buffer, final int offset, final int length)
        {
            return publish(source, buffer, offset, length); // on the event loop, as an engine with room does
        }

        public <A> long publish(final int source, final MessageWriter<A> writer, final A arg)
        {
            return REJECTED;
        }

        public boolean isJournaled(final long sequence)
        {
            return sequence <= this.sequence.get();
        }
    }
}
