package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counters of a web server under test: an Agrona {@link CountersManager} over buffers of its own,
 * labelled as the engine labels them, and the errors reported to the error path.
 */
final class TestCounters
{
    static final int MAX_COUNTERS = 64;

    final CountersManager manager = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_COUNTERS * CountersReader.METADATA_LENGTH)),
        new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_COUNTERS * CountersReader.COUNTER_LENGTH)),
        StandardCharsets.US_ASCII);
    final List<Throwable> errors = new CopyOnWriteArrayList<>();

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
     * Configure a server context with these counters and error path.
     */
    WebServer.Context apply(final WebServer.Context ctx)
    {
        return ctx.counters(allocator()).countersReader(manager).errorHandler(errors::add);
    }

    /**
     * Value of the counter of a type and suffix, or -1 when there is none.
     */
    long value(final CounterType type, final String suffix)
    {
        return value(manager, type, suffix);
    }

    /**
     * Value of the counter of a type and suffix in any counters file, or -1 when there is none.
     */
    static long value(final CountersReader reader, final CounterType type, final String suffix)
    {
        final String label = suffix.isEmpty() ? type.label() : type.label() + ": " + suffix;
        final long[] value = { -1 };
        reader.forEach((counterId, typeId, keyBuffer, counterLabel) ->
        {
            if (typeId == type.id() && counterLabel.equals(label))
            {
                value[0] = reader.getCounterValue(counterId);
            }
        });
        return value[0];
    }

    /**
     * How many counters of a type are allocated.
     */
    int count(final CounterType type)
    {
        final int[] count = { 0 };
        manager.forEach((counterId, typeId, keyBuffer, counterLabel) ->
        {
            if (typeId == type.id())
            {
                count[0]++;
            }
        });
        return count[0];
    }
}
