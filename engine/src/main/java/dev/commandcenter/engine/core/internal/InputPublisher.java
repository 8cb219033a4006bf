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
import dev.commandcenter.engine.core.internal.slot.WakeGroup;

import java.util.concurrent.locks.LockSupport;

/**
 * Publishes into the input ring under the configured back-pressure policy. Returns the ring
 * position as the receipt; {@link #isJournaled(long)} compares it with the journaller's sequence.
 * <p>
 * Without a journal there is no journaller stage: the publisher is the sequencer ({@link #sequenceOnPublish}).
 * Each producer, once its slot is written, waits for the producer of the position before it to finish
 * (producers finish in ring order, as consumers would read them anyway), gives the event the next dense engine
 * sequence, stamps {@link EventSlot#journaledNs} with the publish time, publishes and moves the sequenced
 * position the plugins read up to. A producer therefore waits only while an earlier one is between its claim
 * and its commit (writing its message).
 * <p>
 * After each publish the agents that take the input (the journaller, or the plugins without a journal) are
 * woken if they parked ({@link WakeGroup}): a fence and a volatile read per agent, an unpark only for a parked
 * one.
 * Once the journaller has halted every publish returns {@link #HALTED} at once, and a producer waiting for
 * space under {@link BackPressure#BLOCK} stops waiting: it claims with {@code tryNext} and parks between
 * tries (as {@code RingBuffer.next()} does), checking the halt each time, rather than block in a
 * {@code next()} that a halted journaller would never let return.
 * <p>
 * <b>Note:</b> thread safe (multi-producer ring); allocates nothing.
 */
public final class InputPublisher implements EventPublisher, RecordedEventPublisher
{
    private static final int SPINS_BEFORE_YIELD = 100;

    private final RingBuffer<EventSlot> ring;
    private final BackPressure policy;
    private final EpochNanoClock clock;
    private final AtomicCounter eventsIn;
    private final AtomicCounter rejected;
    private final AtomicCounter invalid;
    private final ErrorHandler errorHandler;
    private final JournalHalt halt;
    private final WakeGroup wakeGroup;
    private volatile Sequence journalSequence;
    private Sequence sequenced;
    private Sequence nextSequence;
    private AtomicCounter sequencedEvents;

    /**
     * Create a publisher over a ring.
     *
     * @param ring         the input ring.
     * @param policy       when the ring is full.
     * @param clock        stamps events.
     * @param halt         set when the journaller halts.
     * @param counters     allocates the events in, rejected and invalid counters.
     * @param errorHandler for encode failures.
     * @param wakeGroup    the agents that take the input, woken after each publish.
     */
    public InputPublisher(
        final RingBuffer<EventSlot> ring,
        final BackPressure policy,
        final EpochNanoClock clock,
        final JournalHalt halt,
        final CounterAllocator counters,
        final ErrorHandler errorHandler,
        final WakeGroup wakeGroup)
    {
        this.ring = ring;
        this.wakeGroup = wakeGroup;
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

    /**
     * Make this publisher the sequencer, for an engine without a journal; call before the first publish.
     *
     * @param firstSequence   engine sequence of the first event.
     * @param sequencedEvents counts the events sequenced ({@code events journaled}: without a journal,
     *                        journaled means sequenced).
     * @return the sequenced position: every event up to it is published and has its engine sequence.
     */
    public Sequence sequenceOnPublish(final long firstSequence, final AtomicCounter sequencedEvents)
    {
        this.sequencedEvents = sequencedEvents;
        sequenced = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
        nextSequence = new Sequence(firstSequence);
        journalSequence = sequenced;
        return sequenced;
    }

    /**
     * The sequence the next event gets when this publisher is the sequencer.
     *
     * @return the next engine sequence, or -1 when a journaller sequences.
     */
    public long nextSequence()
    {
        return null == nextSequence ? -1 : nextSequence.get();
    }

    public long publish(final int source, final DirectBuffer buffer, final int offset, final int length)
    {
        return publishCopy(false, 0, clock.nanoTime(), source, buffer, offset, length, true);
    }

    public long tryPublish(final int source, final DirectBuffer buffer, final int offset, final int length)
    {
        return publishCopy(false, 0, clock.nanoTime(), source, buffer, offset, length, false);
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
        return publishCopy(true, sequence, timestampNs, source, buffer, offset, length, true);
    }

    private long publishCopy(
        final boolean presequenced,
        final long sequence,
        final long timestampNs,
        final int source,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final boolean mayWait)
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
        final long position = mayWait ? claim() : tryClaim();
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

    private long tryClaim()
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
            return WOULD_WAIT;
        }
    }

    private long claim()
    {
        while (true)
        {
            final long position = tryClaim();
            if (WOULD_WAIT != position)
            {
                return position;
            }
            if (halt.isHalted())
            {
                return HALTED;
            }
            LockSupport.parkNanos(1L);
        }
    }

    private static void awaitTurn(final Sequence sequenced, final long previous)
    {
        int spins = 0;
        while (sequenced.get() != previous)
        {
            if (++spins < SPINS_BEFORE_YIELD)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
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
        final Sequence sequenced = this.sequenced;
        if (null == sequenced)
        {
            ring.publish(position);
        }
        else
        {
            awaitTurn(sequenced, position - 1);
            if (0 != length && !presequenced)
            {
                final long next = nextSequence.get();
                slot.sequence = next;
                nextSequence.set(next + 1);
            }
            if (0 != length)
            {
                // Producers take turns here, so the single-writer increment is safe.
                sequencedEvents.incrementRelease();
            }
            slot.journaledNs = presequenced ? clock.nanoTime() : timestampNs;
            ring.publish(position);
            sequenced.set(position);
        }
        wakeGroup.wakeAll();
        if (0 == length)
        {
            invalid.incrementRelease();
            return INVALID;
        }
        eventsIn.incrementRelease();
        return position;
    }
}
