package dev.commandcenter.engine.core.internal.slot;

/**
 * A member of a {@link WakeGroup}: something that runs an agent and can be told that the agent has work.
 * <p>
 * <b>Note:</b> called by any thread, after a full fence the group supplies; allocates nothing.
 */
public interface Waker
{
    /**
     * Wake the agent's runner if it is idle (parked, or blocked in its host's poll); cheap when it is not.
     */
    void wakeIfParked();
}
