package dev.commandcenter.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.agrona.ErrorHandler;

import java.util.concurrent.TimeUnit;

/**
 * Failures of the listening socket after start, such as running out of file descriptors: reported to
 * the error handler, and accepting paused for a second, as Netty's acceptor would (it would also print).
 * <p>
 * <b>Note:</b> sits in the listening channel's pipeline only; used on the acceptor thread.
 */
final class AcceptErrorHandler extends ChannelInboundHandlerAdapter
{
    private final ErrorHandler errorHandler;

    /**
     * @param errorHandler where accept failures go.
     */
    AcceptErrorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
    }

    public void exceptionCaught(final ChannelHandlerContext context, final Throwable cause)
    {
        errorHandler.onError(cause);
        final Channel channel = context.channel();
        if (channel.config().isAutoRead() && channel.isOpen())
        {
            channel.config().setAutoRead(false);
            channel.eventLoop().schedule(() -> channel.config().setAutoRead(true), 1, TimeUnit.SECONDS);
        }
    }
}
