package dev.commandcenter.engine.core.internal.slot;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.ThreadFactory;

/**
 * An {@link Agent} running on its own thread under an {@link AgentRunner}, for agents that end themselves:
 * the slot and the detached consumer finish by throwing {@link AgentTerminationException} from
 * {@code doWork} once their last command is done, and the owner waits for the thread with a bound
 * ({@link #join}). A plugin busy in a callback cannot be interrupted, so there is no forced close.
 */
public final class AgentThread implements HostedAgent
{
    private final AgentRunner runner;
    private final Thread thread;
    private final IdleStrategy idleStrategy;

    private AgentThread(final AgentRunner runner, final Thread thread, final IdleStrategy idleStrategy)
    {
        this.runner = runner;
        this.thread = thread;
        this.idleStrategy = idleStrategy;
    }

    /**
     * Start an agent on a new thread named for its role.
     *
     * @param agent         what to run.
     * @param idleStrategy  how to idle when a duty cycle did no work.
     * @param errorHandler  receives what {@code doWork} throws, apart from the agent's own termination.
     * @param threadFactory makes the thread.
     * @return the running agent.
     */
    public static AgentThread start(
        final Agent agent, final IdleStrategy idleStrategy, final ErrorHandler errorHandler,
        final ThreadFactory threadFactory)
    {
        final AgentRunner runner = new AgentRunner(idleStrategy, ignoringTermination(errorHandler), null, agent);
        return new AgentThread(runner, AgentRunner.startOnThread(runner, threadFactory), idleStrategy);
    }

    /**
     * Start an agent that can say whether it has work on a new thread named for its role; a
     * {@link ParkingIdleStrategy} asks it before parking and joins a wake group while the agent runs.
     *
     * @param agent         what to run.
     * @param idleStrategy  how to idle when a duty cycle did no work.
     * @param errorHandler  receives what {@code doWork} throws, apart from the agent's own termination.
     * @param threadFactory makes the thread.
     * @param wakeGroup     woken when the agent's input is published, or null for none.
     * @return the running agent.
     */
    public static AgentThread start(
        final WakeableAgent agent, final IdleStrategy idleStrategy, final ErrorHandler errorHandler,
        final ThreadFactory threadFactory, final WakeGroup wakeGroup)
    {
        if (idleStrategy instanceof ParkingIdleStrategy parking)
        {
            parking.agent(agent);
        }
        if (null == wakeGroup)
        {
            return start(agent, idleStrategy, errorHandler, threadFactory);
        }
        wakeGroup.add(idleStrategy);
        return start(new LeavingAgent(agent, idleStrategy, wakeGroup), idleStrategy, errorHandler, threadFactory);
    }

    /**
     * {@inheritDoc}
     */
    public void wake()
    {
        if (idleStrategy instanceof ParkingIdleStrategy parking)
        {
            parking.wake();
        }
    }

    /**
     * The idle strategy of the thread.
     *
     * @return the strategy.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * An error handler that passes on everything but an agent's own {@link AgentTerminationException}, the
     * way a slot agent ends (for an {@link org.agrona.concurrent.AgentInvoker} too).
     *
     * @param errorHandler where the errors go.
     * @return the filtering handler.
     */
    public static ErrorHandler ignoringTermination(final ErrorHandler errorHandler)
    {
        return (throwable) ->
        {
            if (!(throwable instanceof AgentTerminationException))
            {
                errorHandler.onError(throwable);
            }
        };
    }

    /**
     * Wait, up to a timeout, for the agent to end itself.
     *
     * @param timeoutMs how long to wait.
     * @return true when the thread has ended.
     */
    public boolean join(final long timeoutMs)
    {
        try
        {
            thread.join(Math.max(1, timeoutMs));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /**
     * Whether the thread still runs.
     *
     * @return true while it runs.
     */
    public boolean isAlive()
    {
        return thread.isAlive();
    }

    /**
     * The runner.
     *
     * @return the runner.
     */
    public AgentRunner runner()
    {
        return runner;
    }

    /** Leaves the wake group when the agent ends, so a stage never wakes a finished thread. */
    private static final class LeavingAgent implements Agent
    {
        private final Agent delegate;
        private final IdleStrategy idleStrategy;
        private final WakeGroup wakeGroup;

        LeavingAgent(final Agent delegate, final IdleStrategy idleStrategy, final WakeGroup wakeGroup)
        {
            this.delegate = delegate;
            this.idleStrategy = idleStrategy;
            this.wakeGroup = wakeGroup;
        }

        public void onStart()
        {
            delegate.onStart();
        }

        public int doWork() throws Exception
        {
            return delegate.doWork();
        }

        public void onClose()
        {
            wakeGroup.remove(idleStrategy);
            delegate.onClose();
        }

        public String roleName()
        {
            return delegate.roleName();
        }
    }
}
