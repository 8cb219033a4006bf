package dev.commandcenter.transport.websocket;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.embedded.EmbeddedChannel;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes an upgraded WebSocket connection with arbitrary bytes as client frames: the server's pipeline on an
 * {@link EmbeddedChannel} is upgraded by a valid handshake to a feed, after which the frame decoder and the
 * {@link WebSocketSession} read whatever the input holds, in pieces of a size derived from it.
 * <p>
 * Invariants: the handshake is answered 101, nothing is thrown out of the pipeline and the server reports no error
 * (oversized, unmasked, fragmented or malformed frames close the connection with a status; they are not server
 * faults); a connection that stayed open is still subscribed to its feed, and closing it unsubscribes it.
 */
class WebSocketFrameFuzzTest
{
    private static final byte[] HANDSHAKE = ("GET /ws/" + EmbeddedServer.FEED + "?token=" + EmbeddedServer.TOKEN +
        " HTTP/1.1\r\n" +
        "Host: 127.0.0.1:7300\r\n" +
        "Upgrade: websocket\r\n" +
        "Connection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
        "Sec-WebSocket-Version: 13\r\n" +
        "\r\n").getBytes(StandardCharsets.US_ASCII);

    @FuzzTest
    void shouldReadAnyClientFramesWithoutServerError(final byte[] frames)
    {
        // A server per input: the egress keeps a fan-out loop per event loop, and each embedded channel has its own.
        final EmbeddedServer server = new EmbeddedServer();
        final EmbeddedChannel channel = server.connect();
        try
        {
            EmbeddedServer.feed(channel, HANDSHAKE, HANDSHAKE.length);
            assertThat(server.statuses).as("handshake answers").containsExactly(101);
            assertThat(channel.pipeline().get(WebSocketSession.class)).as("session").isNotNull();
            channel.releaseOutbound();

            EmbeddedServer.feed(channel, frames, HttpPipelineFuzzTest.piece(frames));
            channel.runPendingTasks();
            channel.checkException();
            if (channel.isActive())
            {
                assertThat(server.ctx.egress().connectedClients()).as("subscribed clients").isEqualTo(1);
            }
        }
        finally
        {
            channel.finishAndReleaseAll();
        }
        assertThat(server.ctx.egress().connectedClients()).as("clients after close").isZero();
        assertThat(server.errors()).as("errors reported").isEmpty();
    }
}
