package dev.commandcenter.engine.egress;

/**
 * A consumer of the output ring: WebSocket fan-out, Aeron publications, action executors. Each
 * runs on its own thread and sequence; it must not block for long (slow clients are its problem,
 * handled by its own policy), or the output ring fills and plugins wait.
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
