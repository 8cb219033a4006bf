package dev.commandcenter.transport.websocket;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP side of a connection's limits, between the HTTP codec and the aggregator: request headers must be
 * complete within {@link WebServer.Context#headerTimeoutMs(long)} of the connection opening or of the first
 * byte of a later request, a body within {@link WebServer.Context#bodyTimeoutMs(long)} of its headers, and a
 * kept-alive connection is closed after {@link WebServer.Context#idleTimeoutMs(long)} without a request. At most
 * {@link WebServer.Context#maxPipelinedRequests(int)} requests are in flight (read and not yet answered and
 * flushed): at the limit the connection reads no more until a response has been written. Body bytes being
 * aggregated count towards a server-wide cap ({@link WebServer.Context#maxAggregatingBytes(long)}); past it the
 * request is answered 503 and the connection closed. A request Netty's decoder could not parse (too long a line
 * or header, malformed) is counted and logged, naming the remote; the request handler answers it 400.
 * <p>
 * Removes itself when the connection upgrades to WebSocket: the session has heartbeats of its own.
 * <p>
 * <b>Note:</b> one instance per connection, used on its event loop.
 */
final class HttpFlowGuard extends ChannelDuplexHandler implements Runnable
{
    /**
     * Name of the handler that holds the flushes of the answers written while a read is handled until the read is
     * done, so the answers to pipelined requests read at once leave in one write (removed at an upgrade).
     */
    static final String FLUSH_CONSOLIDATION = "http-flush";

    private static final int HEADER = 0;
    private static final int BODY = 1;
    private static final int BUSY = 2;
    private static final int IDLE = 3;

    private final WebLimits limits;
    private final ConnectionGuard connection;
    private final ChannelFutureListener responseWritten = this::onResponseWritten;
    private ChannelHandlerContext ctx;
    private int phase = HEADER;
    private long deadlineNs;
    private ScheduledFuture<?> timer;
    private long timerDueNs;
    private int inFlight;
    private long aggregating;
    private boolean interimResponse;
    private boolean refused;

    /**
     * @param limits     of the server.
     * @param connection the connection's byte-level guard, which stops and resumes reading.
     */
    HttpFlowGuard(final WebLimits limits, final ConnectionGuard connection)
    {
        this.limits = limits;
        this.connection = connection;
    }

    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        connection.http = this;
        if (ctx.channel().isActive())
        {
            arm(HEADER, limits.headerTimeoutNs);
        }
    }

    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        stop();
    }

    public void channelActive(final ChannelHandlerContext ctx)
    {
        arm(HEADER, limits.headerTimeoutNs);
        ctx.fireChannelActive();
    }

    public void channelInactive(final ChannelHandlerContext ctx)
    {
        stop();
        ctx.fireChannelInactive();
    }

    /**
     * Bytes arrived: the start of a request when the connection was idle or busy answering.
     */
    void onBytes()
    {
        if (IDLE == phase || BUSY == phase)
        {
            arm(HEADER, limits.headerTimeoutNs);
        }
    }

    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (refused)
        {
            ReferenceCountUtil.release(msg);
            return;
        }
        // A connection closed mid-request also yields a failed message (premature closure): not worth a line.
        if (msg instanceof HttpObject object && object.decoderResult().isFailure() && ctx.channel().isActive())
        {
            final Throwable cause = object.decoderResult().cause();
            limits.trip(WebLimits.Limit.DECODER_FAILURE, ctx.channel().remoteAddress(), "sent a request Netty cannot decode: " +
                HttpResponses.oneLine(null == cause || null == cause.getMessage() ? String.valueOf(cause) : cause.getMessage()));
        }
        if (msg instanceof HttpRequest)
        {
            if (++inFlight >= limits.maxPipelinedRequests)
            {
                connection.pause(ConnectionGuard.PIPELINE_FULL);
            }
            arm(BODY, limits.bodyTimeoutNs);
        }
        if (msg instanceof HttpContent content)
        {
            final int bytes = content.content().readableBytes();
            if (bytes > 0)
            {
                aggregating += bytes;
                if (!limits.addAggregating(bytes))
                {
                    refuseBusy(msg);
                    return;
                }
            }
            if (msg instanceof LastHttpContent)
            {
                limits.removeAggregating(aggregating);
                aggregating = 0;
                phase = BUSY;
            }
        }
        ctx.fireChannelRead(msg);
    }

    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        if (msg instanceof HttpResponse response)
        {
            final HttpResponseStatus status = response.status();
            if (HttpResponseStatus.SWITCHING_PROTOCOLS.equals(status))
            {
                ctx.write(msg, promise);
                connection.resume(ConnectionGuard.PIPELINE_FULL);
                if (null != ctx.pipeline().get(FLUSH_CONSOLIDATION))
                {
                    // A WebSocket session's frames are flushed as written (see NettyServer).
                    ctx.pipeline().remove(FLUSH_CONSOLIDATION);
                }
                ctx.pipeline().remove(this);
                return;
            }
            interimResponse = HttpStatusClass.INFORMATIONAL == status.codeClass();
        }
        if (msg instanceof LastHttpContent && !interimResponse)
        {
            final ChannelPromise unvoided = promise.unvoid();
            unvoided.addListener(responseWritten);
            ctx.write(msg, unvoided);
            return;
        }
        ctx.write(msg, promise);
    }

    /**
     * A deadline passed: close the connection, counted, unless the phase moved on since.
     */
    public void run()
    {
        timer = null;
        if (BUSY == phase || !ctx.channel().isActive())
        {
            return;
        }
        final long remainingNs = deadlineNs - System.nanoTime();
        if (remainingNs > 0)
        {
            schedule(remainingNs);
            return;
        }
        switch (phase)
        {
            case HEADER -> limits.trip(WebLimits.Limit.HEADER_TIMEOUT, ctx.channel().remoteAddress(),
                "closed: request headers not complete within " + limits.headerTimeoutNs / 1_000_000 + " ms");
            case BODY -> limits.trip(WebLimits.Limit.BODY_TIMEOUT, ctx.channel().remoteAddress(),
                "closed: request body not complete within " + limits.bodyTimeoutNs / 1_000_000 + " ms");
            default -> limits.trip(WebLimits.Limit.IDLE_TIMEOUT, ctx.channel().remoteAddress(), null);
        }
        phase = BUSY;
        ctx.close();
    }

    /**
     * Requests read and not yet answered.
     */
    int inFlight()
    {
        return inFlight;
    }

    private void onResponseWritten(final ChannelFuture future)
    {
        if (inFlight > 0)
        {
            inFlight--;
        }
        if (inFlight < limits.maxPipelinedRequests && null != ctx && !ctx.isRemoved())
        {
            connection.resume(ConnectionGuard.PIPELINE_FULL);
        }
        if (0 == inFlight && BUSY == phase && future.channel().isActive() && !ctx.isRemoved())
        {
            arm(IDLE, limits.idleTimeoutNs);
        }
    }

    private void refuseBusy(final Object msg)
    {
        ReferenceCountUtil.release(msg);
        refused = true;
        connection.pause(ConnectionGuard.PIPELINE_FULL);
        limits.trip(WebLimits.Limit.AGGREGATING_BYTES, ctx.channel().remoteAddress(),
            "answered 503: request bodies being read passed " + limits.maxAggregatingBytes + " bytes server wide");
        final FullHttpResponse response = HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
            "server busy: too many request bodies being read at once, try again later");
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void arm(final int phase, final long timeoutNs)
    {
        this.phase = phase;
        deadlineNs = System.nanoTime() + timeoutNs;
        if (null != timer && timerDueNs > deadlineNs)
        {
            timer.cancel(false);
            timer = null;
        }
        if (null == timer)
        {
            schedule(timeoutNs);
        }
    }

    private void schedule(final long delayNs)
    {
        timerDueNs = System.nanoTime() + delayNs;
        timer = ctx.executor().schedule(this, delayNs, TimeUnit.NANOSECONDS);
    }

    private void stop()
    {
        phase = BUSY;
        if (null != timer)
        {
            timer.cancel(false);
            timer = null;
        }
        if (aggregating > 0)
        {
            limits.removeAggregating(aggregating);
            aggregating = 0;
        }
        if (connection.http == this)
        {
            connection.http = null;
        }
    }
}
