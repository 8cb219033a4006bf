package dev.commandcenter.engine.core.internal.slot;

import org.agrona.concurrent.IdleStrategy;

import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The agents a stage feeds: after publishing a batch the stage wakes every member that parked waiting for it
 * (one fence, then a volatile read per member; an unpark only for a parked one). Members join and leave as
 * plugin slots start and end.
 * <p>
 * <b>Note:</b> {@link #wakeAll()} is called by any thread and allocates nothing; {@link #add} and
 * {@link #remove} copy the member array under a lock (control paths only).
 */
public final class WakeGroup
{
    private static final Waker[] EMPTY = new Waker[0];

    private volatile Waker[] members = EMPTY;

    /**
     * Add a member; a strategy that does not park needs no wake-up and is ignored.
     *
     * @param idleStrategy the member's idle strategy.
     */
    public synchronized void add(final IdleStrategy idleStrategy)
    {
        if (idleStrategy instanceof ParkingIdleStrategy parking)
        {
            addWaker(parking);
        }
    }

    /**
     * Add a member woken some other way than by unparking a thread: a host's event loop.
     *
     * @param waker the member.
     */
    public synchronized void addWaker(final Waker waker)
    {
        final Waker[] current = members;
        final Waker[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = waker;
        members = grown;
    }

    /**
     * Remove a member; one that is not in the group is ignored.
     *
     * @param member the member's idle strategy or waker.
     */
    public synchronized void remove(final Object member)
    {
        final Waker[] current = members;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == member)
            {
                final Waker[] shrunk = new Waker[current.length - 1];
                System.arraycopy(current, 0, shrunk, 0, i);
                System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                members = shrunk;
                return;
            }
        }
    }

    /**
     * Wake every parked member; call after publishing with a release store.
     */
    public void wakeAll()
    {
        final Waker[] current = members;
        if (current.length > 0)
        {
            VarHandle.fullFence();
            for (final Waker member : current)
            {
                member.wakeIfParked();
            }
        }
    }

    /**
     * Members that can be woken.
     *
     * @return the count.
     */
    public int size()
    {
        return members.length;
    }
}
