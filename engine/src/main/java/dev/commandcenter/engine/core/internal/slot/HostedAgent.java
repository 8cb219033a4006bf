package dev.commandcenter.engine.core.internal.slot;

/**
 * A handle on an agent that runs somewhere (a thread of its own or a member of an {@link AgentGroup}), for an
 * agent that ends itself by throwing {@code AgentTerminationException}: its owner can wake it, wait for it to
 * end and ask whether it still runs.
 * <p>
 * <b>Note:</b> thread safe.
 */
public interface HostedAgent
{
    /**
     * Wake the agent if it is parked, after posting it work (a command, a close request).
     */
    void wake();

    /**
     * Wait, up to a timeout, for the agent to end itself.
     *
     * @param timeoutMs how long to wait.
     * @return true when it has ended.
     */
    boolean join(long timeoutMs);

    /**
     * Whether the agent still runs.
     *
     * @return true until it has ended (its {@code onClose} returned).
     */
    boolean isAlive();
}
