package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.plugin.Plugin;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * HTTP and WebSocket server for browsers, OBS browser sources and bots, on Netty NIO event loops: one acceptor
 * thread, {@link Context#httpThreads(int)} HTTP threads carrying REST, pages and upgrade requests, and
 * {@link Context#fanoutThreads(int)} fan-out threads that WebSocket connections move to once upgraded, so a
 * {@code POST} is never queued behind fan-out writes.
 * <ul>
 *   <li>{@code GET /plugins/<pluginId>/<path>}: a plugin's web pages, no token (pages read it from their own URL).</li>
 *   <li>{@code GET /?token=}: index of plugin pages and feeds (overlay).</li>
 *   <li>{@code GET /api/health}: JSON from the status supplier (admin: it reveals state).</li>
 *   <li>{@code GET /metrics}: every counter of the counters file as Prometheus text ({@link PrometheusText}) (admin).</li>
 *   <li>{@code POST /api/events}: one message in the JSON view, published into the engine (202 {"receipt":N}) (admin);
 *   wallet events are refused with 422.</li>
 *   <li>{@code GET /ws/<feed>?token=&format=json|sbe&types=A,B}: WebSocket feed of a plugin's output, or {@code all};
 *   subprotocol {@code cc.json.v1} or {@code cc.sbe.v1} selects the rendering ahead of {@code format=}.</li>
 * </ul>
 * Everything but plugin pages needs a token, as {@code ?token=} or {@code Authorization: Bearer}: the overlay
 * token ({@link Scope#OVERLAY}) opens feeds and the index, the admin token ({@link Scope#ADMIN}) everything,
 * including health, metrics and posting events. Browser requests are accepted from the server's own origin and
 * from {@link Context#allowedOrigins(List)}; the Host header must name this server ({@link Context#allowedHosts(List)}).
 * Host, Origin, token and scope are checked before a request's body is read ({@link RequestGate}).
 * <p>
 * Metrics are counters of the engine's counters file: WebSocket clients, frames, bytes, drops and 1013
 * closes (through the egress), responses by status code ({@link HttpStatusCounters}) and connections reset
 * by their peer. Errors have one path, the {@link Context#errorHandler(ErrorHandler) error handler}: handler
 * exceptions, failed writes and accept failures go there, nothing is printed. A reset or broken pipe, and a
 * write to a connection the peer already closed, is an ordinary client disconnect: counted in
 * {@link CounterType#WEB_PEER_RESETS}, not reported as an error.
 * <p>
 * This class assembles and owns the parts: {@link NettyServer} runs the event loops and the listening
 * socket (or, when {@link Context#wireTransport} names a transport that owns the socket, {@link WireBridge} serves
 * its connections as channels on the same event loops with the same handlers; one line at launch names the
 * backend, through {@link Context#infoLog}), each connection's {@link HttpRequestHandler} checks origin, token
 * and method and picks one of the shared {@link HttpEndpoints}, and {@link ServerErrorPath} is the error path they all report to.
 * <pre>{@code
 * try (WebServer server = WebServer.launch(new WebServer.Context().token(overlayToken).adminToken(adminToken).egress(egress)
 *     .eventPublisher(engine.publisher()).counters(engine.counters()).countersReader(engine.countersReader())
 *     .errorHandler(engine.errorHandler())))
 * {
 *     System.out.println("listening on " + server.baseUrl());
 * }
 * }</pre>
 * <b>Note:</b> launch and close from one thread; the getters are thread safe.
 */
public final class WebServer implements AutoCloseable
{
    private final Context ctx;
    private final ExecutorService publishExecutor;
    private final ServerBackend backend;
    private final InetSocketAddress localAddress;
    private final HttpStatusCounters httpStatusCounters;
    private final ServerErrorPath errorPath;
    private final WebLimits limits;
    private final AccessPolicy accessPolicy;
    private final Refusals refusals;
    private final TokenSessions tokenSessions;
    private volatile boolean closed;

    private WebServer(final Context ctx)
    {
        this.ctx = ctx;
        accessPolicy = new AccessPolicy(ctx.token, ctx.adminToken, ctx.chatToken, ctx.moderatorToken, ctx.tipToken,
            ctx.allowedOrigins, ctx.allowedHosts, ctx.bindAddress);
        ctx.httpApi.trustedProxies(ctx.trustedProxies);

        final InetAddress address;
        try
        {
            address = InetAddress.getByName(ctx.bindAddress);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("websocket.bind: cannot resolve '" + ctx.bindAddress +
                "', expected an address of this machine such as 127.0.0.1");
        }

        httpStatusCounters = new HttpStatusCounters(ctx.counters, ctx.errorHandler);
        final AtomicCounter peerResets = ctx.counters.allocate(CounterType.WEB_PEER_RESETS, "");
        try
        {
            ctx.egress.bindCounters(ctx.counters);
        }
        catch (final RuntimeException ex)
        {
            peerResets.close();
            throw ex;
        }
        errorPath = new ServerErrorPath(ctx.errorHandler, peerResets);
        try
        {
            limits = new WebLimits(ctx, ctx.counters);
        }
        catch (final RuntimeException ex)
        {
            ctx.egress.unbindCounters();
            peerResets.close();
            throw ex;
        }
        refusals = new Refusals(ctx.counters);
        tokenSessions = new TokenSessions(refusals);
        if (ctx.acceptWalletEventsOverRest)
        {
            System.getLogger("dev.commandcenter.transport.websocket.access").log(System.Logger.Level.WARNING,
                "websocket.acceptWalletEventsOverRest is on: anyone with the admin token can post payments " +
                "(for benchmarks only, never on a live stream)");
        }

        publishExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cc-web-rest-", 0).factory());
        final NettyTransport transport;
        try
        {
            transport = null == ctx.wireTransport ? NettyTransport.select(ctx.transport) : NettyTransport.select(NettyTransport.NIO);
        }
        catch (final RuntimeException ex)
        {
            publishExecutor.shutdownNow();
            ctx.egress.unbindCounters();
            peerResets.close();
            throw ex;
        }
        // No fan-out threads: upgraded connections stay on the HTTP loop that upgraded them (Netty only).
        final EventLoopGroup fanoutGroup = 0 == ctx.fanoutThreads() && null == ctx.wireTransport ? null :
            NettyServer.newFanoutGroup(ctx, transport);
        final HttpEndpoints endpoints = new HttpEndpoints(
            ctx, accessPolicy, errorPath, publishExecutor, fanoutGroup, refusals, tokenSessions);
        try
        {
            backend = null == ctx.wireTransport ?
                new NettyServer(ctx, transport, fanoutGroup, address, httpStatusCounters, endpoints, limits) :
                new WireBridge(ctx, fanoutGroup, httpStatusCounters, endpoints, limits);
        }
        catch (final RuntimeException ex)
        {
            publishExecutor.shutdownNow();
            ctx.egress.unbindCounters();
            peerResets.close();
            throw ex;
        }
        localAddress = backend.localAddress();
        ctx.infoLog.accept("websocket backend: " + backend.description());
    }

    /**
     * Start a server: bind (Netty's listening socket, or the context's wire transport), then serve until closed.
     *
     * @param ctx configuration; concluded here.
     * @return the running server.
     * @throws IllegalStateException with a one-line reason when the address cannot be bound.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public static WebServer launch(final Context ctx)
    {
        ctx.conclude();
        return new WebServer(ctx);
    }

    /**
     * The port the server listens on; the ephemeral one chosen when the context asked for port 0.
     *
     * @return the bound port.
     */
    public int port()
    {
        return localAddress.getPort();
    }

    /**
     * The address the server listens on.
     *
     * @return the bound socket address.
     */
    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    /**
     * Base URL for links and logs, without the token.
     *
     * @return for example {@code http://127.0.0.1:7300}.
     */
    public String baseUrl()
    {
        final String host = localAddress.getAddress().getHostAddress();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port();
    }

    /**
     * The backend serving the sockets, for the start log line: {@code netty 4.2.x}, or the wire transport's name and
     * version, e.g. {@code native (libwebsockets 4.1.6)}.
     *
     * @return the description.
     */
    public String backend()
    {
        return backend.description();
    }

    /**
     * The concluded context.
     *
     * @return the context.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * The fan-out feeding this server's WebSocket clients, with its counters.
     *
     * @return the egress.
     */
    public WebSocketEgress egress()
    {
        return ctx.egress;
    }

    /**
     * Open HTTP and WebSocket connections, subscribed or not.
     *
     * @return the number of connections.
     */
    public int openConnections()
    {
        return backend.openConnections();
    }

    /**
     * Stop: close the listening socket, tell WebSocket clients the server is going away (1001), close
     * every connection and stop the event loops.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        backend.closeConnections();
        publishExecutor.shutdownNow();
        backend.shutdownEventLoops();
        try
        {
            publishExecutor.awaitTermination(ctx.closeTimeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Replace the overlay and admin tokens while the server runs: requests and upgrades are checked against the
     * new ones at once, and WebSocket sessions authenticated with a token that is no longer valid are closed with
     * 1008 "token rotated" after {@link Context#rotationGraceMs(long)}, so an overlay can reconnect with its new URL.
     *
     * @param overlayToken the new overlay token, at least {@value Tokens#MIN_LENGTH} random characters.
     * @param adminToken   the new admin token, likewise, different from the overlay token.
     * @throws IllegalArgumentException naming the token that is too weak (never its value).
     */
    public void tokens(final String overlayToken, final String adminToken)
    {
        tokens(overlayToken, adminToken, null, null);
    }

    /**
     * Replace the four tokens while the server runs, as {@link #tokens(String, String)} does for two: sessions
     * authenticated with any token rotated out (a viewer's chat token too) are closed with 1008 "token rotated".
     *
     * @param overlayToken   the new overlay token.
     * @param adminToken     the new admin token.
     * @param chatToken      the new chat token, or null when the chat scope has no token.
     * @param moderatorToken the new moderator token, or null when the moderator scope has no token.
     * @throws IllegalArgumentException naming the token that is too weak or shared (never its value).
     */
    public void tokens(final String overlayToken, final String adminToken, final String chatToken, final String moderatorToken)
    {
        tokens(overlayToken, adminToken, chatToken, moderatorToken, null);
    }

    /**
     * Replace the five tokens while the server runs, as {@link #tokens(String, String, String, String)} does for four:
     * the tip page's token too.
     *
     * @param overlayToken   the new overlay token.
     * @param adminToken     the new admin token.
     * @param chatToken      the new chat token, or null when the chat scope has no token.
     * @param moderatorToken the new moderator token, or null when the moderator scope has no token.
     * @param tipToken       the new tip token, or null when the tip scope has no token.
     * @throws IllegalArgumentException naming the token that is too weak or shared (never its value).
     */
    public void tokens(
        final String overlayToken,
        final String adminToken,
        final String chatToken,
        final String moderatorToken,
        final String tipToken)
    {
        Context.requireTokens(overlayToken, adminToken, chatToken, moderatorToken, tipToken);
        accessPolicy.tokens(overlayToken, adminToken, chatToken, moderatorToken, tipToken);
        if (closed)
        {
            return;
        }
        try
        {
            backend.httpGroup().next().schedule(
                () -> tokenSessions.closeRotatedOut(accessPolicy), ctx.rotationGraceMs, TimeUnit.MILLISECONDS);
        }
        catch (final RuntimeException ex)
        {
            // Shutting down: the sessions are being closed anyway.
        }
    }

    /**
     * Counts of refusals by the access checks.
     */
    Refusals refusals()
    {
        return refusals;
    }

    /**
     * Open WebSocket sessions tracked for token rotation.
     */
    TokenSessions tokenSessions()
    {
        return tokenSessions;
    }

    /**
     * Responses counted by status code.
     */
    HttpStatusCounters httpStatusCounters()
    {
        return httpStatusCounters;
    }

    /**
     * The hardening limits, their counters and the connections they hold.
     */
    WebLimits limits()
    {
        return limits;
    }

    /**
     * Connections that ended with a reset or broken pipe.
     */
    long peerResets()
    {
        return errorPath.peerResets();
    }

    /**
     * Open HTTP and WebSocket connections themselves.
     */
    io.netty.channel.group.ChannelGroup channels()
    {
        return backend.channels();
    }

    /**
     * The listening channel.
     */
    Channel serverChannel()
    {
        return backend.serverChannel();
    }

    /**
     * Event loops of HTTP connections.
     */
    EventLoopGroup httpGroup()
    {
        return backend.httpGroup();
    }

    /**
     * Event loops of upgraded WebSocket connections.
     */
    EventLoopGroup fanoutGroup()
    {
        return backend.fanoutGroup();
    }

    /**
     * Configuration of a {@link WebServer}. Defaults come from the named constants; {@link #conclude()}
     * validates and may be called once. The token is never printed, logged or returned by {@link #toString()}.
     */
    public static final class Context
    {
        private dev.commandcenter.transport.websocket.wire.WireTransport wireTransport;
        /** Default address to listen on: loopback only. */
        public static final String BIND_ADDRESS_DEFAULT = "127.0.0.1";
        /** Default port. */
        public static final int PORT_DEFAULT = 7300;
        /** Default largest inbound WebSocket frame payload; a larger one closes the connection with 1009. */
        public static final int MAX_FRAME_LENGTH_DEFAULT = 64 * 1024;
        /** Default largest HTTP request body; a larger one gets 413. */
        public static final int MAX_REQUEST_BODY_LENGTH_DEFAULT = 64 * 1024;
        /** Default outbound bytes queued for a connection above which it is not writable (messages are dropped). */
        public static final int WRITE_BUFFER_HIGH_WATER_MARK_DEFAULT = 256 * 1024;
        /** Default outbound bytes queued below which a connection is writable again. */
        public static final int WRITE_BUFFER_LOW_WATER_MARK_DEFAULT = 128 * 1024;
        /** Default messages dropped in a row for an unwritable client before it is closed with 1013. */
        public static final int SLOW_CONSUMER_DROP_LIMIT_DEFAULT = 256;
        /** Default number of HTTP event loop threads: REST, pages and upgrade requests (plus one acceptor thread). */
        public static final int HTTP_THREADS_DEFAULT = 1;
        /** Default number of fan-out event loop threads carrying the upgraded WebSocket connections. */
        public static final int FANOUT_THREADS_DEFAULT = 1;
        /** {@link #httpLoopClients(int)}: as many as {@link #HTTP_LOOP_CLIENTS_WITH_ENGINE} when the engine's cycle runs
         * on the HTTP loop, else none. */
        public static final int HTTP_LOOP_CLIENTS_AUTO = -1;
        /** Upgraded WebSocket clients that stay on the HTTP loop, with {@link #HTTP_LOOP_CLIENTS_AUTO}, when the engine's
         * cycle runs there: an overlay or two, a dashboard and a chat page. */
        public static final int HTTP_LOOP_CLIENTS_WITH_ENGINE = 4;
        /** Default time to wait for a client's close frame, and for shutdown steps. */
        public static final long CLOSE_TIMEOUT_MS_DEFAULT = 2000;
        /** Default time sessions authenticated with a rotated-out token stay open: time to reload the overlay. */
        public static final long ROTATION_GRACE_MS_DEFAULT = 30_000;
        /** Default socket send buffer: 0 leaves the operating system's. */
        public static final int SOCKET_SEND_BUFFER_LENGTH_DEFAULT = 0;
        /**
         * System property choosing the socket transport of the Netty backend: {@code auto} (native epoll when it
         * loads, else NIO), {@code epoll} (an error when it cannot load) or {@code nio}.
         */
        public static final String TRANSPORT_PROP_NAME = "commandcenter.websocket.transport";
        /** Default socket transport: native epoll when it loads, else NIO. */
        public static final String TRANSPORT_DEFAULT = NettyTransport.AUTO;
        /** Default bytes queued for one connection (HTTP responses or WebSocket frames) past which it is closed. */
        public static final int MAX_QUEUED_BYTES_PER_CONNECTION_DEFAULT = 4 * 1024 * 1024;
        /** Default HTTP requests read from one connection and not yet answered; at the limit it reads no more. */
        public static final int MAX_PIPELINED_REQUESTS_DEFAULT = 16;
        /** Default time for a request's headers to arrive, from the connection or the request's first byte. */
        public static final long HEADER_TIMEOUT_MS_DEFAULT = 10_000;
        /** Default time for a request's body to arrive after its headers. */
        public static final long BODY_TIMEOUT_MS_DEFAULT = 10_000;
        /** Default time a kept-alive HTTP connection may wait without a request. */
        public static final long IDLE_TIMEOUT_MS_DEFAULT = 60_000;
        /** Default interval of the server's WebSocket pings; 0 sends none. */
        public static final long PING_INTERVAL_MS_DEFAULT = 15_000;
        /** Default ping intervals without any frame from a WebSocket client before it is closed with 1001. */
        public static final int MISSED_PONGS_DEFAULT = 2;
        /** Default pings, pongs and text pings a WebSocket client may send a second; more closes it with 1008. */
        public static final int MAX_CONTROL_FRAMES_PER_SECOND_DEFAULT = 20;
        /** Default open connections in all: 0, resolved by {@link #conclude()} to {@link #MAX_CONNECTIONS_AUTO_CAP} or
         *  three quarters of the process's open file limit, whichever is lower. */
        public static final int MAX_CONNECTIONS_DEFAULT = 0;
        /** The most connections a {@link #MAX_CONNECTIONS_DEFAULT 0} ("auto") connection limit resolves to. */
        public static final int MAX_CONNECTIONS_AUTO_CAP = 4096;
        /** Default open connections from one remote address. */
        public static final int MAX_CONNECTIONS_PER_ADDRESS_DEFAULT = 256;
        /** Default request body bytes being aggregated at once, server wide; past it a request gets 503. */
        public static final long MAX_AGGREGATING_BYTES_DEFAULT = 16L * 1024 * 1024;
        /** Default interval within which one offender's warnings of one kind are logged once. */
        public static final long LIMIT_LOG_INTERVAL_MS_DEFAULT = 10_000;

        private boolean concluded;
        private String bindAddress = BIND_ADDRESS_DEFAULT;
        private int port = PORT_DEFAULT;
        private String token;
        private String adminToken;
        private String chatToken;
        private String moderatorToken;
        private String tipToken;
        private final Map<Scope, Set<String>> scopedFeeds = new java.util.EnumMap<>(Scope.class);
        private List<String> trustedProxyEntries = new ArrayList<>();
        private TrustedProxies trustedProxies = TrustedProxies.none();
        private List<String> allowedOrigins = new ArrayList<>();
        private List<String> allowedHosts = new ArrayList<>();
        private long rotationGraceMs = ROTATION_GRACE_MS_DEFAULT;
        private boolean acceptWalletEventsOverRest;
        private int maxFrameLength = MAX_FRAME_LENGTH_DEFAULT;
        private int maxRequestBodyLength = MAX_REQUEST_BODY_LENGTH_DEFAULT;
        private int writeBufferHighWaterMark = WRITE_BUFFER_HIGH_WATER_MARK_DEFAULT;
        private int writeBufferLowWaterMark = WRITE_BUFFER_LOW_WATER_MARK_DEFAULT;
        private int slowConsumerDropLimit = SLOW_CONSUMER_DROP_LIMIT_DEFAULT;
        private int httpThreads = HTTP_THREADS_DEFAULT;
        private int fanoutThreads = FANOUT_THREADS_DEFAULT;
        private int httpLoopClients = HTTP_LOOP_CLIENTS_AUTO;
        private long closeTimeoutMs = CLOSE_TIMEOUT_MS_DEFAULT;
        private int socketSendBufferLength = SOCKET_SEND_BUFFER_LENGTH_DEFAULT;
        private String transport = System.getProperty(TRANSPORT_PROP_NAME, TRANSPORT_DEFAULT);
        private int maxQueuedBytesPerConnection = MAX_QUEUED_BYTES_PER_CONNECTION_DEFAULT;
        private int maxPipelinedRequests = MAX_PIPELINED_REQUESTS_DEFAULT;
        private long headerTimeoutMs = HEADER_TIMEOUT_MS_DEFAULT;
        private long bodyTimeoutMs = BODY_TIMEOUT_MS_DEFAULT;
        private long idleTimeoutMs = IDLE_TIMEOUT_MS_DEFAULT;
        private long pingIntervalMs = PING_INTERVAL_MS_DEFAULT;
        private int missedPongs = MISSED_PONGS_DEFAULT;
        private int maxControlFramesPerSecond = MAX_CONTROL_FRAMES_PER_SECOND_DEFAULT;
        private int maxConnections = MAX_CONNECTIONS_DEFAULT;
        private int maxConnectionsPerAddress = MAX_CONNECTIONS_PER_ADDRESS_DEFAULT;
        private long maxAggregatingBytes = MAX_AGGREGATING_BYTES_DEFAULT;
        private long limitLogIntervalMs = LIMIT_LOG_INTERVAL_MS_DEFAULT;
        private java.util.function.Consumer<String> warningLog;
        private java.util.function.Consumer<String> infoLog;
        private EventPublisher eventPublisher;
        private dev.commandcenter.engine.EngineCycle engineCycle;
        private long engineCycleMaxBlockNs = dev.commandcenter.engine.WaitStrategies.MAX_PARK_NS_DEFAULT;
        private Supplier<?> statusSupplier;
        private WebSocketEgress egress;
        private CounterAllocator counters;
        private CountersReader countersReader;
        private ErrorHandler errorHandler;
        private final Map<String, WebRoot> webRoots = new LinkedHashMap<>();
        private java.util.function.Function<String, WebRoot> webRootLookup;
        private final Set<String> feeds = new LinkedHashSet<>();
        private final HttpApi httpApi = new HttpApi();
        private final Map<String, RouteEntry> webSocketRoutes = new java.util.concurrent.ConcurrentHashMap<>();

        /**
         * Validate the configuration and fill in what was left out (an egress of its own when none was given).
         * Called by {@link WebServer#launch(Context)}.
         *
         * @return this.
         * @throws IllegalStateException if called twice.
         * @throws IllegalArgumentException naming the setting that is wrong and what was expected.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            concluded = true;
            requireTokens(token, adminToken, chatToken, moderatorToken, tipToken);
            trustedProxies = TrustedProxies.parse(trustedProxyEntries);
            for (final String host : allowedHosts)
            {
                if (null == host || host.isBlank() || host.indexOf('/') >= 0 || host.indexOf(' ') >= 0)
                {
                    throw new IllegalArgumentException("websocket.allowedHosts: expected host names such as " +
                        "obs.lan or 192.168.1.20, got '" + HttpResponses.clientText(host) + "'");
                }
            }
            allowedHosts = List.copyOf(allowedHosts);
            if (rotationGraceMs < 0)
            {
                throw new IllegalArgumentException("websocket.rotationGraceMs: expected 0 or more, got " + rotationGraceMs);
            }
            if (null == bindAddress || bindAddress.isBlank())
            {
                throw new IllegalArgumentException("websocket.bind: expected an address such as 127.0.0.1");
            }
            if (null == counters)
            {
                throw new IllegalArgumentException("websocket counters: required, expected the engine's counter allocator");
            }
            if (null == countersReader)
            {
                throw new IllegalArgumentException("websocket countersReader: required, expected the engine's counters reader");
            }
            if (null == errorHandler)
            {
                throw new IllegalArgumentException("websocket errorHandler: required, expected the engine's error handler");
            }
            if (port < 0 || port > 65535)
            {
                throw new IllegalArgumentException("websocket.port: expected 0..65535 (0 for any free port), got " + port);
            }
            requireAtLeast("websocket.maxFrameLength", maxFrameLength, 125);
            requireAtLeast("websocket.maxRequestBodyLength", maxRequestBodyLength, 1);
            requireAtLeast("websocket.lowWaterMark", writeBufferLowWaterMark, 1);
            if (writeBufferHighWaterMark < writeBufferLowWaterMark)
            {
                throw new IllegalArgumentException("websocket.highWaterMark: expected at least websocket.lowWaterMark (" +
                    writeBufferLowWaterMark + "), got " + writeBufferHighWaterMark);
            }
            requireAtLeast("websocket.slowConsumerDropLimit", slowConsumerDropLimit, 0);
            requireAtLeast("websocket.httpThreads", httpThreads, 1);
            requireAtLeast("websocket.fanoutThreads", fanoutThreads, 0);
            if (httpLoopClients < HTTP_LOOP_CLIENTS_AUTO)
            {
                throw new IllegalArgumentException("websocket.httpLoopClients: expected 0 or more, or -1 for auto (" +
                    HTTP_LOOP_CLIENTS_WITH_ENGINE + " when engine.runOn is http-loop, else 0), got " + httpLoopClients);
            }
            requireAtLeast("websocket.socketSendBufferLength", socketSendBufferLength, 0);
            final String transportProblem = NettyTransport.problem(transport);
            if (null != transportProblem)
            {
                throw new IllegalArgumentException(transportProblem);
            }
            if (closeTimeoutMs < 1)
            {
                throw new IllegalArgumentException("websocket.closeTimeoutMs: expected 1 or more, got " + closeTimeoutMs);
            }
            if (maxQueuedBytesPerConnection < writeBufferHighWaterMark)
            {
                throw new IllegalArgumentException("websocket.maxQueuedBytesPerConnection: expected at least the high " +
                    "water mark (" + writeBufferHighWaterMark + "), got " + maxQueuedBytesPerConnection);
            }
            requireAtLeast("websocket.maxPipelinedRequests", maxPipelinedRequests, 1);
            requireAtLeast("websocket.headerTimeoutMs", headerTimeoutMs, 1);
            requireAtLeast("websocket.bodyTimeoutMs", bodyTimeoutMs, 1);
            requireAtLeast("websocket.idleTimeoutMs", idleTimeoutMs, 1);
            requireAtLeast("websocket.pingIntervalMs", pingIntervalMs, 0);
            requireAtLeast("websocket.missedPongs", missedPongs, 1);
            requireAtLeast("websocket.maxControlFramesPerSecond", maxControlFramesPerSecond, 1);
            requireAtLeast("websocket.maxConnections", maxConnections, 0);
            if (0 == maxConnections)
            {
                maxConnections = autoMaxConnections();
            }
            requireAtLeast("websocket.maxConnectionsPerAddress", maxConnectionsPerAddress, 1);
            if (maxAggregatingBytes < maxRequestBodyLength)
            {
                throw new IllegalArgumentException("websocket.maxAggregatingBytes: expected at least " +
                    "websocket.maxRequestBodyLength (" + maxRequestBodyLength + "), got " + maxAggregatingBytes);
            }
            requireAtLeast("websocket.limitLogIntervalMs", limitLogIntervalMs, 1);
            if (null == warningLog)
            {
                final System.Logger logger = System.getLogger(WebServer.class.getName());
                warningLog = (line) -> logger.log(System.Logger.Level.WARNING, line);
            }
            if (null == infoLog)
            {
                final System.Logger logger = System.getLogger(WebServer.class.getName());
                infoLog = (line) -> logger.log(System.Logger.Level.INFO, line);
            }
            final List<String> origins = new ArrayList<>(allowedOrigins.size());
            for (final String origin : allowedOrigins)
            {
                if (null == origin || origin.isBlank())
                {
                    throw new IllegalArgumentException(
                        "websocket.allowedOrigins: expected origins such as http://localhost:8080, got an empty entry");
                }
                origins.add(AccessPolicy.normaliseOrigin(origin));
            }
            allowedOrigins = Collections.unmodifiableList(origins);
            for (final String feed : feeds)
            {
                requireFeedName(feed);
            }
            for (final String pluginId : webRoots.keySet())
            {
                requireFeedName(pluginId);
            }
            if (null == egress)
            {
                egress = new WebSocketEgress();
            }
            return this;
        }

        /**
         * {@link #MAX_CONNECTIONS_AUTO_CAP}, or three quarters of the open file limit when that is lower, so the
         * limit trips before accepting fails for want of file descriptors (journal, counters and clients need some).
         */
        static int autoMaxConnections()
        {
            final java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0)
            {
                return (int)Math.max(1, Math.min(MAX_CONNECTIONS_AUTO_CAP, unix.getMaxFileDescriptorCount() * 3 / 4));
            }
            return MAX_CONNECTIONS_AUTO_CAP;
        }

        static void requireTokens(
            final String overlayToken, final String adminToken, final String chatToken, final String moderatorToken)
        {
            requireTokens(overlayToken, adminToken, chatToken, moderatorToken, null);
        }

        static void requireTokens(
            final String overlayToken,
            final String adminToken,
            final String chatToken,
            final String moderatorToken,
            final String tipToken)
        {
            requireTokens(overlayToken, adminToken);
            final String[] names = { "websocket.token", "websocket.adminToken", "websocket.chatToken",
                "websocket.moderatorToken", "tipToken" };
            final String[] values = { overlayToken, adminToken, chatToken, moderatorToken, tipToken };
            for (int i = 2; i < values.length; i++)
            {
                if (null == values[i])
                {
                    continue;
                }
                Tokens.requireStrong(names[i], values[i]);
                for (int j = 0; j < i; j++)
                {
                    if (values[i].equals(values[j]))
                    {
                        throw new IllegalArgumentException(names[i] + ": expected a secret different from " + names[j] +
                            ", got the same one");
                    }
                }
            }
        }

        static void requireTokens(final String overlayToken, final String adminToken)
        {
            Tokens.requireStrong("websocket.token", overlayToken);
            Tokens.requireStrong("websocket.adminToken", adminToken);
            if (overlayToken.equals(adminToken))
            {
                throw new IllegalArgumentException(
                    "websocket.adminToken: expected a secret different from websocket.token, got the same one");
            }
        }

        private static void requireAtLeast(final String name, final long value, final long min)
        {
            if (value < min)
            {
                throw new IllegalArgumentException(name + ": expected " + min + " or more, got " + value);
            }
        }

        private static void requireFeedName(final String pluginId)
        {
            if (null == pluginId || pluginId.isEmpty() || pluginId.indexOf('/') >= 0)
            {
                throw new IllegalArgumentException("plugin id '" + pluginId + "': expected a non-empty id without '/'");
            }
        }

        /**
         * Address to listen on. Keep the loopback default unless other machines must connect.
         *
         * @param bindAddress host name or IP address.
         * @return this.
         */
        public Context bindAddress(final String bindAddress)
        {
            this.bindAddress = bindAddress;
            return this;
        }

        /**
         * Address to listen on.
         *
         * @return the address.
         */
        public String bindAddress()
        {
            return bindAddress;
        }

        /**
         * Port to listen on.
         *
         * @param port 0..65535; 0 picks a free port, see {@link WebServer#port()}.
         * @return this.
         */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        /**
         * Port asked for.
         *
         * @return the port.
         */
        public int port()
        {
            return port;
        }

        /**
         * Secret of the overlay scope: plugin pages' feeds, the index; what OBS URLs carry. Required.
         *
         * @param token at least {@value Tokens#MIN_LENGTH} random characters.
         * @return this.
         */
        public Context token(final String token)
        {
            this.token = token;
            return this;
        }

        /**
         * Secret of the admin scope: REST posting, health, metrics, plugin control. Required, different from the
         * overlay {@link #token(String)}; it also opens everything the overlay token does.
         *
         * @param adminToken at least {@value Tokens#MIN_LENGTH} random characters.
         * @return this.
         */
        public Context adminToken(final String adminToken)
        {
            this.adminToken = adminToken;
            return this;
        }

        /**
         * Secret of the chat scope ({@link Scope#CHAT}): what viewers hold to read the chat feeds
         * ({@link #scopedFeeds(Scope, Set)}) and post chat; nothing else. Optional: without it no token has the scope.
         *
         * @param chatToken at least {@value Tokens#MIN_LENGTH} random characters, different from the other tokens.
         * @return this.
         */
        public Context chatToken(final String chatToken)
        {
            this.chatToken = chatToken;
            return this;
        }

        /**
         * Secret of the moderator scope ({@link Scope#MODERATOR}): what the chat token allows plus moderation.
         * Optional: without it no token has the scope.
         *
         * @param moderatorToken at least {@value Tokens#MIN_LENGTH} random characters, different from the others.
         * @return this.
         */
        public Context moderatorToken(final String moderatorToken)
        {
            this.moderatorToken = moderatorToken;
            return this;
        }

        /**
         * Secret of the tip scope ({@link Scope#TIP}): what the tip page holds to reach its own API routes (those
         * registered with that scope) and nothing else: no feed, no posting, no index. Optional: without it no token
         * has the scope.
         *
         * @param tipToken at least {@value Tokens#MIN_LENGTH} random characters, different from the others.
         * @return this.
         */
        public Context tipToken(final String tipToken)
        {
            this.tipToken = tipToken;
            return this;
        }

        /**
         * The only feeds a token of a limited scope ({@link Scope#CHAT}, {@link Scope#MODERATOR}) may subscribe to;
         * any other feed is refused with 1008 naming them. A chat scope without an entry opens no feed.
         *
         * @param scope a chat scope.
         * @param feeds feed names, such as {@code chat}.
         * @return this.
         * @throws IllegalArgumentException when the scope is not a chat scope.
         */
        public Context scopedFeeds(final Scope scope, final Set<String> feeds)
        {
            if (null == scope || !scope.isChat())
            {
                throw new IllegalArgumentException("scoped feeds: expected the chat or moderator scope, got " + scope);
            }
            scopedFeeds.put(scope, Set.copyOf(feeds));
            return this;
        }

        /**
         * The feeds a scope may subscribe to.
         *
         * @param scope any scope.
         * @return null when the scope opens every feed (overlay, admin), else the feeds it may open (none for tip).
         */
        public Set<String> scopedFeeds(final Scope scope)
        {
            if (Scope.TIP == scope)
            {
                return Set.of();
            }
            return scope.isChat() ? scopedFeeds.getOrDefault(scope, Set.of()) : null;
        }

        /**
         * Reverse proxies whose {@code X-Forwarded-For} is believed ({@link TrustedProxies}); none by default, so the
         * client address of a request is its peer.
         *
         * @param entries IP addresses or CIDR blocks, such as {@code 127.0.0.1} or {@code 10.0.0.0/8}.
         * @return this.
         */
        public Context trustedProxies(final List<String> entries)
        {
            this.trustedProxyEntries = new ArrayList<>(entries);
            return this;
        }

        /**
         * The trusted proxies, parsed by {@link #conclude()}.
         *
         * @return the set, empty before conclude.
         */
        public TrustedProxies trustedProxies()
        {
            return trustedProxies;
        }

        /**
         * Host names the server answers to besides loopback names ({@code localhost}), IP literals and the bind
         * address: a request with any other Host header is refused with 421, which stops DNS rebinding. Add the
         * names other machines use to reach the server, such as {@code obs.lan}; {@code *} allows any (not recommended).
         *
         * @param hosts host names, without port.
         * @return this.
         */
        public Context allowedHosts(final List<String> hosts)
        {
            this.allowedHosts = new ArrayList<>(Objects.requireNonNull(hosts, "hosts"));
            return this;
        }

        /**
         * Allowed Host names.
         *
         * @return the names.
         */
        public List<String> allowedHosts()
        {
            return allowedHosts;
        }

        /**
         * How long WebSocket sessions authenticated with a token that was rotated out stay open before they are
         * closed with 1008 "token rotated".
         *
         * @param graceMs milliseconds, 0 or more.
         * @return this.
         */
        public Context rotationGraceMs(final long graceMs)
        {
            this.rotationGraceMs = graceMs;
            return this;
        }

        /**
         * Grace period of rotated-out sessions.
         *
         * @return milliseconds.
         */
        public long rotationGraceMs()
        {
            return rotationGraceMs;
        }

        /**
         * Accept wallet events (payments, confirmations, reorgs, balances, wallet state) posted over REST. Off by
         * default: they come from the wallet source only, so a leaked token cannot fake a payment. Benchmarks turn
         * it on to measure payment to overlay frame; a WARNING is logged at launch when on.
         *
         * @param accept true to accept them.
         * @return this.
         */
        public Context acceptWalletEventsOverRest(final boolean accept)
        {
            this.acceptWalletEventsOverRest = accept;
            return this;
        }

        /**
         * Whether wallet events may be posted over REST.
         *
         * @return true when accepted.
         */
        public boolean acceptWalletEventsOverRest()
        {
            return acceptWalletEventsOverRest;
        }

        /**
         * Whether a token was set (the token itself is not handed out).
         *
         * @return true when set and not blank.
         */
        public boolean hasToken()
        {
            return null != token && !token.isBlank();
        }

        /**
         * Browser origins allowed besides the server's own, such as {@code http://localhost:5173};
         * {@code *} allows any (not recommended). Empty by default: same origin only.
         *
         * @param origins scheme://host[:port] entries.
         * @return this.
         */
        public Context allowedOrigins(final List<String> origins)
        {
            this.allowedOrigins = new ArrayList<>(Objects.requireNonNull(origins, "origins"));
            return this;
        }

        /**
         * Allowed browser origins.
         *
         * @return the origins.
         */
        public List<String> allowedOrigins()
        {
            return allowedOrigins;
        }

        /**
         * Largest inbound WebSocket frame payload; a larger frame closes the connection with 1009.
         *
         * @param length bytes, 125 or more.
         * @return this.
         */
        public Context maxFrameLength(final int length)
        {
            this.maxFrameLength = length;
            return this;
        }

        /**
         * Largest inbound frame payload.
         *
         * @return bytes.
         */
        public int maxFrameLength()
        {
            return maxFrameLength;
        }

        /**
         * Largest HTTP request body, such as a posted event; a larger one gets 413.
         *
         * @param length bytes.
         * @return this.
         */
        public Context maxRequestBodyLength(final int length)
        {
            this.maxRequestBodyLength = length;
            return this;
        }

        /**
         * Largest request body.
         *
         * @return bytes.
         */
        public int maxRequestBodyLength()
        {
            return maxRequestBodyLength;
        }

        /**
         * Outbound bytes queued for a connection above which it stops being writable and misses messages.
         *
         * @param bytes high water mark.
         * @return this.
         */
        public Context writeBufferHighWaterMark(final int bytes)
        {
            this.writeBufferHighWaterMark = bytes;
            return this;
        }

        /**
         * High water mark.
         *
         * @return bytes.
         */
        public int writeBufferHighWaterMark()
        {
            return writeBufferHighWaterMark;
        }

        /**
         * Outbound bytes queued below which a connection is writable again.
         *
         * @param bytes low water mark.
         * @return this.
         */
        public Context writeBufferLowWaterMark(final int bytes)
        {
            this.writeBufferLowWaterMark = bytes;
            return this;
        }

        /**
         * Low water mark.
         *
         * @return bytes.
         */
        public int writeBufferLowWaterMark()
        {
            return writeBufferLowWaterMark;
        }

        /**
         * Slow-client policy: messages dropped in a row for a client that is not writable, after which it
         * is closed with 1013 "slow consumer". 0 closes at the first message it cannot take.
         *
         * @param drops limit, 0 or more.
         * @return this.
         */
        public Context slowConsumerDropLimit(final int drops)
        {
            this.slowConsumerDropLimit = drops;
            return this;
        }

        /**
         * Drop limit of the slow-client policy.
         *
         * @return messages.
         */
        public int slowConsumerDropLimit()
        {
            return slowConsumerDropLimit;
        }

        /**
         * HTTP event loop threads: every connection starts on one of them, and REST, pages and WebSocket upgrade
         * requests are served there, never behind fan-out writes. One suits a small machine.
         *
         * @param threads 1 or more.
         * @return this.
         */
        public Context httpThreads(final int threads)
        {
            this.httpThreads = threads;
            return this;
        }

        /**
         * HTTP threads.
         *
         * @return count.
         */
        public int httpThreads()
        {
            return httpThreads;
        }

        /**
         * Fan-out event loop threads: an upgraded WebSocket connection moves to one of them (round robin), where
         * its frames are written. One suits a small machine; more spread many clients over more cores. With 0 (Netty
         * backend) a connection stays on the HTTP loop that upgraded it: with one HTTP thread and the engine's cycle
         * on it ({@link #engineCycle}), a posted event is read, handled and written to its clients by one thread.
         * The native backend, whose sockets are served in C, takes 0 as 1.
         *
         * @param threads 0 or more.
         * @return this.
         */
        public Context fanoutThreads(final int threads)
        {
            this.fanoutThreads = threads;
            return this;
        }

        /**
         * Fan-out threads.
         *
         * @return count.
         */
        public int fanoutThreads()
        {
            return fanoutThreads;
        }

        /**
         * Upgraded WebSocket clients that stay on the HTTP loop that upgraded them instead of moving to a fan-out loop
         * (Netty backend), the first N connected at any time; a seat is free again when its client goes. With the
         * engine's cycle on that loop ({@link #engineCycle}) a posted event is then read, handled and written to those
         * clients by one thread, with no fan-out loop to wake, while the clients past N keep REST from waiting behind
         * their writes. {@link #HTTP_LOOP_CLIENTS_AUTO} (the default) takes {@link #HTTP_LOOP_CLIENTS_WITH_ENGINE}
         * when the engine's cycle runs on the HTTP loop, else 0. With {@link #fanoutThreads(int)} 0 every client
         * stays.
         *
         * @param clients 0 or more, or {@link #HTTP_LOOP_CLIENTS_AUTO}.
         * @return this.
         */
        public Context httpLoopClients(final int clients)
        {
            this.httpLoopClients = clients;
            return this;
        }

        /**
         * Upgraded WebSocket clients that stay on the HTTP loop, as set.
         *
         * @return count, or {@link #HTTP_LOOP_CLIENTS_AUTO}.
         */
        public int httpLoopClients()
        {
            return httpLoopClients;
        }

        /**
         * Upgraded WebSocket clients that stay on the HTTP loop, auto resolved.
         *
         * @return count.
         */
        int httpLoopSeats()
        {
            if (HTTP_LOOP_CLIENTS_AUTO != httpLoopClients)
            {
                return httpLoopClients;
            }
            return null != engineCycle ? HTTP_LOOP_CLIENTS_WITH_ENGINE : 0;
        }

        /**
         * Run the engine's duty cycle on the HTTP event loop that carries REST ({@link EngineCycle}), so that a posted
         * event is handled in the loop's pass that read it, with no engine thread to wake: the Netty backend only
         * (the native backend's loop is C). The loop gives it back to the engine's thread when the server closes.
         *
         * @param cycle         the engine's lendable cycle, or null to leave the engine on its own thread.
         * @param maxBlockNs    longest the loop blocks with nothing to wake it (the engine's max park).
         * @return this.
         */
        public Context engineCycle(final dev.commandcenter.engine.EngineCycle cycle, final long maxBlockNs)
        {
            this.engineCycle = cycle;
            this.engineCycleMaxBlockNs = maxBlockNs;
            return this;
        }

        /**
         * The engine's cycle the HTTP loop runs.
         *
         * @return the cycle, or null.
         */
        public dev.commandcenter.engine.EngineCycle engineCycle()
        {
            return engineCycle;
        }

        /**
         * Longest the HTTP loop that runs the engine's cycle blocks with nothing to wake it.
         *
         * @return ns.
         */
        public long engineCycleMaxBlockNs()
        {
            return engineCycleMaxBlockNs;
        }

        /**
         * Same as {@link #fanoutThreads(int)}: the threads that carry WebSocket I/O. Kept for existing callers.
         *
         * @param threads 1 or more.
         * @return this.
         */
        public Context ioThreads(final int threads)
        {
            return fanoutThreads(threads);
        }

        /**
         * Same as {@link #fanoutThreads()}.
         *
         * @return count.
         */
        public int ioThreads()
        {
            return fanoutThreads;
        }

        /**
         * How long a closing connection waits for the client's close frame, and each shutdown step waits.
         *
         * @param timeoutMs milliseconds.
         * @return this.
         */
        public Context closeTimeoutMs(final long timeoutMs)
        {
            this.closeTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * Close timeout.
         *
         * @return milliseconds.
         */
        public long closeTimeoutMs()
        {
            return closeTimeoutMs;
        }

        /**
         * Socket transport of the Netty backend: {@code auto} (Netty's native epoll when it loads, else NIO, saying
         * why in the start line), {@code epoll} (fail to launch when it cannot load) or {@code nio}. Defaults to the
         * system property {@value #TRANSPORT_PROP_NAME}, else {@value #TRANSPORT_DEFAULT}. A wire transport's
         * connections always run on NIO event loops (they do no socket I/O there).
         *
         * @param transport auto, epoll, io_uring or nio.
         * @return this.
         */
        public Context transport(final String transport)
        {
            this.transport = transport;
            return this;
        }

        /**
         * Socket transport asked for.
         *
         * @return auto, epoll, io_uring or nio.
         */
        public String transport()
        {
            return transport;
        }

        /**
         * Socket send buffer of each connection ({@code SO_SNDBUF}); 0 leaves the operating system's.
         *
         * @param bytes buffer length.
         * @return this.
         */
        public Context socketSendBufferLength(final int bytes)
        {
            this.socketSendBufferLength = bytes;
            return this;
        }

        /**
         * Socket send buffer length.
         *
         * @return bytes, 0 for the default.
         */
        public int socketSendBufferLength()
        {
            return socketSendBufferLength;
        }

        /**
         * Bytes queued for one connection (HTTP responses or WebSocket frames the client has not read) past which
         * it is closed, counted; at least the high water mark. Holds a client that pipelines requests and never reads.
         *
         * @param maxQueuedBytesPerConnection bytes.
         * @return this.
         */
        public Context maxQueuedBytesPerConnection(final int maxQueuedBytesPerConnection)
        {
            this.maxQueuedBytesPerConnection = maxQueuedBytesPerConnection;
            return this;
        }

        /**
         * Queued bytes limit per connection.
         *
         * @return bytes.
         */
        public int maxQueuedBytesPerConnection()
        {
            return maxQueuedBytesPerConnection;
        }

        /**
         * HTTP requests read from one connection and not yet answered (written and flushed); at the limit the
         * connection reads no more until a response is written.
         *
         * @param maxPipelinedRequests requests, 1 or more.
         * @return this.
         */
        public Context maxPipelinedRequests(final int maxPipelinedRequests)
        {
            this.maxPipelinedRequests = maxPipelinedRequests;
            return this;
        }

        /**
         * Pipelined requests limit.
         *
         * @return requests.
         */
        public int maxPipelinedRequests()
        {
            return maxPipelinedRequests;
        }

        /**
         * Time for a request's headers to arrive, from the connection opening or from the first byte of a later
         * request on a kept-alive connection; past it the connection is closed, counted.
         *
         * @param headerTimeoutMs milliseconds, 1 or more.
         * @return this.
         */
        public Context headerTimeoutMs(final long headerTimeoutMs)
        {
            this.headerTimeoutMs = headerTimeoutMs;
            return this;
        }

        /**
         * Header timeout.
         *
         * @return milliseconds.
         */
        public long headerTimeoutMs()
        {
            return headerTimeoutMs;
        }

        /**
         * Time for a request's body to arrive after its headers; past it the connection is closed, counted.
         *
         * @param bodyTimeoutMs milliseconds, 1 or more.
         * @return this.
         */
        public Context bodyTimeoutMs(final long bodyTimeoutMs)
        {
            this.bodyTimeoutMs = bodyTimeoutMs;
            return this;
        }

        /**
         * Body timeout.
         *
         * @return milliseconds.
         */
        public long bodyTimeoutMs()
        {
            return bodyTimeoutMs;
        }

        /**
         * Time a kept-alive HTTP connection may wait for its next request; past it the connection is closed.
         *
         * @param idleTimeoutMs milliseconds, 1 or more.
         * @return this.
         */
        public Context idleTimeoutMs(final long idleTimeoutMs)
        {
            this.idleTimeoutMs = idleTimeoutMs;
            return this;
        }

        /**
         * Idle timeout.
         *
         * @return milliseconds.
         */
        public long idleTimeoutMs()
        {
            return idleTimeoutMs;
        }

        /**
         * Interval of the pings the server sends each WebSocket client once subscribed; 0 sends none.
         *
         * @param pingIntervalMs milliseconds, 0 or more.
         * @return this.
         */
        public Context pingIntervalMs(final long pingIntervalMs)
        {
            this.pingIntervalMs = pingIntervalMs;
            return this;
        }

        /**
         * Ping interval.
         *
         * @return milliseconds.
         */
        public long pingIntervalMs()
        {
            return pingIntervalMs;
        }

        /**
         * Ping intervals without any frame from a WebSocket client (browsers answer pings by themselves) after which
         * it is closed with 1001 "no pong".
         *
         * @param missedPongs intervals, 1 or more.
         * @return this.
         */
        public Context missedPongs(final int missedPongs)
        {
            this.missedPongs = missedPongs;
            return this;
        }

        /**
         * Missed pongs limit.
         *
         * @return intervals.
         */
        public int missedPongs()
        {
            return missedPongs;
        }

        /**
         * Pings, pongs and text pings a WebSocket client may send in a second; the next one closes it with 1008.
         *
         * @param maxControlFramesPerSecond frames, 1 or more.
         * @return this.
         */
        public Context maxControlFramesPerSecond(final int maxControlFramesPerSecond)
        {
            this.maxControlFramesPerSecond = maxControlFramesPerSecond;
            return this;
        }

        /**
         * Control frame limit.
         *
         * @return frames a second.
         */
        public int maxControlFramesPerSecond()
        {
            return maxControlFramesPerSecond;
        }

        /**
         * Open connections in all; a connection past it is closed at accept, before anything is read, counted. 0 (the
         * default) means 4096, or three quarters of the process's open file limit when that is lower.
         *
         * @param maxConnections connections, 1 or more, or 0 for the default.
         * @return this.
         */
        public Context maxConnections(final int maxConnections)
        {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * Connection limit.
         *
         * @return connections.
         */
        public int maxConnections()
        {
            return maxConnections;
        }

        /**
         * Open connections from one remote address; a connection past it is closed at accept, counted.
         *
         * @param maxConnectionsPerAddress connections, 1 or more.
         * @return this.
         */
        public Context maxConnectionsPerAddress(final int maxConnectionsPerAddress)
        {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
            return this;
        }

        /**
         * Connection limit per address.
         *
         * @return connections.
         */
        public int maxConnectionsPerAddress()
        {
            return maxConnectionsPerAddress;
        }

        /**
         * Request body bytes being read and aggregated at once, over all connections; a request that passes it is
         * answered 503 and its connection closed, counted. At least {@link #maxRequestBodyLength(int)}.
         *
         * @param maxAggregatingBytes bytes.
         * @return this.
         */
        public Context maxAggregatingBytes(final long maxAggregatingBytes)
        {
            this.maxAggregatingBytes = maxAggregatingBytes;
            return this;
        }

        /**
         * Aggregating bytes limit.
         *
         * @return bytes.
         */
        public long maxAggregatingBytes()
        {
            return maxAggregatingBytes;
        }

        /**
         * Warnings about one offender (remote address) and one limit are logged at most once within this interval.
         *
         * @param limitLogIntervalMs milliseconds, 1 or more.
         * @return this.
         */
        public Context limitLogIntervalMs(final long limitLogIntervalMs)
        {
            this.limitLogIntervalMs = limitLogIntervalMs;
            return this;
        }

        /**
         * Log interval of limit warnings.
         *
         * @return milliseconds.
         */
        public long limitLogIntervalMs()
        {
            return limitLogIntervalMs;
        }

        /**
         * Where warnings about hostile or broken connections go (a limit tripped, a request Netty could not decode):
         * one line naming the remote and what it did, never a token. Rate limited. By default the
         * {@code System.Logger} of this class at {@code WARNING}.
         *
         * @param sink of warning lines.
         * @return this.
         */
        public Context warningLog(final java.util.function.Consumer<String> sink)
        {
            this.warningLog = sink;
            return this;
        }

        /**
         * Where the start line naming the backend goes ({@code websocket backend: netty 4.2.x}, or the wire
         * transport's name and version). By default the {@code System.Logger} of this class at {@code INFO}.
         *
         * @param sink of start lines.
         * @return this.
         */
        public Context infoLog(final java.util.function.Consumer<String> sink)
        {
            this.infoLog = sink;
            return this;
        }

        /**
         * Where the start line goes.
         *
         * @return the sink, or null before {@link #conclude()} when none was set.
         */
        public java.util.function.Consumer<String> infoLog()
        {
            return infoLog;
        }

        /**
         * Where warnings go.
         *
         * @return the sink, or null before {@link #conclude()} when none was set.
         */
        public java.util.function.Consumer<String> warningLog()
        {
            return warningLog;
        }

        /**
         * Where {@code POST /api/events} publishes, with source {@code Sources.REST}; without one it answers 503.
         *
         * @param publisher the engine's publisher.
         * @return this.
         */
        public Context eventPublisher(final EventPublisher publisher)
        {
            this.eventPublisher = publisher;
            return this;
        }

        /**
         * Publisher for REST events.
         *
         * @return the publisher, or null.
         */
        public EventPublisher eventPublisher()
        {
            return eventPublisher;
        }

        /**
         * What {@code GET /api/health} returns: called on an I/O thread for each request (keep it quick and
         * non-blocking), its result rendered with Jackson, so maps, lists, records and beans all work.
         * Without one, the server reports its own WebSocket counters.
         *
         * @param supplier of a JSON-serialisable status view.
         * @return this.
         */
        public Context statusSupplier(final Supplier<?> supplier)
        {
            this.statusSupplier = supplier;
            return this;
        }

        /**
         * Status supplier.
         *
         * @return the supplier, or null.
         */
        public Supplier<?> statusSupplier()
        {
            return statusSupplier;
        }

        /**
         * The fan-out registered with the engine as an egress, whose feeds WebSocket clients subscribe to.
         * Without one the server makes its own (feeds then carry nothing).
         *
         * @param egress the egress.
         * @return this.
         */
        public Context egress(final WebSocketEgress egress)
        {
            this.egress = egress;
            return this;
        }

        /**
         * The egress.
         *
         * @return the egress, or null before {@link #conclude()} when none was set.
         */
        public WebSocketEgress egress()
        {
            return egress;
        }

        /**
         * Allocator of the engine's counters file, for the WebSocket counters of the egress, the responses by
         * status code and the peer resets. Required. The counters live as long as the counters file: closing
         * the server does not free them.
         *
         * @param allocator normally {@code engine.counters()}.
         * @return this.
         */
        public Context counters(final CounterAllocator allocator)
        {
            this.counters = allocator;
            return this;
        }

        /**
         * Allocator of counters.
         *
         * @return the allocator, or null.
         */
        public CounterAllocator counters()
        {
            return counters;
        }

        /**
         * Reader of every counter of the counters file, rendered at {@code GET /metrics}. Required.
         *
         * @param reader normally {@code engine.countersReader()}.
         * @return this.
         */
        public Context countersReader(final CountersReader reader)
        {
            this.countersReader = reader;
            return this;
        }

        /**
         * Reader of the counters.
         *
         * @return the reader, or null.
         */
        public CountersReader countersReader()
        {
            return countersReader;
        }

        /**
         * Where every error of the server goes (handler exceptions, failed writes, accept failures); client
         * disconnects are counted instead. Required.
         *
         * @param handler normally {@code engine.errorHandler()}, which counts and records distinct errors.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler handler)
        {
            this.errorHandler = handler;
            return this;
        }

        /**
         * The error handler.
         *
         * @return the handler, or null.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * Serve a folder of a class loader at {@code /plugins/<pluginId>/}; also makes the plugin a feed.
         *
         * @param pluginId    id in the URL.
         * @param classLoader that loads the files.
         * @param folder      resource folder.
         * @return this.
         */
        public Context webRoot(final String pluginId, final ClassLoader classLoader, final String folder)
        {
            webRoots.put(pluginId, new WebRoot(classLoader, folder));
            return this;
        }

        /**
         * Serve several web roots, by plugin id.
         *
         * @param roots plugin id to web root.
         * @return this.
         */
        public Context webRoots(final Map<String, WebRoot> roots)
        {
            webRoots.putAll(roots);
            return this;
        }

        /**
         * Web roots by plugin id.
         *
         * @return the roots.
         */
        public Map<String, WebRoot> webRoots()
        {
            return webRoots;
        }

        /**
         * Look web roots up at each request, by plugin id, before the fixed ones: for plugins that are reloaded
         * (new class loader) or added while the server runs.
         *
         * @param lookup plugin id to its current web root, or null when it has none; called on I/O threads.
         * @return this.
         */
        public Context webRootLookup(final java.util.function.Function<String, WebRoot> lookup)
        {
            this.webRootLookup = lookup;
            return this;
        }

        /**
         * The web root serving a plugin's pages now: the lookup's, else a fixed one.
         *
         * @param pluginId id in the URL.
         * @return the web root, or null when the plugin has no pages.
         */
        public WebRoot webRoot(final String pluginId)
        {
            final WebRoot found = null == webRootLookup ? null : webRootLookup.apply(pluginId);
            return null != found ? found : webRoots.get(pluginId);
        }

        /**
         * Serve every request under a path prefix with a route of another part of the application
         * ({@link HttpApi}).
         *
         * @param prefix        such as {@code /api/plugins}: the path itself and everything below it.
         * @param requiresToken true to answer 401 before the route sees a request without the server's token;
         *                      false when the route checks a secret of its own.
         * @param route         the handler, called on event loops.
         * @return this.
         * @throws IllegalArgumentException when the prefix is not {@code /api/<name>}.
         */
        public Context apiRoute(final String prefix, final boolean requiresToken, final HttpApi.Route route)
        {
            httpApi.add(prefix, requiresToken, route);
            return this;
        }

        /**
         * Serve every request under a path prefix with a route that needs a token of a given scope (or a wider one):
         * a request without a valid token gets 401, one with a token of another scope 403, before the route sees it.
         * The route gets the granted scope in {@link HttpApi.Request#scope()}.
         *
         * @param prefix   such as {@code /api/chat}.
         * @param required the scope the route needs.
         * @param route    the handler, called on event loops.
         * @return this.
         * @throws IllegalArgumentException when the prefix is not {@code /api/<name>} or the scope is null.
         */
        public Context apiRoute(final String prefix, final Scope required, final HttpApi.Route route)
        {
            if (null == required)
            {
                throw new IllegalArgumentException("api route " + prefix + ": expected a scope, got none");
            }
            httpApi.add(prefix, required, route);
            return this;
        }

        /**
         * Serve a folder of the application's own pages at {@code /<name>/} (such as {@code /dashboard/} or
         * {@code /tip/}), as plugin pages are served: GET and HEAD only, no token (the pages read theirs from their own
         * URL and send it with each API call), folders redirect to their slash form and serve {@code index.html}.
         *
         * @param name        one path segment of a-z, 0-9 and '-', not {@code api}, {@code ws}, {@code plugins} or
         *                    {@code metrics}.
         * @param classLoader that loads the files.
         * @param folder      resource folder.
         * @return this.
         * @throws IllegalArgumentException naming a wrong or taken name.
         */
        public Context sitePage(final String name, final ClassLoader classLoader, final String folder)
        {
            httpApi.addSitePage(name, new WebRoot(classLoader, folder));
            return this;
        }

        HttpApi httpApi()
        {
            return httpApi;
        }

        /**
         * Serve WebSocket connections to a path under {@code /ws/} with a route of another part of the application
         * ({@link WebSocketRoute}); they need the admin token.
         *
         * @param path         such as {@code /ws/plugins/remote}: a path with a slash after {@code /ws/}, so it
         *                     cannot be taken for a feed.
         * @param route        the handler, called on event loops.
         * @param subprotocols those the route speaks, one of which a client must offer.
         * @return this.
         * @throws IllegalArgumentException when the path or the subprotocols are not as expected.
         */
        public Context webSocketRoute(final String path, final WebSocketRoute route, final String... subprotocols)
        {
            if (null == path || !path.startsWith(HttpRequestHandler.WS_PREFIX) ||
                path.indexOf('/', HttpRequestHandler.WS_PREFIX.length()) < 0 || path.endsWith("/") || null == route ||
                0 == subprotocols.length)
            {
                throw new IllegalArgumentException("websocket route: expected a path such as /ws/name/part, a route " +
                    "and at least one subprotocol, got '" + path + "'");
            }
            webSocketRoutes.put(path, new RouteEntry(route, List.of(subprotocols)));
            return this;
        }

        RouteEntry webSocketRoute(final String path)
        {
            return webSocketRoutes.get(path);
        }

        record RouteEntry(WebSocketRoute route, List<String> subprotocols)
        {
        }

        /**
         * Accept subscriptions to a plugin's feed before it has emitted anything.
         *
         * @param pluginId id of the plugin.
         * @return this.
         */
        public Context feed(final String pluginId)
        {
            feeds.add(pluginId);
            return this;
        }

        /**
         * Accept subscriptions to these plugins' feeds.
         *
         * @param pluginIds ids of the plugins.
         * @return this.
         */
        public Context feeds(final Collection<String> pluginIds)
        {
            feeds.addAll(pluginIds);
            return this;
        }

        /**
         * Plugin feeds configured.
         *
         * @return the plugin ids.
         */
        public Set<String> feeds()
        {
            return feeds;
        }

        /**
         * Serve through a transport that owns the socket (the native backend) instead of Netty's listening socket;
         * null (the default) for Netty. The server starts it at launch with {@link
         * dev.commandcenter.transport.websocket.wire.WireSettings} from this context and closes it with the server;
         * the URLs, checks, sessions and counters are the same.
         *
         * @param wireTransport a transport not yet started, or null.
         * @return this for a fluent API.
         */
        public Context wireTransport(final dev.commandcenter.transport.websocket.wire.WireTransport wireTransport)
        {
            this.wireTransport = wireTransport;
            return this;
        }

        /**
         * @return the transport that owns the socket, or null for Netty.
         */
        public dev.commandcenter.transport.websocket.wire.WireTransport wireTransport()
        {
            return wireTransport;
        }

        /**
         * Register a plugin: its feed, and its web pages when it has a {@link Plugin#webResourceRoot()}.
         *
         * @param plugin the plugin.
         * @return this.
         */
        public Context plugin(final Plugin plugin)
        {
            feeds.add(plugin.id());
            final String root = plugin.webResourceRoot();
            if (null != root)
            {
                webRoot(plugin.id(), plugin.getClass().getClassLoader(), root);
            }
            return this;
        }

        /**
         * The settings, without the token.
         *
         * @return a one-line description.
         */
        public String toString()
        {
            return "WebServer.Context{bind=" + bindAddress + ", port=" + port + ", token=" + (hasToken() ? "<set>" : "<unset>") +
                ", adminToken=" + (null != adminToken && !adminToken.isBlank() ? "<set>" : "<unset>") +
                ", chatToken=" + (null != chatToken ? "<set>" : "<unset>") +
                ", moderatorToken=" + (null != moderatorToken ? "<set>" : "<unset>") +
                ", tipToken=" + (null != tipToken ? "<set>" : "<unset>") +
                ", trustedProxies=" + trustedProxyEntries + ", scopedFeeds=" + scopedFeeds +
                ", allowedHosts=" + allowedHosts + ", rotationGraceMs=" + rotationGraceMs +
                ", acceptWalletEventsOverRest=" + acceptWalletEventsOverRest +
                ", allowedOrigins=" + allowedOrigins + ", maxFrameLength=" + maxFrameLength +
                ", maxRequestBodyLength=" + maxRequestBodyLength + ", highWaterMark=" + writeBufferHighWaterMark +
                ", lowWaterMark=" + writeBufferLowWaterMark + ", slowConsumerDropLimit=" + slowConsumerDropLimit +
                ", httpThreads=" + httpThreads + ", fanoutThreads=" + fanoutThreads +
                ", maxQueuedBytesPerConnection=" + maxQueuedBytesPerConnection + ", maxPipelinedRequests=" + maxPipelinedRequests +
                ", headerTimeoutMs=" + headerTimeoutMs + ", bodyTimeoutMs=" + bodyTimeoutMs + ", idleTimeoutMs=" + idleTimeoutMs +
                ", pingIntervalMs=" + pingIntervalMs + ", missedPongs=" + missedPongs +
                ", maxControlFramesPerSecond=" + maxControlFramesPerSecond + ", maxConnections=" + maxConnections +
                ", maxConnectionsPerAddress=" + maxConnectionsPerAddress + ", maxAggregatingBytes=" + maxAggregatingBytes +
                ", feeds=" + feeds + ", webRoots=" + webRoots.keySet() + "}";
        }
    }
}
