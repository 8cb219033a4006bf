package dev.commandcenter.engine.internal;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.WaitStrategies;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.PluginHealth;
import dev.commandcenter.engine.plugin.Subscription;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.PluginSpec;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One plugin slot on the input ring: a consumer with its own sequence and thread that stays in place for
 * the life of the slot, while the plugin instance it runs can be swapped (reload, enable, disable) at a
 * sequence boundary on the slot's own thread, so the old instance sees every event up to the boundary and
 * the new one every event after it.
 * <p>
 * Isolation: a throw is counted, kept in the distinct error log, and after {@code quarantineAfter} failures
 * the plugin is quarantined (its sequence keeps moving so it never holds the ring back, but it receives
 * nothing more). Back-pressure: a {@link BackPressure#BLOCK} plugin runs on the slot thread and holds
 * the ring back when slow; a {@link BackPressure#DETACH} plugin runs on a thread of its own behind a
 * bounded buffer filled by the slot thread, which drops (and counts) events when the buffer is full.
 * Emits of message types the spec does not permit are refused and counted.
 * <p>
 * <b>Note:</b> {@link #run()} is the slot thread; the control methods ({@link #start()}, {@link #swap},
 * {@link #shutdown}) are called by one control thread at a time; {@link #sample} by the sampler.
 */
public final class PluginHandler implements Runnable
{
    private static final long MAX_LATENCY_NS = 60_000_000_000L;
    private static final int MAX_STATUS_LABEL = 300;

    private final String id;
    private final RingBuffer<EventSlot> input;
    private final SequenceBarrier barrier;
    private final Sequence sequence = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
    private final RingBuffer<OutputSlot> output;
    private final EpochClock epochClock;
    private final NanoClock nanoClock;
    private final ErrorHandler errorHandler;
    private final ThreadFactory threadFactory;
    private final String waitStrategy;
    private final int defaultQuarantineAfter;
    private final long controlTimeoutMs;
    private final AtomicCounter processed;
    private final AtomicCounter errors;
    private final AtomicCounter stateCounter;
    private final AtomicCounter emitted;
    private final AtomicCounter lagCounter;
    private final AtomicCounter p50;
    private final AtomicCounter p99;
    private final AtomicCounter dropped;
    private final AtomicCounter refused;
    private final AtomicCounter status;
    private final SingleWriterRecorder latency = new SingleWriterRecorder(1, MAX_LATENCY_NS, 2);

    private volatile PluginSpec spec;
    private volatile boolean enabled;
    private volatile PluginState state = PluginState.LOADED;
    private volatile String reason = "";
    private volatile String lastError = "";
    private volatile Command command;
    private volatile Delivery delivery;
    private volatile Thread thread;
    private boolean gating;
    private boolean closed;
    private PluginSpec instanceUsedBy;
    private RingBuffer<EventSlot> spareBuffer;

    private Histogram interval;
    private long lastProgress = Long.MIN_VALUE;
    private long lastProgressMs;
    private long lastDropped;

    /**
     * Create the slot of one plugin; nothing runs until {@link #start()}.
     *
     * @param spec             what to run.
     * @param input            the input ring.
     * @param barrier          this slot's own barrier, behind the journaller.
     * @param output           ring emissions go to.
     * @param epochClock       given to the plugin.
     * @param nanoClock        times handling for the latency histogram.
     * @param errorHandler     distinct error log.
     * @param threadFactory    makes the slot's threads.
     * @param waitStrategy     name of the wait strategy of a detached plugin's buffer.
     * @param quarantineAfter  failures before quarantine, unless the spec says otherwise.
     * @param controlTimeoutMs how long a control command waits for the plugin to reach a sequence boundary.
     * @param counters         allocates this plugin's counters.
     */
    public PluginHandler(
        final PluginSpec spec,
        final RingBuffer<EventSlot> input,
        final SequenceBarrier barrier,
        final RingBuffer<OutputSlot> output,
        final EpochClock epochClock,
        final NanoClock nanoClock,
        final ErrorHandler errorHandler,
        final ThreadFactory threadFactory,
        final String waitStrategy,
        final int quarantineAfter,
        final long controlTimeoutMs,
        final CounterAllocator counters)
    {
        this.id = spec.id();
        this.spec = spec;
        this.enabled = spec.enabled();
        this.input = input;
        this.barrier = barrier;
        this.output = output;
        this.epochClock = epochClock;
        this.nanoClock = nanoClock;
        this.errorHandler = errorHandler;
        this.threadFactory = threadFactory;
        this.waitStrategy = waitStrategy;
        this.defaultQuarantineAfter = quarantineAfter;
        this.controlTimeoutMs = controlTimeoutMs;
        this.processed = counters.allocate(CounterType.PLUGIN_PROCESSED, id);
        this.errors = counters.allocate(CounterType.PLUGIN_ERRORS, id);
        this.stateCounter = counters.allocate(CounterType.PLUGIN_STATE, id);
        this.emitted = counters.allocate(CounterType.PLUGIN_EMITTED, id);
        this.lagCounter = counters.allocate(CounterType.PLUGIN_LAG, id);
        this.p50 = counters.allocate(CounterType.PLUGIN_P50_NS, id);
        this.p99 = counters.allocate(CounterType.PLUGIN_P99_NS, id);
        this.dropped = counters.allocate(CounterType.PLUGIN_DROPPED, id);
        this.refused = counters.allocate(CounterType.PLUGIN_EMITS_REFUSED, id);
        this.status = counters.allocate(CounterType.PLUGIN_STATUS, id);
        if (null != spec.failure())
        {
            transition(PluginState.FAILED, spec.failure());
        }
        else
        {
            transition(PluginState.LOADED, "");
        }
    }

    /**
     * Join the ring at its current cursor and start the slot thread; a spec that failed to load only
     * shows as FAILED.
     */
    public void start()
    {
        final PluginSpec current = spec;
        if (null != current.failure())
        {
            transition(PluginState.FAILED, current.failure());
            return;
        }
        if (!gating)
        {
            input.addGatingSequences(sequence);
            gating = true;
        }
        final Thread newThread = threadFactory.newThread(this);
        newThread.setName("cc-plugin-" + id);
        thread = newThread;
        newThread.start();
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
            spec = newSpec;
            enabled = enable;
            start();
            if (null != newSpec.failure())
            {
                return -1;
            }
            boundary = sequence.get() + 1;
        }
        else
        {
            boundary = send(new Command(false, newSpec, enable), timeoutMs);
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
            spec = failedSpec;
            transition(PluginState.FAILED, failedSpec.failure());
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
        if (null == thread || closed)
        {
            return true;
        }
        try
        {
            send(new Command(true, null, false), timeoutMs);
            closed = true;
            thread.join(Math.max(1, timeoutMs));
            return !thread.isAlive();
        }
        catch (final IllegalStateException ex)
        {
            errorHandler.onError(ex);
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
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
            processed.close();
            errors.close();
            stateCounter.close();
            emitted.close();
            lagCounter.close();
            p50.close();
            p99.close();
            dropped.close();
            refused.close();
            status.close();
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
        while (state == PluginState.LOADED && null != thread && System.nanoTime() < deadlineNs)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return state != PluginState.LOADED;
    }

    /**
     * Whether the plugin has handled everything up to a ring position.
     *
     * @param cursor ring position.
     * @return true when nothing is left for it.
     */
    public boolean isDrained(final long cursor)
    {
        final Delivery current = delivery;
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
            final Thread current = thread;
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
        final Delivery current = delivery;
        return Math.max(0, cursor - sequence.get()) + (null == current ? 0 : current.backlog());
    }

    /**
     * Update the gauges (lag, latency percentiles) and the health states the sampler owns: DEGRADED when a
     * detached plugin dropped events or a blocking one is beyond its lag limit, STALLED when it made no
     * progress for its stall timeout while events waited for it.
     *
     * @param nowMs           epoch ms of the sample.
     * @param cursor          the input ring cursor.
     * @param journalPosition ring position the journaller has passed (events available to plugins).
     */
    public void sample(final long nowMs, final long cursor, final long journalPosition)
    {
        final long lag = lag(cursor);
        lagCounter.setRelease(lag);
        final Histogram histogram = latency.getIntervalHistogram(interval);
        interval = histogram;
        if (histogram.getTotalCount() > 0)
        {
            p50.setRelease(histogram.getValueAtPercentile(50));
            p99.setRelease(histogram.getValueAtPercentile(99));
        }
        final Delivery current = delivery;
        final long droppedNow = dropped.get();
        final long newDrops = droppedNow - lastDropped;
        lastDropped = droppedNow;
        if (null == current || null == thread)
        {
            return;
        }
        final PluginSpec currentSpec = current.runtime.spec;

        final long progress = current.progress();
        final boolean pending = current.pending(journalPosition);
        if (progress != lastProgress || !pending)
        {
            lastProgress = progress;
            lastProgressMs = nowMs;
            transitionIf(PluginState.STALLED, PluginState.STALLED, PluginState.RUNNING, "");
        }
        else if (currentSpec.stallTimeoutMs() > 0 && nowMs - lastProgressMs >= currentSpec.stallTimeoutMs())
        {
            transitionIf(PluginState.RUNNING, PluginState.DEGRADED, PluginState.STALLED, "no progress for " +
                (nowMs - lastProgressMs) + " ms with " + lag + " events waiting (stallTimeoutMs " +
                currentSpec.stallTimeoutMs() + ")");
        }

        if (current instanceof Detached detached)
        {
            if (newDrops > 0)
            {
                transitionIf(PluginState.RUNNING, PluginState.DEGRADED, PluginState.DEGRADED, "fell behind: dropped " +
                    newDrops + " events since the last sample, " + droppedNow + " in all (buffer of " +
                    detached.capacity() + " full, backPressure detach)");
            }
            else if (detached.backlog() <= detached.capacity() / 2)
            {
                transitionIf(PluginState.DEGRADED, PluginState.DEGRADED, PluginState.RUNNING, "");
            }
        }
        else
        {
            final int limit = currentSpec.lagLimit();
            if (lag > limit)
            {
                transitionIf(PluginState.RUNNING, PluginState.DEGRADED, PluginState.DEGRADED, "lag " + lag +
                    " exceeds lagLimit " + limit + ": holding the ring back (backPressure block)");
            }
            else
            {
                transitionIf(PluginState.DEGRADED, PluginState.DEGRADED, PluginState.RUNNING, "");
            }
        }
    }

    /**
     * A health snapshot.
     *
     * @param cursor the input ring cursor.
     * @return the snapshot.
     */
    public PluginHealth health(final long cursor)
    {
        return new PluginHealth(id, spec.version(), state, reason, processed.get(), errors.get(), lag(cursor),
            lastError, emitted.get(), dropped.get(), refused.get(), p50.get(), p99.get());
    }

    /**
     * The slot thread: follows the ring behind the journaller, offers each admitted event to the current
     * delivery and services control commands at event boundaries.
     */
    public void run()
    {
        Delivery current = open(spec, enabled);
        long next = sequence.get() + 1;
        boolean running = true;
        while (running)
        {
            try
            {
                final long available = barrier.waitFor(next);
                while (next <= available && null == command)
                {
                    final EventSlot slot = input.get(next);
                    if (0 != slot.length && current.admits(slot))
                    {
                        try
                        {
                            current.onEvent(slot);
                        }
                        catch (final Throwable ex)
                        {
                            errorHandler.onError(new PluginException(id, ex));
                        }
                    }
                    sequence.set(next);
                    next++;
                }
            }
            catch (final AlertException ex)
            {
                barrier.clearAlert();
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
            final Command pending = command;
            if (null != pending)
            {
                current.close(controlTimeoutMs);
                if (pending.shutdown)
                {
                    running = false;
                    afterStop();
                }
                else
                {
                    spec = pending.spec;
                    enabled = pending.enable;
                    transition(PluginState.LOADED, "starting");
                    current = open(pending.spec, pending.enable);
                }
                command = null;
                pending.result.complete(sequence.get() + 1);
            }
        }
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
        return spec;
    }

    /**
     * The running plugin instance, or null when none runs.
     *
     * @return the plugin.
     */
    public Plugin plugin()
    {
        final Delivery current = delivery;
        return null == current ? spec.instance() : current.runtime.plugin;
    }

    /**
     * Whether the slot runs its plugin (false once disabled).
     *
     * @return true when enabled.
     */
    public boolean enabled()
    {
        return enabled;
    }

    /**
     * Whether messages of this plugin go to an output.
     *
     * @param outputName egress name.
     * @return true when permitted.
     */
    public boolean permitsOutput(final String outputName)
    {
        final Set<String> outputs = spec.outputs();
        return null == outputs || outputs.contains(outputName);
    }

    /**
     * Current state.
     *
     * @return the state.
     */
    public PluginState state()
    {
        return state;
    }

    /**
     * Why the plugin is in its state.
     *
     * @return the reason, empty when healthy.
     */
    public String reason()
    {
        return reason;
    }

    /**
     * Message of the last error the plugin threw.
     *
     * @return the message, empty when none.
     */
    public String lastError()
    {
        return lastError;
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
        return latency;
    }

    private long send(final Command newCommand, final long timeoutMs)
    {
        synchronized (this)
        {
            if (null != command)
            {
                throw new IllegalStateException("plugin '" + id + "' has not yet run the previous command: " +
                    "it is busy in onEvent");
            }
            command = newCommand;
        }
        barrier.alert();
        try
        {
            return newCommand.result.get(timeoutMs, TimeUnit.MILLISECONDS);
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

    private Delivery open(final PluginSpec newSpec, final boolean enable)
    {
        final boolean useInstance = null != newSpec.instance() && (instanceUsedBy != newSpec || null == newSpec.factory());
        if (useInstance)
        {
            instanceUsedBy = newSpec;
        }
        final Runtime runtime = new Runtime(newSpec, enable, useInstance);
        final Delivery newDelivery = enable && newSpec.backPressure() == BackPressure.DETACH ?
            new Detached(runtime) : new Inline(runtime);
        lastProgress = Long.MIN_VALUE;
        delivery = newDelivery;
        newDelivery.open();
        return newDelivery;
    }

    private void afterStop()
    {
        synchronized (this)
        {
            if (state != PluginState.FAILED)
            {
                transition(PluginState.STOPPED, state == PluginState.QUARANTINED ? reason : enabled ? "" : "disabled");
            }
        }
    }

    private synchronized void transition(final PluginState newState, final String newReason)
    {
        reason = newReason;
        state = newState;
        stateCounter.setRelease(newState.value());
        status.setRelease(newState.value());
        String label = CounterType.PLUGIN_STATUS.label() + ": " + id + " " + spec.version() + " " + newState.name() +
            (newReason.isEmpty() ? "" : " - " + newReason);
        if (label.length() > MAX_STATUS_LABEL)
        {
            label = label.substring(0, MAX_STATUS_LABEL);
        }
        if (label.length() <= CountersReader.MAX_LABEL_LENGTH && !status.isClosed())
        {
            status.updateLabel(label);
        }
    }

    private synchronized void transitionIf(
        final PluginState expected1, final PluginState expected2, final PluginState newState, final String newReason)
    {
        final PluginState current = state;
        if ((current == expected1 || current == expected2) &&
            (current != newState || !reason.equals(newReason) && newState == PluginState.DEGRADED))
        {
            transition(newState, newReason);
        }
    }

    private static String describe(final Throwable ex)
    {
        return ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : ": " + ex.getMessage());
    }

    /** A control command for the slot thread. */
    private static final class Command
    {
        final boolean shutdown;
        final PluginSpec spec;
        final boolean enable;
        final CompletableFuture<Long> result = new CompletableFuture<>();

        Command(final boolean shutdown, final PluginSpec spec, final boolean enable)
        {
            this.shutdown = shutdown;
            this.spec = spec;
            this.enable = enable;
        }
    }

    /**
     * One activation of a plugin: the instance, what it may receive and emit, and its failure count. It is
     * the plugin's {@link PluginContext} and {@link Emitter}.
     */
    private final class Runtime implements PluginContext, Emitter
    {
        final PluginSpec spec;
        final boolean enabled;
        final boolean useInstance;
        final Subscription hostSubscription;
        final BitSet emits;
        final int quarantineAfter;
        Plugin plugin;
        Subscription subscription;
        volatile boolean active;
        boolean started;
        long failures;
        long currentSequence;
        long currentTimestampNs;

        Runtime(final PluginSpec spec, final boolean enabled, final boolean useInstance)
        {
            this.spec = spec;
            this.enabled = enabled;
            this.useInstance = useInstance;
            this.hostSubscription = spec.subscription();
            final int[] permitted = spec.emits();
            if (null == permitted)
            {
                emits = null;
            }
            else
            {
                emits = new BitSet();
                for (final int templateId : permitted)
                {
                    emits.set(templateId);
                }
            }
            this.quarantineAfter = spec.quarantineAfterFailures() > 0 ? spec.quarantineAfterFailures() :
                defaultQuarantineAfter;
            this.plugin = useInstance ? spec.instance() : null;
        }

        boolean admits(final EventSlot slot)
        {
            return active && (null == hostSubscription || hostSubscription.admits(slot));
        }

        void start()
        {
            if (!enabled)
            {
                transition(PluginState.STOPPED, "disabled");
                return;
            }
            try
            {
                if (!useInstance)
                {
                    plugin = null != spec.factory() ? spec.factory().get() : spec.instance();
                }
                if (null == plugin)
                {
                    throw new IllegalStateException("the factory made no instance");
                }
                if (!id.equals(plugin.id()))
                {
                    throw new IllegalStateException("the plugin reports id '" + plugin.id() + "', expected '" + id + "'");
                }
                final Subscription own = plugin.subscription();
                subscription = null == own ? Subscription.all() : own;
                plugin.onStart(this);
                started = true;
                active = true;
                transition(PluginState.RUNNING, "");
            }
            catch (final Throwable ex)
            {
                active = false;
                record(ex);
                transition(PluginState.FAILED, "start failed: " + describe(ex));
            }
        }

        void deliver(final EventSlot event)
        {
            if (!active)
            {
                return;
            }
            try
            {
                if (!subscription.admits(event))
                {
                    return;
                }
            }
            catch (final Throwable ex)
            {
                failed(ex);
                return;
            }
            currentSequence = event.sequence;
            currentTimestampNs = event.timestampNs;
            final long start = nanoClock.nanoTime();
            try
            {
                plugin.onEvent(event);
            }
            catch (final Throwable ex)
            {
                failed(ex);
            }
            latency.recordValue(Math.max(1, Math.min(nanoClock.nanoTime() - start, MAX_LATENCY_NS)));
            processed.incrementRelease();
        }

        void stop()
        {
            active = false;
            if (started)
            {
                started = false;
                try
                {
                    plugin.onStop();
                }
                catch (final Throwable ex)
                {
                    record(ex);
                }
            }
        }

        private void failed(final Throwable ex)
        {
            record(ex);
            errors.incrementRelease();
            if (++failures >= quarantineAfter)
            {
                active = false;
                transition(PluginState.QUARANTINED, "quarantined after " + failures + " failures, last: " + describe(ex));
            }
        }

        private void record(final Throwable ex)
        {
            lastError = describe(ex);
            errorHandler.onError(new PluginException(id, ex));
        }

        public PluginConfig config()
        {
            return spec.config();
        }

        public Emitter emitter()
        {
            return this;
        }

        public EpochClock epochClock()
        {
            return epochClock;
        }

        public boolean emit(final DirectBuffer buffer, final int offset, final int length)
        {
            if (length > EventPublisher.MAX_MESSAGE_LENGTH || null != MessageSchema.validate(buffer, offset, length) ||
                (null != emits && !emits.get(MessageSchema.templateId(buffer, offset))))
            {
                refused.incrementRelease();
                return false;
            }
            final long position = output.next();
            final OutputSlot slot = output.get(position);
            slot.buffer.putBytes(0, buffer, offset, length);
            return commit(slot, position, length);
        }

        public <A> boolean emit(final MessageWriter<A> writer, final A arg)
        {
            final long position = output.next();
            final OutputSlot slot = output.get(position);
            int length = 0;
            try
            {
                length = writer.write(slot.buffer, 0, arg);
                if (length > EventPublisher.MAX_MESSAGE_LENGTH || null != MessageSchema.validate(slot.buffer, 0, length) ||
                    (null != emits && !emits.get(MessageSchema.templateId(slot.buffer, 0))))
                {
                    refused.incrementRelease();
                    length = 0;
                }
            }
            finally
            {
                commit(slot, position, length);
            }
            return 0 != length;
        }

        private boolean commit(final OutputSlot slot, final long position, final int length)
        {
            slot.outputSequence = position;
            slot.inputSequence = currentSequence;
            slot.timestampNs = currentTimestampNs;
            slot.pluginId = id;
            slot.length = length;
            output.publish(position);
            if (0 != length)
            {
                emitted.incrementRelease();
            }
            return 0 != length;
        }
    }

    /** How admitted events reach the plugin. */
    private abstract static class Delivery
    {
        final Runtime runtime;

        Delivery(final Runtime runtime)
        {
            this.runtime = runtime;
        }

        boolean admits(final EventSlot slot)
        {
            return runtime.admits(slot);
        }

        abstract void open();

        abstract void onEvent(EventSlot slot);

        abstract void close(long timeoutMs);

        abstract long progress();

        abstract boolean pending(long journalPosition);

        abstract long backlog();
    }

    /** The plugin runs on the slot thread and holds the ring back when slow. */
    private final class Inline extends Delivery
    {
        Inline(final Runtime runtime)
        {
            super(runtime);
        }

        void open()
        {
            runtime.start();
        }

        void onEvent(final EventSlot slot)
        {
            runtime.deliver(slot);
        }

        void close(final long timeoutMs)
        {
            runtime.stop();
        }

        long progress()
        {
            return sequence.get();
        }

        boolean pending(final long journalPosition)
        {
            return journalPosition > sequence.get();
        }

        long backlog()
        {
            return 0;
        }
    }

    /**
     * The plugin runs on a thread of its own behind a bounded single-producer buffer that the slot thread
     * fills; when the buffer is full the event is dropped for this plugin and counted.
     */
    private final class Detached extends Delivery implements Runnable
    {
        private final RingBuffer<EventSlot> buffer;
        private final SequenceBarrier consumerBarrier;
        private final Sequence consumed = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
        private volatile boolean closing;
        private volatile long drainTo;
        private Thread consumer;
        private long next;

        Detached(final Runtime runtime)
        {
            super(runtime);
            final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(2, runtime.spec.lagLimit()));
            final RingBuffer<EventSlot> spare = spareBuffer;
            spareBuffer = null;
            buffer = null != spare && spare.getBufferSize() == capacity ? spare :
                RingBuffer.createSingleProducer(EventSlot::new, capacity, WaitStrategies.of(waitStrategy));
            buffer.addGatingSequences(consumed);
            next = consumed.get() + 1;
            consumerBarrier = buffer.newBarrier();
        }

        int capacity()
        {
            return buffer.getBufferSize();
        }

        void open()
        {
            runtime.active = true;
            consumer = threadFactory.newThread(this);
            consumer.setName("cc-plugin-" + id + "-detached");
            consumer.start();
        }

        boolean admits(final EventSlot slot)
        {
            return runtime.enabled && runtime.admits(slot);
        }

        void onEvent(final EventSlot slot)
        {
            final long position;
            try
            {
                position = buffer.tryNext();
            }
            catch (final InsufficientCapacityException ex)
            {
                dropped.incrementRelease();
                return;
            }
            final EventSlot copy = buffer.get(position);
            copy.sequence = slot.sequence;
            copy.timestampNs = slot.timestampNs;
            copy.source = slot.source;
            copy.presequenced = slot.presequenced;
            copy.length = slot.length;
            copy.buffer.putBytes(0, slot.buffer, 0, slot.length);
            buffer.publish(position);
        }

        void close(final long timeoutMs)
        {
            drainTo = buffer.getCursor();
            closing = true;
            consumerBarrier.alert();
            try
            {
                consumer.join(Math.max(1, timeoutMs));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            if (consumer.isAlive())
            {
                errorHandler.onError(new IllegalStateException("plugin '" + id + "' has not finished its buffered " +
                    "events within " + timeoutMs + " ms; it stops once it has"));
            }
            else
            {
                buffer.removeGatingSequence(consumed);
                spareBuffer = buffer;
            }
        }

        long progress()
        {
            return consumed.get();
        }

        boolean pending(final long journalPosition)
        {
            return buffer.getCursor() > consumed.get();
        }

        long backlog()
        {
            return Math.max(0, buffer.getCursor() - consumed.get());
        }

        public void run()
        {
            runtime.start();
            long next = this.next;
            while (true)
            {
                try
                {
                    final long available = consumerBarrier.waitFor(next);
                    next = deliverUpTo(next, available);
                }
                catch (final AlertException ex)
                {
                    consumerBarrier.clearAlert();
                    if (closing)
                    {
                        deliverUpTo(next, drainTo);
                        break;
                    }
                }
                catch (final Throwable ex)
                {
                    errorHandler.onError(ex);
                }
            }
            runtime.stop();
        }

        private long deliverUpTo(final long from, final long to)
        {
            long next = from;
            while (next <= to)
            {
                try
                {
                    runtime.deliver(buffer.get(next));
                }
                catch (final Throwable ex)
                {
                    errorHandler.onError(new PluginException(id, ex));
                }
                consumed.set(next);
                next++;
            }
            return next;
        }
    }

    /** Wraps a plugin's error so the distinct log names the plugin. */
    static final class PluginException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        PluginException(final String pluginId, final Throwable cause)
        {
            super("plugin " + pluginId + " failed", cause, false, true);
        }
    }
}
