package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts every HTTP response the server writes by status code, in {@link CounterType#HTTP_REQUESTS}
 * counters whose label suffix is the code. The set is bounded: the {@link #CODES codes the server answers}
 * each get a counter, allocated on first use, and any other code is counted under its class
 * ({@code 1xx} ... {@code 5xx}), so no input can make the server allocate more than
 * {@code CODES.length + 5} counters. Sits between the HTTP codec and the handlers; after a {@code 101}
 * (a WebSocket upgrade) it removes itself from that connection's pipeline, so feed frames never pass it.
 * <p>
 * <b>Note:</b> shared by every connection; thread safe.
 */
@ChannelHandler.Sharable
final class HttpStatusCounters extends ChannelOutboundHandlerAdapter
{
    /** Status codes the server and its handshaker answer, each counted under its own code. */
    static final int[] CODES = { 101, 200, 202, 204, 301, 302, 400, 401, 403, 404, 405, 413, 421, 422, 426, 500, 503 };

    private static final int CLASSES = 5;

    private final CounterAllocator allocator;
    private final ErrorHandler errorHandler;
    private final AtomicReferenceArray<AtomicCounter> counters = new AtomicReferenceArray<>(CODES.length + CLASSES);

    /**
     * @param allocator    of the engine's counters.
     * @param errorHandler told once if the counters file is full.
     */
    HttpStatusCounters(final CounterAllocator allocator, final ErrorHandler errorHandler)
    {
        this.allocator = allocator;
        this.errorHandler = errorHandler;
    }

    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) throws Exception
    {
        if (msg instanceof HttpResponse response)
        {
            final int code = response.status().code();
            count(code);
            ctx.write(msg, promise);
            if (HttpResponseStatus.SWITCHING_PROTOCOLS.code() == code)
            {
                ctx.pipeline().remove(this);
            }
            return;
        }
        ctx.write(msg, promise);
    }

    /**
     * Count one response.
     *
     * @param code HTTP status code.
     */
    void count(final int code)
    {
        final int index = index(code);
        AtomicCounter counter = counters.get(index);
        if (null == counter)
        {
            counter = allocate(index, suffix(index));
        }
        counter.increment();
    }

    /**
     * Requests answered with a status so far.
     *
     * @param code HTTP status code.
     * @return the count of the code's counter (its class's for a code not in {@link #CODES}).
     */
    long value(final int code)
    {
        final AtomicCounter counter = counters.get(index(code));
        return null == counter ? 0 : counter.get();
    }

    static int index(final int code)
    {
        for (int i = 0; i < CODES.length; i++)
        {
            if (CODES[i] == code)
            {
                return i;
            }
        }
        final int statusClass = code / 100;
        return CODES.length + (statusClass >= 1 && statusClass <= CLASSES ? statusClass - 1 : CLASSES - 1);
    }

    static String suffix(final int index)
    {
        return index < CODES.length ? Integer.toString(CODES[index]) : (index - CODES.length + 1) + "xx";
    }

    private synchronized AtomicCounter allocate(final int index, final String suffix)
    {
        AtomicCounter counter = counters.get(index);
        if (null == counter)
        {
            try
            {
                counter = allocator.allocate(CounterType.HTTP_REQUESTS, suffix);
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(new IllegalStateException(
                    "cannot allocate the http requests counter for status " + suffix + ": " + ex.getMessage(), ex));
                counter = new AtomicCounter(new UnsafeBuffer(ByteBuffer.allocateDirect(CountersReader.COUNTER_LENGTH)), 0);
            }
            counters.set(index, counter);
        }
        return counter;
    }
}
