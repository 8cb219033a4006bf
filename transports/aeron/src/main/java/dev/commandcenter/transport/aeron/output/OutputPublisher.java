package dev.commandcenter.transport.aeron.output;

import dev.commandcenter.codecs.sbe.EdgeOutputEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The egress that publishes every output of the engine on the output stream edges subscribe to, each as one
 * {@code EdgeOutput} message (template id 40): the engine's output sequence, the input sequence and timestamp, the
 * plugin id (the feed) and the SBE message itself.
 * <p>
 * The stream is recorded locally by the archive, so what the publication refuses is missing from the recording too.
 * A back-pressured offer is therefore retried, the egress thread idling between tries (it is a thread of its own: the
 * output ring absorbs the wait, then the plugins' back-pressure policies), for at most the offer timeout; the time
 * spent waiting is counted ({@link CounterType#AERON_OUTPUT_WAIT_NS}). Only an output refused for longer than the
 * bound, or refused because the stream is closed, is dropped: counted ({@link CounterType#AERON_OUTPUTS_DROPPED})
 * and reported to the error handler.
 * <p>
 * <b>Note:</b> {@link #onOutput(OutputEvent, boolean)} runs on one egress thread; the getters are thread safe.
 */
public final class OutputPublisher implements EgressHandler
{
    private final ExclusivePublication publication;
    private final long offerTimeoutNs;
    private final ErrorHandler errorHandler;
    private final NanoClock clock;
    private final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, TimeUnit.MILLISECONDS.toNanos(1));
    private final ExpandableDirectByteBuffer buffer = new ExpandableDirectByteBuffer(4096);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final EdgeOutputEncoder encoder = new EdgeOutputEncoder();
    private final Map<String, byte[]> pluginIdBytes = new HashMap<>();
    private String lastPluginId;
    private byte[] lastPluginIdBytes;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong waitNs = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile long lastOutputSequence = -1;
    private volatile long position;
    private volatile AtomicCounter publishedCounter;
    private volatile AtomicCounter waitCounter;
    private volatile AtomicCounter droppedCounter;

    /**
     * A publisher on an open publication.
     *
     * @param publication    the output stream.
     * @param offerTimeoutMs longest wait on a back-pressured offer before the output is dropped.
     * @param errorHandler   told of each dropped output.
     */
    public OutputPublisher(final ExclusivePublication publication, final long offerTimeoutMs, final ErrorHandler errorHandler)
    {
        this(publication, offerTimeoutMs, errorHandler, SystemNanoClock.INSTANCE);
    }

    /**
     * A publisher on an open publication, timing waits with a given clock.
     *
     * @param publication    the output stream.
     * @param offerTimeoutMs longest wait on a back-pressured offer before the output is dropped.
     * @param errorHandler   told of each dropped output.
     * @param clock          times the waits.
     */
    public OutputPublisher(
        final ExclusivePublication publication,
        final long offerTimeoutMs,
        final ErrorHandler errorHandler,
        final NanoClock clock)
    {
        this.publication = publication;
        this.offerTimeoutNs = TimeUnit.MILLISECONDS.toNanos(offerTimeoutMs);
        this.errorHandler = errorHandler;
        this.clock = clock;
    }

    /**
     * Count into the engine's counters file from now on (the publisher is built before the engine that owns it).
     *
     * @param counters the engine's counter allocator.
     */
    public void counters(final CounterAllocator counters)
    {
        final AtomicCounter publishedC = counters.allocate(CounterType.AERON_OUTPUTS_PUBLISHED, "");
        final AtomicCounter waitC = counters.allocate(CounterType.AERON_OUTPUT_WAIT_NS, "");
        final AtomicCounter droppedC = counters.allocate(CounterType.AERON_OUTPUTS_DROPPED, "");
        publishedC.setRelease(published.get());
        waitC.setRelease(waitNs.get());
        droppedC.setRelease(dropped.get());
        publishedCounter = publishedC;
        waitCounter = waitC;
        droppedCounter = droppedC;
    }

    /**
     * Stop counting into the engine's counters file, before it is unmapped.
     */
    public void detachCounters()
    {
        publishedCounter = null;
        waitCounter = null;
        droppedCounter = null;
    }

    /**
     * The engine stops: its counters file is unmapped after this.
     */
    public void onShutdown()
    {
        detachCounters();
    }

    /**
     * Publish one output, waiting (bounded) while the stream is back-pressured.
     *
     * @param event      valid only during the call.
     * @param endOfBatch unused: every offer is sent as it is made.
     */
    public void onOutput(final OutputEvent event, final boolean endOfBatch)
    {
        final byte[] pluginId = pluginIdBytes(event.pluginId());
        final int messageLength = event.length();
        final int capacity = MessageHeaderEncoder.ENCODED_LENGTH + EdgeOutputEncoder.BLOCK_LENGTH +
            EdgeOutputEncoder.pluginIdHeaderLength() + pluginId.length + EdgeOutputEncoder.messageHeaderLength() +
            messageLength;
        buffer.checkLimit(capacity);
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .outputSequence(event.outputSequence())
            .inputSequence(event.inputSequence())
            .timestampNs(event.timestampNs())
            .putPluginId(pluginId, 0, pluginId.length)
            .putMessage(event.buffer(), event.offset(), messageLength);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();

        long result = publication.offer(buffer, 0, length);
        if (result < 0)
        {
            result = retry(length, result);
        }
        if (result > 0)
        {
            published.lazySet(published.get() + 1);
            final AtomicCounter counter = publishedCounter;
            if (null != counter)
            {
                counter.incrementRelease();
            }
            lastOutputSequence = event.outputSequence();
            position = result;
        }
        else
        {
            dropped.lazySet(dropped.get() + 1);
            final AtomicCounter counter = droppedCounter;
            if (null != counter)
            {
                counter.incrementRelease();
            }
            errorHandler.onError(new IllegalStateException("aeron output stream refused output " +
                event.outputSequence() + " of " + event.pluginId() + " (" + Publication.errorString(result) +
                "): edges and the recording miss it"));
        }
    }

    private long retry(final int length, final long firstResult)
    {
        long result = firstResult;
        final long startNs = clock.nanoTime();
        long nowNs = startNs;
        idle.reset();
        while (result < 0 && isRetryable(result) && nowNs - startNs < offerTimeoutNs)
        {
            idle.idle();
            result = publication.offer(buffer, 0, length);
            nowNs = clock.nanoTime();
        }
        final long waitedNs = nowNs - startNs;
        waitNs.lazySet(waitNs.get() + waitedNs);
        final AtomicCounter counter = waitCounter;
        if (null != counter)
        {
            counter.getAndAddRelease(waitedNs);
        }
        return result;
    }

    private static boolean isRetryable(final long result)
    {
        return Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result ||
            Publication.NOT_CONNECTED == result;
    }

    private byte[] pluginIdBytes(final String pluginId)
    {
        if (pluginId != lastPluginId)
        {
            byte[] bytes = pluginIdBytes.get(pluginId);
            if (null == bytes)
            {
                bytes = pluginId.getBytes(StandardCharsets.UTF_8);
                pluginIdBytes.put(pluginId, bytes);
            }
            lastPluginId = pluginId;
            lastPluginIdBytes = bytes;
        }
        return lastPluginIdBytes;
    }

    /**
     * Outputs published so far.
     *
     * @return the count.
     */
    public long published()
    {
        return published.get();
    }

    /**
     * Nanoseconds spent waiting on a back-pressured stream so far.
     *
     * @return the wait.
     */
    public long waitNs()
    {
        return waitNs.get();
    }

    /**
     * Outputs dropped so far: refused for longer than the offer timeout, or refused by a closed stream.
     *
     * @return the count.
     */
    public long dropped()
    {
        return dropped.get();
    }

    /**
     * Output sequence of the last output published, -1 before the first.
     *
     * @return the sequence.
     */
    public long lastOutputSequence()
    {
        return lastOutputSequence;
    }

    /**
     * Position of the output stream: how far edges have to read to be up to date.
     *
     * @return the position, bytes.
     */
    public long position()
    {
        return position;
    }
}
