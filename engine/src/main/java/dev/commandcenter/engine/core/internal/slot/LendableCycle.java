package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.EngineCycle;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentTerminationException;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link AgentGroup} run by the engine's thread until it is lent to a host ({@link EngineCycle}). While lent the
 * thread idles: it leaves the wake groups and the host's waker joins them in its place, so a publish wakes the host
 * alone; the thread parks until the host gives the cycle back or the group ends on the host.
 * <pre>
 *   THREAD --lend--> RESERVED --waker set--> LENDING --thread, between two duty cycles--> LENT --giveBack--> THREAD
 *                                                                                   LENT --closed on the host--> CLOSED
 * </pre>
 * RESERVED keeps a second lend from replacing the first host's waker while the first is being set; the thread runs
 * the group in it as in THREAD.
 * <p>
 * <b>Note:</b> the {@link WakeableAgent} side runs on the engine's thread; see {@link EngineCycle} for the rest.
 */
public final class LendableCycle implements EngineCycle
{
    private static final int THREAD = 0;
    private static final int LENDING = 1;
    private static final int LENT = 2;
    private static final int CLOSED = 3;
    private static final int RESERVED = 4;

    private final AgentGroup group;
    private final ErrorHandler errorHandler;
    private final WakeGroup[] wakeGroups;
    private final AtomicInteger state = new AtomicInteger(THREAD);
    private final HostWaker hostWaker = new HostWaker();
    private final ThreadSide threadSide = new ThreadSide();
    private volatile ParkingIdleStrategy threadIdle;

    /**
     * @param group        the agents of the cycle.
     * @param errorHandler receives what the group's close throws on the host.
     * @param wakeGroups   the groups that wake the cycle when they publish.
     */
    LendableCycle(final AgentGroup group, final ErrorHandler errorHandler, final WakeGroup... wakeGroups)
    {
        this.group = group;
        this.errorHandler = errorHandler;
        this.wakeGroups = wakeGroups;
    }

    /**
     * The engine's thread's idle strategy, woken when the cycle comes back or ends on the host.
     *
     * @param idle the thread's strategy.
     */
    void threadIdle(final ParkingIdleStrategy idle)
    {
        this.threadIdle = idle;
    }

    /**
     * What the engine's thread runs: the group's duty cycle, or the hand-over, or nothing while lent.
     *
     * @return the agent.
     */
    WakeableAgent threadAgent()
    {
        return threadSide;
    }

    /**
     * {@inheritDoc}
     */
    public boolean lend(final Runnable waker)
    {
        Objects.requireNonNull(waker, "waker");
        if (!state.compareAndSet(THREAD, RESERVED))
        {
            return false;
        }
        // Set before the thread can see LENDING: the hand-over wakes the host through it.
        hostWaker.target = waker;
        state.set(LENDING);
        wakeThread();
        return true;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        if (LENT != state.get())
        {
            return 0;
        }
        try
        {
            return group.doWork();
        }
        catch (final AgentTerminationException ex)
        {
            closeOnHost();
            return 1;
        }
    }

    /**
     * {@inheritDoc}
     */
    public boolean hasWork()
    {
        return LENT == state.get() && group.hasWork();
    }

    /**
     * {@inheritDoc}
     */
    public void giveBack()
    {
        if (state.compareAndSet(LENT, THREAD))
        {
            group.lentTo(null);
            rejoin();
            wakeThread();
        }
        else
        {
            // Not handed over yet: the thread keeps it.
            state.compareAndSet(LENDING, THREAD);
        }
    }

    /**
     * {@inheritDoc}
     */
    public boolean isLent()
    {
        return LENT == state.get();
    }

    private int handOver()
    {
        // Between two duty cycles of this thread: from here on only the host runs the group. The host's waker joins
        // the wake groups before the thread leaves them, so a publish racing with the hand-over wakes one of the two.
        final ParkingIdleStrategy idle = threadIdle;
        for (final WakeGroup wakeGroup : wakeGroups)
        {
            wakeGroup.addWaker(hostWaker);
            wakeGroup.remove(idle);
        }
        group.lentTo(hostWaker);
        if (state.compareAndSet(LENDING, LENT))
        {
            hostWaker.wakeIfParked();
        }
        else
        {
            // Given back before it was taken.
            group.lentTo(null);
            rejoin();
        }
        return 1;
    }

    private void rejoin()
    {
        final ParkingIdleStrategy idle = threadIdle;
        for (final WakeGroup wakeGroup : wakeGroups)
        {
            if (null != idle)
            {
                wakeGroup.addWaker(idle);
            }
            wakeGroup.remove(hostWaker);
        }
    }

    private void closeOnHost()
    {
        try
        {
            group.onClose();
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }
        finally
        {
            group.lentTo(null);
            for (final WakeGroup wakeGroup : wakeGroups)
            {
                wakeGroup.remove(hostWaker);
            }
            state.set(CLOSED);
            wakeThread();
        }
    }

    private void wakeThread()
    {
        final ParkingIdleStrategy idle = threadIdle;
        if (null != idle)
        {
            idle.wake();
        }
    }

    /** The engine's thread's side of the cycle. */
    private final class ThreadSide implements WakeableAgent
    {
        public void onStart()
        {
            group.onStart();
        }

        public int doWork()
        {
            return switch (state.get())
            {
                case THREAD, RESERVED -> group.doWork();
                case LENDING -> handOver();
                case LENT -> 0;
                default -> throw new AgentTerminationException(group.roleName() + " closed on its host");
            };
        }

        public boolean hasWork()
        {
            final int current = state.get();
            return THREAD == current || RESERVED == current ? group.hasWork() : LENT != current;
        }

        public void onClose()
        {
            // The group ends where it runs: here, unless it was lent and ended on its host.
            final int current = state.get();
            if (THREAD == current || RESERVED == current || LENDING == current)
            {
                group.onClose();
            }
        }

        public String roleName()
        {
            return group.roleName();
        }
    }

    /** The host's waker as a wake group member. */
    private static final class HostWaker implements Waker
    {
        volatile Runnable target;

        public void wakeIfParked()
        {
            final Runnable waker = target;
            if (null != waker)
            {
                waker.run();
            }
        }
    }
}
