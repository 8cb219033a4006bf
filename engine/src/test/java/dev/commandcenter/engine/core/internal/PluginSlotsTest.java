package dev.commandcenter.engine.core.internal;

import dev.commandcenter.engine.core.internal.slot.AgentHost;
import dev.commandcenter.engine.core.internal.slot.IdleStrategies;
import dev.commandcenter.engine.core.internal.slot.OutputPort;
import dev.commandcenter.engine.core.internal.slot.SlotRecovery;
import org.agrona.concurrent.SystemEpochNanoClock;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.core.internal.EventSlot;
import dev.commandcenter.engine.core.internal.OutputSlot;
import dev.commandcenter.engine.core.internal.PluginHandler;
import dev.commandcenter.engine.plugin.Plugin;
import org.agrona.BufferUtil;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class PluginSlotsTest
{
    private static final long FREED = -7;
    private static final int MAX_COUNTERS = 64;

    private final RingBuffer<EventSlot> input = RingBuffer.createMultiProducer(EventSlot::new, 16, new BlockingWaitStrategy());
    private final RingBuffer<OutputSlot> output =
        RingBuffer.createMultiProducer(OutputSlot::new, 16, new BlockingWaitStrategy());
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<Long> lagValuesAfterFree = new CopyOnWriteArrayList<>();
    private PluginSlots slots;

    /** Runs a sample at the moment a plugin's lag counter is freed, then reads what the freed slot holds. */
    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_COUNTERS * CountersReader.METADATA_LENGTH, 64)),
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(MAX_COUNTERS * CountersReader.COUNTER_LENGTH, 64)),
        StandardCharsets.US_ASCII)
    {
        public void free(final int counterId)
        {
            final boolean lag = getCounterLabel(counterId).startsWith(CounterType.PLUGIN_LAG.label());
            super.free(counterId);
            if (lag)
            {
                setCounterValue(counterId, FREED);
                slots.sample(SystemEpochClock.INSTANCE.time(), input.getCursor(), input.getCursor());
                lagValuesAfterFree.add(getCounterValue(counterId));
            }
        }
    };

    private final CounterAllocator allocator = (type, suffix) ->
        counters.newCounter(EngineCounters.label(type, suffix), type.id());

    private final ThreadFactory daemons = (runnable) ->
    {
        final Thread thread = new Thread(runnable);
        thread.setDaemon(true);
        return thread;
    };

    @Test
    void shouldNotSampleAPluginWhoseCountersAreBeingFreed()
    {
        slots = new PluginSlots(this::newSlot, 5_000, errors::add);
        slots.startAll(List.of(PluginSpec.of(new Idle("gone"), null), PluginSpec.of(new Idle("kept"), null)));

        assertThat(slots.remove("gone")).isTrue();

        assertThat(lagValuesAfterFree).as("a sample taken while counters are freed writes none of them")
            .containsExactly(FREED);
        assertThat(slots.get("gone")).isNull();
        assertThat(slots.health(input.getCursor())).extracting((health) -> health.id()).containsExactly("kept");
        assertThat(errors).isEmpty();
        slots.shutdownAll(input.getCursor(), 5_000);
    }

    private PluginHandler newSlot(final PluginSpec spec)
    {
        final OutputPort port = new OutputPort(output, null, null);
        return new PluginHandler(spec, input, input.newBarrier(), port, port, SystemEpochClock.INSTANCE,
            new SystemEpochNanoClock(), SystemNanoClock.INSTANCE, errors::add, daemons, IdleStrategies.of("blocking"),
            AgentHost.dedicated(daemons, IdleStrategies.of("blocking"), errors::add, null), 5, 5_000, allocator,
            SlotRecovery.NONE);
    }

    private record Idle(String id) implements Plugin
    {
        public void onEvent(final Event event)
        {
        }
    }
}
