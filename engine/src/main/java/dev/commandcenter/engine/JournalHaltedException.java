package dev.commandcenter.engine;

/**
 * The journal could not take an event. The journaller halts rather than move on, so no plugin sees and no
 * producer is told "journaled" for an event that is not in the journal; producers get
 * {@link EventPublisher#HALTED} from then on. Recorded once in the engine's error log.
 */
public final class JournalHaltedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * The halt of the journaller at a sequence.
     *
     * @param sequence the engine sequence the journal could not take.
     * @param reason   one line, starting {@code "journal halted: "}.
     * @param cause    what the journal threw.
     */
    public JournalHaltedException(final long sequence, final String reason, final Throwable cause)
    {
        super(reason + " (engine halted at sequence " + sequence + ")", cause);
    }
}
