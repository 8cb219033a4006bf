package dev.commandcenter.transport.websocket;

import dev.commandcenter.transport.websocket.wire.WireEvents;
import dev.commandcenter.transport.websocket.wire.WireListener;
import dev.commandcenter.transport.websocket.wire.WireRequest;
import org.agrona.DirectBuffer;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Events kept in a queue by a transport's threads and told by the thread that polls, which waits on a condition an
 * event and {@link #wake()} signal, as a transport's events given to the server are ({@link WireEvents}). It records
 * what tests look at: the threads that told events, the waits and the timeouts asked for.
 */
final class QueuedWireEvents implements WireEvents
{
    /** Names of the threads that told the listener of an event. */
    final Set<String> pollThreads = ConcurrentHashMap.newKeySet();
    /** Calls to {@link #await}. */
    final AtomicInteger awaits = new AtomicInteger();
    /** Waits that blocked (nothing waiting, and the caller idle). */
    final AtomicInteger blocked = new AtomicInteger();
    /** Whether the transport runs: {@link #poll()} answers -1 when not. */
    volatile boolean running;
    volatile long lastTimeoutNs;
    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean recorded;
    private boolean woken;

    /**
     * A listener that queues what it is told for {@link #poll()} to tell the given one; the transport runs from now.
     */
    WireListener queueing(final WireListener listener)
    {
        running = true;
        return new WireListener()
        {
            public void onRequest(final long connection, final WireRequest request)
            {
                add(() -> listener.onRequest(connection, request));
            }

            public void onOpen(final long connection, final WireRequest request, final String subprotocol)
            {
                add(() -> listener.onOpen(connection, request, subprotocol));
            }

            public void onMessage(
                final long connection, final boolean binary, final DirectBuffer buffer, final int offset, final int length)
            {
                add(() -> listener.onMessage(connection, binary, buffer, offset, length));
            }

            public void onPong(final long connection)
            {
                add(() -> listener.onPong(connection));
            }

            public void onWritabilityChanged(final long connection, final boolean writable)
            {
                add(() -> listener.onWritabilityChanged(connection, writable));
            }

            public void onClosed(final long connection, final int code, final String reason)
            {
                add(() -> listener.onClosed(connection, code, reason));
            }
        };
    }

    /**
     * Queue events that do nothing when told.
     */
    void arrive(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            add(() -> {});
        }
    }

    private void add(final Runnable event)
    {
        lock.lock();
        try
        {
            events.add(event);
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    public int poll()
    {
        if (!running)
        {
            return -1;
        }
        int read = 0;
        Runnable event;
        while (read < 64 && null != (event = events.poll()))
        {
            pollThreads.add(Thread.currentThread().getName());
            event.run();
            read++;
        }
        return read;
    }

    public void await(final long timeoutNs, final BooleanSupplier idle)
    {
        awaits.incrementAndGet();
        lastTimeoutNs = timeoutNs;
        lock.lock();
        try
        {
            recorded = true;
            woken = false;
            if (!running || !events.isEmpty() || !idle.getAsBoolean())
            {
                return;
            }
            blocked.incrementAndGet();
            long left = timeoutNs;
            while (!woken && events.isEmpty() && left > 0)
            {
                left = changed.awaitNanos(left);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            recorded = false;
            lock.unlock();
        }
    }

    public void wake()
    {
        lock.lock();
        try
        {
            woken = true;
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Whether a thread is in {@link #await} now.
     */
    boolean isWaiting()
    {
        lock.lock();
        try
        {
            return recorded;
        }
        finally
        {
            lock.unlock();
        }
    }
}
