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

    /**
     * Read journaled events back, in sequence order, from any thread other than the journaller's (each call opens
     * its own reader). Used to recover a plugin's state at start ({@link dev.commandcenter.engine.plugin.Recovery}).
     *
     * @param fromSequence first sequence to read; when the journal no longer holds it (retention), reading starts at
     *                     the first event it holds.
     * @param toSequence   first sequence not to read (exclusive).
     * @param consumer     given each event; the view is valid only during the call.
     * @return the number of events read.
     */
    default long read(final long fromSequence, final long toSequence, final java.util.function.Consumer<Event> consumer)
    {
        return 0;
    }
}
