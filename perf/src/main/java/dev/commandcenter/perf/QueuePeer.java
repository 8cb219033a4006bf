package dev.commandcenter.perf;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The design a user would write without a ring, as a ring peer: consumer threads taking from
 * {@link ArrayBlockingQueue}s of the rings' capacity, and a producer that allocates a new event (an object
 * holding a copy of the message bytes) per publish and puts it into every queue. Either three threads with
 * a queue each (the engine's dedicated mode) or one thread with one queue running the three consumers in
 * order (the shared modes). {@code blocking} uses {@code put}/{@code take}; any other wait strategy uses
 * {@code offer}/{@code poll} with {@link Thread#yield()} when full or empty.
 */
public final class QueuePeer implements RingPeer
{
    private final PeerMessage message = new PeerMessage();
    private final PeerConsumer[] consumers = new PeerConsumer[CONSUMERS];
    private final ArrayBlockingQueue<QueuedEvent>[] queues;
    private final Thread[] threads;
    private final boolean blocking;
    private volatile boolean running = true;

    /** What the naive producer allocates per event: a copy of the bytes. */
    static final class QueuedEvent
    {
        final byte[] bytes;

        QueuedEvent(final byte[] bytes)
        {
            this.bytes = bytes;
        }
    }

    /**
     * Start the consumer threads.
     *
     * @param shared       true for one thread running every consumer, false for a thread (and queue) each.
     * @param waitStrategy {@code blocking} for put/take, anything else for offer/poll with yields.
     */
    @SuppressWarnings("unchecked")
    public QueuePeer(final boolean shared, final String waitStrategy)
    {
        blocking = "blocking".equals(waitStrategy);
        for (int i = 0; i < CONSUMERS; i++)
        {
            consumers[i] = new PeerConsumer();
        }
        final int threadCount = shared ? 1 : CONSUMERS;
        queues = new ArrayBlockingQueue[threadCount];
        threads = new Thread[threadCount];
        for (int i = 0; i < threadCount; i++)
        {
            queues[i] = new ArrayBlockingQueue<>(CAPACITY);
            final PeerConsumer[] mine = shared ? consumers : new PeerConsumer[]{ consumers[i] };
            threads[i] = Thread.ofPlatform().daemon().name("abq-peer-" + i).start(new Worker(queues[i], mine));
        }
    }

    /**
     * {@inheritDoc}
     */
    public void publish()
    {
        final byte[] bytes = new byte[message.length];
        message.buffer.getBytes(0, bytes);
        final QueuedEvent event = new QueuedEvent(bytes);
        try
        {
            for (final ArrayBlockingQueue<QueuedEvent> queue : queues)
            {
                if (blocking)
                {
                    queue.put(event);
                }
                else
                {
                    while (!queue.offer(event))
                    {
                        Thread.yield();
                    }
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void awaitSeen(final long events)
    {
        RingPeer.awaitSeen(consumers, events);
    }

    /**
     * {@inheritDoc}
     */
    public long checksum()
    {
        return RingPeer.checksum(consumers);
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        running = false;
        for (final Thread thread : threads)
        {
            thread.interrupt();
        }
        for (final Thread thread : threads)
        {
            try
            {
                thread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A consumer thread's loop. */
    final class Worker implements Runnable
    {
        private final ArrayBlockingQueue<QueuedEvent> queue;
        private final PeerConsumer[] mine;
        private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);

        Worker(final ArrayBlockingQueue<QueuedEvent> queue, final PeerConsumer[] mine)
        {
            this.queue = queue;
            this.mine = mine;
        }

        public void run()
        {
            try
            {
                while (running)
                {
                    final QueuedEvent event = blocking ? queue.take() : queue.poll();
                    if (null == event)
                    {
                        Thread.yield();
                        continue;
                    }
                    view.wrap(event.bytes);
                    for (final PeerConsumer consumer : mine)
                    {
                        consumer.onMessage(view, 0);
                    }
                }
            }
            catch (final InterruptedException ignore)
            {
                // close() stops a thread blocked in take().
            }
        }
    }
}
