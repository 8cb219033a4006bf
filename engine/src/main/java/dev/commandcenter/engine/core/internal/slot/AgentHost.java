package dev.commandcenter.engine.core.internal.slot;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * Where a plugin slot's agent runs, as the threading mode decides: on a thread of its own
 * ({@link #dedicated}) or as a member of an {@link AgentGroup} that runs every slot on one thread.
 */
@FunctionalInterface
public interface AgentHost
{
    /**
     * Start an agent.
     *
     * @param agent what to run; it ends itself by throwing {@code AgentTerminationException}.
     * @return the handle of the running agent.
     */
    HostedAgent host(WakeableAgent agent);

    /**
     * A host that starts each agent on a thread of its own, with a new idle strategy, and puts a parking one in
     * a wake group for as long as the agent runs.
     *
     * @param threadFactory  makes the threads (named after the agent's role).
     * @param idleStrategies a new idle strategy per agent.
     * @param errorHandler   receives what {@code doWork} throws, apart from the agent's own termination.
     * @param wakeGroup      woken when the agents' input is published, or null for none.
     * @return the host.
     */
    static AgentHost dedicated(
        final ThreadFactory threadFactory,
        final Supplier<IdleStrategy> idleStrategies,
        final ErrorHandler errorHandler,
        final WakeGroup wakeGroup)
    {
        return (agent) -> AgentThread.start(agent, idleStrategies.get(), errorHandler, threadFactory, wakeGroup);
    }
}
