package dev.commandcenter.engine.core.internal;

import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.ProducerType;
import dev.commandcenter.engine.WaitStrategies;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.core.internal.EgressAdapter;
import dev.commandcenter.engine.core.internal.EventSlot;
import dev.commandcenter.engine.core.internal.InputPublisher;
import dev.commandcenter.engine.core.internal.JournalHalt;
import dev.commandcenter.engine.core.internal.JournalHandler;
import dev.commandcenter.engine.core.internal.OutputSlot;
import dev.commandcenter.engine.core.internal.PluginHandler;
import dev.commandcenter.engine.core.internal.slot.IdleStrategies;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;

/**
 * The two rings and what runs on them: the input ring (multi-producer) with the journaller as its first
 * consumer and the plugin slots behind it, and the output ring drained by the egress handlers. Built in
 * three steps: construct (rings, journaller, publisher), {@link #attachEgress} and {@link #start()}; plugin
 * slots are made by {@link #newSlot(PluginSpec)} and join the input ring on their own.
 * <p>
 * <b>Note:</b> assemble, start and drain from one control thread; the query methods are thread safe.
 */
public final class RingPipeline
{
    private final Engine.Context ctx;
    private final EngineCounters counters;
    private final EngineThreads threads;
    private final Disruptor<EventSlot> input;
    private final Disruptor<OutputSlot> output;
    private final JournalHalt halt = new JournalHalt();
    private final JournalHandler journaller;
    private final EventHandlerGroup<EventSlot> journalGroup;
    private final InputPublisher publisher;
    private final List<EgressAdapter> egresses = new ArrayList<>();

    /**
     * Build the rings, the journaller and the publisher; nothing runs until {@link #start()}.
     *
     * @param ctx      concluded engine configuration.
     * @param counters allocates the ring and journal counters; its error handler takes ring failures.
     * @param threads  makes the ring threads.
     */
    public RingPipeline(final Engine.Context ctx, final EngineCounters counters, final EngineThreads threads)
    {
        this.ctx = ctx;
        this.counters = counters;
        this.threads = threads;
        output = new Disruptor<>(OutputSlot::new, ctx.outputRingSize(), threads.factory("cc-egress"),
            ProducerType.MULTI, WaitStrategies.of(ctx.waitStrategy()));
        input = new Disruptor<>(EventSlot::new, ctx.inputRingSize(), threads.factory("cc-input"),
            ProducerType.MULTI, WaitStrategies.of(ctx.waitStrategy()));
        final LoggingExceptionHandler exceptionHandler = new LoggingExceptionHandler(counters.errorHandler());
        input.setDefaultExceptionHandler(exceptionHandler);
        output.setDefaultExceptionHandler(exceptionHandler);

        publisher = new InputPublisher(input.getRingBuffer(), ctx.backPressure(), ctx.epochNanoClock(), halt,
            counters, counters.errorHandler());
        journaller = new JournalHandler(ctx.journal(), halt, ctx.nanoClock(), counters);
        journalGroup = input.handleEventsWith(journaller);
        publisher.journalSequence(new JournalSequenceView(input, journaller));
    }

    /**
     * Put the egress handlers on the output ring (a discarding one when there are none), each passed only
     * the outputs of plugins whose permissions name it.
     *
     * @param handlers    egress handlers by name.
     * @param permissions whether a plugin (first argument) may send to an egress (second argument).
     */
    public void attachEgress(final Map<String, EgressHandler> handlers, final BiPredicate<String, String> permissions)
    {
        final ErrorHandler errorHandler = counters.errorHandler();
        for (final Map.Entry<String, EgressHandler> entry : handlers.entrySet())
        {
            egresses.add(new EgressAdapter(entry.getKey(),
                new PermittedOutputs(entry.getKey(), entry.getValue(), permissions), errorHandler));
        }
        if (egresses.isEmpty())
        {
            egresses.add(new EgressAdapter("discard", (event, endOfBatch) -> {}, errorHandler));
        }
        output.handleEventsWith(egresses.toArray(new EgressAdapter[0]));
    }

    /**
     * Start the ring threads.
     */
    public void start()
    {
        output.start();
        input.start();
    }

    /**
     * A plugin slot on the input ring behind the journaller, emitting into the output ring; not started.
     *
     * @param spec what the slot runs.
     * @return the slot.
     */
    public PluginHandler newSlot(final PluginSpec spec)
    {
        // Each slot gets a barrier of its own: a slot alerts its barrier to deliver control commands.
        return new PluginHandler(spec, input.getRingBuffer(), journalGroup.asSequenceBarrier(), output.getRingBuffer(),
            ctx.epochClock(), ctx.nanoClock(), counters.errorHandler(), threads.factory("cc-plugin"),
            IdleStrategies.of(ctx.waitStrategy()), ctx.quarantineAfterFailures(), ctx.pluginControlTimeoutMs(), counters);
    }

    /**
     * Where producers publish.
     *
     * @return the thread-safe publisher.
     */
    public InputPublisher publisher()
    {
        return publisher;
    }

