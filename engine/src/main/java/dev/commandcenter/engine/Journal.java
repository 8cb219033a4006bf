package dev.commandcenter.engine;

/**
 * Where the journaller appends every input event before any plugin sees it. Implementations live
 * outside the engine (Chronicle Queue in persistence); {@link #NONE} journals nothing.
 * <p>
 * <b>Note:</b> {@link #append(Event)} is called only from the journaller thread.
 */
public interface Journal extends AutoCloseable
{
    /** A journal that keeps nothing and starts the sequence at 0. */
    Journal NONE = new Journal()
    {
        public long nextSequence()
        {
            return 0;
        }

        public void append(final Event event)
        {
        }

        public void close()
        {
        }
    };

    /**
     * The sequence the next event gets: one past the last journaled event, so a restarted engine
     * continues where the last one stopped.
     *
     * @return the next engine sequence.
     */
    long nextSequence();

    /**
     * Append an event: its sequence, timestamp, source and SBE bytes.
     *
     * @param event to append.
     */
    void append(Event event);

    /**
     * Called when the journaller has drained a batch, for implementations that sync per batch.
     */
    default void onBatchEnd()
    {
    }

    /**
     * Release files.
     */
    void close();
}
