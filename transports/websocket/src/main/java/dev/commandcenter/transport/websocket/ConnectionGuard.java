package dev.commandcenter.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;

/**
 * Back-pressure on one connection, HTTP or WebSocket, at the byte level (first in the pipeline): stops reading
 * while the connection is not writable (and while {@link HttpFlowGuard} says too many requests are in flight),
 * resumes when both allow it, and closes the connection, counted, once more than
 * {@link WebServer.Context#maxQueuedBytesPerConnection(int)} bytes are queued for it. Also tells the HTTP guard
 * when bytes arrive, which starts the header timeout of a kept-alive connection.
 * <p>
 * <b>Note:</b> one instance per connection, used on its event loop; stays in the pipeline after an upgrade.
 */
final class ConnectionGuard extends ChannelDuplexHandler
{
    /** Reason to stop reading: the connection is not writable. */
    static final int UNWRITABLE = 1;
    /** Reason to stop reading: as many HTTP requests in flight as allowed. */
    static final int PIPELINE_FULL = 2;
    /** Reason to stop reading: a response is being made off the event loop, and later ones must wait for it. */
    static final int AWAITING_RESPONSE = 4;

    private final WebLimits limits;
    private ChannelHandlerContext ctx;
    private int pauseReasons;
    private boolean overQueued;
    /** The connection's HTTP guard until it upgrades, told when bytes arrive. */
    HttpFlowGuard http;

    /**
     * @param limits of the server.
     */
    ConnectionGuard(final WebLimits limits)
    {
        this.limits = limits;
    }

    /**
     * The server's limits, for the handlers after this one.
     */
    WebLimits limits()
    {
        return limits;
    }

    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
    }

    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (null != http)
        {
            http.onBytes();
        }
        ctx.fireChannelRead(msg);
    }

    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            resume(UNWRITABLE);
        }
        else
        {
            pause(UNWRITABLE);
        }
        ctx.fireChannelWritabilityChanged();
    }

    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        ctx.write(msg, promise);
        final ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
        if (null != outbound && !overQueued && outbound.totalPendingWriteBytes() > limits.maxQueuedBytesPerConnection)
        {
            overQueued = true;
            limits.trip(WebLimits.Limit.QUEUED_BYTES, ctx.channel().remoteAddress(),
                "closed: more than " + limits.maxQueuedBytesPerConnection + " bytes queued and not read by the client");
            ctx.close();
        }
    }

    /**
     * Stop reading a connection for a reason, through its guard when it has one (event loop).
     *
     * @param channel the connection.
     * @param reason  {@link #AWAITING_RESPONSE}.
     */
    static void pause(final Channel channel, final int reason)
    {
        final ConnectionGuard guard = channel.pipeline().get(ConnectionGuard.class);
        if (null == guard || null == guard.ctx)
        {
            channel.config().setAutoRead(false);
        }
        else
        {
            guard.pause(reason);
        }
    }

    /**
     * A reason to stop reading a connection is gone (any thread): it reads again, on its event loop, unless another
     * reason (such as a client not reading its responses) still holds.
     *
     * @param channel the connection.
     * @param reason  {@link #AWAITING_RESPONSE}.
     */
    static void resume(final Channel channel, final int reason)
    {
        if (!channel.eventLoop().inEventLoop())
        {
            channel.eventLoop().execute(() -> resume(channel, reason));
            return;
        }
        final ConnectionGuard guard = channel.pipeline().get(ConnectionGuard.class);
        if (null == guard || null == guard.ctx)
        {
            channel.config().setAutoRead(true);
        }
        else
        {
            guard.resume(reason);
        }
    }

    /**
     * Stop reading for a reason; reading resumes when every reason is gone.
     *
     * @param reason {@link #UNWRITABLE} or {@link #PIPELINE_FULL}.
     */
    void pause(final int reason)
    {
        pauseReasons |= reason;
        ctx.channel().config().setAutoRead(false);
    }

    /**
     * A reason to stop reading is gone; read again when it was the last.
     *
     * @param reason {@link #UNWRITABLE} or {@link #PIPELINE_FULL}.
     */
    void resume(final int reason)
    {
        pauseReasons &= ~reason;
        if (0 == pauseReasons && !ctx.channel().config().isAutoRead())
        {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * Whether reading is stopped, and why.
     */
    int pauseReasons()
    {
        return pauseReasons;
    }
}
