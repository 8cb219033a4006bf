package dev.commandcenter.perf;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.WaitStrategies;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A bare Disruptor of the engine's topology as a ring peer: a multi-producer ring of 4 KiB slots (the
 * engine's slot size) with the same wait strategy, and either three parallel {@code BatchEventProcessor}s,
 * one per consumer (the engine's dedicated mode), or one processor running the three consumers in order
 * on each event (the thread topology of the engine's shared modes). The producer claims with
 * {@code next()}, copies the message into the slot and publishes.
 */
public final class BareDisruptorPeer implements RingPeer
{
    private final PeerMessage message = new PeerMessage();
    private final PeerConsumer[] consumers = new PeerConsumer[CONSUMERS];
    private final Disruptor<Slot> disruptor;
    private final RingBuffer<Slot> ring;

    /** A ring slot: the engine's slot size. */
    static final class Slot
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
        int length;
    }

    /**
     * Start the ring.
     *
     * @param shared       true for one processor running every consumer, false for one processor each.
     * @param waitStrategy wait strategy name.
     */
    public BareDisruptorPeer(final boolean shared, final String waitStrategy)
    {
        disruptor = new Disruptor<>(Slot::new, CAPACITY, Thread.ofPlatform().daemon().name("bare-peer-", 0).factory(),
            ProducerType.MULTI, WaitStrategies.of(waitStrategy));
        for (int i = 0; i < CONSUMERS; i++)
        {
            consumers[i] = new PeerConsumer();
        }
        if (shared)
        {
            disruptor.handleEventsWith(new SharedHandler(consumers));
        }
        else
        {
            @SuppressWarnings("unchecked")
            final EventHandler<Slot>[] handlers = new EventHandler[CONSUMERS];
            for (int i = 0; i < CONSUMERS; i++)
            {
                handlers[i] = new Handler(consumers[i]);
            }
            disruptor.handleEventsWith(handlers);
        }
        ring = disruptor.start();
    }

    /**
     * {@inheritDoc}
     */
    public void publish()
    {
        final long sequence = ring.next();
        final Slot slot = ring.get(sequence);
        slot.buffer.putBytes(0, message.buffer, 0, message.length);
        slot.length = message.length;
        ring.publish(sequence);
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
        disruptor.halt();
    }

    /** One consumer on its own processor. */
    static final class Handler implements EventHandler<Slot>
    {
        private final PeerConsumer consumer;

        Handler(final PeerConsumer consumer)
        {
            this.consumer = consumer;
        }

        public void onEvent(final Slot slot, final long sequence, final boolean endOfBatch)
        {
            consumer.onMessage(slot.buffer, 0);
        }
    }

    /** Every consumer in order on one processor. */
    static final class SharedHandler implements EventHandler<Slot>
    {
        private final PeerConsumer[] consumers;

        SharedHandler(final PeerConsumer[] consumers)
        {
            this.consumers = consumers;
        }

        public void onEvent(final Slot slot, final long sequence, final boolean endOfBatch)
        {
            for (final PeerConsumer consumer : consumers)
            {
                consumer.onMessage(slot.buffer, 0);
            }
        }
    }
}
