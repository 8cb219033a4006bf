package dev.commandcenter.transport.websocket;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.counters.CounterType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's per-connection pipeline (as {@link NettyServer} builds it) on {@link EmbeddedChannel}s, with the
 * real shared endpoints behind it: for feeding a connection arbitrary bytes without sockets or threads. Events
 * posted to {@code /api/events} go to a publisher that checks their header and hands out receipts (a journaling
 * engine cannot take a fuzzer's millions of posts).
 * <p>
 * <b>Note:</b> single threaded, as a fuzz test runs.
 */
final class EmbeddedServer
{
    static final String TOKEN = "s3cret-token-admin-7Qx2Lm9P";
    static final String OVERLAY_TOKEN = "s3cret-token-overlay-4Rk8Wv3N";
    static final String FEED = "alerts";
    static final int MAX_FRAME_LENGTH = 1024;
    static final int MAX_REQUEST_BODY_LENGTH = 2048;

    final TestCounters counters = new TestCounters();
    final WebServer.Context ctx;
    final HttpStatusCounters httpStatusCounters;
    final HttpEndpoints endpoints;
    final WebLimits limits;
    final List<Integer> statuses = new ArrayList<>();

    EmbeddedServer()
    {
        ctx = counters.apply(new WebServer.Context())
            .port(0)
            .token(OVERLAY_TOKEN)
            .adminToken(TOKEN)
            .feed(FEED)
            .maxFrameLength(MAX_FRAME_LENGTH)
            .maxRequestBodyLength(MAX_REQUEST_BODY_LENGTH)
            .closeTimeoutMs(100)
            .eventPublisher(new CheckingPublisher())
            .conclude();
        ctx.egress().bindCounters(ctx.counters());
        httpStatusCounters = new HttpStatusCounters(ctx.counters(), ctx.errorHandler());
        final ServerErrorPath errorPath = new ServerErrorPath(
            ctx.errorHandler(), ctx.counters().allocate(CounterType.WEB_PEER_RESETS, ""));
        final Refusals refusals = new Refusals(ctx.counters());
        endpoints = new HttpEndpoints(ctx, new AccessPolicy(OVERLAY_TOKEN, TOKEN, ctx.allowedOrigins()), errorPath,
            Runnable::run, null, refusals, new TokenSessions(refusals));
        limits = new WebLimits(ctx, ctx.counters());
    }

    /**
     * A new connection with the server's pipeline, recording the status of every response it writes.
     */
    EmbeddedChannel connect()
    {
        statuses.clear();
        final ConnectionGuard guard = new ConnectionGuard(limits);
        return new EmbeddedChannel(
            guard,
            new HttpServerCodec(),
            new HttpFlowGuard(limits, guard),
            new ChannelOutboundHandlerAdapter()
            {
                public void write(final ChannelHandlerContext context, final Object msg, final ChannelPromise promise)
                {
                    if (msg instanceof HttpResponse response)
                    {
                        statuses.add(response.status().code());
                    }
                    context.write(msg, promise);
                }
            },
            httpStatusCounters,
            new RequestGate(endpoints.accessPolicy, endpoints.refusals, endpoints.httpApi),
            new BodyLimitAggregator(ctx.maxRequestBodyLength()),
            new HttpRequestHandler(endpoints));
    }

    /**
     * Write bytes into a connection in pieces of a given size, running its pending tasks after each.
     */
    static void feed(final EmbeddedChannel channel, final byte[] bytes, final int piece)
    {
        for (int offset = 0; offset < bytes.length && channel.isOpen(); offset += piece)
        {
            final ByteBuf buffer = Unpooled.wrappedBuffer(bytes, offset, Math.min(piece, bytes.length - offset));
            channel.writeInbound(buffer);
            channel.runPendingTasks();
            channel.checkException();
        }
    }

    /**
     * Errors the server reported (its error handler), none expected for bad input.
     */
    List<Throwable> errors()
    {
        return counters.errors;
    }

    private static final class CheckingPublisher implements EventPublisher
    {
        private final AtomicLong sequence = new AtomicLong();

        public long publish(final int source, final DirectBuffer buffer, final int offset, final int length)
        {
            return null == MessageSchema.validate(buffer, offset, length) ? sequence.incrementAndGet() : INVALID;
        }

        public long tryPublish(final int source, final DirectBuffer buffer, final int offset, final int length)
        {
            return publish(source, buffer, offset, length);
        }

        public <A> long publish(final int source, final MessageWriter<A> writer, final A arg)
        {
            return REJECTED;
        }

        public boolean isJournaled(final long sequence)
        {
            return sequence <= this.sequence.get();
        }
    }
}