    /**
     * The sequence the next journaled event gets.
     *
     * @return the next engine sequence.
     */
    public long nextSequence()
    {
        return journaller.nextSequence();
    }

    /**
     * Why the journaller halted.
     *
     * @return the one-line reason, or null while it runs.
     */
    public String haltReason()
    {
        return halt.reason();
    }

    /**
     * Position of the last event published into the input ring.
     *
     * @return the input cursor.
     */
    public long inputCursor()
    {
        return input.getCursor();
    }

    /**
     * Position of the last event the journaller has passed (the events plugins may see).
     *
     * @return the journaller's position.
     */
    public long journalPosition()
    {
        return input.getSequenceValueFor(journaller);
    }

    /**
     * Free slots in the input ring.
     *
     * @return the remaining capacity.
     */
    public long inputRemaining()
    {
        return input.getRingBuffer().remainingCapacity();
    }

    /**
     * Free slots in the output ring.
     *
     * @return the remaining capacity.
     */
    public long outputRemaining()
    {
        return output.getRingBuffer().remainingCapacity();
    }

    /**
     * Names of the egress handlers, in order.
     *
     * @return the names.
     */
    public List<String> egressNames()
    {
        final List<String> names = new ArrayList<>(egresses.size());
        for (final EgressAdapter egress : egresses)
        {
            names.add(egress.name());
        }
        return names;
    }

    /**
     * Outputs an egress has not yet taken.
     *
     * @param index of the egress in {@link #egressNames()}.
     * @return the lag.
     */
    public long egressLag(final int index)
    {
        return Math.max(0, output.getCursor() - output.getSequenceValueFor(egresses.get(index)));
    }

    /**
     * Whether the journaller has passed every published event and every egress has taken every output.
     *
     * @return true when both rings are drained (plugins aside).
     */
    public boolean isDrained()
    {
        if (journalPosition() < input.getCursor())
        {
            return false;
        }
        for (int i = 0, size = egresses.size(); i < size; i++)
        {
            if (egressLag(i) > 0)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Stop the input ring's processors once the journaller has passed every published event, or at once
     * when the journal has halted; after the timeout halt them and report it.
     *
     * @param timeoutMs how long to wait for the journaller.
     */
    public void drainInput(final long timeoutMs)
    {
        if (halt.isHalted())
        {
            input.halt();
            return;
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        // Disruptor.shutdown skips a processor whose thread has not started running yet (a loaded machine
        // right after launch) and would halt it with events unjournaled: wait on the sequence first.
        awaitPosition(this::journalPosition, input.getCursor(), deadlineNs);
        try
        {
            input.shutdown(remainingMs(deadlineNs), TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            counters.errorHandler().onError(
                new IllegalStateException("input ring not drained in " + timeoutMs + " ms, halting"));
            input.halt();
        }
    }

    /**
     * Stop the egress processors once they have taken every output; after the timeout halt them.
     *
     * @param timeoutMs how long to wait.
     */
    public void drainOutput(final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        awaitPosition(this::slowestEgressPosition, output.getCursor(), deadlineNs);
        try
        {
            output.shutdown(remainingMs(deadlineNs), TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            counters.errorHandler().onError(
                new IllegalStateException("output ring not drained in " + timeoutMs + " ms, halting"));
            output.halt();
        }
    }

    private long slowestEgressPosition()
    {
        long slowest = Long.MAX_VALUE;
        for (int i = 0, size = egresses.size(); i < size; i++)
        {
            slowest = Math.min(slowest, output.getSequenceValueFor(egresses.get(i)));
        }
        return slowest;
    }

    private boolean awaitPosition(final LongSupplier position, final long target, final long deadlineNs)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 1_000_000);
        while (position.getAsLong() < target)
        {
            if (halt.isHalted() || System.nanoTime() >= deadlineNs)
            {
                return false;
            }
            idle.idle();
        }
        return true;
    }

    private static long remainingMs(final long deadlineNs)
    {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime()));
    }

    /** A read-only Sequence that reports the journaller's position. */
    private static final class JournalSequenceView extends Sequence
    {
        private final Disruptor<EventSlot> input;
        private final JournalHandler journaller;

        JournalSequenceView(final Disruptor<EventSlot> input, final JournalHandler journaller)
        {
            this.input = input;
            this.journaller = journaller;
        }

        public long get()
        {
            return input.getSequenceValueFor(journaller);
        }
    }

    /** Passes an egress only the outputs of plugins whose permissions name it. */
    private static final class PermittedOutputs implements EgressHandler
    {
        private final String name;
        private final EgressHandler delegate;
        private final BiPredicate<String, String> permissions;

        PermittedOutputs(final String name, final EgressHandler delegate, final BiPredicate<String, String> permissions)
        {
            this.name = name;
            this.delegate = delegate;
            this.permissions = permissions;
        }

        public void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            if (permissions.test(event.pluginId(), name))
            {
                delegate.onOutput(event, endOfBatch);
            }
        }

        public void onStart()
        {
            delegate.onStart();
        }

        public void onShutdown()
        {
            delegate.onShutdown();
        }
    }
}
