package dev.commandcenter.engine.core.internal.slot;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.core.internal.EventSlot;
import dev.commandcenter.engine.core.internal.OutputSlot;
import dev.commandcenter.engine.plugin.Messages;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The parts a slot runs against, without an engine: an input ring whose journaller is a sequence the test
 * moves, an output ring, counters in memory, an error list.
 */
final class SlotFixture
{
    static final int RING_SIZE = 64;

    final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(new byte[64 * CountersManager.METADATA_LENGTH]),
        new UnsafeBuffer(new byte[64 * CountersManager.COUNTER_LENGTH]), StandardCharsets.US_ASCII);
    final RingBuffer<EventSlot> input = RingBuffer.createMultiProducer(EventSlot::new, RING_SIZE,
        new BlockingWaitStrategy());
    final RingBuffer<OutputSlot> output = RingBuffer.createMultiProducer(OutputSlot::new, RING_SIZE,
        new BlockingWaitStrategy());
    final OutputPort port = new OutputPort(output, null, null);
    final Sequence journalled = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
    final SequenceBarrier barrier = input.newBarrier(journalled);
    final Sequence sequence = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
    final SlotMailbox mailbox = new SlotMailbox();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final CachedNanoClock nanoClock = new CachedNanoClock();
    final SlotCounters counters;
    final SlotHealth health;
    final SlotResources res;

    SlotFixture(final String id, final int quarantineAfter)
    {
        counters = new SlotCounters((type, suffix) -> countersManager.newCounter(type.label() + ": " + suffix,
            type.id()), id);
        health = new SlotHealth(id, "1.0", counters.state, counters.status);
        res = new SlotResources(id, port, port, new CachedEpochClock(), new SystemEpochNanoClock(), nanoClock, errors::add,
            Thread.ofPlatform().daemon().factory(), YieldingIdleStrategy::new, quarantineAfter, 5_000, counters, health,
            new SingleWriterRecorder(1, 60_000_000_000L, 2), SlotRecovery.NONE);
        input.addGatingSequences(sequence);
        output.addGatingSequences(new Sequence(Long.MAX_VALUE));
    }

    /**
     * A slot agent over this fixture.
     */
    PluginSlot slot(final PluginSpec spec)
    {
        return new PluginSlot(res, input, barrier, sequence, mailbox, spec, spec.enabled());
    }

    /**
     * Publish chat messages with the given ids, their ring positions as engine sequences; the journaller
     * does not pass them until {@link #journal}.
     */
    void publish(final long... ids)
    {
        for (final long id : ids)
        {
            final long position = input.next();
            final EventSlot slot = input.get(position);
            slot.sequence = position;
            slot.timestampNs = 1_000 * position;
            slot.source = 1;
            slot.length = Messages.chat(slot.buffer, 0, id);
            input.publish(position);
        }
    }

    /**
     * Let the journaller pass everything published.
     */
    void journal()
    {
        journalled.set(input.getCursor());
    }

    static AtomicCounter counter()
    {
        return new AtomicCounter(new UnsafeBuffer(new byte[CountersManager.COUNTER_LENGTH]), 0);
    }
}
