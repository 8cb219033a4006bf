package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.counters.CounterType;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.PrematureChannelClosureException;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * The one error path of the web server: a failure that only says the client went away (a reset, a broken
 * pipe, a write to a connection the peer already closed) is counted in {@link CounterType#WEB_PEER_RESETS};
 * anything else goes to the engine's error handler. Also the listener that reports a failed response write
 * and closes its connection.
 * <p>
 * <b>Note:</b> shared by every connection and the REST publishing threads; thread safe.
 */
final class ServerErrorPath
{
    private final ErrorHandler errorHandler;
    private final AtomicCounter peerResets;
    private final ChannelFutureListener writeFailureListener = this::onWriteComplete;

    /**
     * @param errorHandler where errors other than client disconnects go.
     * @param peerResets   counter of client disconnects; owned by the caller.
     */
    ServerErrorPath(final ErrorHandler errorHandler, final AtomicCounter peerResets)
    {
        this.errorHandler = errorHandler;
        this.peerResets = peerResets;
    }

    /**
     * Count an ordinary client disconnect, report anything else. Called from any thread.
     */
    void onError(final Throwable cause)
    {
        if (isPeerDisconnect(cause))
        {
            peerResets.increment();
        }
        else
        {
            errorHandler.onError(cause);
        }
    }

    /**
     * Whether a failure only says that the client went away: a connection reset or broken pipe, a write to a
     * channel already closed, or a close while a request was still arriving.
     */
    static boolean isPeerDisconnect(final Throwable cause)
    {
        if (cause instanceof ClosedChannelException || cause instanceof PrematureChannelClosureException)
        {
            // The second: the client closed while its request was still arriving.
            return true;
        }
        if (cause instanceof IOException && null != cause.getMessage())
        {
            final String message = cause.getMessage().toLowerCase(Locale.ROOT);
            return message.contains("connection reset") || message.contains("broken pipe") ||
                message.contains("reset by peer");
        }
        return false;
    }

    /**
     * Listener for response writes: reports a failed one and closes its connection.
     */
    ChannelFutureListener writeFailureListener()
    {
        return writeFailureListener;
    }

    /**
     * Connections that ended with a reset or broken pipe.
     */
    long peerResets()
    {
        return peerResets.get();
    }

    private void onWriteComplete(final ChannelFuture future)
    {
        if (!future.isSuccess())
        {
            if (null != future.cause())
            {
                onError(future.cause());
            }
            future.channel().close();
        }
    }
}
