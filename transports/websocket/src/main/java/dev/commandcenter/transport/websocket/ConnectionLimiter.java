package dev.commandcenter.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Refuses a connection at accept time, before it is registered with an event loop or anything is read from it,
 * when {@link WebServer.Context#maxConnections(int)} connections are open or its remote address already has
 * {@link WebServer.Context#maxConnectionsPerAddress(int)}: the socket is closed at once, the refusal counted
 * and logged (rate limited). An accepted connection gives its slot back when it closes.
 * <p>
 * <b>Note:</b> sits in the listening channel's pipeline, before Netty's acceptor; used on the acceptor thread.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter
{
    private final WebLimits limits;

    /**
     * @param limits of the server.
     */
    ConnectionLimiter(final WebLimits limits)
    {
        this.limits = limits;
    }

    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof Channel child && child.remoteAddress() instanceof InetSocketAddress remote)
        {
            final InetAddress address = remote.getAddress();
            final WebLimits.Limit refused = limits.acquire(address);
            if (null != refused)
            {
                limits.trip(refused, remote, WebLimits.Limit.MAX_CONNECTIONS == refused ?
                    "refused: " + limits.maxConnections + " connections open" :
                    "refused: " + limits.maxConnectionsPerAddress + " connections open from its address");
                child.unsafe().closeForcibly();
                return;
            }
            child.closeFuture().addListener((closed) -> limits.release(address));
        }
        ctx.fireChannelRead(msg);
    }
}
