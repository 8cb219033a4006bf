package dev.commandcenter.engine.core.internal;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.EngineCycle;
import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.core.internal.slot.AgentGroup;
import dev.commandcenter.engine.core.internal.slot.AgentHost;
import dev.commandcenter.engine.core.internal.slot.AgentThread;
import dev.commandcenter.engine.core.internal.slot.LendableCycle;
import dev.commandcenter.engine.core.internal.slot.ParkingIdleStrategy;
import dev.commandcenter.engine.core.internal.slot.HostedAgent;
import dev.commandcenter.engine.core.internal.slot.IdleStrategies;
import dev.commandcenter.engine.core.internal.slot.OutputPort;
import dev.commandcenter.engine.core.internal.slot.SlotRecovery;
import dev.commandcenter.engine.core.internal.slot.WakeGroup;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import dev.commandcenter.engine.counters.CounterType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The two rings and what runs on them: the input ring (multi-producer) with the journaller, when there is a
 * journal, as its first stage and the plugin slots behind it, and the output ring (multi-producer: plugin
 * slots and detached consumers publish) drained by one {@link EgressAgent} per egress handler. Every stage is
 * an agent placed on a thread by the {@link ThreadingMode}:
 * <pre>
 *   mode             threads                                                     journal off
 *   dedicated        cc-journal, one cc-plugin-&lt;id&gt; per slot, cc-egress            no cc-journal
 *   shared-plugins   cc-journal, cc-plugins (every slot), cc-egress                no cc-journal
 *   shared           cc-engine (journaller first, then every slot, then egress)  cc-engine (slots, egress)
 * </pre>
 * Detached plugins keep a thread of their own in every mode. Without a journal there is no journaller stage:
 * the publisher sequences each event as it publishes it ({@link InputPublisher#sequenceOnPublish(long)}) and
 * the plugins read up to the sequenced position. Whoever publishes a stage's input wakes the stage's agents if
 * they parked ({@link WakeGroup}); in {@code shared} mode a slot's emit needs no wake-up (the egress runs next
 * on the same thread), but a detached consumer's does.
 * <p>
 * Built in three steps: construct (rings, journaller, publisher), {@link #attachEgress} and {@link #start()};
 * plugin slots are made by {@link #newSlot(PluginSpec)} and join the input ring on their own.
 * <p>
 * <b>Note:</b> assemble, start and drain from one control thread; the query methods are thread safe.
 */
public final class RingPipeline
{
    private final Engine.Context ctx;
    private final EngineCounters counters;
    private final EngineThreads threads;
    private final ThreadingMode mode;
    private final RingBuffer<EventSlot> input;
    private final RingBuffer<OutputSlot> output;
    private final JournalHalt halt = new JournalHalt();
    private final JournalAgent journaller;
    private final Sequence stageSequence;
    private final InputPublisher publisher;
    private final WakeGroup pluginWakers = new WakeGroup();
    private final WakeGroup journalWakers = new WakeGroup();
    private final WakeGroup egressWakers = new WakeGroup();
    private final Supplier<IdleStrategy> idleStrategies;
    private final AgentGroup group;
    private final AgentHost slotHost;
    private final AgentGroup egressGroup;
    private volatile LendableCycle lendableCycle;
    private final OutputPort slotOutput;
    private final OutputPort detachedOutput;
    private final List<EgressAgent> egresses = new ArrayList<>();
    private EgressAgent[] egressAgents = new EgressAgent[0];
    private HostedAgent journalHost;
    private final SlotRecovery slotRecovery;

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
        this.mode = ctx.threadingMode();
        final ErrorHandler errorHandler = counters.errorHandler();
        idleStrategies = IdleStrategies.of(ctx.waitStrategy());
        // Nobody waits on either ring through its wait strategy (their stages are agents woken explicitly), so
        // they need one whose per-publish signal does nothing.
        // The slots' message buffers are cut from shared arrays the young collections never copy (SlotMemory).
        output = RingBuffer.createMultiProducer(
            SlotMemory.outputSlots(ctx.outputRingSize()), ctx.outputRingSize(), new BusySpinWaitStrategy());
        input = RingBuffer.createMultiProducer(
            SlotMemory.eventSlots(ctx.inputRingSize()), ctx.inputRingSize(), new BusySpinWaitStrategy());

        final boolean journaled = ctx.journal() != Journal.NONE;
        slotRecovery = new SlotRecovery(ctx.journal(), ctx.recoverPlugins() && journaled, ctx.journal().nextSequence(),
            this::nextSequence);
        publisher = new InputPublisher(input, ctx.backPressure(), ctx.epochNanoClock(), halt, counters, errorHandler,
            journaled ? journalWakers : pluginWakers);
        if (journaled)
        {
            journaller = new JournalAgent(input, ctx.journal(), halt, ctx.epochNanoClock(), ctx.nanoClock(),
                errorHandler, mode == ThreadingMode.SHARED ? new WakeGroup() : pluginWakers, counters);
            stageSequence = journaller.sequence();
            input.addGatingSequences(stageSequence);
            publisher.journalSequence(stageSequence);
        }
        else
        {
            journaller = null;
            // The journal counters stay in the counters file (stat, metrics); events journaled counts the
            // events sequenced, the others stay 0.
            final AtomicCounter sequenced = counters.allocate(CounterType.EVENTS_JOURNALED, "");
            counters.allocate(CounterType.JOURNAL_BYTES, "");
            counters.allocate(CounterType.JOURNAL_BATCHES, "");
            counters.allocate(CounterType.JOURNAL_FLUSH_NS, "");
            counters.allocate(CounterType.JOURNAL_HALTED, "");
            stageSequence = publisher.sequenceOnPublish(ctx.journal().nextSequence(), sequenced);
        }

        switch (mode)
        {
            case SHARED_PLUGINS ->
            {
                group = new AgentGroup("cc-plugins", errorHandler);
                slotHost = group;
            }
            case SHARED ->
            {
                group = new AgentGroup("cc-engine", errorHandler);
                slotHost = group;
            }
            default ->
            {
                group = null;
                slotHost = AgentHost.dedicated(threads.factory("cc-plugin"), idleStrategies, errorHandler,
                    pluginWakers);
            }
        }
        if (mode == ThreadingMode.SHARED)
        {
            // The slots emit on the thread that runs the egress: nothing to wake, and a full output ring is
            // emptied by running the egress there and then (waiting for it would wait forever).
            egressGroup = group;
            slotOutput = new OutputPort(output, null, this::drainEgress);
        }
        else
        {
            egressGroup = new AgentGroup("cc-egress", errorHandler);
            slotOutput = new OutputPort(output, egressWakers, null);
        }
        detachedOutput = new OutputPort(output, egressWakers, null);
    }

    /**
     * The threading mode the stages run in.
     *
     * @return the mode.
     */
    public ThreadingMode threadingMode()
    {
        return mode;
    }

    /**
     * Put the egress handlers on the output ring (a discarding one when there are none), each an agent with its
     * own sequence gating the ring, passed only the outputs of plugins whose permissions name it.
     *
     * @param handlers    egress handlers by name.
     * @param permissions whether a plugin (first argument) may send to an egress (second argument).
     */
    public void attachEgress(final Map<String, EgressHandler> handlers, final BiPredicate<String, String> permissions)
    {
        final ErrorHandler errorHandler = counters.errorHandler();
        for (final Map.Entry<String, EgressHandler> entry : handlers.entrySet())
        {
            egresses.add(new EgressAgent(entry.getKey(),
                new PermittedOutputs(entry.getKey(), entry.getValue(), permissions), output, errorHandler));
        }
        if (egresses.isEmpty())
        {
            egresses.add(new EgressAgent("discard", (event, endOfBatch) -> {}, output, errorHandler));
        }
        for (final EgressAgent egress : egresses)
        {
            output.addGatingSequences(egress.sequence());
        }
        egressAgents = egresses.toArray(new EgressAgent[0]);
    }

    /**
     * Start the ring threads: the egress agents join their group behind every slot (the engine thread's in
     * {@code shared} mode, else the {@code cc-egress} thread), then the journaller starts.
     */
    public void start()
    {
        final ErrorHandler errorHandler = counters.errorHandler();
        if (null != group)
        {
            final WakeGroup wakers = mode == ThreadingMode.SHARED && null != journaller ? journalWakers : pluginWakers;
            final String prefix = mode == ThreadingMode.SHARED ? "cc-engine" : "cc-plugins";
            final IdleStrategy idle = idleStrategies.get();
            if (group == egressGroup && idle instanceof ParkingIdleStrategy parking)
            {
                // The whole engine on one thread that can lend its cycle to a host (an event loop); a detached
                // consumer's emit wakes it too.
                lendableCycle = group.startLendable(parking, threads.factory(prefix), wakers, egressWakers);
            }
            else
            {
                final AgentThread groupThread = group.start(idle, threads.factory(prefix), wakers);
                if (group == egressGroup)
                {
                    // A detached consumer's emit wakes the engine thread.
                    egressWakers.add(groupThread.idleStrategy());
                }
            }
        }
        if (group != egressGroup)
        {
            egressGroup.start(idleStrategies.get(), threads.factory("cc-egress"), egressWakers);
        }
        for (final EgressAgent egress : egressAgents)
        {
            egressGroup.hostLast(egress);
        }
        if (null != journaller)
        {
            journalHost = mode == ThreadingMode.SHARED ? group.host(journaller) :
                AgentThread.start(journaller, idleStrategies.get(), errorHandler, threads.factory("cc-journal"),
                journalWakers);
        }
    }

    /**
     * The engine's cycle, to lend to a host: only in {@code shared} mode with the {@code blocking} wait strategy.
     *
     * @return the cycle, or null when the stages run on threads that cannot be lent, or before {@link #start()}.
     */
    public EngineCycle lendableCycle()
    {
        return lendableCycle;
    }

    /**
     * A plugin slot on the input ring behind the journaller (or the sequencing publisher), emitting into the
     * output ring, hosted as the threading mode says; not started.
     *
     * @param spec what the slot runs.
     * @return the slot.
     */
    public PluginHandler newSlot(final PluginSpec spec)
    {
        return new PluginHandler(spec, input, input.newBarrier(stageSequence), slotOutput, detachedOutput,
            ctx.epochClock(), ctx.epochNanoClock(), ctx.nanoClock(), counters.errorHandler(),
            threads.factory("cc-plugin"), idleStrategies, slotHost, ctx.quarantineAfterFailures(),
            ctx.pluginControlTimeoutMs(), counters, slotRecovery);
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
        return null == journaller ? publisher.nextSequence() : journaller.nextSequence();
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
     * Position of the last event the journaller has passed, or without a journal the last one sequenced (the
     * events plugins may see).
     *
     * @return the journaller's position.
     */
    public long journalPosition()
    {
        return stageSequence.get();
    }

    /**
     * Free slots in the input ring.
     *
     * @return the remaining capacity.
     */
    public long inputRemaining()
    {
        return input.remainingCapacity();
    }

    /**
     * Free slots in the output ring.
     *
     * @return the remaining capacity.
     */
    public long outputRemaining()
    {
        return output.remainingCapacity();
    }

    /**
     * Names of the egress handlers, in order.
     *
     * @return the names.
     */
    public List<String> egressNames()
    {
        final List<String> names = new ArrayList<>(egresses.size());
        for (final EgressAgent egress : egresses)
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
        return Math.max(0, output.getCursor() - egresses.get(index).sequence().get());
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
     * Stop the journaller once it has passed every published event, or at once when the journal has halted;
     * after the timeout stop it and report it. Without a journal there is nothing to drain: every published
     * event is sequenced.
     *
     * @param timeoutMs how long to wait for the journaller.
     */
    public void drainInput(final long timeoutMs)
    {
        if (null == journaller)
        {
            return;
        }
        if (!halt.isHalted())
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            if (!awaitPosition(this::journalPosition, input.getCursor(), deadlineNs, true) && !halt.isHalted())
            {
                counters.errorHandler().onError(
                    new IllegalStateException("input ring not drained in " + timeoutMs + " ms, halting"));
            }
        }
        journaller.requestStop();
        final HostedAgent host = journalHost;
        if (null != host)
        {
            host.wake();
        }
    }

    /**
     * End the shared thread of the plugin slots (and of the journaller in {@code shared} mode), once every slot
     * has been shut down. In {@code shared} mode that thread runs the egress too, so it ends in
     * {@link #drainOutput(long)} instead, once the egress has drained.
     */
    public void closeAgents()
    {
        if (null != group && group != egressGroup)
        {
            group.requestClose();
        }
    }

    /**
     * Stop the egress agents (their {@code onShutdown} runs on their thread) once they have taken every output;
     * after the timeout report it and stop them where they are.
     *
     * @param timeoutMs how long to wait.
     */
    public void drainOutput(final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        if (!awaitPosition(this::slowestEgressPosition, output.getCursor(), deadlineNs, false))
        {
            counters.errorHandler().onError(
                new IllegalStateException("output ring not drained in " + timeoutMs + " ms, halting"));
        }
        egressGroup.requestClose();
    }

    private long slowestEgressPosition()
    {
        long slowest = Long.MAX_VALUE;
        for (int i = 0, size = egresses.size(); i < size; i++)
        {
            slowest = Math.min(slowest, egresses.get(i).sequence().get());
        }
        return slowest;
    }

    /** Runs the egress agents on the calling thread: the relief of a full output ring in {@code shared} mode. */
    private void drainEgress()
    {
        for (final EgressAgent egress : egressAgents)
        {
            egress.drain();
        }
    }

    private boolean awaitPosition(
        final LongSupplier position, final long target, final long deadlineNs, final boolean stopOnHalt)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 1_000_000);
        while (position.getAsLong() < target)
        {
            if ((stopOnHalt && halt.isHalted()) || System.nanoTime() >= deadlineNs)
            {
                return false;
            }
            idle.idle();
        }
        return true;
    }

    /** Passes an egress only the outputs of plugins whose permissions name it. */
    static final class PermittedOutputs implements EgressHandler
    {
        private final String name;
        private final EgressHandler delegate;
        private final BiPredicate<String, String> permissions;
        private boolean unended;

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
                unended = !endOfBatch;
                delegate.onOutput(event, endOfBatch);
            }
            else if (endOfBatch)
            {
                onBatchEnd();
            }
        }

        public void onBatchEnd()
        {
            if (unended)
            {
                unended = false;
                delegate.onBatchEnd();
            }
        }

        public boolean ready(final OutputEvent event)
        {
            return !permissions.test(event.pluginId(), name) || delegate.ready(event);
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
