package dev.commandcenter.app.automation;

import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.counters.CounterAllocator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An input ring stand-in that keeps a copy of every event published, with its source, and can refuse events; and
 * real Agrona counters to allocate from.
 */
final class RecordingPublisher implements EventPublisher
{
    record Published(int source, UnsafeBuffer buffer)
    {
    }

    final List<Published> events = new CopyOnWriteArrayList<>();
    volatile boolean refusing;
    /** Events accepted before it starts refusing. */
    volatile int refuseAfter = Integer.MAX_VALUE;
    private final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024)));
    final CounterAllocator counters = (type, suffix) -> countersManager.newCounter(type.name() + suffix, type.id());

    long counter(final dev.commandcenter.engine.counters.CounterType type)
    {
        final long[] value = { -1 };
        countersManager.forEach((id, typeId, key, label) ->
        {
            if (typeId == type.id())
            {
                value[0] = countersManager.getCounterValue(id);
            }
        });
        return value[0];
    }

    public long publish(final int source, final DirectBuffer buffer, final int offset, final int length)
    {
        if (refusing || events.size() >= refuseAfter)
        {
            return REJECTED;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        events.add(new Published(source, new UnsafeBuffer(copy)));
        return events.size() - 1;
    }

    public long tryPublish(final int source, final DirectBuffer buffer, final int offset, final int length)
    {
        return publish(source, buffer, offset, length);
    }

    public boolean isJournaled(final long sequence)
    {
        return true;
    }

    public <A> long publish(final int source, final MessageWriter<A> writer, final A arg)
    {
        throw new UnsupportedOperationException("not used by the automation's publishers");
    }
}
