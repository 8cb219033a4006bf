package dev.commandcenter.engine.core.internal.slot;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import dev.commandcenter.engine.core.internal.OutputSlot;

import java.util.concurrent.locks.LockSupport;

/**
 * Where a plugin's emits enter the output ring from one kind of thread: it claims a slot, and after the publish
 * wakes the egress agents' host if it parked ({@link WakeGroup}). When the ring is full the claim waits for the
 * egress to take outputs, as {@code RingBuffer.next()} does; a port used on the thread that also runs the
 * egress agents ({@code shared} mode) has no one to wait for, so it runs the egress itself ({@code relief})
 * and needs no wake-up either.
 * <p>
 * <b>Note:</b> any number of threads may claim and publish through one port (the ring is multi-producer);
 * a port with a relief only on the thread that runs the egress agents. Allocates nothing.
 */
public final class OutputPort
{
    private final RingBuffer<OutputSlot> ring;
    private final WakeGroup egressWakers;
    private final Runnable relief;

    /**
     * A port on the output ring.
     *
     * @param ring         the output ring.
     * @param egressWakers the egress agents' host, woken after each publish; null when the publishing thread
     *                     runs them itself.
     * @param relief       runs the egress agents on this thread when the ring is full; null to wait for them.
     */
    public OutputPort(final RingBuffer<OutputSlot> ring, final WakeGroup egressWakers, final Runnable relief)
    {
        this.ring = ring;
        this.egressWakers = egressWakers;
        this.relief = relief;
    }

    /**
     * Claim the next slot, waiting (or, with a relief, draining the egress) while the ring is full.
     *
     * @return the ring position claimed; publish it with {@link #publish(long)}.
     */
    public long claim()
    {
        while (true)
        {
            try
            {
                return ring.tryNext();
            }
            catch (final InsufficientCapacityException ex)
            {
                if (null != relief)
                {
                    relief.run();
                }
                else if (null != egressWakers)
                {
                    egressWakers.wakeAll();
                }
                LockSupport.parkNanos(1L);
            }
        }
    }

    /**
     * The slot at a claimed position.
     *
     * @param position from {@link #claim()}.
     * @return the slot to fill.
     */
    public OutputSlot get(final long position)
    {
        return ring.get(position);
    }

    /**
     * Publish a claimed slot and wake the egress if it parked.
     *
     * @param position from {@link #claim()}.
     */
    public void publish(final long position)
    {
        ring.publish(position);
        if (null != egressWakers)
        {
            egressWakers.wakeAll();
        }
    }
}
