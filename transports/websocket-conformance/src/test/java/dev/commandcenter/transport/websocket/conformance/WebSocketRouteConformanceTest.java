package dev.commandcenter.transport.websocket.conformance;

import dev.commandcenter.transport.websocket.WebSocketRoute;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.commandcenter.transport.websocket.conformance.ConformanceServer.ADMIN_TOKEN;
import static dev.commandcenter.transport.websocket.conformance.ConformanceServer.OVERLAY_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link WebSocketRoute} of the application (such as the remote plugin endpoint) on every backend: the admin
 * token, one of the route's subprotocols, whole messages both ways, closes with the route's status, one
 * {@code onClosed} per connection.
 */
@Timeout(60)
class WebSocketRouteConformanceTest
{
    private static final String PATH = "/ws/test/echo";
    private static final String JSON = "cc.plugin.json.v1";
    private static final String SBE = "cc.plugin.sbe.v1";

    @TempDir
    Path dataDir;

    private final BlockingQueue<String> opened = new LinkedBlockingQueue<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();

    static List<Backend> backends()
    {
        return Backend.selected();
    }

    /** Echoes each message back; "close" closes with 4000; counts the closes it is told of. */
    private final WebSocketRoute echo = (peer, subprotocol) ->
    {
        opened.add(subprotocol);
        return new WebSocketRoute.Listener()
        {
            public void onText(final String text)
            {
                if ("close".equals(text))
                {
                    peer.close(4000, "asked to close");
                }
                else
                {
                    peer.sendText("echo " + text);
                }
            }

            public void onBinary(final DirectBuffer buffer, final int offset, final int length)
            {
                final byte[] reply = new byte[length + 1];
                reply[0] = 1;
                buffer.getBytes(offset, reply, 1, length);
                peer.sendBinary(new UnsafeBuffer(reply), 0, reply.length);
            }

            public void onClosed(final String reason)
            {
                closes.add(reason);
            }
        };
    };

    private ConformanceServer server(final Backend backend)
    {
        backend.requireAvailable();
        return new ConformanceServer(backend, dataDir, 0, 0, (ctx) -> ctx
            .maxFrameLength(4096)
            .webSocketRoute(PATH, echo, JSON, SBE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldServeARouteWithItsSubprotocolAndPassWholeMessagesBothWays(final Backend backend) throws Exception
    {
        try (ConformanceServer server = server(backend))
        {
            final WsClient json = server.connect(PATH + "?token=" + ADMIN_TOKEN, "cc.other.v1", JSON);
            final WsClient sbe = server.connect(PATH + "?token=" + ADMIN_TOKEN, SBE);

            assertThat(json.webSocket.getSubprotocol()).isEqualTo(JSON);
            assertThat(sbe.webSocket.getSubprotocol()).isEqualTo(SBE);
            assertThat(opened.poll(10, TimeUnit.SECONDS)).isIn(JSON, SBE);
            assertThat(opened.poll(10, TimeUnit.SECONDS)).isIn(JSON, SBE);

            json.webSocket.sendText("hel", false).get(5, TimeUnit.SECONDS);
            json.webSocket.sendText("lo \u00e9", true).get(5, TimeUnit.SECONDS);
            assertThat(json.nextText()).isEqualTo("echo hello \u00e9");

            sbe.webSocket.sendBinary(ByteBuffer.wrap(new byte[]{ 7, 8, 9 }), true).get(5, TimeUnit.SECONDS);
            assertThat(sbe.nextBinary()).containsExactly(1, 7, 8, 9);

            json.webSocket.sendText("close", true).get(5, TimeUnit.SECONDS);
            assertThat(json.awaitClose()).isEqualTo(new WsClient.Close(4000, "asked to close"));
            sbe.webSocket.sendClose(1000, "bye").get(5, TimeUnit.SECONDS);
            assertThat(sbe.awaitClose().code()).isEqualTo(1000);
            await().atMost(ConformanceServer.BOUND).until(() -> closes.size() == 2);
            // Netty sees the client's close frame; the native transport answers it itself and reports the close.
            assertThat(closes).contains("asked to close")
                .containsAnyOf("closed by the client: 1000 bye", "connection closed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldRefuseARouteWithoutTheAdminTokenOrItsSubprotocol(final Backend backend) throws Exception
    {
        try (ConformanceServer server = server(backend))
        {
            final WsClient none = server.connect(PATH, JSON);
            final WsClient overlay = server.connect(PATH + "?token=" + OVERLAY_TOKEN, JSON);
            final WsClient noSubprotocol = server.connect(PATH + "?token=" + ADMIN_TOKEN);

            assertThat(none.awaitClose().code()).isEqualTo(1008);
            assertThat(none.awaitClose().reason()).startsWith("unauthorized: missing or invalid token");
            assertThat(overlay.awaitClose()).isEqualTo(new WsClient.Close(1008,
                "forbidden: this endpoint needs the admin token, got the overlay token (commandcenter token show --scope admin)"));
            assertThat(noSubprotocol.awaitClose()).isEqualTo(new WsClient.Close(1002,
                "no subprotocol offered: expected cc.plugin.json.v1 or cc.plugin.sbe.v1"));
            assertThat(opened).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void shouldCloseWith1009AMessageLongerThanTheFrameLimit(final Backend backend) throws Exception
    {
        try (ConformanceServer server = server(backend))
        {
            final WsClient client = server.connect(PATH + "?token=" + ADMIN_TOKEN, JSON);
            client.webSocket.sendText("x".repeat(3000), false).get(5, TimeUnit.SECONDS);
            client.webSocket.sendText("x".repeat(3000), true).get(5, TimeUnit.SECONDS);

            assertThat(client.awaitClose().code()).isEqualTo(1009);
            await().atMost(ConformanceServer.BOUND).until(() -> closes.size() == 1);
        }
    }
}
