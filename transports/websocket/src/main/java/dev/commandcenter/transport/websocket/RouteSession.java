package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.concurrent.ScheduledFuture;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection to a {@link WebSocketRoute}: closes with the refusal once the handshake is written, or opens the
 * route and passes it whole messages; answers pings and runs the closing handshake. Sends from other threads are
 * bounded by the bytes still queued on the connection ({@code websocket.maxQueuedBytesPerConnection}), so a client
 * that does not read makes {@link #sendText} return false rather than queue without end.
 * <p>
 * <b>Note:</b> the handler methods run on the channel's event loop; the {@link WebSocketRoute.Peer} methods are
 * thread safe.
 */
final class RouteSession extends SimpleChannelInboundHandler<WebSocketFrame>
    implements ChannelFutureListener, WebSocketRoute.Peer
{
    private final WebSocketRoute route;
    private final String subprotocol;
    private final String rejection;
    private final int rejectionCode;
    private final long closeTimeoutMs;
    private final long maxQueuedBytes;
    private final ErrorHandler errorHandler;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final UnsafeBuffer inbound = new UnsafeBuffer(0, 0);
    private volatile boolean closed;
    private Channel channel;
    private WebSocketRoute.Listener listener;
    private boolean closeSent;
    private String closeReason;
    private ScheduledFuture<?> forceClose;

    /**
     * @param route          the route to open once the handshake is written.
     * @param subprotocol    the subprotocol agreed.
     * @param rejection      close reason when the request is refused, null to open the route.
     * @param rejectionCode  close status of a refusal.
     * @param closeTimeoutMs how long to wait for the client's close frame.
     * @param maxQueuedBytes bytes queued on the connection past which sends are refused.
     * @param errorHandler   the server's error path.
     */
    RouteSession(
        final WebSocketRoute route,
        final String subprotocol,
        final String rejection,
        final int rejectionCode,
        final long closeTimeoutMs,
        final long maxQueuedBytes,
        final ErrorHandler errorHandler)
    {
        this.route = route;
        this.subprotocol = subprotocol;
        this.rejection = rejection;
        this.rejectionCode = rejectionCode;
        this.closeTimeoutMs = closeTimeoutMs;
        this.maxQueuedBytes = maxQueuedBytes;
        this.errorHandler = errorHandler;
    }

    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        channel = ctx.channel();
    }

    /**
     * Handshake written: open the route, or close with the refusal.
     *
     * @param future of the handshake.
     */
    public void operationComplete(final ChannelFuture future)
    {
        if (!future.isSuccess())
        {
            future.channel().close();
        }
        else if (null != rejection)
        {
            closeOnLoop(rejectionCode, rejection);
        }
        else if (future.channel().isActive())
        {
            try
            {
                listener = route.open(this, subprotocol);
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
                closeOnLoop(1011, "internal error: " + ex.getClass().getSimpleName());
            }
        }
    }

    /** {@inheritDoc} */
    public boolean sendText(final CharSequence text)
    {
        final ByteBuf payload = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        return send(new TextWebSocketFrame(payload), payload.readableBytes());
    }

    /** {@inheritDoc} */
    public boolean sendBinary(final DirectBuffer buffer, final int offset, final int length)
    {
        final ByteBuf payload = Unpooled.buffer(length, length);
        payload.writerIndex(length);
        buffer.getBytes(offset, payload.nioBuffer(0, length), 0, length);
        return send(new BinaryWebSocketFrame(payload), length);
    }

    private boolean send(final WebSocketFrame frame, final int length)
    {
        final Channel channel = this.channel;
        if (closed || null == channel || queuedBytes.get() + length > maxQueuedBytes)
        {
            frame.release();
            return false;
        }
        queuedBytes.addAndGet(length);
        channel.writeAndFlush(frame).addListener((written) -> queuedBytes.addAndGet(-length));
        return true;
    }

    /** {@inheritDoc} */
    public boolean isClosed()
    {
        return closed;
    }

    /** {@inheritDoc} */
    public void close(final int status, final String reason)
    {
        final Channel channel = this.channel;
        if (null == channel)
        {
            return;
        }
        if (channel.eventLoop().inEventLoop())
        {
            closeOnLoop(status, reason);
        }
        else
        {
            channel.eventLoop().execute(() -> closeOnLoop(status, reason));
        }
    }

    /** {@inheritDoc} */
    public String remoteAddress()
    {
        final Channel channel = this.channel;
        final Object address = null == channel ? null : channel.remoteAddress();
        final String text = String.valueOf(address);
        return text.startsWith("/") ? text.substring(1) : text;
    }

    private void closeOnLoop(final int status, final String reason)
    {
        closed = true;
        if (closeSent)
        {
            return;
        }
        closeSent = true;
        closeReason = reason;
        channel.writeAndFlush(new CloseWebSocketFrame(status, WebSocketSession.truncate(reason)));
        forceClose = channel.eventLoop().schedule(() -> channel.close(), closeTimeoutMs, TimeUnit.MILLISECONDS);
    }

    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame)
    {
        if (frame instanceof CloseWebSocketFrame close)
        {
            closed = true;
            if (closeSent)
            {
                ctx.close();
            }
            else
            {
                closeSent = true;
                final String reason = close.reasonText();
                closeReason = "closed by the client: " + close.statusCode() + (reason.isEmpty() ? "" : " " + reason);
                ctx.writeAndFlush(close.retainedDuplicate()).addListener(ChannelFutureListener.CLOSE);
            }
        }
        else if (frame instanceof PingWebSocketFrame)
        {
            if (ctx.channel().isWritable())
            {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
        }
        else if (closeSent || null == listener || frame instanceof PongWebSocketFrame)
        {
            return;
        }
        else if (frame instanceof TextWebSocketFrame text)
        {
            listener.onText(text.text());
        }
        else if (frame instanceof BinaryWebSocketFrame binary)
        {
            final ByteBuf content = binary.content();
            final int length = content.readableBytes();
            if (content.hasMemoryAddress())
            {
                inbound.wrap(content.memoryAddress() + content.readerIndex(), length);
            }
            else if (content.hasArray())
            {
                inbound.wrap(content.array(), content.arrayOffset() + content.readerIndex(), length);
            }
            else
            {
                final byte[] bytes = new byte[length];
                content.getBytes(content.readerIndex(), bytes);
                inbound.wrap(bytes);
            }
            listener.onBinary(inbound, 0, length);
            inbound.wrap(0, 0);
        }
    }

    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        closed = true;
        if (null != forceClose)
        {
            forceClose.cancel(false);
        }
        final WebSocketRoute.Listener listener = this.listener;
        this.listener = null;
        if (null != listener)
        {
            try
            {
                listener.onClosed(null != closeReason ? closeReason : "connection closed");
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
            }
        }
        super.channelInactive(ctx);
    }

    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof TooLongFrameException)
        {
            closeOnLoop(WebSocketSession.MESSAGE_TOO_BIG, "message too big: " +
                HttpResponses.oneLine(String.valueOf(cause.getMessage())));
        }
        else if (cause instanceof CorruptedWebSocketFrameException)
        {
            // The frame decoder or the UTF-8 validator has sent 1009, 1002 or 1007 and closes after it.
            closed = true;
            if (null == closeReason)
            {
                closeReason = "closed by the frame decoder: " + HttpResponses.oneLine(String.valueOf(cause.getMessage()));
            }
        }
        else
        {
            errorHandler.onError(cause);
            ctx.close();
        }
    }
}
