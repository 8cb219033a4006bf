package dev.commandcenter.transport.websocket;

import dev.commandcenter.transport.websocket.wire.WireEvents;
import dev.commandcenter.transport.websocket.wire.WireListener;
import dev.commandcenter.transport.websocket.wire.WireRequest;
import dev.commandcenter.transport.websocket.wire.WireSettings;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.local.LocalIoHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Serves a {@link WebServer} through a {@link WireTransport} that owns the listening socket: each connection the
 * transport reports becomes a {@link WireChannel} on the server's HTTP event loops with the handlers of a Netty
 * connection after its HTTP codec ({@link ConnectionGuard}, {@link HttpStatusCounters}, {@link RequestGate},
 * {@link HttpRequestHandler}), so pages, REST, health, metrics, the request gate, the upgrade's checks, sessions,
 * heartbeats, retained messages, resume, slow clients and token rotation are the same code as on Netty. A
 * completed handshake ({@link WireListener#onOpen}) goes through the same upgrade path, which, seeing the wire
 * channel, writes the {@code 101} through the pipeline instead of a handshaker; the session then moves to a
 * fan-out event loop and subscribes as on a socket.
 * <p>
 * What the transport enforces itself is given to it as {@link WireSettings} from the same configuration (frame,
 * body and header limits, queued bytes, water marks, connection count, header, idle and close timeouts); the
 * connection limits by address are taken here, on the first event of a connection, with the same counters and log
 * lines as at a Netty accept.
 * <p>
 * When the transport gives its events to the server ({@link WireTransport#hostEvents()}), the first HTTP loop reads them
 * ({@link WireEventsLoop}), so a request on a connection of that loop is answered by the thread that read it.
 * <p>
 * <b>Note:</b> the listener methods are called by the transport's thread (or the first HTTP loop) and never block it:
 * they hand their work to the connection's event loop. Built, closed and stopped by one thread.
 */
final class WireBridge implements ServerBackend, WireListener
{
    /** The head a Netty connection accepts: its initial line and its headers. */
    static final int MAX_HEADER_BYTES =
        HttpObjectDecoder.DEFAULT_MAX_INITIAL_LINE_LENGTH + HttpObjectDecoder.DEFAULT_MAX_HEADER_SIZE;

    private final WireTransport transport;
    private final WebLimits limits;
    private final HttpStatusCounters httpStatusCounters;
    private final HttpEndpoints endpoints;
    private final long closeTimeoutMs;
    private final int maxPipelinedRequests;
    private final WriteBufferWaterMark waterMark;
    private final EventLoopGroup httpGroup;
    private final EventLoopGroup fanoutGroup;
    private final ChannelGroup channels = new DefaultChannelGroup("cc-web-wire", GlobalEventExecutor.INSTANCE);
    /** By {@link #key(long)} of the connection's id. */
    private final Map<Long, WireChannel> connections = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> refused = new ConcurrentHashMap<>();
    private final InetSocketAddress localAddress;
    private volatile boolean closed;

    /**
     * Start the event loops and the transport; on failure the event loops are stopped again.
     *
     * @param ctx                concluded context: threads, limits, water marks, port, the transport.
     * @param fanoutGroup        event loops of upgraded WebSocket connections, from {@link NettyServer#newFanoutGroup};
     *                           owned from now on.
     * @param httpStatusCounters shared handler counting responses.
     * @param endpoints          shared endpoints for each connection's request handler.
     * @param limits             connection limits and their counters.
     * @throws IllegalStateException with a one-line reason when the transport cannot bind the address.
     */
    WireBridge(
        final WebServer.Context ctx,
        final EventLoopGroup fanoutGroup,
        final HttpStatusCounters httpStatusCounters,
        final HttpEndpoints endpoints,
        final WebLimits limits)
    {
        transport = ctx.wireTransport();
        this.limits = limits;
        this.httpStatusCounters = httpStatusCounters;
        this.endpoints = endpoints;
        this.fanoutGroup = fanoutGroup;
        closeTimeoutMs = ctx.closeTimeoutMs();
        maxPipelinedRequests = ctx.maxPipelinedRequests();
        waterMark = new WriteBufferWaterMark(ctx.writeBufferLowWaterMark(), ctx.writeBufferHighWaterMark());
        // The connections' pipelines run on these loops, as the Netty backend's do; with the engine's cycle lent, the
        // first of them also runs the engine, so a post is read, published and processed on one Java thread.
        // With the transport's events given to it, the first loop reads them too: a request reaches the loop that
        // answers it in one wake-up.
        final WireEvents events = transport.hostEvents();
        httpGroup = EngineLoop.httpGroup(ctx, null == events ?
            LocalIoHandler.newFactory() : new WireEventsLoop(LocalIoHandler.newFactory(), events));
        final WireSettings settings = settings(ctx);
        try
        {
            localAddress = transport.start(settings, this);
            if (null != events)
            {
                // the first loop may wait as before the start, parked until a task: this one makes it read the events
                httpGroup.iterator().next().execute(() -> {});
            }
        }
        catch (final IOException ex)
        {
            stopAfterFailedStart();
            throw new IllegalStateException(NettyServer.bindFailure(ctx.bindAddress(), ctx.port(), ex));
        }
        catch (final RuntimeException ex)
        {
            stopAfterFailedStart();
            throw ex;
        }
    }

    /**
     * The limits a transport applies itself, from the server's configuration.
     *
     * @param ctx concluded context.
     * @return the settings.
     */
    static WireSettings settings(final WebServer.Context ctx)
    {
        return new WireSettings(
            ctx.bindAddress(),
            ctx.port(),
            ctx.maxFrameLength(),
            ctx.maxRequestBodyLength(),
            MAX_HEADER_BYTES,
            ctx.maxQueuedBytesPerConnection(),
            ctx.writeBufferHighWaterMark(),
            ctx.writeBufferLowWaterMark(),
            ctx.maxConnections(),
            ctx.headerTimeoutMs(),
            ctx.idleTimeoutMs(),
            ctx.closeTimeoutMs());
    }

    private void stopAfterFailedStart()
    {
        try
        {
            transport.close();
        }
        finally
        {
            shutdownEventLoops();
        }
    }

    /**
     * The map key of a connection id. The native transport's ids are a generation in the high half and a slot in the
     * low half, so a {@link Long}'s own hash (the halves xor-ed) of connections opened in turn takes few values
     * (generation g in slot g - 1 gives 1, 3, 1, 7, ...), and the maps' bins turn into trees searched by comparison.
     * Multiplying by an odd constant is one-to-one on 64 bits and spreads the ids over both halves.
     *
     * @param connection id given by the transport.
     * @return the key for the maps of connections.
     */
    static Long key(final long connection)
    {
        return connection * 0x9E3779B97F4A7C15L;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // WireListener: the transport's thread.
    // ---------------------------------------------------------------------------------------------------------------

    public void onRequest(final long connection, final WireRequest request)
    {
        final WireChannel channel = channel(connection, request);
        if (null != channel)
        {
            channel.deliverRequest(toNetty(request, false), false, null);
        }
    }

    public void onOpen(final long connection, final WireRequest request, final String subprotocol)
    {
        final WireChannel channel = channel(connection, request);
        if (null != channel)
        {
            channel.deliverRequest(toNetty(request, true), true, subprotocol);
        }
    }

    public void onMessage(final long connection, final boolean binary, final DirectBuffer buffer, final int offset, final int length)
    {
        final WireChannel channel = connections.get(key(connection));
        if (null == channel)
        {
            return;
        }
        final ByteBuf payload = Unpooled.buffer(length, length);
        if (length > 0)
        {
            buffer.getBytes(offset, payload.array(), payload.arrayOffset(), length);
            payload.writerIndex(length);
        }
        channel.deliverFrame(binary ? new BinaryWebSocketFrame(payload) : new TextWebSocketFrame(payload));
    }

    public void onPong(final long connection)
    {
        final WireChannel channel = connections.get(key(connection));
        if (null != channel)
        {
            channel.deliverFrame(new PongWebSocketFrame());
        }
    }

    public void onWritabilityChanged(final long connection, final boolean writable)
    {
        final WireChannel channel = connections.get(key(connection));
        if (null != channel)
        {
            channel.deliverWritability(writable);
        }
    }

    public void onClosed(final long connection, final int code, final String reason)
    {
        refused.remove(key(connection));
        final WireChannel channel = connections.remove(key(connection));
        if (null != channel)
        {
            channel.deliverClosed();
        }
    }

    /**
     * The channel of a connection, opened on its first request: the connection limits by address are taken here,
     * as at a socket's accept.
     *
     * @return the channel, or null when the connection is refused.
     */
    private WireChannel channel(final long connection, final WireRequest request)
    {
        final WireChannel existing = connections.get(key(connection));
        if (null != existing)
        {
            return existing;
        }
        if (closed || refused.containsKey(key(connection)))
        {
            return null;
        }

        final InetSocketAddress remote = request.remoteAddress();
        final InetAddress address = null == remote ? null : remote.getAddress();
        final WebLimits.Limit refusedBy = limits.acquire(address);
        if (null != refusedBy)
        {
            refused.put(key(connection), Boolean.TRUE);
            limits.trip(refusedBy, remote, WebLimits.Limit.MAX_CONNECTIONS == refusedBy ?
                "refused: " + limits.maxConnections + " connections open" :
                "refused: " + limits.maxConnectionsPerAddress + " connections open from its address");
            transport.abort(connection);
            return null;
        }

        final WireChannel channel =
            new WireChannel(connection, transport, localAddress, remote, waterMark, maxPipelinedRequests);
        final ConnectionGuard guard = new ConnectionGuard(limits);
        channel.pipeline()
            .addLast("conn-guard", guard)
            .addLast("http-status", httpStatusCounters)
            .addLast("request-gate", new RequestGate(endpoints.accessPolicy, endpoints.refusals, endpoints.httpApi))
            .addLast("http-handler", new HttpRequestHandler(endpoints));
        channel.closeFuture().addListener((ignore) -> limits.release(address));
        channels.add(channel);
        connections.put(key(connection), channel);
        httpGroup.next().register(channel).addListener((registered) ->
        {
            if (!registered.isSuccess())
            {
                endpoints.errorPath.onError(registered.cause());
                channel.unsafe().closeForcibly();
            }
        });
        return channel;
    }

    /**
     * A transport's request as the request Netty's codec and aggregator would have made of it.
     */
    static FullHttpRequest toNetty(final WireRequest request, final boolean upgrade)
    {
        final HttpHeaders headers = new DefaultHttpHeaders(false);
        final String[] pairs = request.headers();
        for (int i = 0; i < pairs.length; i += 2)
        {
            headers.add(pairs[i], pairs[i + 1]);
        }
        if (upgrade && !headers.contains(HttpHeaderNames.UPGRADE))
        {
            headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        }
        final byte[] body = request.body();
        if (!upgrade && body.length > 0 && !headers.contains(HttpHeaderNames.CONTENT_LENGTH))
        {
            headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()), request.uri(),
            0 == body.length ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body), headers, new DefaultHttpHeaders(false));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // ServerBackend.
    // ---------------------------------------------------------------------------------------------------------------

    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    public int openConnections()
    {
        return channels.size();
    }

    public ChannelGroup channels()
    {
        return channels;
    }

    public Channel serverChannel()
    {
        return null;
    }

    public EventLoopGroup httpGroup()
    {
        return httpGroup;
    }

    public EventLoopGroup fanoutGroup()
    {
        return fanoutGroup;
    }

    /**
     * Tell WebSocket clients the server is going away (1001) and give them the close timeout to answer, then stop
     * the transport (closing its socket and whatever is still open) and close every channel.
     */
    public void closeConnections()
    {
        closed = true;
        for (final Channel channel : channels)
        {
            if (null != channel.pipeline().get(WebSocketSession.class))
            {
                channel.writeAndFlush(new CloseWebSocketFrame(WebSocketSession.GOING_AWAY, "server shutting down"));
            }
        }
        channels.newCloseFuture((channel) -> null != channel.pipeline().get(WebSocketSession.class))
            .awaitUninterruptibly(closeTimeoutMs);
        try
        {
            transport.close();
        }
        finally
        {
            channels.close().awaitUninterruptibly(closeTimeoutMs);
        }
    }

    public void shutdownEventLoops()
    {
        final var http = httpGroup.shutdownGracefully(0, closeTimeoutMs, TimeUnit.MILLISECONDS);
        final var fanout = fanoutGroup.shutdownGracefully(0, closeTimeoutMs, TimeUnit.MILLISECONDS);
        http.awaitUninterruptibly(closeTimeoutMs);
        fanout.awaitUninterruptibly(closeTimeoutMs);
    }

    public String description()
    {
        return transport.name() + " (" + transport.version() + ")";
    }
}
