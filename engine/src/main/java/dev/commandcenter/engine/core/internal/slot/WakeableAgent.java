package dev.commandcenter.engine.core.internal.slot;

import org.agrona.concurrent.Agent;

/**
 * An {@link Agent} that can tell, without doing it, whether a duty cycle would find work. A
 * {@link ParkingIdleStrategy} asks after announcing that it is about to park and parks only when the answer is
 * no, so a waker that published just before the announcement is never missed.
 * <p>
 * <b>Note:</b> {@link #hasWork()} is called on the agent's own thread, between duty cycles.
 */
public interface WakeableAgent extends Agent
{
    /**
     * Whether a duty cycle would find work now (events, commands, members to add).
     *
     * @return true when there is work.
     */
    boolean hasWork();
}
