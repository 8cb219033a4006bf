package dev.commandcenter.transport.websocket;

import dev.commandcenter.transport.websocket.wire.WireListener;
import dev.commandcenter.transport.websocket.wire.WireSettings;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a {@link WireChannel} hands its transport for what the server's handlers write, and how the transport's
 * answers and reports reach the handlers: payloads of pre-encoded frames of every length class, control frames,
 * responses and refusals, closes and aborts, writability and stopped reads.
 */
@Timeout(30)
class WireChannelTest
{
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 7300);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 50123);

    private final EventLoop loop = new DefaultEventLoop();
    private final RecordingTransport transport = new RecordingTransport();
    private final WireChannel channel =
        new WireChannel(7, transport, LOCAL, REMOTE, new WriteBufferWaterMark(32 * 1024, 64 * 1024), 2);

    @AfterEach
    void after()
    {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private void register()
    {
        assertThat(loop.register(channel).awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
    }

    private void onLoop(final Runnable task) throws Exception
    {
        loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldNameThePeerAndSendThePayloadsOfEncodedFramesOfEveryLengthAndBatchWithoutTheirHeaders() throws Exception
    {
        register();
        assertThat(channel.remoteAddress()).isEqualTo(REMOTE);
        assertThat(channel.localAddress()).isEqualTo(LOCAL);

        try (FrameEncoder encoder = new FrameEncoder(PooledByteBufAllocator.DEFAULT))
        {
            for (final int length : new int[] { 0, 5, 125, 126, 2000, 65535, 70_000 })
            {
                final byte[] payload = new byte[length];
                for (int i = 0; i < length; i++)
                {
                    payload[i] = (byte)('a' + i % 26);
                }
                final ByteBuf text = encoder.text(Unpooled.wrappedBuffer(payload));
                final ByteBuf binary = encoder.binary(Unpooled.wrappedBuffer(payload));
                channel.writeAndFlush(text).get(5, TimeUnit.SECONDS);
                channel.writeAndFlush(binary).get(5, TimeUnit.SECONDS);
                assertThat(transport.sent).hasSize(2);
                assertThat(transport.sent.get(0)).isEqualTo(new Sent(false, payload));
                assertThat(transport.sent.get(1)).isEqualTo(new Sent(true, payload));
                transport.sent.clear();
            }
        }
        try (FrameEncoder encoder = new FrameEncoder(PooledByteBufAllocator.DEFAULT))
        {
            final ByteBuf both = Unpooled.wrappedBuffer(
                encoder.text(Unpooled.copiedBuffer("first", StandardCharsets.UTF_8)),
                encoder.binary(Unpooled.wrappedBuffer(new byte[300])));
            channel.writeAndFlush(both).get(5, TimeUnit.SECONDS);
            assertThat(transport.sent).containsExactly(
                new Sent(false, "first".getBytes(StandardCharsets.UTF_8)), new Sent(true, new byte[300]));
            transport.sent.clear();
        }
        channel.writeAndFlush(new TextWebSocketFrame("pong")).get(5, TimeUnit.SECONDS);
        assertThat(transport.sent).containsExactly(new Sent(false, "pong".getBytes(StandardCharsets.UTF_8)));
        channel.writeAndFlush(new PingWebSocketFrame()).get(5, TimeUnit.SECONDS);
        assertThat(transport.commands).containsExactly("ping 7");
    }

    @Test
    void shouldHandEncodedFramesOverWholeAndEncodeTextAndBinaryFramesWithTheSameEncoder() throws Exception
    {
        register();
        transport.takesFrames = true;
        try (FrameEncoder encoder = new FrameEncoder(PooledByteBufAllocator.DEFAULT))
        {
            final byte[] large = new byte[70_000];
            final ByteBuf big = encoder.binary(Unpooled.wrappedBuffer(large));
            final byte[] bigBytes = ByteBufUtil.getBytes(big);
            channel.writeAndFlush(big).get(5, TimeUnit.SECONDS);
            final ByteBuf both = Unpooled.wrappedBuffer(
                encoder.text(Unpooled.copiedBuffer("first", StandardCharsets.UTF_8)),
                encoder.binary(Unpooled.wrappedBuffer(new byte[300])));
            final byte[] bothBytes = ByteBufUtil.getBytes(both);
            channel.writeAndFlush(both).get(5, TimeUnit.SECONDS);
            channel.writeAndFlush(new TextWebSocketFrame("pong")).get(5, TimeUnit.SECONDS);
            channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 1, 2, 3 })))
                .get(5, TimeUnit.SECONDS);

            final ByteBuf pong = encoder.text(Unpooled.copiedBuffer("pong", StandardCharsets.UTF_8));
            final ByteBuf binary = encoder.binary(Unpooled.wrappedBuffer(new byte[] { 1, 2, 3 }));
            try
            {
                assertThat(transport.framesSent).containsExactly(
                    bigBytes, bothBytes, ByteBufUtil.getBytes(pong), ByteBufUtil.getBytes(binary));
            }
            finally
            {
                pong.release();
                binary.release();
            }
        }
        assertThat(transport.sent).as("nothing given as a bare payload").isEmpty();
    }

    @Test
    void shouldHandOverACloseOnceAndNotAbortAfterIt() throws Exception
    {
        register();
        channel.writeAndFlush(new CloseWebSocketFrame(1013, "slow consumer")).get(5, TimeUnit.SECONDS);
        channel.writeAndFlush(new CloseWebSocketFrame(1001, "server shutting down")).get(5, TimeUnit.SECONDS);
        channel.close().get(5, TimeUnit.SECONDS);

        assertThat(transport.commands).containsExactly("close 7 1013 slow consumer");
    }

    @Test
    void shouldAbortWhenClosedWithoutACloseButNotWhenTheTransportSaidItIsGone() throws Exception
    {
        register();
        channel.close().get(5, TimeUnit.SECONDS);
        assertThat(transport.commands).containsExactly("abort 7");

        final WireChannel gone = new WireChannel(8, transport, LOCAL, REMOTE, new WriteBufferWaterMark(1024, 2048), 2);
        assertThat(loop.register(gone).awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
        gone.deliverClosed();
        gone.closeFuture().get(5, TimeUnit.SECONDS);
        assertThat(transport.commands).containsExactly("abort 7");
    }

    @Test
    void shouldRespondWithoutContentLengthAndCloseAfterWhenTheResponseSaysClose() throws Exception
    {
        register();
        final FullHttpResponse kept = HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no such endpoint: /x");
        channel.writeAndFlush(kept).get(5, TimeUnit.SECONDS);
        final FullHttpResponse closing = HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized");
        closing.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        channel.writeAndFlush(closing).get(5, TimeUnit.SECONDS);
        channel.close().get(5, TimeUnit.SECONDS);

        assertThat(transport.commands).containsExactly("respond 7 404", "respond 7 401 close");
        assertThat(transport.responses.get(0).headers()).contains("content-type").doesNotContain("content-length");
        assertThat(new String(transport.responses.get(0).body(), StandardCharsets.UTF_8))
            .isEqualTo("{\"error\":\"no such endpoint: /x\"}");
    }

    @Test
    void shouldTurnARefusalOnAWebSocketIntoA1008CloseWithItsMessageAndSwallowThe101() throws Exception
    {
        register();
        channel.deliverRequest(WireBridge.toNetty(new dev.commandcenter.transport.websocket.wire.WireRequest(
            "GET", "/ws/all", new String[] { "Host", "evil.example" }, new byte[0], REMOTE), true), true, null);
        await().atMost(Duration.ofSeconds(5)).until(channel::isWebSocket);

        WireChannel.switchingProtocols(channel).get(5, TimeUnit.SECONDS);
        channel.writeAndFlush(HttpResponses.error(HttpResponseStatus.MISDIRECTED_REQUEST,
            "unknown host evil.example (add it to websocket.allowedHosts)")).get(5, TimeUnit.SECONDS);

        assertThat(transport.commands)
            .containsExactly("close 7 1008 unknown host evil.example (add it to websocket.allowedHosts)");
    }

    @Test
    void shouldBeUnwritableWhileTheTransportSaysSoAndForAMomentAfterFull() throws Exception
    {
        final List<Boolean> changes = new CopyOnWriteArrayList<>();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter()
        {
            public void channelWritabilityChanged(final ChannelHandlerContext ctx)
            {
                changes.add(ctx.channel().isWritable());
            }
        });
        register();
        assertThat(channel.isWritable()).isTrue();

        channel.deliverWritability(false);
        await().atMost(Duration.ofSeconds(5)).until(() -> !channel.isWritable());
        channel.deliverWritability(true);
        await().atMost(Duration.ofSeconds(5)).until(channel::isWritable);
        assertThat(changes).containsExactly(false, true);

        transport.answer = WireTransport.FULL;
        channel.writeAndFlush(new TextWebSocketFrame("dropped")).get(5, TimeUnit.SECONDS);
        transport.answer = WireTransport.SENT;
        await().atMost(Duration.ofSeconds(5)).until(() -> 4 == changes.size());
        assertThat(changes).containsExactly(false, true, false, true);
        assertThat(channel.isWritable()).isTrue();
    }

    @Test
    void shouldStopAndResumeReadingThroughTheTransportAndDeliverFramesToThePipeline() throws Exception
    {
        final List<Object> read = new CopyOnWriteArrayList<>();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter()
        {
            public void channelRead(final ChannelHandlerContext ctx, final Object msg)
            {
                read.add(msg);
            }
        });
        register();

        onLoop(() -> channel.config().setAutoRead(false));
        onLoop(() -> channel.config().setAutoRead(true));
        assertThat(transport.commands).containsExactly("read 7 false", "read 7 true");

        channel.deliverFrame(new TextWebSocketFrame("ping"));
        await().atMost(Duration.ofSeconds(5)).until(() -> 1 == read.size());
        final TextWebSocketFrame frame = (TextWebSocketFrame)read.get(0);
        assertThat(frame.text()).isEqualTo("ping");
        frame.release();
    }

    @Test
    void shouldStopReadingWhileTheMostRequestsWaitBehindTheOneBeingAnsweredAndReadOnceOneIsAnswered() throws Exception
    {
        final List<Object> read = new CopyOnWriteArrayList<>();
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter()
        {
            public void channelRead(final ChannelHandlerContext ctx, final Object msg)
            {
                read.add(msg);
            }
        });
        register();

        for (int i = 0; i < 3; i++)
        {
            channel.deliverRequest(WireBridge.toNetty(new dev.commandcenter.transport.websocket.wire.WireRequest(
                "GET", "/api/health?" + i, new String[0], new byte[0], REMOTE), false), false, null);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> transport.commands.contains("read 7 false"));
        assertThat(read).hasSize(1);

        channel.writeAndFlush(HttpResponses.error(HttpResponseStatus.NOT_FOUND, "first")).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> 2 == read.size());
        assertThat(transport.commands).containsExactly("read 7 false", "respond 7 404", "read 7 true");
        read.forEach(io.netty.util.ReferenceCountUtil::release);
    }

    record Sent(boolean binary, byte[] payload)
    {
        public boolean equals(final Object other)
        {
            return other instanceof Sent sent && sent.binary == binary && java.util.Arrays.equals(sent.payload, payload);
        }

        public int hashCode()
        {
            return java.util.Arrays.hashCode(payload);
        }

        public String toString()
        {
            return (binary ? "binary " : "text ") + payload.length;
        }
    }

    record Response(List<String> headers, byte[] body)
    {
    }

    /**
     * Records what the channel hands over; answers {@link #answer} to sends.
     */
    static final class RecordingTransport implements WireTransport
    {
        final List<String> commands = new CopyOnWriteArrayList<>();
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        final List<Response> responses = new CopyOnWriteArrayList<>();
        final List<byte[]> framesSent = new CopyOnWriteArrayList<>();
        volatile int answer = SENT;
        /** Take whole frames as they are, as a transport that writes bytes does; else the default sends payloads. */
        volatile boolean takesFrames;

        public String name()
        {
            return "recording";
        }

        public String version()
        {
            return "1";
        }

        public InetSocketAddress start(final WireSettings settings, final WireListener listener)
        {
            return LOCAL;
        }

        public int respond(
            final long connection, final int status, final String[] headers, final DirectBuffer body, final int offset,
            final int length, final boolean closeAfter)
        {
            final byte[] bytes = new byte[length];
            body.getBytes(offset, bytes);
            final List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < headers.length; i += 2)
            {
                names.add(headers[i].toLowerCase(java.util.Locale.ROOT));
            }
            responses.add(new Response(names, bytes));
            commands.add("respond " + connection + " " + status + (closeAfter ? " close" : ""));
            return SENT;
        }

        public int send(final long connection, final boolean binary, final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            sent.add(new Sent(binary, bytes));
            return answer;
        }

        public int sendFrames(final long connection, final DirectBuffer frames, final int offset, final int length)
        {
            if (!takesFrames)
            {
                return WireTransport.super.sendFrames(connection, frames, offset, length);
            }
            final byte[] bytes = new byte[length];
            frames.getBytes(offset, bytes);
            framesSent.add(bytes);
            return answer;
        }

        public int ping(final long connection)
        {
            commands.add("ping " + connection);
            return SENT;
        }

        public void close(final long connection, final int code, final String reason)
        {
            commands.add("close " + connection + " " + code + " " + reason);
        }

        public void abort(final long connection)
        {
            commands.add("abort " + connection);
        }

        public void read(final long connection, final boolean read)
        {
            commands.add("read " + connection + " " + read);
        }

        public void close()
        {
        }
    }
}
