package dev.commandcenter.engine.core.internal;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.RecordedEventPublisher;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.locks.LockSupport;

/**
 * Publishes into the input ring under the configured back-pressure policy. Returns the ring
 * position as the receipt; {@link #isJournaled(long)} compares it with the journaller's sequence.
 * Once the journaller has halted every publish returns {@link #HALTED} at once, and a producer waiting for
 * space under {@link BackPressure#BLOCK} stops waiting: it claims with {@code tryNext} and parks between
 * tries (as {@code RingBuffer.next()} does), checking the halt each time, rather than block in a
 * {@code next()} that a halted journaller would never let return.
 * <p>
 * <b>Note:</b> thread safe (multi-producer ring); allocates nothing.
 */
public final class InputPublisher implements EventPublisher, RecordedEventPublisher
{
    private final RingBuffer<EventSlot> ring;
    private final BackPressure policy;
    private final EpochNanoClock clock;
    private final AtomicCounter eventsIn;
    private final AtomicCounter rejected;
    private final AtomicCounter invalid;
    private final ErrorHandler errorHandler;
    private final JournalHalt halt;
    private volatile Sequence journalSequence;

    /**
     * Create a publisher over a ring.
     *
     * @param ring         the input ring.
     * @param policy       when the ring is full.
     * @param clock        stamps events.
     * @param halt         set when the journaller halts.
     * @param counters     allocates the events in, rejected and invalid counters.
     * @param errorHandler for encode failures.
     */
    public InputPublisher(
        final RingBuffer<EventSlot> ring,
        final BackPressure policy,
        final EpochNanoClock clock,
        final JournalHalt halt,
        final CounterAllocator counters,
        final ErrorHandler errorHandler)
    {
        this.ring = ring;
        this.policy = policy;
        this.clock = clock;
        this.halt = halt;
        this.eventsIn = counters.allocate(CounterType.EVENTS_IN, "");
        this.rejected = counters.allocate(CounterType.EVENTS_REJECTED, "");
        this.invalid = counters.allocate(CounterType.EVENTS_INVALID, "");
        this.errorHandler = errorHandler;
    }

    /**
     * Set the journaller's sequence once the pipeline is assembled.
     *
     * @param journalSequence of the journaller.
     */
    public void journalSequence(final Sequence journalSequence)
    {
        this.journalSequence = journalSequence;
    }

    public long publish(final int source, final DirectBuffer buffer, final int offset, final int length)
    {
        return publishCopy(false, 0, clock.nanoTime(), source, buffer, offset, length);
    }

    public <A> long publish(final int source, final MessageWriter<A> writer, final A arg)
    {
        return publishWritten(false, 0, 0, source, writer, arg);
    }

    /**
     * Publish a recorded event that the writer copies straight into the slot, for replay.
     *
     * @param sequence    recorded engine sequence.
     * @param timestampNs recorded timestamp.
     * @param source      recorded source.
     * @param writer      copies the message and returns its length, 0 when unsound.
     * @param arg         passed to the writer.
     * @param <A>         type of the argument.
     * @return ring position, {@link #REJECTED}, {@link #INVALID} or {@link #HALTED}.
     */
    public <A> long publishRecorded(
        final long sequence, final long timestampNs, final int source, final MessageWriter<A> writer, final A arg)
    {
        return publishWritten(true, sequence, timestampNs, source, writer, arg);
    }

    private <A> long publishWritten(
        final boolean presequenced,
        final long sequence,
        final long recordedTimestampNs,
        final int source,
        final MessageWriter<A> writer,
        final A arg)
    {
        if (halt.isHalted())
        {
            return HALTED;
        }
        final long position = claim();
        if (position < 0)
        {
            return position;
        }
        final EventSlot slot = ring.get(position);
        int length = 0;
        try
        {
            length = writer.write(slot.buffer, 0, arg);
            if (length > MAX_MESSAGE_LENGTH || null != MessageSchema.validate(slot.buffer, 0, length))
            {
                length = 0;
            }
        }
        catch (final Throwable ex)
        {
            length = 0;
            errorHandler.onError(ex);
        }
        final long timestampNs = presequenced ? recordedTimestampNs : clock.nanoTime();
        final long result = commit(slot, position, source, length, timestampNs, presequenced, sequence);
        return 0 == length ? INVALID : result;
    }

    /**
     * Publish a recorded event with its original sequence and timestamp, for replay.
     *
     * @param sequence    recorded engine sequence.
     * @param timestampNs recorded timestamp.
     * @param source      recorded source.
     * @param buffer      holding the message.
     * @param offset      of the header.
     * @param length      of the message.
     * @return ring position, {@link #REJECTED} or {@link #INVALID}.
     */
    public long publishRecorded(
        final long sequence,
        final long timestampNs,
        final int source,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        return publishCopy(true, sequence, timestampNs, source, buffer, offset, length);
    }

    private long publishCopy(
        final boolean presequenced,
        final long sequence,
        final long timestampNs,
        final int source,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (halt.isHalted())
        {
            return HALTED;
        }
        if (length > MAX_MESSAGE_LENGTH || null != MessageSchema.validate(buffer, offset, length))
        {
            invalid.incrementRelease();
            return INVALID;
        }
        final long position = claim();
        if (position < 0)
        {
            return position;
        }
        final EventSlot slot = ring.get(position);
        slot.buffer.putBytes(0, buffer, offset, length);
        return commit(slot, position, source, length, timestampNs, presequenced, sequence);
    }

    public boolean isJournaled(final long receipt)
    {
        final Sequence sequence = journalSequence;
        return receipt >= 0 && null != sequence && sequence.get() >= receipt;
    }

    public String haltReason()
    {
        return halt.reason();
    }

    private long claim()
    {
        while (true)
        {
            try
            {
                return ring.tryNext();
            }
            catch (final InsufficientCapacityException ex)
            {
                if (policy != BackPressure.BLOCK)
                {
                    rejected.incrementRelease();
                    return REJECTED;
                }
                if (halt.isHalted())
                {
                    return HALTED;
                }
                LockSupport.parkNanos(1L);
            }
        }
    }

    private long commit(
        final EventSlot slot,
        final long position,
        final int source,
        final int length,
        final long timestampNs,
        final boolean presequenced,
        final long sequence)
    {
        slot.length = length;
        slot.source = source;
        slot.timestampNs = timestampNs;
        slot.presequenced = presequenced;
        slot.sequence = presequenced ? sequence : -1;
        ring.publish(position);
        if (0 == length)
        {
            invalid.incrementRelease();
            return INVALID;
        }
        eventsIn.incrementRelease();
        return position;
    }
}
