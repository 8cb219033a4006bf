package dev.commandcenter.transport.websocket;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Aggregates requests up to a body limit and answers a larger one with 413 and a one-line JSON
 * error, as {@link HttpObjectAggregator} does with an empty body: the connection is kept when the
 * client can go on (its remaining body is discarded) and closed otherwise.
 */
final class BodyLimitAggregator extends HttpObjectAggregator
{
    private final int maxBodyLength;

    BodyLimitAggregator(final int maxBodyLength)
    {
        super(maxBodyLength);
        this.maxBodyLength = maxBodyLength;
    }

    protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized) throws Exception
    {
        if (!(oversized instanceof HttpRequest))
        {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        final FullHttpResponse response = HttpResponses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "request body larger than " + maxBodyLength + " bytes (websocket.maxRequestBodyLength)");
        if (oversized instanceof FullHttpMessage ||
            (!HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized)))
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }
}
