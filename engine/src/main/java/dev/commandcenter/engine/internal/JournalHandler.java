package dev.commandcenter.engine.internal;

import com.lmax.disruptor.EventHandler;
import dev.commandcenter.engine.journal.Journal;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * First consumer of the input ring: gives each event its dense engine sequence and appends it to
 * the journal before any plugin can see it.
 * <p>
 * <b>Note:</b> runs on the journaller thread only.
 */
public final class JournalHandler implements EventHandler<EventSlot>
{
    private final Journal journal;
    private final AtomicCounter journaled;
    private long nextSequence;

    /**
     * Create the journaller.
     *
     * @param journal   to append to.
     * @param journaled counts appended events.
     */
    public JournalHandler(final Journal journal, final AtomicCounter journaled)
    {
        this.journal = journal;
        this.journaled = journaled;
        this.nextSequence = journal.nextSequence();
    }

    public void onEvent(final EventSlot slot, final long position, final boolean endOfBatch)
    {
        try
        {
            if (0 != slot.length)
            {
                if (!slot.presequenced)
                {
                    slot.sequence = nextSequence;
                }
                journal.append(slot);
                if (!slot.presequenced)
                {
                    nextSequence++;
                }
                journaled.incrementRelease();
            }
            if (endOfBatch)
            {
                journal.onBatchEnd();
            }
        }
        catch (final Throwable ex)
        {
            throw new JournalFailedException(slot.sequence, ex);
        }
    }

    /**
     * The journal could not take an event. The journaller halts rather than move on, so no plugin sees
     * and no producer is told "journaled" for an event that is not in the journal.
     */
    public static final class JournalFailedException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        JournalFailedException(final long sequence, final Throwable cause)
        {
            super("journal failed at sequence " + sequence + ", engine halted: " + cause.getMessage(), cause);
        }
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
