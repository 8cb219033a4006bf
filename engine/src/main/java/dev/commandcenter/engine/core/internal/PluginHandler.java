package dev.commandcenter.engine.core.internal;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.core.internal.slot.AgentHost;
import dev.commandcenter.engine.core.internal.slot.Delivery;
import dev.commandcenter.engine.core.internal.slot.HealthTransition;
import dev.commandcenter.engine.core.internal.slot.HostedAgent;
import dev.commandcenter.engine.core.internal.slot.OutputPort;
import dev.commandcenter.engine.core.internal.slot.PluginSlot;
import dev.commandcenter.engine.core.internal.slot.SlotCommand;
import dev.commandcenter.engine.core.internal.slot.SlotCounters;
import dev.commandcenter.engine.core.internal.slot.SlotHealth;
import dev.commandcenter.engine.core.internal.slot.SlotMailbox;
import dev.commandcenter.engine.core.internal.slot.SlotRecovery;
import dev.commandcenter.engine.core.internal.slot.SlotResources;
import dev.commandcenter.engine.core.internal.slot.SlotSampler;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginHealth;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * One plugin slot on the input ring, as the engine's control thread and sampler see it: a consumer with its
 * own sequence ({@link PluginSlot}, an Agrona agent, on a thread of its own or sharing one with other slots,
 * as the {@link AgentHost} of the threading mode decides) that stays in place for the life of the
 * slot, while the plugin instance it runs can be swapped (reload, enable, disable) at a sequence boundary
 * through the slot's {@link SlotMailbox}, so the old instance sees every event up to the boundary and the
 * new one every event after it.
 * <p>
 * Isolation: a throw is counted, kept in the distinct error log, and after {@code quarantineAfter} failures
 * the plugin is quarantined (its sequence keeps moving so it never holds the ring back, but it receives
 * nothing more). Back-pressure: a {@link BackPressure#BLOCK} plugin runs on the slot thread and holds
 * the ring back when slow; a {@link BackPressure#DETACH} plugin runs on a thread of its own behind a
 * bounded buffer filled by the slot thread, which drops (and counts) events when the buffer is full.
 * Emits of message types the spec does not permit are refused and counted. Health moves through the
 * explicit transitions of {@link HealthTransition}.
 * <p>
 * <b>Note:</b> the control methods ({@link #start()}, {@link #swap}, {@link #fail}, {@link #shutdown},
 * {@link #release}) are called by one control thread at a time; {@link #sample} by the sampler; the
 * queries by any thread. What crosses threads: commands through the mailbox (volatile compare-and-set /
 * acquire), the slot's sequence ({@link Sequence}, release/acquire), the slot thread and closed flag
 * (volatile), the slot's spec and delivery (volatile, in {@link PluginSlot}), health (volatile under a
 * lock, in {@link SlotHealth}) and counters (release stores).
 */
public final class PluginHandler
{
    private final String id;
    private final RingBuffer<EventSlot> input;
    private final Sequence sequence = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
    private final ErrorHandler errorHandler;
    private final SlotCounters counters;
    private final SlotHealth health;
    private final SlotResources res;
    private final SlotMailbox mailbox = new SlotMailbox();
    private final PluginSlot slot;
    private final SlotSampler sampler;
    private final AgentHost slotHost;
    private volatile HostedAgent thread;
    private volatile boolean closed;
    private boolean gating;

    /**
     * Create the slot of one plugin; nothing runs until {@link #start()}.
     *
     * @param spec             what to run.
     * @param input            the input ring.
     * @param barrier          this slot's own barrier, behind the journaller (or the sequencing publisher).
     * @param output           where emits made on the slot's thread go.
     * @param detachedOutput   where emits made on a detached plugin's thread go.
     * @param epochClock       given to the plugin.
     * @param epochNanoClock   stamps handling and emits.
     * @param nanoClock        times handling for the latency histogram.
     * @param errorHandler     distinct error log.
     * @param threadFactory    makes a detached plugin's threads.
     * @param idleStrategies   a new idle strategy for each detached consumer.
     * @param slotHost         where the slot agent runs.
     * @param quarantineAfter  failures before quarantine, unless the spec says otherwise.
     * @param controlTimeoutMs how long a detached plugin may take to finish its buffered events on a swap.
     * @param counters         allocates this plugin's counters.
     * @param recovery         the journal and settings for recovering the plugin's state at start.
     */
    public PluginHandler(
        final PluginSpec spec,
        final RingBuffer<EventSlot> input,
        final SequenceBarrier barrier,
        final OutputPort output,
        final OutputPort detachedOutput,
        final EpochClock epochClock,
        final EpochNanoClock epochNanoClock,
        final NanoClock nanoClock,
        final ErrorHandler errorHandler,
        final ThreadFactory threadFactory,
        final Supplier<IdleStrategy> idleStrategies,
        final AgentHost slotHost,
        final int quarantineAfter,
        final long controlTimeoutMs,
        final CounterAllocator counters,
        final SlotRecovery recovery)
    {
        this.id = spec.id();
        this.input = input;
        this.errorHandler = errorHandler;
        this.counters = new SlotCounters(counters, id);
        this.health = new SlotHealth(id, spec.version(), this.counters.state, this.counters.status);
        this.slotHost = slotHost;
        this.res = new SlotResources(id, output, detachedOutput, epochClock, epochNanoClock, nanoClock, errorHandler,
            threadFactory, idleStrategies, quarantineAfter, controlTimeoutMs, this.counters, health, new SingleWriterRecorder(1, 60_000_000_000L, 2),
            recovery);
        this.slot = new PluginSlot(res, input, barrier, sequence, mailbox, spec, spec.enabled());
        this.sampler = new SlotSampler(res);
        if (null != spec.failure())
        {
            health.apply(HealthTransition.LOAD_FAILED, spec.failure());
        }
    }

    /**
     * Join the ring at its current cursor and start the slot thread; a spec that failed to load only
     * shows as FAILED.
     */
    public void start()
    {
        final PluginSpec current = slot.spec();
        if (null != current.failure())
        {
            health.apply(HealthTransition.LOAD_FAILED, current.failure());
            return;
        }
        if (!gating)
        {
            input.addGatingSequences(sequence);
            gating = true;
        }
        thread = slotHost.host(slot);
    }

    /**
     * Swap the running instance for one made from a new spec, at a sequence boundary: the old instance
     * is stopped after the last event it handles and the new one started before the next. A slot that
     * never ran (it failed to load) joins the ring at its cursor instead.
     *
     * @param newSpec   what to run from the boundary on.
     * @param enable    false to keep the slot following the ring without running the plugin (STOPPED).
     * @param timeoutMs how long to wait for the boundary and for the new instance to start.
     * @return the first engine ring position the new instance is offered.
     * @throws IllegalStateException when the plugin does not reach a boundary in time (the swap stays
     *                               pending and happens when it returns) or another command is pending.
     */
    public long swap(final PluginSpec newSpec, final boolean enable, final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final long boundary;
        if (null == thread)
        {
            slot.prepare(newSpec, enable);
            health.version(newSpec.version());
            if (null != newSpec.failure())
            {
                health.apply(HealthTransition.LOAD_FAILED, newSpec.failure());
                return -1;
            }
            health.apply(HealthTransition.STARTING, "starting");
            start();
            boundary = sequence.get() + 1;
        }
        else
        {
            boundary = send(SlotCommand.swap(newSpec, enable), timeoutMs);
        }
        awaitStarted(deadlineNs);
        return boundary;
    }

    /**
     * Record that a new spec for this slot could not be loaded, for a slot that is not running.
     *
     * @param failedSpec spec carrying the failure.
     */
    public void fail(final PluginSpec failedSpec)
    {
        if (null == thread)
        {
            slot.prepare(failedSpec, slot.enabled());
            health.version(failedSpec.version());
            health.apply(HealthTransition.LOAD_FAILED, failedSpec.failure());
        }
    }

    /**
     * Stop the plugin after the events it has been offered and end the slot thread.
     *
     * @param timeoutMs how long to wait.
     * @return true when the slot stopped in time.
     */
    public boolean shutdown(final long timeoutMs)
    {
        final HostedAgent current = thread;
        if (null == current || closed)
        {
            return true;
        }
        try
        {
            send(SlotCommand.shutdown(), timeoutMs);
            closed = true;
            return current.join(timeoutMs);
        }
        catch (final IllegalStateException ex)
        {
            errorHandler.onError(ex);
            return false;
        }
    }

    /**
     * Leave the ring and free the counters, after {@link #shutdown(long)}.
     *
     * @param freeCounters true to free the counters (the plugin is unloaded), false to keep their last values.
     */
    public void release(final boolean freeCounters)
    {
        if (gating)
        {
            input.removeGatingSequence(sequence);
            gating = false;
        }
        if (freeCounters)
        {
            counters.close();
        }
    }

    /**
     * Wait, up to a deadline, until the plugin has started (or failed, or been found disabled).
     *
     * @param deadlineNs {@link System#nanoTime()} deadline.
     * @return true when it is no longer LOADED.
     */
    public boolean awaitStarted(final long deadlineNs)
    {
        while (health.state() == PluginState.LOADED && null != thread && System.nanoTime() < deadlineNs)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return health.state() != PluginState.LOADED;
    }

    /**
     * Whether the plugin has handled everything up to a ring position.
     *
     * @param cursor ring position.
     * @return true when nothing is left for it.
     */
    public boolean isDrained(final long cursor)
    {
        final Delivery current = slot.delivery();
        return null == thread || closed || (sequence.get() >= cursor && (null == current || 0 == current.backlog()));
    }

    /**
     * Wait, up to a deadline, until the plugin has handled everything up to a ring position.
     *
     * @param cursor     ring position.
     * @param deadlineNs {@link System#nanoTime()} deadline.
     * @return true when drained.
     */
    public boolean awaitDrained(final long cursor, final long deadlineNs)
    {
        while (!isDrained(cursor))
        {
            final HostedAgent current = thread;
            if (System.nanoTime() >= deadlineNs || null == current || !current.isAlive())
            {
                return isDrained(cursor);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    /**
     * Events published but not yet handled by the plugin, buffered ones included.
     *
     * @param cursor the input ring cursor.
     * @return the lag.
     */
    public long lag(final long cursor)
    {
        if (null == thread)
        {
            return 0;
        }
        final Delivery current = slot.delivery();
        return Math.max(0, cursor - sequence.get()) + (null == current ? 0 : current.backlog());
    }

    /**
     * Update the gauges (lag, latency percentiles) and the health states the sampler owns: DEGRADED when a
     * detached plugin dropped events or a blocking one is beyond its lag limit, STALLED when it made no
     * progress for its stall timeout while events waited for it (see {@link SlotSampler}).
     *
     * @param nowMs           epoch ms of the sample.
     * @param cursor          the input ring cursor.
     * @param journalPosition ring position the journaller has passed (events available to plugins).
     */
    public void sample(final long nowMs, final long cursor, final long journalPosition)
    {
        sampler.sample(nowMs, lag(cursor), null == thread ? null : slot.delivery(), journalPosition);
    }

    /**
     * A health snapshot.
     *
     * @param cursor the input ring cursor.
     * @return the snapshot.
     */
    public PluginHealth health(final long cursor)
    {
        return new PluginHealth(id, slot.spec().version(), health.state(), health.reason(), counters.processed.get(),
            counters.errors.get(), lag(cursor), health.lastError(), counters.emitted.get(), counters.dropped.get(),
            counters.refused.get(), counters.p50.get(), counters.p99.get());
    }

    /**
     * Plugin id.
     *
     * @return the id.
     */
    public String id()
    {
        return id;
    }

    /**
     * The spec the slot runs (or last failed to load).
     *
     * @return the spec.
     */
    public PluginSpec spec()
    {
        return slot.spec();
    }

    /**
     * The running plugin instance, or null when none runs.
     *
     * @return the plugin.
     */
    public Plugin plugin()
    {
        final Delivery current = slot.delivery();
        return null == current ? slot.spec().instance() : current.activation().plugin();
    }

    /**
     * Whether the slot runs its plugin (false once disabled).
     *
     * @return true when enabled.
     */
    public boolean enabled()
    {
        return slot.enabled();
    }

    /**
     * Whether messages of this plugin go to an output.
     *
     * @param outputName egress name.
     * @return true when permitted.
     */
    public boolean permitsOutput(final String outputName)
    {
        final Set<String> outputs = slot.spec().outputs();
        return null == outputs || outputs.contains(outputName);
    }

    /**
     * Current state.
     *
     * @return the state.
     */
    public PluginState state()
    {
        return health.state();
    }

    /**
     * Why the plugin is in its state.
     *
     * @return the reason, empty when healthy.
     */
    public String reason()
    {
        return health.reason();
    }

    /**
     * Message of the last error the plugin threw.
     *
     * @return the message, empty when none.
     */
    public String lastError()
    {
        return health.lastError();
    }

    /**
     * The slot's ring sequence: the last ring position it has passed.
     *
     * @return the sequence.
     */
    public Sequence sequence()
    {
        return sequence;
    }

    /**
     * Handling latency recorder; the sampler takes interval histograms from it.
     *
     * @return the recorder.
     */
    public SingleWriterRecorder latency()
    {
        return res.latency();
    }

    private long send(final SlotCommand command, final long timeoutMs)
    {
        if (!mailbox.offer(command))
        {
            throw new IllegalStateException("plugin '" + id + "' has not yet run the previous command: " +
                "it is busy in onEvent");
        }
        final HostedAgent current = thread;
        if (null != current)
        {
            current.wake();
        }
        try
        {
            return command.result().get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("plugin '" + id + "' did not reach a sequence boundary within " +
                timeoutMs + " ms (busy in onEvent); the command runs when it returns");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for plugin '" + id + "'");
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("plugin '" + id + "': " + ex.getCause());
        }
    }
}
