package dev.commandcenter.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;

import java.net.InetSocketAddress;

/**
 * What owns the sockets of a {@link WebServer}: {@link NettyServer} (Netty's listening socket and pipelines) or
 * {@link WireBridge} (a {@link dev.commandcenter.transport.websocket.wire.WireTransport} that owns the socket, its
 * connections served by the same handlers). Either way connections are Netty channels on the same HTTP and
 * fan-out event loops, so everything after the bytes is one code path.
 * <p>
 * <b>Note:</b> built, closed and stopped by one thread; the getters are thread safe.
 */
interface ServerBackend
{
    /**
     * The bound address, with the port chosen when port 0 was asked for.
     *
     * @return the address.
     */
    InetSocketAddress localAddress();

    /**
     * Open HTTP and WebSocket connections.
     *
     * @return how many.
     */
    int openConnections();

    /**
     * Open HTTP and WebSocket connections themselves.
     *
     * @return the channels.
     */
    ChannelGroup channels();

    /**
     * The listening channel.
     *
     * @return it, or null when the backend's socket is not a Netty channel.
     */
    Channel serverChannel();

    /**
     * Event loops of the HTTP connections (REST, pages, upgrade requests).
     *
     * @return the group.
     */
    EventLoopGroup httpGroup();

    /**
     * Event loops of the upgraded WebSocket connections.
     *
     * @return the group.
     */
    EventLoopGroup fanoutGroup();

    /**
     * Stop accepting, tell WebSocket clients the server is going away (1001) and close every connection, each step
     * waiting at most the close timeout.
     */
    void closeConnections();

    /**
     * Stop the event loops, waiting at most the close timeout for each.
     */
    void shutdownEventLoops();

    /**
     * The backend for the start log line: name and version, e.g. {@code netty 4.2.20.Final} or {@code native
     * (libwebsockets 4.1.6)}.
     *
     * @return the description.
     */
    String description();
}
