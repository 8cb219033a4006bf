package dev.commandcenter.transport.websocket;

import dev.commandcenter.transport.websocket.wire.WireEvents;
import dev.commandcenter.transport.websocket.wire.WireListener;
import dev.commandcenter.transport.websocket.wire.WireRequest;
import dev.commandcenter.transport.websocket.wire.WireSettings;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link WireTransport} for tests, over real sockets: a Netty server (HTTP codec, aggregator, handshaker, frame
 * aggregator) on ONE event loop thread, so the listener is called from one thread as the contract says, turning what
 * it parses into listener calls and carrying out the server's commands. It answers pings itself, agrees {@code
 * cc.json.v1} or {@code cc.sbe.v1} in the handshake, and caps the bytes queued per connection ({@link #FULL} past
 * {@link WireSettings#maxQueuedBytesPerConnection()}), reporting writability at the settings' water marks.
 * <p>
 * It records the commands it was given, so tests can tell that the server went through it.
 */
final class TestWireTransport implements WireTransport
{
    final List<String> commands = new CopyOnWriteArrayList<>();
    final AtomicLong fullAnswers = new AtomicLong();
    volatile WireSettings settings;
    private final Map<Long, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private EventLoopGroup group;
    private Channel serverChannel;
    private WireListener listener;

    /** Whether it says it broadcasts ({@link #broadcasts()}), so the egress hands it each frame once for all clients. */
    volatile boolean broadcasting;
    /** The connection count of each {@link #broadcastFrames} call, the first 10,000. */
    final java.util.Queue<Integer> broadcastCounts = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final AtomicLong broadcastCalls = new AtomicLong();

    public String name()
    {
        return "test";
    }

    public boolean broadcasts()
    {
        return broadcasting;
    }

    public int broadcastFrames(
        final long[] connections, final int count, final DirectBuffer frames, final int offset, final int length,
        final int[] results)
    {
        if (broadcastCalls.incrementAndGet() <= 10_000)
        {
            broadcastCounts.add(count);
        }
        return WireTransport.super.broadcastFrames(connections, count, frames, offset, length, results);
    }

    public String version()
    {
        return "netty test transport";
    }

    /** Whether it gives its events to the server ({@link #hostEvents()}): they are then queued and told in a poll. */
    volatile boolean hosting;
    /** The events given to the server when {@link #hosting}. */
    final QueuedWireEvents queued = new QueuedWireEvents();

    public WireEvents hostEvents()
    {
        return hosting ? queued : null;
    }

    public InetSocketAddress start(final WireSettings settings, final WireListener listener) throws IOException
    {
        this.settings = settings;
        this.listener = hosting ? queued.queueing(listener) : listener;
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-wire", true), NioIoHandler.newFactory());
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(settings.lowWaterMark(), settings.highWaterMark()))
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel channel)
                {
                    final Connection connection = new Connection(nextId.getAndIncrement(), channel);
                    connections.put(connection.id, connection);
                    channel.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(settings.maxRequestBodyLength()))
                        .addLast(new RequestReader(connection));
                }
            });
        try
        {
            serverChannel = bootstrap.bind(settings.bindAddress(), settings.port()).sync().channel();
        }
        catch (final Exception ex)
        {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IOException("cannot bind " + settings.bindAddress() + ":" + settings.port() + ": " + ex.getMessage(), ex);
        }
        return (InetSocketAddress)serverChannel.localAddress();
    }

    public int respond(
        final long connection, final int status, final String[] headers, final DirectBuffer body, final int offset,
        final int length, final boolean closeAfter)
    {
        final Connection c = connections.get(connection);
        if (null == c || !c.channel.isActive())
        {
            return GONE;
        }
        commands.add("respond " + connection + " " + status + (closeAfter ? " close" : ""));
        final byte[] bytes = new byte[length];
        body.getBytes(offset, bytes);
        final FullHttpResponse response = new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(bytes));
        for (int i = 0; i < headers.length; i += 2)
        {
            response.headers().add(headers[i], headers[i + 1]);
        }
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        if (closeAfter)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            c.channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            c.channel.writeAndFlush(response);
        }
        return SENT;
    }

    public int send(final long connection, final boolean binary, final DirectBuffer buffer, final int offset, final int length)
    {
        final Connection c = connections.get(connection);
        if (null == c || !c.channel.isActive() || c.closeSent)
        {
            return GONE;
        }
        if (c.queued.get() + length > settings.maxQueuedBytesPerConnection())
        {
            fullAnswers.incrementAndGet();
            return FULL;
        }
        final ByteBuf payload = Unpooled.wrappedBuffer(copy(buffer, offset, length));
        c.queued.addAndGet(length);
        c.channel.writeAndFlush(binary ? new BinaryWebSocketFrame(payload) : new TextWebSocketFrame(payload))
            .addListener((ignore) -> c.queued.addAndGet(-length));
        return SENT;
    }

    private static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }

    public int ping(final long connection)
    {
        final Connection c = connections.get(connection);
        if (null == c || !c.channel.isActive() || c.closeSent)
        {
            return GONE;
        }
        commands.add("ping " + connection);
        c.channel.writeAndFlush(new PingWebSocketFrame());
        return SENT;
    }

    public void close(final long connection, final int code, final String reason)
    {
        final Connection c = connections.get(connection);
        if (null == c)
        {
            return;
        }
        commands.add("close " + connection + " " + code + " " + reason);
        c.channel.eventLoop().execute(() ->
        {
            if (c.closeSent)
            {
                return;
            }
            c.closeSent = true;
            c.code = code;
            c.reason = reason;
            c.channel.writeAndFlush(new CloseWebSocketFrame(code, reason));
            c.channel.eventLoop().schedule(() -> c.channel.close(), settings.closeTimeoutMs(), TimeUnit.MILLISECONDS);
        });
    }

    public void abort(final long connection)
    {
        final Connection c = connections.get(connection);
        if (null != c)
        {
            commands.add("abort " + connection);
            c.channel.close();
        }
    }

    public void read(final long connection, final boolean read)
    {
        final Connection c = connections.get(connection);
        if (null != c)
        {
            c.channel.config().setAutoRead(read);
        }
    }

    public void close()
    {
        queued.running = false;
        queued.wake();
        if (null == group)
        {
            return;
        }
        if (null != serverChannel)
        {
            serverChannel.close().awaitUninterruptibly(1000);
        }
        for (final Connection c : connections.values())
        {
            c.channel.close().awaitUninterruptibly(1000);
        }
        group.shutdownGracefully(0, 1000, TimeUnit.MILLISECONDS).awaitUninterruptibly(2000);
        group = null;
    }

    /**
     * Connections open now.
     */
    int openConnections()
    {
        return connections.size();
    }

    /**
     * One socket: its id, state and close.
     */
    private final class Connection
    {
        final long id;
        final Channel channel;
        final AtomicLong queued = new AtomicLong();
        boolean webSocket;
        volatile boolean closeSent;
        int code = 1006;
        String reason = "";

        Connection(final long id, final Channel channel)
        {
            this.id = id;
            this.channel = channel;
            channel.closeFuture().addListener((ignore) ->
            {
                connections.remove(id);
                listener.onClosed(id, webSocket ? code : 0, reason);
            });
        }
    }

    /**
     * HTTP requests: upgrades get a handshake and {@link WireListener#onOpen}, the rest {@link WireListener#onRequest}.
     */
    private final class RequestReader extends SimpleChannelInboundHandler<FullHttpRequest>
    {
        private final Connection connection;

        RequestReader(final Connection connection)
        {
            this.connection = connection;
        }

        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
        {
            final WireRequest wire = wireRequest(ctx, request);
            if (!HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE, "")))
            {
                listener.onRequest(connection.id, wire);
                return;
            }
            final WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
                "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri(),
                WebSocketUpgrade.JSON_V1 + "," + WebSocketUpgrade.SBE_V1,
                WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(settings.maxFrameLength())
                    .allowExtensions(false).closeOnProtocolViolation(true).build())
                .newHandshaker(request);
            if (null == handshaker)
            {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            handshaker.handshake(ctx.channel(), request).addListener((done) ->
            {
                if (done.isSuccess())
                {
                    connection.webSocket = true;
                    ctx.pipeline().addLast(new WebSocketFrameAggregator(settings.maxFrameLength()));
                    ctx.pipeline().addLast(new FrameReader(connection));
                    ctx.pipeline().remove(RequestReader.this);
                    listener.onOpen(connection.id, wire, handshaker.selectedSubprotocol());
                }
            });
        }

        public void channelWritabilityChanged(final ChannelHandlerContext ctx)
        {
            listener.onWritabilityChanged(connection.id, ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }

    /**
     * Whole messages, pongs and the close of a WebSocket connection.
     */
    private final class FrameReader extends SimpleChannelInboundHandler<WebSocketFrame>
    {
        private final Connection connection;

        FrameReader(final Connection connection)
        {
            this.connection = connection;
        }

        protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
        {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame)
            {
                final byte[] bytes = new byte[frame.content().readableBytes()];
                frame.content().getBytes(frame.content().readerIndex(), bytes);
                listener.onMessage(connection.id, frame instanceof BinaryWebSocketFrame, new UnsafeBuffer(bytes), 0, bytes.length);
            }
            else if (frame instanceof PingWebSocketFrame)
            {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
            else if (frame instanceof PongWebSocketFrame)
            {
                listener.onPong(connection.id);
            }
            else if (frame instanceof CloseWebSocketFrame close)
            {
                if (!connection.closeSent)
                {
                    connection.closeSent = true;
                    connection.code = close.statusCode();
                    connection.reason = null == close.reasonText() ? "" : close.reasonText();
                    ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
                }
                else
                {
                    ctx.close();
                }
            }
        }

        public void channelWritabilityChanged(final ChannelHandlerContext ctx)
        {
            listener.onWritabilityChanged(connection.id, ctx.channel().isWritable());
            ctx.fireChannelWritabilityChanged();
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            ctx.close();
        }
    }

    private static WireRequest wireRequest(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final List<String> headers = new ArrayList<>();
        for (final Map.Entry<String, String> header : request.headers())
        {
            headers.add(header.getKey());
            headers.add(header.getValue());
        }
        final byte[] body = new byte[request.content().readableBytes()];
        request.content().getBytes(request.content().readerIndex(), body);
        return new WireRequest(request.method().name(), request.uri(), headers.toArray(new String[0]), body,
            (InetSocketAddress)ctx.channel().remoteAddress());
    }
}
