package dev.commandcenter.app.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.concurrent.NanoClock;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's HTTP/1.1 client for {@code POST /api/events}: up to {@value #CONNECTIONS} keep-alive
 * connections, opened as needed, on one event loop of their own (native epoll where available), each carrying
 * {@value #DEPTH} request at a time, so at most {@value #MAX_IN_FLIGHT} posts await their answer at once. The poster that finds them all
 * taken waits for a free slot: a server falling behind then delays the schedule, which the latency shows (it is
 * measured from the intended send time), instead of being buried under new connections.
 * <p>
 * Requests are encoded and responses decoded by Netty's HTTP codec; an answer goes to the {@link Outcome} of the
 * request its connection carries. A request unanswered after
 * the timeout fails, with every other one waiting on its connection, and the connection is closed; so do the
 * requests of a connection the server closes. The next post opens a new connection in its place.
 * <p>
 * The JDK's asynchronous client this replaces opened one connection per request in flight and spent more of the
 * shared cores per post than the server it measured: a profile at saturation showed its future chains keeping
 * the JIT compiler busy through the whole run.
 * <p>
 * <b>Note:</b> {@link #post} may be called from any number of threads.
 */
final class RestConnections implements AutoCloseable
{
    /** Keep-alive connections to the server. */
    static final int CONNECTIONS = 128;
    /**
     * Requests awaiting their answer on one connection at most: one, since a POST is not idempotent and a client
     * should not pipeline after it (RFC 9112 9.3.2); a server may drop a connection that does.
     */
    static final int DEPTH = 1;
    /** Posts awaiting their answer at most. */
    static final int MAX_IN_FLIGHT = CONNECTIONS * DEPTH;

    private static final int MAX_RESPONSE_LENGTH = 64 * 1024;
    private static final long TIMEOUT_CHECK_MS = 50;
    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");

    /**
     * What becomes of one post.
     */
    interface Outcome
    {
        /**
         * The server answered.
         *
         * @param index  of the event posted.
         * @param status the HTTP status.
         * @param body   the first line of the answer's body, read only when the status is not the expected one.
         * @param nowNs  time of the answer on the clock given.
         */
        void answered(long index, int status, ByteBuf body, long nowNs);

        /**
         * No answer came.
         *
         * @param index  of the event posted.
         * @param reason why, e.g. {@code request timed out after 30000 ms}.
         */
        void failed(long index, String reason);
    }

    private final URI events;
    private final String host;
    private final int port;
    private final String path;
    private final String authorization;
    private final NanoClock clock;
    private final long timeoutNs;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Connection[] connections = new Connection[CONNECTIONS];
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ScheduledFuture<?> timeoutCheck;

    /**
     * @param events         the {@code /api/events} URL (http only).
     * @param token          the access token, sent as a bearer token.
     * @param clock          the schedule's clock.
     * @param timeout        longest wait for an answer.
     * @param connectTimeout longest wait for a connection.
     */
    RestConnections(
        final URI events, final String token, final NanoClock clock, final Duration timeout, final Duration connectTimeout)
    {
        if (!"http".equals(events.getScheme()))
        {
            throw new IllegalArgumentException("cannot post to " + events + ": only http:// is supported by the load " +
                "generator (expected http:// on loopback or a trusted network)");
        }
        this.events = events;
        this.host = events.getHost();
        this.port = events.getPort() > 0 ? events.getPort() : 80;
        this.path = events.getRawPath() + (null == events.getRawQuery() ? "" : "?" + events.getRawQuery());
        this.authorization = "Bearer " + token;
        this.clock = clock;
        this.timeoutNs = timeout.toNanos();
        final boolean epoll = Epoll.isAvailable();
        final IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cc-bench-rest", true), io);
        bootstrap = new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        for (int i = 0; i < CONNECTIONS; i++)
        {
            connections[i] = new Connection();
        }
        timeoutCheck = group.next().scheduleAtFixedRate(
            this::failTimedOut, TIMEOUT_CHECK_MS, TIMEOUT_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Post one event, waiting first while {@value #MAX_IN_FLIGHT} posts await their answer.
     *
     * @param index   of the event, given back to the outcome.
     * @param body    the JSON body.
     * @param outcome told of the answer, on the client's event loop, or of the failure.
     * @return false when interrupted while waiting (nothing was sent), else true.
     */
    boolean post(final long index, final String body, final Outcome outcome)
    {
        try
        {
            inFlight.acquire();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        final Connection connection;
        synchronized (this)
        {
            // A free slot exists: the semaphore counts the requests of every connection together. The first free
            // one is taken, so no more connections are opened than posts were in flight at once.
            int i = 0;
            while (connections[i].waiting >= DEPTH)
            {
                i++;
            }
            connection = connections[i];
            connection.waiting++;
        }
        connection.send(index, body, outcome);
        return true;
    }

    private FullHttpRequest request(final String body)
    {
        final ByteBuf content = ByteBufUtil.writeUtf8(ByteBufAllocator.DEFAULT, body);
        final FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, content);
        request.headers()
            .set(HttpHeaderNames.HOST, host + ":" + port)
            .set(HttpHeaderNames.AUTHORIZATION, authorization)
            .set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_JSON)
            .set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        return request;
    }

    private void failTimedOut()
    {
        final long nowNs = clock.nanoTime();
        for (final Connection connection : connections)
        {
            connection.failIfTimedOut(nowNs);
        }
    }

    /**
     * Close the connections (their unanswered posts fail) and stop the event loop.
     */
    public void close()
    {
        timeoutCheck.cancel(false);
        for (final Connection connection : connections)
        {
            connection.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /**
     * One keep-alive connection and the requests sent on it that await their answer, oldest first. The queue is
     * guarded by the connection's monitor: posters add to it, the event loop takes from it.
     */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse>
    {
        private final long[] indexes = new long[DEPTH];
        private final long[] sentNs = new long[DEPTH];
        private final Outcome[] outcomes = new Outcome[DEPTH];
        private int head;
        private int size;
        /** Slots taken, guarded by the pool's monitor: requests sent or about to be. */
        int waiting;
        private final Object connectLock = new Object();
        private Channel channel;

        void send(final long index, final String body, final Outcome outcome)
        {
            // Connecting waits for the event loop, which takes this connection's monitor: only the poster's lock is
            // held meanwhile.
            synchronized (connectLock)
            {
                Channel channel;
                synchronized (this)
                {
                    channel = this.channel;
                }
                if (null == channel || !channel.isActive())
                {
                    final ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>()
                    {
                        protected void initChannel(final SocketChannel channel)
                        {
                            channel.pipeline().addLast(
                                new HttpClientCodec(),
                                new HttpObjectAggregator(MAX_RESPONSE_LENGTH),
                                Connection.this);
                        }
                    }).connect(host, port).awaitUninterruptibly();
                    if (!connect.isSuccess())
                    {
                        release(1);
                        outcome.failed(index, "cannot connect to " + host + ":" + port + ": " +
                            WebSocketClients.reason(connect.cause()));
                        return;
                    }
                    channel = connect.channel();
                    // What still waits was sent on the connection that is gone: no answer will come for it.
                    failAll(null, "the server closed the connection before answering", channel);
                }
                synchronized (this)
                {
                    final int tail = (head + size) % DEPTH;
                    indexes[tail] = index;
                    sentNs[tail] = clock.nanoTime();
                    outcomes[tail] = outcome;
                    size++;
                    // Written under the monitor: the order of the writes is the order of the queue.
                    channel.writeAndFlush(request(body), channel.voidPromise());
                }
            }
        }

        public boolean isSharable()
        {
            return true;
        }

        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response)
        {
            final long index;
            final Outcome outcome;
            synchronized (this)
            {
                if (0 == size || ctx.channel() != channel)
                {
                    return; // an answer to nothing asked: the requests it could belong to have already failed
                }
                index = indexes[head];
                outcome = outcomes[head];
                outcomes[head] = null;
                head = (head + 1) % DEPTH;
                size--;
            }
            release(1);
            outcome.answered(index, response.status().code(), response.content(), clock.nanoTime());
        }

        public void channelInactive(final ChannelHandlerContext ctx)
        {
            failAll(ctx.channel(), "the server closed the connection before answering", null);
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            failAll(ctx.channel(), WebSocketClients.reason(cause), null);
            ctx.close();
        }

        void failIfTimedOut(final long nowNs)
        {
            final Channel channel;
            synchronized (this)
            {
                if (0 == size || nowNs - sentNs[head] < timeoutNs)
                {
                    return;
                }
                channel = this.channel;
            }
            failAll(channel, "request timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms", null);
            if (null != channel)
            {
                channel.close();
            }
        }

        void close()
        {
            final Channel channel;
            synchronized (this)
            {
                channel = this.channel;
            }
            failAll(null, "the load generator closed the connection", null);
            if (null != channel)
            {
                channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }

        /**
         * Fail every request waiting on the connection if its channel is still {@code failed} (any channel when
         * {@code failed} is null), and put {@code replacement} in its place.
         */
        private void failAll(final Channel failed, final String reason, final Channel replacement)
        {
            final long[] failedIndexes;
            final Outcome[] failedOutcomes;
            synchronized (this)
            {
                if (null != failed && failed != channel)
                {
                    return;
                }
                channel = replacement;
                failedIndexes = new long[size];
                failedOutcomes = new Outcome[size];
                for (int i = 0; i < failedIndexes.length; i++)
                {
                    failedIndexes[i] = indexes[head];
                    failedOutcomes[i] = outcomes[head];
                    outcomes[head] = null;
                    head = (head + 1) % DEPTH;
                }
                size = 0;
            }
            if (failedIndexes.length > 0)
            {
                release(failedIndexes.length);
            }
            for (int i = 0; i < failedIndexes.length; i++)
            {
                failedOutcomes[i].failed(failedIndexes[i], reason);
            }
        }

        private void release(final int slots)
        {
            synchronized (RestConnections.this)
            {
                waiting -= slots;
            }
            inFlight.release(slots);
        }
    }

    /**
     * The first line of an answer's body, for an error message.
     *
     * @param body the body.
     * @return its first line, at most 200 characters.
     */
    static String firstLine(final ByteBuf body)
    {
        final String text = body.toString(body.readerIndex(), Math.min(body.readableBytes(), 200), StandardCharsets.UTF_8);
        final int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    @Override
    public String toString()
    {
        return "RestConnections{" + WebSocketClients.redact(events) + "}";
    }
}
