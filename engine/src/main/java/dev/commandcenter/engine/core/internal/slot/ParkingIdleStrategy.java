package dev.commandcenter.engine.core.internal.slot;

import org.agrona.concurrent.IdleStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * An idle strategy that parks an idle agent until a waker unparks it, so an idle engine uses no CPU and a
 * sparse event is taken at once rather than after a timed park. After work it spins and yields a few times
 * (back-to-back events cost no park), then announces that it parks, re-checks its agent for work
 * ({@link WakeableAgent#hasWork()}) and parks for at most the max park, a safety net for wake-ups nobody
 * sends (a command's deadline, the stall detector). A waker publishes its work with a release store, then
 * calls {@link #wake()} (or {@link WakeGroup#wakeAll()}), which unparks only when the parked flag is set.
 * <pre>
 *   agent thread                          waker
 *   parked = true (volatile)              publish (release store)
 *   full fence                            full fence
 *   if (!agent.hasWork()) park            if (parked) unpark(thread)
 *   parked = false
 * </pre>
 * With a fence on each side one of the two must see the other's store: either the agent sees the work and does
 * not park, or the waker sees the flag and unparks (an unpark before the park makes the park return at once).
 * <p>
 * <b>Note:</b> {@link #idle} runs on the agent's thread only; {@link #wake()} may be called by any thread and
 * allocates nothing.
 */
public final class ParkingIdleStrategy implements IdleStrategy, Waker
{
    private static final VarHandle PARKED;

    static
    {
        try
        {
            PARKED = MethodHandles.lookup().findVarHandle(ParkingIdleStrategy.class, "parked", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final long maxSpins;
    private final long maxYields;
    private final long maxParkNs;
    private volatile Thread thread;
    private volatile WakeableAgent agent;
    private volatile long parks;
    @SuppressWarnings("unused") // accessed through PARKED
    private volatile boolean parked;
    private long spins;
    private long yields;

    /**
     * A parking idle strategy.
     *
     * @param maxSpins  spins after the last work before yielding.
     * @param maxYields yields after the spins before parking.
     * @param maxParkNs longest park without a wake-up, ns.
     */
    public ParkingIdleStrategy(final long maxSpins, final long maxYields, final long maxParkNs)
    {
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.maxParkNs = maxParkNs;
    }

    /**
     * Set the agent asked for work before each park; without one the strategy parks for the max park.
     *
     * @param agent the agent this strategy idles.
     * @return this.
     */
    public ParkingIdleStrategy agent(final WakeableAgent agent)
    {
        this.agent = agent;
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            reset();
        }
        else
        {
            idle();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void idle()
    {
        if (spins < maxSpins)
        {
            spins++;
            Thread.onSpinWait();
        }
        else if (yields < maxYields)
        {
            yields++;
            Thread.yield();
        }
        else
        {
            park();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void reset()
    {
        spins = 0;
        yields = 0;
    }

    /**
     * {@inheritDoc}
     */
    public String alias()
    {
        return "parking";
    }

    /**
     * Unpark the agent's thread if it is parked or about to park (any thread). Call after publishing the work
     * with a release store; this method supplies the fence.
     */
    public void wake()
    {
        VarHandle.fullFence();
        wakeIfParked();
    }

    /**
     * Unpark the agent's thread if it is parked, without a fence of its own: for a {@link WakeGroup} that
     * fences once for all its members.
     */
    public void wakeIfParked()
    {
        // Only the waker that clears the flag unparks: until the woken thread runs again, every later publish
        // would otherwise pay an unpark (a lock and a signal in the JVM) for the same wake-up.
        if ((boolean)PARKED.getVolatile(this) && PARKED.compareAndSet(this, true, false))
        {
            final Thread parkedThread = thread;
            if (null != parkedThread)
            {
                LockSupport.unpark(parkedThread);
            }
        }
    }

    /**
     * Whether the agent's thread is parked (or about to park) waiting for a wake-up; for tests and gauges.
     *
     * @return true while parked.
     */
    public boolean isParked()
    {
        return (boolean)PARKED.getVolatile(this);
    }

    /**
     * Parks so far, for tests and gauges.
     *
     * @return how many times the thread parked.
     */
    public long parks()
    {
        return parks;
    }

    /**
     * The longest park without a wake-up.
     *
     * @return ns.
     */
    public long maxParkNs()
    {
        return maxParkNs;
    }

    private void park()
    {
        if (null == thread)
        {
            thread = Thread.currentThread();
        }
        PARKED.setVolatile(this, true);
        VarHandle.fullFence();
        final WakeableAgent current = agent;
        if (null == current || !current.hasWork())
        {
            parks++;
            LockSupport.parkNanos(this, maxParkNs);
        }
        PARKED.setRelease(this, false);
    }
}
