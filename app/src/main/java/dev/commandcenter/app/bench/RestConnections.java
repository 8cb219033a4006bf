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
import io.netty.channel.EventLoop;
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
import io.netty.handler.codec.TooLongFrameException;
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
 * connections, opened as needed, on one event loop of their own (native epoll where available) or on a loop lent by
 * the WebSocket clients (a saturating phase, {@link LoopPump}), each carrying one
 * request at a time, so at most {@value #MAX_IN_FLIGHT} posts await their answer at once. Asked to pipeline
 * ({@code bench --pipeline N}, saturating only), up to N requests await their answer on each of
 * {@value #MAX_IN_FLIGHT} / N connections: the posts the loop makes in one pass are written and then sent with one
 * flush per connection ({@link #flush}), and the server may read them in one read and answer them in one write. The poster that finds them
 * all taken waits for a free one: a server falling behind then delays the schedule, which the latency shows (it is
 * measured from the intended send time), instead of being buried under new connections.
 * <p>
 * Requests are encoded and responses decoded by Netty's HTTP codec; an answer goes to the {@link Outcome} of the
 * request its connection carries. A request unanswered after the timeout fails and its connection is closed; so
 * does the request of a connection the server closes. The next post on it opens a new connection. A connection
 * unused for {@value #IDLE_CLOSE_MS} ms is closed by the generator, as Node's HTTP server closes one after 5 s: the
 * connections a slow warm-up opened are then gone before the measured phase, instead of being closed by the server
 * under test (after its idle timeout, a minute by default) in the middle of it.
 * <p>
 * The JDK's asynchronous client this replaces opened one connection per request in flight and spent more of the
 * shared cores per post than the server it measured: a profile at saturation showed its future chains keeping
 * the JIT compiler busy through the whole run.
 * <p>
 * <b>Note:</b> {@link #post} may be called from any number of threads.
 */
final class RestConnections implements AutoCloseable
{
    /**
     * Keep-alive connections to the server, each carrying one request at a time unless asked to pipeline: a POST is
     * not idempotent and a client should not pipeline after it (RFC 9112 9.3.2) unless it can tell what took effect
     * (the load generator can: every payment has a txid of its own and each answer is matched to its post); a server
     * may drop a connection that does (the engine's native backend does, see native/README.md).
     */
    static final int CONNECTIONS = 128;
    /** Posts awaiting their answer at most. */
    static final int MAX_IN_FLIGHT = CONNECTIONS;
    /** Most requests pipelined on one connection (the engine's default {@code websocket.maxPipelinedRequests}). */
    static final int MAX_DEPTH = 16;

    /** A connection unused this long is closed, ms. */
    static final long IDLE_CLOSE_MS = 5_000;

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
    /** Whether {@link #group} is this client's own, to stop on close, or lent by another (see the constructor). */
    private final boolean ownGroup;
    private final Bootstrap bootstrap;
    /** Requests awaiting their answer on one connection at most: 1, or more to pipeline (see the class comment). */
    private final int depth;
    private final Connection[] connections;
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
        this(events, token, clock, timeout, connectTimeout, null, 1);
    }

    /**
     * @param events         the {@code /api/events} URL (http only).
     * @param token          the access token, sent as a bearer token.
     * @param clock          the schedule's clock.
     * @param timeout        longest wait for an answer.
     * @param connectTimeout longest wait for a connection.
     * @param loop           the event loop to carry the connections on, lent by its owner and not stopped by
     *                       {@link #close} (of the transport {@link Epoll#isAvailable()} says), or null for a loop of
     *                       this client's own.
     * @param depth          requests awaiting their answer on one connection at most: 1 (no pipelining), or a
     *                       divisor of {@value #MAX_IN_FLIGHT} up to {@value #MAX_DEPTH} to pipeline.
     */
    RestConnections(final URI events, final String token, final NanoClock clock, final Duration timeout,
        final Duration connectTimeout, final EventLoop loop, final int depth)
    {
        if (!isDepth(depth))
        {
            throw new IllegalArgumentException("cannot pipeline " + depth + " requests per connection (expected 1, 2, " +
                "4, 8 or 16)");
        }
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
        ownGroup = null == loop;
        group = ownGroup ? new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cc-bench-rest", true), io) : loop;
        bootstrap = new Bootstrap()
            .group(group)
            .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
        this.depth = depth;
        connections = new Connection[MAX_IN_FLIGHT / depth];
        for (int i = 0; i < connections.length; i++)
        {
            connections[i] = new Connection();
        }
        timeoutCheck = group.next().scheduleAtFixedRate(
            this::checkConnections, TIMEOUT_CHECK_MS, TIMEOUT_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether a connection may carry this many requests awaiting their answer.
     *
     * @param depth requests per connection.
     * @return true for 1 and for a divisor of {@value #MAX_IN_FLIGHT} up to {@value #MAX_DEPTH}.
     */
    static boolean isDepth(final int depth)
    {
        return depth >= 1 && depth <= MAX_DEPTH && MAX_IN_FLIGHT % depth == 0;
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
        take().send(index, body, outcome, true);
        return true;
    }

    /**
     * Post one event if a connection is free, without waiting for anything: a connection to open is opened in the
     * background and the request written once it is. For the event loop that carries the connections (see
     * {@link LoopPump}), which must never wait on itself.
     *
     * @param index   of the event, given back to the outcome.
     * @param body    the JSON body.
     * @param outcome told of the answer, on the client's event loop, or of the failure.
     * @return false when {@value #MAX_IN_FLIGHT} posts await their answer (nothing was sent), else true.
     */
    boolean tryPost(final long index, final String body, final Outcome outcome)
    {
        if (!inFlight.tryAcquire())
        {
            return false;
        }
        take().send(index, body, outcome, false);
        return true;
    }

    /**
     * Whether a post would find a free connection now.
     *
     * @return true when fewer than {@value #MAX_IN_FLIGHT} posts await their answer.
     */
    boolean hasFreeConnection()
    {
        return inFlight.availablePermits() > 0;
    }

    /**
     * The event loop the connections are carried on.
     *
     * @return the loop.
     */
    EventLoop loop()
    {
        return group.next();
    }

    private Connection take()
    {
        final Connection connection;
        synchronized (this)
        {
            // A free place exists: the semaphore counts the taken ones. The first connection with a free place is
            // taken, so no more connections are opened than posts were in flight at once, and the posts of one pass
            // of the loop share as few connections as they can.
            int i = 0;
            while (connections[i].taken == depth)
            {
                i++;
            }
            connection = connections[i];
            connection.taken++;
        }
        return connection;
    }

    /**
     * Send the requests written on the event loop since the last flush, one write per connection (pipelining, see the
     * class comment); the loop that posted calls it after each pass of posts.
     */
    void flush()
    {
        if (depth > 1)
        {
            for (final Connection connection : connections)
            {
                connection.flush();
            }
        }
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

    private void checkConnections()
    {
        final long nowNs = clock.nanoTime();
        for (final Connection connection : connections)
        {
            connection.failIfTimedOut(nowNs);
            connection.closeIfIdle(nowNs);
        }
    }

    /**
     * Open connections, for tests.
     *
     * @return how many connections have a channel that is open.
     */
    int openConnections()
    {
        int open = 0;
        for (final Connection connection : connections)
        {
            open += connection.isOpen() ? 1 : 0;
        }
        return open;
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
        if (ownGroup)
        {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * One keep-alive connection and the requests it carries, oldest first. A poster takes a place on the connection
     * ({@link #taken}, under the pool's monitor) before sending, and the place is given back with the answer or the
     * failure, so at most {@link #depth} requests await their answer on it. The requests are guarded by the
     * connection's monitor: the poster adds one, the event loop takes the oldest with each answer (HTTP/1.1 answers
     * come in the order of the requests).
     */
    private final class Connection extends SimpleChannelInboundHandler<FullHttpResponse>
    {
        /** Places taken by posters, guarded by the pool's monitor: requests being sent or awaiting their answer. */
        int taken;
        private Channel channel;
        /** Whether {@link #channel} is being opened (requests queue in {@link #bodies} until it is). */
        private boolean opening;
        private final long[] indices = new long[depth];
        private final Outcome[] outcomes = new Outcome[depth];
        private final long[] sentNs = new long[depth];
        /** Bodies of the requests not yet written, while the connection opens. */
        private final String[] bodies = new String[depth];
        /** Position of the oldest request awaiting its answer, and how many do. */
        private int head;
        private int count;
        /** When the connection last sent or was answered; guarded by this connection's monitor. */
        private long usedNs;
        /** Whether requests were written on the event loop and not yet flushed ({@link #flush}). */
        private boolean flushPending;

        void send(final long index, final String body, final Outcome outcome, final boolean wait)
        {
            Channel channel;
            synchronized (this)
            {
                channel = this.channel;
                if (opening)
                {
                    add(index, outcome, body);
                    return;
                }
            }
            if (null == channel || !channel.isActive())
            {
                if (null != channel)
                {
                    // Closed before its inactivity was handled: what awaits an answer on it fails now, not with the
                    // requests sent on the next connection.
                    fail(channel, "the server closed the connection before answering");
                }
                // Connecting waits for the event loop, which takes this connection's monitor: it is not held meanwhile.
                final ChannelFuture connect = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>()
                {
                    protected void initChannel(final SocketChannel channel)
                    {
                        channel.pipeline().addLast(
                            new HttpClientCodec(),
                            new HttpObjectAggregator(MAX_RESPONSE_LENGTH),
                            Connection.this);
                    }
                }).connect(host, port);
                if (!wait)
                {
                    // The request is this connection's from now on, so a timeout fails it even before the connection
                    // is open; once open, the requests queued meanwhile are written unless they failed meanwhile.
                    synchronized (this)
                    {
                        this.channel = null;
                        opening = true;
                        add(index, outcome, body);
                    }
                    connect.addListener((ChannelFuture done) -> connected(done));
                    return;
                }
                if (!connect.awaitUninterruptibly().isSuccess())
                {
                    release();
                    outcome.failed(index, cannotConnect(connect));
                    return;
                }
                channel = connect.channel();
            }
            synchronized (this)
            {
                this.channel = channel;
                add(index, outcome, null);
                if (depth > 1 && channel.eventLoop().inEventLoop())
                {
                    // Written now, sent with the others of this pass of the loop (see #flush). From another thread
                    // each post is sent as written: a write and a flush handed over apart may run out of order.
                    channel.write(request(body), channel.voidPromise());
                    flushPending = true;
                }
                else
                {
                    channel.writeAndFlush(request(body), channel.voidPromise());
                }
            }
        }

        /**
         * Send what was written since the last flush.
         */
        void flush()
        {
            final Channel channel;
            synchronized (this)
            {
                if (!flushPending)
                {
                    return;
                }
                flushPending = false;
                channel = this.channel;
            }
            if (null != channel)
            {
                channel.flush();
            }
        }

        private void add(final long index, final Outcome outcome, final String body)
        {
            final int at = (head + count) % depth;
            indices[at] = index;
            outcomes[at] = outcome;
            bodies[at] = body;
            sentNs[at] = clock.nanoTime();
            usedNs = sentNs[at];
            count++;
        }

        private void connected(final ChannelFuture connect)
        {
            if (!connect.isSuccess())
            {
                synchronized (this)
                {
                    opening = false;
                }
                fail(null, cannotConnect(connect));
                return;
            }
            final Channel opened = connect.channel();
            synchronized (this)
            {
                opening = false;
                if (count > 0)
                {
                    channel = opened;
                    for (int i = 0; i < count; i++)
                    {
                        final int at = (head + i) % depth;
                        final String body = bodies[at];
                        bodies[at] = null;
                        opened.write(request(body), opened.voidPromise());
                    }
                    opened.flush();
                    return;
                }
            }
            opened.close(); // the requests failed while the connection opened
        }

        private String cannotConnect(final ChannelFuture connect)
        {
            return "cannot connect to " + host + ":" + port + ": " + WebSocketClients.reason(connect.cause());
        }

        public boolean isSharable()
        {
            return true;
        }

        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpResponse response)
        {
            final Outcome outcome;
            final long index;
            synchronized (this)
            {
                if (0 == count || ctx.channel() != channel)
                {
                    return; // an answer to nothing asked: the request it could belong to has already failed
                }
                outcome = outcomes[head];
                index = indices[head];
                outcomes[head] = null;
                head = (head + 1) % depth;
                count--;
                usedNs = clock.nanoTime();
            }
            release();
            outcome.answered(index, response.status().code(), response.content(), clock.nanoTime());
        }

        public void channelInactive(final ChannelHandlerContext ctx)
        {
            fail(ctx.channel(), "the server closed the connection before answering");
        }

        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            fail(ctx.channel(), cause instanceof TooLongFrameException ?
                "answer larger than " + MAX_RESPONSE_LENGTH + " bytes (expected a short status body)" :
                WebSocketClients.reason(cause));
            ctx.close();
        }

        void failIfTimedOut(final long nowNs)
        {
            final Channel channel;
            synchronized (this)
            {
                if (0 == count || nowNs - sentNs[head] < timeoutNs)
                {
                    return;
                }
                channel = this.channel;
            }
            fail(channel, "request timed out after " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms");
            if (null != channel)
            {
                channel.close();
            }
        }

        /**
         * Close the connection when it has been unused for {@value #IDLE_CLOSE_MS} ms. Every place on it is taken
         * first, as a poster takes one (a slot, then the connection), so no post is sent on it while it closes.
         */
        void closeIfIdle(final long nowNs)
        {
            if (!inFlight.tryAcquire())
            {
                return;
            }
            try
            {
                synchronized (RestConnections.this)
                {
                    if (taken > 0)
                    {
                        return;
                    }
                    taken = depth;
                }
                final Channel idle;
                synchronized (this)
                {
                    idle = null != channel && nowNs - usedNs >= TimeUnit.MILLISECONDS.toNanos(IDLE_CLOSE_MS) ? channel : null;
                    if (null != idle)
                    {
                        channel = null;
                    }
                }
                if (null != idle)
                {
                    idle.close();
                }
                synchronized (RestConnections.this)
                {
                    taken = 0;
                }
            }
            finally
            {
                inFlight.release();
            }
        }

        synchronized boolean isOpen()
        {
            return null != channel && channel.isActive();
        }

        void close()
        {
            final Channel channel;
            synchronized (this)
            {
                channel = this.channel;
            }
            fail(null, "the load generator closed the connection");
            if (null != channel)
            {
                channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }

        /**
         * Forget the channel if it is still {@code failed} (whatever it is when {@code failed} is null) and fail
         * every request awaiting its answer on it.
         */
        private void fail(final Channel failed, final String reason)
        {
            final int failing;
            final long[] index = new long[depth];
            final Outcome[] outcome = new Outcome[depth];
            synchronized (this)
            {
                if (null != failed && failed != channel)
                {
                    return;
                }
                channel = null;
                failing = count;
                for (int i = 0; i < failing; i++)
                {
                    final int at = (head + i) % depth;
                    index[i] = indices[at];
                    outcome[i] = outcomes[at];
                    outcomes[at] = null;
                    bodies[at] = null;
                }
                head = 0;
                count = 0;
            }
            for (int i = 0; i < failing; i++)
            {
                release();
                outcome[i].failed(index[i], reason);
            }
        }

        private void release()
        {
            synchronized (RestConnections.this)
            {
                taken--;
            }
            inFlight.release();
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
