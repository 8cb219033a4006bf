package dev.commandcenter.engine.egress;

/**
 * A consumer of the output ring: WebSocket fan-out, Aeron publications, action executors. Each
 * runs on its own thread and sequence; it must not block for long (slow clients are its problem,
 * handled by its own policy), or the output ring fills and plugins wait. A handler that cannot take an output
 * yet says so in {@link #ready} rather than blocking or dropping it.
 */
public interface EgressHandler
{
    /**
     * Handle one output.
     *
     * @param event      valid only during the call.
     * @param endOfBatch true when no more outputs are ready now, a good moment to flush.
     */
    void onOutput(OutputEvent event, boolean endOfBatch);

    /**
     * Whether this handler can take the output now. False holds it, and every output after it, on the output ring
     * for a later duty cycle instead of losing it: back-pressure, as when the handler's own bounded hand-off to its
     * I/O threads is full. While an output is held the output ring fills and the plugins wait for room, as they do
     * behind a slow handler. Asked on the egress thread just before {@link #onOutput}; the outputs given since the
     * last {@code endOfBatch} get {@link #onBatchEnd()} first, so the handler can pass on what it has queued.
     *
     * @param event the output about to be given.
     * @return true to be given it now (the default).
     */
    default boolean ready(final OutputEvent event)
    {
        return true;
    }

    /**
     * The run of outputs ready now ended on one this handler was not given (an empty slot, or the output of a
     * plugin whose permissions do not name this egress) after it was given some with {@code endOfBatch} false:
     * a good moment to flush, as at {@code endOfBatch}.
     */
    default void onBatchEnd()
    {
    }

    /**
     * Called on the egress thread once it starts.
     */
    default void onStart()
    {
    }

    /**
     * Called on the egress thread when it stops.
     */
    default void onShutdown()
    {
    }
}
