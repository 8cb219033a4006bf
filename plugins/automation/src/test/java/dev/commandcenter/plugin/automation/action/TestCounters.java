package dev.commandcenter.plugin.automation.action;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Counters under test: an Agrona {@link CountersManager} over buffers of its own, labelled as the engine labels them.
 */
final class TestCounters
{
    private static final int MAX_COUNTERS = 32;

    final CountersManager manager = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_COUNTERS * CountersReader.METADATA_LENGTH)),
        new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_COUNTERS * CountersReader.COUNTER_LENGTH)),
        StandardCharsets.US_ASCII);

    CounterAllocator allocator()
    {
        return (type, suffix) ->
        {
            synchronized (manager)
            {
                return manager.newCounter(suffix.isEmpty() ? type.label() : type.label() + ": " + suffix, type.id());
            }
        };
    }

    /**
     * Value of the counter of a type and suffix, or -1 when there is none.
     */
    long value(final CounterType type, final String suffix)
    {
        final String label = suffix.isEmpty() ? type.label() : type.label() + ": " + suffix;
        final long[] value = { -1 };
        manager.forEach((counterId, typeId, keyBuffer, counterLabel) ->
        {
            if (typeId == type.id() && counterLabel.equals(label))
            {
                value[0] = manager.getCounterValue(counterId);
            }
        });
        return value[0];
    }
}
