package dev.commandcenter.engine.core.internal;

import dev.commandcenter.engine.JournalHaltedException;

import com.lmax.disruptor.EventHandler;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * First consumer of the input ring: gives each event its dense engine sequence and appends it to
 * the journal before any plugin can see it. Counts what it journals ({@link CounterType#EVENTS_JOURNALED},
 * {@link CounterType#JOURNAL_BYTES}, {@link CounterType#JOURNAL_BATCHES}, {@link CounterType#JOURNAL_FLUSH_NS}).
 * When the journal throws it halts: it records why in the {@link JournalHalt} and
 * {@link CounterType#JOURNAL_HALTED}, then throws {@link JournalHaltedException}, which stops its processor
 * without advancing its sequence.
 * <p>
 * <b>Note:</b> runs on the journaller thread only; allocates nothing per event.
 */
public final class JournalHandler implements EventHandler<EventSlot>
{
    private final Journal journal;
    private final JournalHalt halt;
    private final NanoClock nanoClock;
    private final AtomicCounter journaled;
    private final AtomicCounter bytes;
    private final AtomicCounter batches;
    private final AtomicCounter flushNs;
    private final AtomicCounter halted;
    private long nextSequence;

    /**
     * Create the journaller.
     *
     * @param journal   to append to.
     * @param halt      set when the journal fails.
     * @param nanoClock times the batch ends.
     * @param counters  allocates the journal counters.
     */
    public JournalHandler(
        final Journal journal,
        final JournalHalt halt,
        final NanoClock nanoClock,
        final CounterAllocator counters)
    {
        this.journal = journal;
        this.halt = halt;
        this.nanoClock = nanoClock;
        this.journaled = counters.allocate(CounterType.EVENTS_JOURNALED, "");
        this.bytes = counters.allocate(CounterType.JOURNAL_BYTES, "");
        this.batches = counters.allocate(CounterType.JOURNAL_BATCHES, "");
        this.flushNs = counters.allocate(CounterType.JOURNAL_FLUSH_NS, "");
        this.halted = counters.allocate(CounterType.JOURNAL_HALTED, "");
        this.nextSequence = journal.nextSequence();
    }

    public void onEvent(final EventSlot slot, final long position, final boolean endOfBatch)
    {
        if (0 != slot.length)
        {
            if (!slot.presequenced)
            {
                slot.sequence = nextSequence;
            }
            try
            {
                journal.append(slot);
            }
            catch (final Throwable ex)
            {
                throw halt("append of sequence " + slot.sequence + " failed", slot.sequence, ex);
            }
            if (!slot.presequenced)
            {
                nextSequence++;
            }
            journaled.incrementRelease();
            bytes.getAndAddRelease(slot.length);
        }
        if (endOfBatch)
        {
            final long startNs = nanoClock.nanoTime();
            try
            {
                journal.onBatchEnd();
            }
            catch (final Throwable ex)
            {
                throw halt("batch end after sequence " + (nextSequence - 1) + " failed", slot.sequence, ex);
            }
            flushNs.getAndAddRelease(nanoClock.nanoTime() - startNs);
            batches.incrementRelease();
        }
    }

    private JournalHaltedException halt(final String what, final long sequence, final Throwable cause)
    {
        final String reason = "journal halted: " + what + ": " + describe(cause);
        halt.halt(reason);
        halted.setRelease(1);
        return new JournalHaltedException(sequence, reason, cause);
    }

    private static String describe(final Throwable cause)
    {
        final String message = cause.getMessage();
        final String text = null == message || message.isBlank() ?
            cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + message;
        final int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /**
     * The sequence the next event will get.
     *
     * @return the next sequence.
     */
    public long nextSequence()
    {
        return nextSequence;
    }
}
