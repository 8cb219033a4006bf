package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.status.AtomicCounter;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hardening limits of one web server, shared by every connection: the settings, one
 * {@link CounterType#WEB_LIMITS} counter per {@link Limit} (label suffix the limit's name), the rate-limited
 * warning log naming the offender, the open connections by remote address and the request body bytes being
 * aggregated server wide.
 * <p>
 * <b>Note:</b> thread safe: used from the acceptor and every event loop.
 */
final class WebLimits
{
    /**
     * A limit that closes or refuses a connection; its name is the counter's label suffix.
     */
    enum Limit
    {
        /** Refused at accept: {@code websocket.maxConnections} connections were open. */
        MAX_CONNECTIONS("max_connections", "websocket.maxConnections"),
        /** Refused at accept: the address had {@code websocket.maxConnectionsPerAddress} open. */
        MAX_CONNECTIONS_PER_ADDRESS("max_connections_per_address", "websocket.maxConnectionsPerAddress"),
        /** Closed: request headers not complete within {@code websocket.headerTimeoutMs}. */
        HEADER_TIMEOUT("header_timeout", "websocket.headerTimeoutMs"),
        /** Closed: request body not complete within {@code websocket.bodyTimeoutMs}. */
        BODY_TIMEOUT("body_timeout", "websocket.bodyTimeoutMs"),
        /** Closed: kept-alive HTTP connection idle for {@code websocket.idleTimeoutMs}. */
        IDLE_TIMEOUT("idle_timeout", "websocket.idleTimeoutMs"),
        /** Closed: more than {@code websocket.maxQueuedBytesPerConnection} bytes queued for it. */
        QUEUED_BYTES("queued_bytes", "websocket.maxQueuedBytesPerConnection"),
        /** Answered 503 and closed: request bodies being read server wide passed {@code websocket.maxAggregatingBytes}. */
        AGGREGATING_BYTES("aggregating_bytes", "websocket.maxAggregatingBytes"),
        /** Closed with 1008: more than {@code websocket.maxControlFramesPerSecond} pings in a second. */
        CONTROL_FRAMES("control_frames", "websocket.maxControlFramesPerSecond"),
        /** Closed with 1001: no frame from the client for {@code websocket.missedPongs} ping intervals. */
        MISSED_PONGS("missed_pongs", "websocket.missedPongs"),
        /** Closed by Netty's decoders: malformed or too long request line, header or WebSocket frame. */
        DECODER_FAILURE("decoder_failure", "malformed, or longer than Netty's HTTP limits or websocket.maxFrameLength");

        final String suffix;
        final String key;

        Limit(final String suffix, final String key)
        {
            this.suffix = suffix;
            this.key = key;
        }
    }

    final int maxConnections;
    final int maxConnectionsPerAddress;
    final long maxQueuedBytesPerConnection;
    final int maxPipelinedRequests;
    final long headerTimeoutNs;
    final long bodyTimeoutNs;
    final long idleTimeoutNs;
    final long pingIntervalMs;
    final int missedPongs;
    final int maxControlFramesPerSecond;
    final long maxAggregatingBytes;
    final long closeTimeoutMs;

    private final AtomicCounter[] counters = new AtomicCounter[Limit.values().length];
    private final RateLimitedLog log;
    private final AtomicLong aggregatingBytes = new AtomicLong();
    private final Map<InetAddress, int[]> connectionsByAddress = new HashMap<>();
    private int connections;

    /**
     * @param ctx       concluded context: the limits and the warning log.
     * @param allocator of the engine's counters.
     */
    WebLimits(final WebServer.Context ctx, final CounterAllocator allocator)
    {
        maxConnections = ctx.maxConnections();
        maxConnectionsPerAddress = ctx.maxConnectionsPerAddress();
        maxQueuedBytesPerConnection = ctx.maxQueuedBytesPerConnection();
        maxPipelinedRequests = ctx.maxPipelinedRequests();
        headerTimeoutNs = ctx.headerTimeoutMs() * 1_000_000L;
        bodyTimeoutNs = ctx.bodyTimeoutMs() * 1_000_000L;
        idleTimeoutNs = ctx.idleTimeoutMs() * 1_000_000L;
        pingIntervalMs = ctx.pingIntervalMs();
        missedPongs = ctx.missedPongs();
        maxControlFramesPerSecond = ctx.maxControlFramesPerSecond();
        maxAggregatingBytes = ctx.maxAggregatingBytes();
        closeTimeoutMs = ctx.closeTimeoutMs();
        log = new RateLimitedLog(ctx.warningLog(), ctx.limitLogIntervalMs());
        int allocated = 0;
        try
        {
            for (final Limit limit : Limit.values())
            {
                counters[limit.ordinal()] = allocator.allocate(CounterType.WEB_LIMITS, limit.suffix);
                allocated++;
            }
        }
        catch (final RuntimeException ex)
        {
            for (int i = 0; i < allocated; i++)
            {
                counters[i].close();
            }
            throw ex;
        }
    }

    /**
     * Count a limit tripping and log it (rate limited), naming the remote.
     *
     * @param limit  the limit.
     * @param remote the offender's address, or null.
     * @param detail what it did, without any secret; null to count without a log line (an ordinary idle close).
     */
    void trip(final Limit limit, final SocketAddress remote, final String detail)
    {
        counters[limit.ordinal()].increment();
        if (null == detail)
        {
            return;
        }
        final String who = describe(remote);
        log.warn(host(remote) + " " + limit.suffix, "web connection " + who + " " + detail + " (" + limit.key + ")");
    }

    /**
     * Times a limit tripped.
     *
     * @param limit the limit.
     * @return its counter's value.
     */
    long trips(final Limit limit)
    {
        return counters[limit.ordinal()].get();
    }

    /**
     * Log a line about a connection, rate limited by the remote and the kind, without counting.
     */
    void warn(final SocketAddress remote, final String kind, final String detail)
    {
        final String who = describe(remote);
        log.warn(host(remote) + " " + kind, "web connection " + who + " " + detail);
    }

    /**
     * Take a slot for a new connection from an address, or say which limit refuses it.
     *
     * @param address remote address.
     * @return null when accepted (call {@link #release(InetAddress)} when it closes), else the limit.
     */
    synchronized Limit acquire(final InetAddress address)
    {
        if (connections >= maxConnections)
        {
            return Limit.MAX_CONNECTIONS;
        }
        final int[] count = connectionsByAddress.computeIfAbsent(address, (a) -> new int[1]);
        if (count[0] >= maxConnectionsPerAddress)
        {
            return Limit.MAX_CONNECTIONS_PER_ADDRESS;
        }
        count[0]++;
        connections++;
        return null;
    }

    /**
     * Give back the slot of a closed connection.
     *
     * @param address remote address given to {@link #acquire(InetAddress)}.
     */
    synchronized void release(final InetAddress address)
    {
        final int[] count = connectionsByAddress.get(address);
        if (null != count)
        {
            connections--;
            if (--count[0] <= 0)
            {
                connectionsByAddress.remove(address);
            }
        }
    }

    /**
     * Connections holding a slot.
     */
    synchronized int connections()
    {
        return connections;
    }

    /**
     * Add bytes of a request body being aggregated.
     *
     * @param bytes to add.
     * @return false when the server-wide total now passes the limit (the bytes are added all the same).
     */
    boolean addAggregating(final long bytes)
    {
        return aggregatingBytes.addAndGet(bytes) <= maxAggregatingBytes;
    }

    /**
     * Remove bytes of request bodies aggregated or dropped.
     */
    void removeAggregating(final long bytes)
    {
        aggregatingBytes.addAndGet(-bytes);
    }

    /**
     * Request body bytes being aggregated now, server wide.
     */
    long aggregatingBytes()
    {
        return aggregatingBytes.get();
    }

    /**
     * The address part of a remote, which rate limits its log lines: one per address, whatever its ports.
     */
    static String host(final SocketAddress remote)
    {
        if (remote instanceof InetSocketAddress inet)
        {
            return null == inet.getAddress() ? inet.getHostString() : inet.getAddress().getHostAddress();
        }
        return String.valueOf(remote);
    }

    /**
     * A remote as logged: address and port.
     */
    static String describe(final SocketAddress remote)
    {
        if (remote instanceof InetSocketAddress inet)
        {
            final String host = null == inet.getAddress() ? inet.getHostString() : inet.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return null == remote ? "(unknown remote)" : remote.toString().toLowerCase(Locale.ROOT);
    }
}
