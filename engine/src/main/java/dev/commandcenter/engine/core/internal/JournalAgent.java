package dev.commandcenter.engine.core.internal;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.JournalHaltedException;
import dev.commandcenter.engine.core.internal.slot.WakeGroup;
import dev.commandcenter.engine.core.internal.slot.WakeableAgent;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The journaller, first stage of the input ring when there is a journal: each duty cycle takes every event
 * published in order since the last (the contiguous run of slots {@code isAvailable} on the multi-producer
 * ring), gives
 * each its dense engine sequence, stamps it {@link EventSlot#journaledNs} with one clock read for the batch,
 * appends it to the journal, ends the batch ({@link Journal#onBatchEnd()}), then moves its {@link Sequence}
 * (the position plugins may read up to) and wakes the plugin agents. Runs on a thread of its own or first in
 * a shared agent group. Counts {@link CounterType#EVENTS_JOURNALED}, {@link CounterType#JOURNAL_BYTES},
 * {@link CounterType#JOURNAL_BATCHES} and {@link CounterType#JOURNAL_FLUSH_NS}.
 * <p>
 * When the journal throws it halts: it records why in the {@link JournalHalt} and
 * {@link CounterType#JOURNAL_HALTED}, reports a {@link JournalHaltedException} to the error handler and never
 * moves its sequence again (not past the failed batch either), so no plugin sees an event the journal may
 * not hold.
 * <p>
 * <b>Note:</b> {@link #doWork()} runs on one thread; the sequence is written with release stores and may be
 * read by any thread; allocates nothing per event.
 */
public final class JournalAgent implements WakeableAgent
{
    private final RingBuffer<EventSlot> ring;
    private final Journal journal;
    private final JournalHalt halt;
    private final EpochNanoClock epochNanoClock;
    private final NanoClock nanoClock;
    private final ErrorHandler errorHandler;
    private final WakeGroup wakeGroup;
    private final Sequence sequence = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
    private final Sequence nextSequence;
    private final AtomicCounter journaled;
    private final AtomicCounter bytes;
    private final AtomicCounter batches;
    private final AtomicCounter flushNs;
    private final AtomicCounter halted;
    private volatile boolean stopRequested;
    private boolean stopped;

    /**
     * Create the journaller.
     *
     * @param ring           the input ring.
     * @param journal        to append to.
     * @param halt           set when the journal fails.
     * @param epochNanoClock stamps each batch.
     * @param nanoClock      times the batch ends.
     * @param errorHandler   told of a halt.
     * @param wakeGroup      the plugin agents, woken after each batch.
     * @param counters       allocates the journal counters.
     */
    public JournalAgent(
        final RingBuffer<EventSlot> ring,
        final Journal journal,
        final JournalHalt halt,
        final EpochNanoClock epochNanoClock,
        final NanoClock nanoClock,
        final ErrorHandler errorHandler,
        final WakeGroup wakeGroup,
        final CounterAllocator counters)
    {
        this.ring = ring;
        this.journal = journal;
        this.halt = halt;
        this.epochNanoClock = epochNanoClock;
        this.nanoClock = nanoClock;
        this.errorHandler = errorHandler;
        this.wakeGroup = wakeGroup;
        this.journaled = counters.allocate(CounterType.EVENTS_JOURNALED, "");
        this.bytes = counters.allocate(CounterType.JOURNAL_BYTES, "");
        this.batches = counters.allocate(CounterType.JOURNAL_BATCHES, "");
        this.flushNs = counters.allocate(CounterType.JOURNAL_FLUSH_NS, "");
        this.halted = counters.allocate(CounterType.JOURNAL_HALTED, "");
        this.nextSequence = new Sequence(journal.nextSequence());
    }

    /**
     * Journal every event published since the last duty cycle.
     *
     * @return events taken.
     */
    public int doWork()
    {
        if (stopRequested)
        {
            throw new AgentTerminationException("journaller stopped");
        }
        if (stopped)
        {
            return 0;
        }
        final long first = sequence.get() + 1;
        final long available = PublishedRun.lastOf(ring, first);
        if (available < first)
        {
            return 0;
        }

        final long stampNs = epochNanoClock.nanoTime();
        long next = nextSequence.get();
        long events = 0;
        long length = 0;
        for (long position = first; position <= available; position++)
        {
            final EventSlot slot = ring.get(position);
            slot.journaledNs = stampNs;
            if (0 != slot.length)
            {
                if (!slot.presequenced)
                {
                    slot.sequence = next;
                }
                try
                {
                    journal.append(slot);
                }
                catch (final Throwable ex)
                {
                    halt("append of sequence " + slot.sequence + " failed", slot.sequence, ex);
                    return 1;
                }
                if (!slot.presequenced)
                {
                    next++;
                }
                events++;
                length += slot.length;
            }
        }
        nextSequence.set(next);
        journaled.getAndAddRelease(events);
        bytes.getAndAddRelease(length);

        final long startNs = nanoClock.nanoTime();
        try
        {
            journal.onBatchEnd();
        }
        catch (final Throwable ex)
        {
            halt("batch end after sequence " + (next - 1) + " failed", next - 1, ex);
            return 1;
        }
        flushNs.getAndAddRelease(nanoClock.nanoTime() - startNs);
        batches.incrementRelease();

        sequence.set(available);
        wakeGroup.wakeAll();
        return (int)Math.min(Integer.MAX_VALUE, available - first + 1);
    }

    /**
     * {@inheritDoc}
     */
    public boolean hasWork()
    {
        return stopRequested || (!stopped && ring.getCursor() > sequence.get());
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "cc-journal";
    }

    /**
     * Ask the agent to end at its next duty cycle (it throws {@link AgentTerminationException}).
     */
    public void requestStop()
    {
        stopRequested = true;
    }

    /**
     * The last ring position journaled: plugins may read every event up to it.
     *
     * @return the sequence.
     */
    public Sequence sequence()
    {
        return sequence;
    }

    /**
     * The sequence the next event will get.
     *
     * @return the next sequence.
     */
    public long nextSequence()
    {
        return nextSequence.get();
    }

    private void halt(final String what, final long eventSequence, final Throwable cause)
    {
        stopped = true;
        final String reason = "journal halted: " + what + ": " + describe(cause);
        halt.halt(reason);
        halted.setRelease(1);
        errorHandler.onError(new JournalHaltedException(eventSequence, reason, cause));
    }

    private static String describe(final Throwable cause)
    {
        final String message = cause.getMessage();
        final String text = null == message || message.isBlank() ?
            cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + message;
        final int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
