package dev.commandcenter.engine;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A Disruptor wait strategy that uses no CPU while idle, like {@code BlockingWaitStrategy}, without its lock
 * and {@code notifyAll} on every publish: a waiting consumer spins and yields a few times, then registers its
 * thread, re-checks the cursor and parks (at most the max park, a safety net); a publisher fences and reads a
 * count of parked consumers, unparking them only when there are some. A publish into a ring whose consumers are
 * busy therefore costs a fence and a volatile read.
 * <pre>
 *   consumer                               publisher
 *   register thread, waiting++ (atomic)    publish (release store)
 *   if (cursor &lt; sequence) park           full fence
 *   waiting--, deregister                  if (waiting &gt; 0) unpark every registered thread
 * </pre>
 * <b>Note:</b> thread safe; allocates nothing; holds up to {@value #MAX_WAITERS} parked consumers, more
 * wait with timed parks of {@value #OVERFLOW_PARK_NS} ns.
 */
public final class ParkingWaitStrategy implements WaitStrategy
{
    /** Consumers that can park waiting for a wake-up at once. */
    public static final int MAX_WAITERS = 64;
    /** Park of a consumer that found no free waiter slot, ns. */
    public static final long OVERFLOW_PARK_NS = 50_000;

    private final AtomicReferenceArray<Thread> waiters = new AtomicReferenceArray<>(MAX_WAITERS);
    private final AtomicInteger waiting = new AtomicInteger();
    private final int spins;
    private final int yields;
    private final long maxParkNs;

    /**
     * A parking wait strategy.
     *
     * @param spins     spins before yielding.
     * @param yields    yields before parking.
     * @param maxParkNs longest park without a wake-up, ns.
     */
    public ParkingWaitStrategy(final int spins, final int yields, final long maxParkNs)
    {
        this.spins = spins;
        this.yields = yields;
        this.maxParkNs = maxParkNs;
    }

    /**
     * {@inheritDoc}
     */
    public long waitFor(
        final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException
    {
        long available;
        int counter = 0;
        while ((available = dependentSequence.get()) < sequence)
        {
            barrier.checkAlert();
            if (counter < spins)
            {
                counter++;
                Thread.onSpinWait();
            }
            else if (counter < spins + yields)
            {
                counter++;
                Thread.yield();
            }
            else
            {
                park(sequence, dependentSequence, barrier);
            }
        }
        return available;
    }

    /**
     * {@inheritDoc}
     */
    public void signalAllWhenBlocking()
    {
        VarHandle.fullFence();
        if (waiting.get() > 0)
        {
            for (int i = 0; i < MAX_WAITERS; i++)
            {
                final Thread waiter = waiters.get(i);
                if (null != waiter)
                {
                    LockSupport.unpark(waiter);
                }
            }
        }
    }

    private void park(final long sequence, final Sequence dependentSequence, final SequenceBarrier barrier)
    {
        final Thread self = Thread.currentThread();
        int index = -1;
        for (int i = 0; i < MAX_WAITERS; i++)
        {
            if (null == waiters.getPlain(i) && waiters.compareAndSet(i, null, self))
            {
                index = i;
                break;
            }
        }
        if (index < 0)
        {
            LockSupport.parkNanos(this, OVERFLOW_PARK_NS);
            return;
        }
        waiting.incrementAndGet();
        try
        {
            if (dependentSequence.get() < sequence && !barrier.isAlerted())
            {
                LockSupport.parkNanos(this, maxParkNs);
            }
        }
        finally
        {
            waiting.decrementAndGet();
            waiters.set(index, null);
        }
    }
}
