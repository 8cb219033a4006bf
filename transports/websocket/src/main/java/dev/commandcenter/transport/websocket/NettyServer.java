package dev.commandcenter.transport.websocket;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The Netty side of the web server: one acceptor thread, {@link WebServer.Context#httpThreads(int)} HTTP
 * threads that carry every connection until it upgrades, {@link WebServer.Context#fanoutThreads(int)} fan-out
 * threads that WebSocket connections move to once their handshake is written, the listening socket (with the
 * {@link ConnectionLimiter} refusing connections past the limits at accept), and the pipeline of each connection
 * ({@link ConnectionGuard} for back-pressure and the queued bytes cap, HTTP codec, {@link HttpFlowGuard} for
 * timeouts and pipelining, status counters, body limit, {@link HttpRequestHandler}). REST
 * requests are never queued behind fan-out writes: those run on other threads. Tracks open connections so
 * shutdown can say goodbye (1001) to WebSocket clients and close them all.
 * <p>
 * <b>Note:</b> bind and close from one thread; {@link #openConnections()} is thread safe.
 */
final class NettyServer implements ServerBackend
{
    private final long closeTimeoutMs;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup httpGroup;
    private final EventLoopGroup fanoutGroup;
    private final ChannelGroup channels = new DefaultChannelGroup("cc-web", GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;
    private final NettyTransport transport;

    /**
     * Start the event loops and bind; on failure the event loops are stopped again.
     *
     * @param ctx                concluded context: threads, water marks, limits, port, error handler.
     * @param transport          socket transport of every event loop, the fan-out group's included.
     * @param fanoutGroup        event loops of upgraded WebSocket connections, from {@link #newFanoutGroup}, or null
     *                           when they stay on the HTTP loops; owned
     *                           from now on: stopped with the others.
     * @param address            resolved address to bind.
     * @param httpStatusCounters shared handler counting responses.
     * @param endpoints          shared endpoints for each connection's request handler.
     * @param limits             connection limits, timeouts and back-pressure settings with their counters.
     * @throws IllegalStateException with a one-line reason when the address cannot be bound.
     */
    NettyServer(
        final WebServer.Context ctx,
        final NettyTransport transport,
        final EventLoopGroup fanoutGroup,
        final InetAddress address,
        final HttpStatusCounters httpStatusCounters,
        final HttpEndpoints endpoints,
        final WebLimits limits)
    {
        closeTimeoutMs = ctx.closeTimeoutMs();
        this.transport = transport;
        bossGroup = new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("cc-web-accept", true), transport.ioHandlerFactory());
        httpGroup = EngineLoop.httpGroup(ctx, transport.ioHandlerFactory());
        this.fanoutGroup = fanoutGroup;

        final int maxRequestBodyLength = ctx.maxRequestBodyLength();
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(bossGroup, httpGroup)
            .channel(transport.serverChannelClass())
            .handler(new ChannelInitializer<Channel>()
            {
                protected void initChannel(final Channel channel)
                {
                    channel.pipeline()
                        .addLast("accept-errors", new AcceptErrorHandler(ctx.errorHandler()))
                        .addLast("connection-limits", new ConnectionLimiter(limits));
                }
            })
            .childOption(ChannelOption.TCP_NODELAY, true)
            // Netty 4.2's default (adaptive) allocator hands out buffers whose NIO view is a new slice on each
            // socket write; pooled buffers keep theirs, so a fan-out write allocates nothing.
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(ctx.writeBufferLowWaterMark(), ctx.writeBufferHighWaterMark()))
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                protected void initChannel(final SocketChannel channel)
                {
                    channels.add(channel);
                    final ConnectionGuard guard = new ConnectionGuard(limits);
                    // The answers to the requests of one read leave in one write (pipelined requests, HTTP/1.1).
                    channel.pipeline()
                        .addLast("conn-guard", guard)
                        .addLast(HttpFlowGuard.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(
                            FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, false))
                        .addLast("http-codec", new HttpServerCodec())
                        .addLast("http-flow", new HttpFlowGuard(limits, guard))
                        .addLast("http-status", httpStatusCounters)
                        .addLast("request-gate", new RequestGate(endpoints.accessPolicy, endpoints.refusals, endpoints.httpApi))
                        .addLast("http-aggregator", new BodyLimitAggregator(maxRequestBodyLength))
                        .addLast("http-handler", new HttpRequestHandler(endpoints));
                }
            });
        if (ctx.socketSendBufferLength() > 0)
        {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, ctx.socketSendBufferLength());
        }

        try
        {
            serverChannel = bootstrap.bind(address, ctx.port()).syncUninterruptibly().channel();
        }
        catch (final Exception ex)
        {
            shutdownEventLoops();
            throw new IllegalStateException(bindFailure(ctx.bindAddress(), ctx.port(), ex));
        }
    }

    /**
     * Event loops for upgraded WebSocket connections: {@link WebServer.Context#fanoutThreads(int)} threads.
     *
     * @param ctx       concluded context.
     * @param transport socket transport of the server's event loops.
     * @return a new group, to hand to the constructor.
     */
    static EventLoopGroup newFanoutGroup(final WebServer.Context ctx, final NettyTransport transport)
    {
        return new MultiThreadIoEventLoopGroup(Math.max(1, ctx.fanoutThreads()),
            new DefaultThreadFactory("cc-web-fanout", true), transport.ioHandlerFactory());
    }

    /**
     * The socket transport of this server's event loops.
     *
     * @return epoll or NIO.
     */
    NettyTransport transport()
    {
        return transport;
    }

    /**
     * Event loops of the HTTP connections (REST, pages, upgrade requests).
     */
    public EventLoopGroup httpGroup()
    {
        return httpGroup;
    }

    /**
     * Event loops of the upgraded WebSocket connections.
     */
    public EventLoopGroup fanoutGroup()
    {
        return null == fanoutGroup ? httpGroup : fanoutGroup;
    }

    /**
     * The bound address, with the port chosen when port 0 was asked for.
     */
    public InetSocketAddress localAddress()
    {
        return (InetSocketAddress)serverChannel.localAddress();
    }

    /**
     * Open HTTP and WebSocket connections.
     */
    public int openConnections()
    {
        return channels.size();
    }

    /**
     * Open HTTP and WebSocket connections themselves.
     */
    public ChannelGroup channels()
    {
        return channels;
    }

    /**
     * The listening channel.
     */
    public Channel serverChannel()
    {
        return serverChannel;
    }

    /**
     * Close the listening socket, tell WebSocket clients the server is going away (1001) and close every
     * connection, each step waiting at most the close timeout.
     */
    public void closeConnections()
    {
        serverChannel.close().awaitUninterruptibly(closeTimeoutMs);
        for (final Channel channel : channels)
        {
            if (null != channel.pipeline().get(WebSocketSession.class))
            {
                channel.writeAndFlush(new CloseWebSocketFrame(WebSocketSession.GOING_AWAY, "server shutting down"));
            }
        }
        channels.close().awaitUninterruptibly(closeTimeoutMs);
    }

    /**
     * Stop the acceptor, HTTP and fan-out event loops, waiting at most the close timeout for each.
     */
    public void shutdownEventLoops()
    {
        final var boss = bossGroup.shutdownGracefully(0, closeTimeoutMs, TimeUnit.MILLISECONDS);
        final var http = httpGroup.shutdownGracefully(0, closeTimeoutMs, TimeUnit.MILLISECONDS);
        final var fanout = null == fanoutGroup ? null :
            fanoutGroup.shutdownGracefully(0, closeTimeoutMs, TimeUnit.MILLISECONDS);
        boss.awaitUninterruptibly(closeTimeoutMs);
        http.awaitUninterruptibly(closeTimeoutMs);
        if (null != fanout)
        {
            fanout.awaitUninterruptibly(closeTimeoutMs);
        }
    }

    /**
     * Netty, its version and the socket transport, e.g. {@code netty 4.2.20.Final (epoll)}.
     */
    public String description()
    {
        return nettyDescription() + " (" + transport.description() + ")";
    }

    /**
     * Netty and the version of its transport on the class path.
     */
    static String nettyDescription()
    {
        final io.netty.util.Version version = io.netty.util.Version.identify().get("netty-transport");
        return "netty " + (null == version ? "4.2" : version.artifactVersion());
    }

    /**
     * One line saying why an address could not be bound and which setting to change.
     */
    static String bindFailure(final String bindAddress, final int port, final Throwable failure)
    {
        Throwable cause = failure;
        while (null != cause.getCause() && !(cause instanceof BindException))
        {
            cause = cause.getCause();
        }
        final String message = null == cause.getMessage() ? cause.getClass().getSimpleName() : cause.getMessage();
        final String lower = message.toLowerCase(Locale.ROOT);
        final String where = "cannot listen on " + (bindAddress.indexOf(':') >= 0 ? "[" + bindAddress + "]" : bindAddress) +
            ":" + port + ": ";
        if (lower.contains("already in use"))
        {
            return where + "address already in use (set websocket.port to a free port)";
        }
        if (lower.contains("permission denied") || lower.contains("access denied"))
        {
            return where + "permission denied (set websocket.port to 1024 or above)";
        }
        if (lower.contains("assign requested address"))
        {
            return where + "not an address of this machine (set websocket.bind to a local address such as 127.0.0.1)";
        }
        return where + HttpResponses.oneLine(lower) + " (check websocket.bind and websocket.port)";
    }
}
