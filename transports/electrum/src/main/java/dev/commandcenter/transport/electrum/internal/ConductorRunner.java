package dev.commandcenter.transport.electrum.internal;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;

/**
 * Runs the wallet conductor: on its own daemon thread, named {@link WalletConductor#AGENT_NAME}, through an
 * {@link AgentRunner} with the configured idle strategy, or on the caller's thread through an
 * {@link AgentInvoker} (tests, and applications composing agents). Closing stops the conductor first, so a
 * request it awaits fails at once, and closes it even when it never started.
 * <p>
 * <b>Note:</b> start and close from one thread.
 */
public final class ConductorRunner implements AutoCloseable
{
    private final WalletConductor conductor;
    private final AgentRunner runner;
    private final AgentInvoker invoker;
    private boolean started;

    /**
     * A runner, not started.
     *
     * @param conductor       the conductor to run.
     * @param errorHandler    receives what the conductor throws.
     * @param idleStrategy    idle strategy of its own thread.
     * @param useAgentInvoker true to run it through an invoker instead of its own thread.
     */
    public ConductorRunner(
        final WalletConductor conductor,
        final ErrorHandler errorHandler,
        final IdleStrategy idleStrategy,
        final boolean useAgentInvoker)
    {
        this.conductor = conductor;
        if (useAgentInvoker)
        {
            this.runner = null;
            this.invoker = new AgentInvoker(errorHandler, null, conductor);
        }
        else
        {
            this.runner = new AgentRunner(idleStrategy, errorHandler, null, conductor);
            this.invoker = null;
        }
    }

    /**
     * Start the conductor's thread, or the invoker.
     */
    public void start()
    {
        started = true;
        if (null != runner)
        {
            AgentRunner.startOnThread(runner, (task) -> Thread.ofPlatform().daemon().name(WalletConductor.AGENT_NAME).unstarted(task));
        }
        else
        {
            invoker.start();
        }
    }

    /**
     * The invoker that runs the conductor's duty cycles on the caller's thread.
     *
     * @return the invoker, or null when the conductor has its own thread.
     */
    public AgentInvoker invoker()
    {
        return invoker;
    }

    /**
     * Stop the conductor and wait (bounded) for its thread to end.
     */
    public void close()
    {
        conductor.close();
        if (null != runner)
        {
            if (started)
            {
                runner.close();
            }
            else
            {
                conductor.onClose();
            }
        }
        else
        {
            invoker.close();
        }
    }
}
