package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.core.internal.EventSlot;
import dev.commandcenter.engine.core.internal.OutputSlot;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.HostHealth;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.Recovery;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One activation of a plugin in its slot: the instance, what it may receive and emit, and its failure
 * count. It is the plugin's {@link PluginContext} and {@link Emitter}: emits are validated against the
 * schema and the spec's permitted message types, then published to the output ring tagged with the input
 * event being handled, through the {@link OutputPort} of the thread the plugin runs on (which wakes the egress). Failures are counted and recorded; after the quarantine limit the plugin receives
 * nothing more.
 * <p>
 * Stamps and latency are per batch, so they cost little enough to leave on: {@link #beginBatch()} reads the
 * epoch-ns clock once for the batch's {@code handledNs} (carried by every message emitted while handling it,
 * with the event's {@code journaledNs} and an {@code emittedNs} read at the emit), and every
 * {@value #LATENCY_SAMPLE_EVERY}th batch is timed with the nano clock, recording the mean handling time of its
 * events once per event (HdrHistogram {@code recordValueWithCount}) for the p50/p99 gauges.
 * <p>
 * <b>Note:</b> {@link #start}, {@link #deliver}, {@link #stop} and the emits run on the plugin's thread (the
 * slot thread, or the detached thread); {@link #admits} runs on the slot thread and reads the volatile
 * {@code active} flag the plugin's thread writes; {@link #plugin()} may be read by any thread.
 */
public final class PluginActivation implements PluginContext, Emitter, HostHealth
{
    private static final long MAX_LATENCY_NS = 60_000_000_000L;
    private static final System.Logger LOG = System.getLogger("dev.commandcenter.engine.plugin");

    /** One batch in this many is timed for the latency gauges (a power of two); the first always is. */
    public static final int LATENCY_SAMPLE_EVERY = 8;

    private final SlotResources res;
    private final PluginSpec spec;
    private final boolean enabled;
    private final boolean useInstance;
    private final Subscription hostSubscription;
    private final BitSet emits;
    private final int quarantineAfter;
    private final OutputPort output;
    private final long liveFrom;
    private volatile Plugin plugin;
    private volatile boolean active;
    private Subscription subscription;
    private boolean started;
    private long failures;
    private long currentSequence;
    private long currentTimestampNs;
    private long currentJournaledNs;
    private long handledNs;
    private long batches;
    private long batchStartNs;
    private boolean timingBatch;
    private int handledInBatch;
    private ClassLoader pluginLoader;
    private ClassLoader previousLoader;
    private boolean recovering;
    private long recoveredEvents;
    private long lastRecoveredSequence;
    private long lastRecoveredTimestampNs;
    private final Consumer<Event> recoveryHandler = this::recover;

    /**
     * An activation that has not started, whose first event is the first the engine published.
     *
     * @param res         what the slot's parts share.
     * @param spec        what to run.
     * @param enabled     false to follow the ring without running the plugin.
     * @param useInstance true to run the spec's instance rather than one from its factory.
     */
    public PluginActivation(
        final SlotResources res, final PluginSpec spec, final boolean enabled, final boolean useInstance)
    {
        this(res, spec, enabled, useInstance, res.recovery().firstSequence());
    }

    /**
     * An activation that has not started.
     *
     * @param res         what the slot's parts share.
     * @param spec        what to run.
     * @param enabled     false to follow the ring without running the plugin.
     * @param useInstance true to run the spec's instance rather than one from its factory.
     * @param liveFrom    engine sequence of the first event this activation will be offered live: recovery reads
     *                    the journal up to it, not including it.
     */
    public PluginActivation(
        final SlotResources res,
        final PluginSpec spec,
        final boolean enabled,
        final boolean useInstance,
        final long liveFrom)
    {
        this.res = res;
        this.liveFrom = liveFrom;
        this.spec = spec;
        this.enabled = enabled;
        this.useInstance = useInstance;
        // A detached plugin emits from its own thread, which must wake the egress; the slot thread may share one
        // with the egress (shared mode) and then drains it itself when the output ring is full.
        this.output = enabled && spec.backPressure() == BackPressure.DETACH ? res.detachedOutput() : res.output();
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
            res.defaultQuarantineAfter();
        this.plugin = useInstance ? spec.instance() : null;
    }

    /**
     * The spec this activation runs.
     *
     * @return the spec.
     */
    public PluginSpec spec()
    {
        return spec;
    }

    /**
     * Whether the plugin runs (false: the slot follows the ring without it).
     *
     * @return true when enabled.
     */
    public boolean enabled()
    {
        return enabled;
    }

    /**
     * The plugin instance, once made.
     *
     * @return the instance, or null.
     */
    public Plugin plugin()
    {
        return plugin;
    }

    /**
     * Mark the plugin as receiving events before its thread starts it, so the slot thread buffers for it.
     */
    public void activate()
    {
        active = true;
    }

    /**
     * Whether an event goes to the plugin at all: it is active and the host's subscription admits it.
     *
     * @param slot the event.
     * @return true when admitted.
     */
    public boolean admits(final EventSlot slot)
    {
        return active && (null == hostSubscription || hostSubscription.admits(slot));
    }

    /**
     * Make (unless the spec's instance is used) and start the plugin, moving the health to RUNNING, STOPPED
     * (disabled) or FAILED.
     */
    public void start()
    {
        final SlotHealth health = res.health();
        if (!enabled)
        {
            health.apply(HealthTransition.DISABLED, "disabled");
            return;
        }
        try
        {
            Plugin instance = plugin;
            if (!useInstance)
            {
                instance = null != spec.factory() ? spec.factory().get() : spec.instance();
                plugin = instance;
            }
            if (null == instance)
            {
                throw new IllegalStateException("the factory made no instance");
            }
            pluginLoader = instance.getClass().getClassLoader();
            enterPlugin();
            if (!res.id().equals(instance.id()))
            {
                throw new IllegalStateException(
                    "the plugin reports id '" + instance.id() + "', expected '" + res.id() + "'");
            }
            final Subscription own = instance.subscription();
            subscription = null == own ? Subscription.all() : own;
            instance.onStart(this);
            started = true;
            active = true;
            health.apply(HealthTransition.STARTED, "");
            recoverState(instance);
        }
        catch (final Throwable ex)
        {
            active = false;
            record(ex);
            health.apply(HealthTransition.START_FAILED, "start failed: " + PluginException.describe(ex));
        }
        finally
        {
            leavePlugin();
        }
    }

    /**
     * The engine sequence of the first event this activation is offered live.
     *
     * @return the sequence the journal is read up to (not including it) when the plugin recovers.
     */
    public long liveFrom()
    {
        return liveFrom;
    }

    /**
     * {@inheritDoc}
     */
    public boolean recovering()
    {
        return recovering;
    }

    /**
     * The recovery in force: the descriptor's, else the plugin's own.
     *
     * @param instance the plugin.
     * @return the declaration, never null.
     */
    Recovery resolveRecovery(final Plugin instance)
    {
        final Recovery declared = null != spec.recovery() ? spec.recovery() : instance.recovery();
        return null == declared ? Recovery.NONE : declared;
    }

    // Plugin's thread, after onStart, before the first live event: restore the snapshot, read [from, liveFrom) of the
    // journal through the plugin's own subscription with its emits dropped, then let it re-announce its state.
    private void recoverState(final Plugin instance)
    {
        final Recovery recovery = resolveRecovery(instance);
        final SlotRecovery settings = res.recovery();
        lastRecoveredSequence = -1;
        lastRecoveredTimestampNs = res.epochNanoClock().nanoTime();
        if (Recovery.Mode.NONE != recovery.mode() && settings.enabled() && liveFrom > 0)
        {
            final long startNs = res.nanoClock().nanoTime();
            long from = Math.max(0, liveFrom - recovery.maxEvents());
            String origin = "journal";
            if (Recovery.Mode.SNAPSHOT == recovery.mode())
            {
                long restored = Recovery.NO_SNAPSHOT;
                recovering = true;
                try
                {
                    restored = instance.restoreSnapshot(this);
                }
                catch (final Throwable ex)
                {
                    record(ex);
                    res.counters().recoveryFallbacks.incrementRelease();
                    restored = Recovery.NO_SNAPSHOT;
                }
                finally
                {
                    recovering = false;
                }
                if (Recovery.NO_SNAPSHOT != restored)
                {
                    from = Math.min(liveFrom, Math.max(restored, from));
                    origin = "snapshot";
                }
            }
            recoveredEvents = 0;
            recovering = true;
            try
            {
                settings.journal().read(from, liveFrom, recoveryHandler);
            }
            catch (final Throwable ex)
            {
                record(new IllegalStateException(
                    "reading the journal from sequence " + from + " to " + liveFrom + " failed", ex));
            }
            finally
            {
                recovering = false;
            }
            final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(res.nanoClock().nanoTime() - startNs);
            LOG.log(System.Logger.Level.INFO, "plugin " + res.id() + ": recovered " + recoveredEvents +
                " events from sequence " + from + " (" + origin + ") in " + elapsedMs + " ms");
        }
        if (!active)
        {
            return;
        }
        currentSequence = lastRecoveredSequence;
        currentTimestampNs = lastRecoveredTimestampNs;
        currentJournaledNs = lastRecoveredTimestampNs;
        handledNs = res.epochNanoClock().nanoTime();
        try
        {
            instance.onRecovered(this);
        }
        catch (final Throwable ex)
        {
            failed(ex);
        }
    }

    private void recover(final Event event)
    {
        if (!active || event.sequence() >= liveFrom)
        {
            return;
        }
        try
        {
            // what the slot admits (the descriptor's subscription), then what the plugin asks for, as when live
            if ((null != hostSubscription && !hostSubscription.admits(event)) || !subscription.admits(event))
            {
                return;
            }
        }
        catch (final Throwable ex)
        {
            failed(ex);
            return;
        }
        currentSequence = event.sequence();
        currentTimestampNs = event.timestampNs();
        currentJournaledNs = event.timestampNs();
        handledNs = res.epochNanoClock().nanoTime();
        lastRecoveredSequence = event.sequence();
        lastRecoveredTimestampNs = event.timestampNs();
        recoveredEvents++;
        try
        {
            plugin.onEvent(event);
        }
        catch (final Throwable ex)
        {
            failed(ex);
        }
        res.counters().recovered.incrementRelease();
    }

    /**
     * Begin a batch (plugin's thread): stamp its handling time and decide whether to time it.
     */
    public void beginBatch()
    {
        enterPlugin();
        handledNs = res.epochNanoClock().nanoTime();
        handledInBatch = 0;
        timingBatch = 0 == (batches++ & (LATENCY_SAMPLE_EVERY - 1));
        if (timingBatch)
        {
            batchStartNs = res.nanoClock().nanoTime();
        }
    }

    /**
     * End a batch (plugin's thread): record the mean handling time of its events when it was timed.
     */
    public void endBatch()
    {
        leavePlugin();
        if (timingBatch)
        {
            timingBatch = false;
            final int handled = handledInBatch;
            if (handled > 0)
            {
                final long meanNs = (res.nanoClock().nanoTime() - batchStartNs) / handled;
                res.latency().recordValueWithCount(Math.max(1, Math.min(meanNs, MAX_LATENCY_NS)), handled);
            }
        }
    }

    /**
     * Hand one event to the plugin when its own subscription admits it, within a batch.
     *
     * @param event the event.
     */
    public void deliver(final EventSlot event)
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
        currentJournaledNs = event.journaledNs;
        try
        {
            plugin.onEvent(event);
        }
        catch (final Throwable ex)
        {
            failed(ex);
        }
        handledInBatch++;
        res.counters().processed.incrementRelease();
    }

    /**
     * Stop delivering and call the plugin's {@code onStop} if it started.
     */
    public void stop()
    {
        active = false;
        if (started)
        {
            started = false;
            enterPlugin();
            try
            {
                plugin.onStop();
            }
            catch (final Throwable ex)
            {
                record(ex);
            }
            finally
            {
                leavePlugin();
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public PluginConfig config()
    {
        return spec.config();
    }

    /**
     * {@inheritDoc}
     */
    public Emitter emitter()
    {
        return this;
    }

    /**
     * {@inheritDoc}
     */
    public EpochClock epochClock()
    {
        return res.epochClock();
    }

    /**
     * {@inheritDoc}
     */
    public void hostAttached()
    {
        res.health().apply(HealthTransition.RECONNECT, "");
    }

    /**
     * {@inheritDoc}
     */
    public void hostStalled(final String reason)
    {
        res.health().apply(HealthTransition.HOST_STALL, reason);
    }

    /**
     * {@inheritDoc}
     */
    public void hostDisconnected(final String reason)
    {
        res.health().apply(HealthTransition.DISCONNECT, reason);
    }

    /**
     * {@inheritDoc}
     */
    public boolean emit(final DirectBuffer buffer, final int offset, final int length)
    {
        if (recovering)
        {
            res.counters().recoveryEmitsDropped.incrementRelease();
            return true;
        }
        if (length > EventPublisher.MAX_MESSAGE_LENGTH || null != MessageSchema.validate(buffer, offset, length) ||
            (null != emits && !emits.get(MessageSchema.templateId(buffer, offset))))
        {
            res.counters().refused.incrementRelease();
            return false;
        }
        final long position = output.claim();
        final OutputSlot slot = output.get(position);
        slot.buffer.putBytes(0, buffer, offset, length);
        return commit(slot, position, length);
    }

    /**
     * {@inheritDoc}
     */
    public <A> boolean emit(final MessageWriter<A> writer, final A arg)
    {
        if (recovering)
        {
            res.counters().recoveryEmitsDropped.incrementRelease();
            return true;
        }
        final long position = output.claim();
        final OutputSlot slot = output.get(position);
        int length = 0;
        try
        {
            length = writer.write(slot.buffer, 0, arg);
            if (length > EventPublisher.MAX_MESSAGE_LENGTH || null != MessageSchema.validate(slot.buffer, 0, length) ||
                (null != emits && !emits.get(MessageSchema.templateId(slot.buffer, 0))))
            {
                res.counters().refused.incrementRelease();
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
        slot.journaledNs = currentJournaledNs;
        slot.handledNs = handledNs;
        slot.emittedNs = res.epochNanoClock().nanoTime();
        slot.pluginId = res.id();
        slot.length = length;
        output.publish(position);
        if (0 != length)
        {
            res.counters().emitted.incrementRelease();
        }
        return 0 != length;
    }

    // Plugin code runs with its own class loader as the thread's context class loader, so what looks classes up
    // through it (ServiceLoader, frameworks) sees what the plugin sees, not the engine. In shared threading modes one
    // thread runs several plugins: set per batch, restored after, a field write each way.
    private void enterPlugin()
    {
        final ClassLoader loader = pluginLoader;
        if (null != loader)
        {
            final Thread thread = Thread.currentThread();
            previousLoader = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
        }
    }

    private void leavePlugin()
    {
        if (null != pluginLoader)
        {
            Thread.currentThread().setContextClassLoader(previousLoader);
            previousLoader = null;
        }
    }

    private void failed(final Throwable ex)
    {
        record(ex);
        res.counters().errors.incrementRelease();
        if (++failures >= quarantineAfter)
        {
            active = false;
            res.health().apply(HealthTransition.QUARANTINE,
                "quarantined after " + failures + " failures, last: " + PluginException.describe(ex));
        }
    }

    private void record(final Throwable ex)
    {
        res.health().lastError(PluginException.describe(ex));
        res.errorHandler().onError(new PluginException(res.id(), ex));
    }
}
