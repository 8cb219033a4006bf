package dev.commandcenter.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;

/**
 * Writes HTTP responses: CORS headers for an allowed foreign origin, {@code Connection: close} and a close
 * after the write when the request was not kept alive, and a failed write reported to the server's error
 * path (which closes the connection).
 * <p>
 * <b>Note:</b> stateless and shared by every connection; thread safe.
 */
final class ResponseSender
{
    private final ServerErrorPath errorPath;

    /**
     * @param errorPath where failed writes go.
     */
    ResponseSender(final ServerErrorPath errorPath)
    {
        this.errorPath = errorPath;
    }

    /**
     * Write and flush a response.
     *
     * @param channel    of the request.
     * @param response   to write.
     * @param keepAlive  whether the connection stays open after it.
     * @param corsOrigin foreign origin to allow in the response, or null.
     */
    void send(final Channel channel, final FullHttpResponse response, final boolean keepAlive, final String corsOrigin)
    {
        if (null != corsOrigin)
        {
            response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin)
                .set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
        if (!keepAlive)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        final ChannelFuture future = channel.writeAndFlush(response);
        future.addListener(errorPath.writeFailureListener());
        if (!keepAlive)
        {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
