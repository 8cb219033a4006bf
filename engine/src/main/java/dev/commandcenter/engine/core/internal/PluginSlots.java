package dev.commandcenter.engine.core.internal;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.core.internal.PluginHandler;
import dev.commandcenter.engine.plugin.PluginHealth;
import org.agrona.ErrorHandler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The plugin slots of an engine, by id: plugin control (add, reload, enable, disable, remove), health,
 * sampling and shutdown. A slot is sampled only while it is registered, and a removed slot is unregistered
 * (under the sampling lock) before its counters are freed, so the sampler never writes a freed counter.
 * <p>
 * <b>Note:</b> control methods are serialised on one lock; {@link #sample} runs on the sampler thread; the
 * lookups are thread safe and lock free.
 */
public final class PluginSlots
{
    private final Function<PluginSpec, PluginHandler> newSlot;
    private final long controlTimeoutMs;
    private final ErrorHandler errorHandler;
    private final List<PluginHandler> slots = new CopyOnWriteArrayList<>();
    private final Object controlLock = new Object();
    private final Object sampleLock = new Object();
    private volatile Map<String, PluginHandler> byId = Map.of();
    private volatile boolean closed;

    /**
     * An empty registry.
     *
     * @param newSlot          makes a slot for a spec, not started.
     * @param controlTimeoutMs how long a control command waits for a plugin to reach a sequence boundary.
     * @param errorHandler     told of plugins that do not drain or stop in time.
     */
    public PluginSlots(
        final Function<PluginSpec, PluginHandler> newSlot,
        final long controlTimeoutMs,
        final ErrorHandler errorHandler)
    {
        this.newSlot = newSlot;
        this.controlTimeoutMs = controlTimeoutMs;
        this.errorHandler = errorHandler;
    }

    /**
     * Start the slots of the configured plugins and wait (up to the control timeout in all) until each
     * has started or failed.
     *
     * @param specs the configured plugins, ids distinct.
     */
    public void startAll(final List<PluginSpec> specs)
    {
        synchronized (controlLock)
        {
            final List<PluginHandler> started = new ArrayList<>(specs.size());
            for (final PluginSpec spec : specs)
            {
                final PluginHandler slot = newSlot.apply(spec);
                register(slot);
                started.add(slot);
            }
            for (final PluginHandler slot : started)
            {
                slot.start();
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(controlTimeoutMs);
            for (final PluginHandler slot : started)
            {
                slot.awaitStarted(deadlineNs);
            }
        }
    }

    /**
     * Add a plugin while the engine runs; it joins the ring at the current cursor.
     *
     * @param spec what to run.
     * @return its state once started (or failed).
     * @throws IllegalArgumentException when a plugin with that id exists.
     * @throws IllegalStateException when the engine is closed.
     */
    public PluginState add(final PluginSpec spec)
    {
        spec.validate();
        synchronized (controlLock)
        {
            requireOpen();
            if (byId.containsKey(spec.id()))
            {
                throw new IllegalArgumentException("plugin id '" + spec.id() + "' is used twice");
            }
            final PluginHandler slot = newSlot.apply(spec);
            register(slot);
            slot.swap(spec, spec.enabled(), controlTimeoutMs);
            return slot.state();
        }
    }

    /**
     * Replace a plugin at a sequence boundary (see {@code Engine.reloadPlugin}).
     *
     * @param spec what to run from the boundary on.
     * @return the first ring position the new instance is offered, -1 for a spec that failed to load.
     */
    public long reload(final PluginSpec spec)
    {
        spec.validate();
        synchronized (controlLock)
        {
            final PluginHandler slot = require(spec.id());
            if (null != spec.failure())
            {
                slot.fail(spec);
                return -1;
            }
            return slot.swap(spec, true, controlTimeoutMs);
        }
    }

    /**
     * Enable or disable a plugin at a sequence boundary; enabling starts a fresh instance.
     *
     * @param pluginId id of the plugin.
     * @param enable   true to run it, false to stop it.
     * @return its state afterwards.
     */
    public PluginState enable(final String pluginId, final boolean enable)
    {
        synchronized (controlLock)
        {
            final PluginHandler slot = require(pluginId);
            slot.swap(slot.spec(), enable, controlTimeoutMs);
            return slot.state();
        }
    }

    /**
     * Unload a plugin: stop it, unregister it (no sample sees it after this) and only then take it off the
     * ring and free its counters.
     *
     * @param pluginId id of the plugin.
     * @return true when it stopped within the control timeout.
     */
    public boolean remove(final String pluginId)
    {
        synchronized (controlLock)
        {
            final PluginHandler slot = require(pluginId);
            final boolean stopped = slot.shutdown(controlTimeoutMs);
            if (stopped)
            {
                unregister(slot);
                slot.release(true);
            }
            return stopped;
        }
    }

    /**
     * Sample every registered slot (gauges and the health states the sampler owns).
     *
     * @param nowMs           epoch ms of the sample.
     * @param cursor          the input ring cursor.
     * @param journalPosition the journaller's position.
     */
    public void sample(final long nowMs, final long cursor, final long journalPosition)
    {
        synchronized (sampleLock)
        {
            for (final PluginHandler slot : slots)
            {
                slot.sample(nowMs, cursor, journalPosition);
            }
        }
    }

    /**
     * Stop every slot after it has handled what the journaller passed (bounded by the timeout); no control
     * command is accepted afterwards.
     *
     * @param journalPosition the journaller's final position.
     * @param timeoutMs       for draining and stopping, in all.
     */
    public void shutdownAll(final long journalPosition, final long timeoutMs)
    {
        synchronized (controlLock)
        {
            closed = true;
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            for (final PluginHandler slot : slots)
            {
                if (!slot.awaitDrained(journalPosition, deadlineNs))
                {
                    errorHandler.onError(new IllegalStateException("plugin '" + slot.id() + "' not drained in " +
                        timeoutMs + " ms, stopping it"));
                }
            }
            for (final PluginHandler slot : slots)
            {
                slot.shutdown(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            }
        }
    }

    /**
     * Whether every slot has handled everything up to a ring position.
     *
     * @param cursor ring position.
     * @return true when all are drained.
     */
    public boolean isDrained(final long cursor)
    {
        for (final PluginHandler slot : slots)
        {
            if (!slot.isDrained(cursor))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Health of every plugin, in the order they were added.
     *
     * @param cursor the input ring cursor.
     * @return one entry per plugin.
     */
    public List<PluginHealth> health(final long cursor)
    {
        final List<PluginHealth> result = new ArrayList<>(slots.size());
        for (final PluginHandler slot : slots)
        {
            result.add(slot.health(cursor));
        }
        return result;
    }

    /**
     * The slot of a plugin.
     *
     * @param pluginId id of the plugin.
     * @return the slot, or null when there is no such plugin.
     */
    public PluginHandler get(final String pluginId)
    {
        return byId.get(pluginId);
    }

    /**
     * Whether a plugin may send to an egress; outputs of unknown plugins pass.
     *
     * @param pluginId   id of the emitting plugin.
     * @param egressName name of the egress.
     * @return true when permitted.
     */
    public boolean permitsOutput(final String pluginId, final String egressName)
    {
        final PluginHandler slot = byId.get(pluginId);
        return null == slot || slot.permitsOutput(egressName);
    }

    private void register(final PluginHandler slot)
    {
        synchronized (sampleLock)
        {
            slots.add(slot);
            index();
        }
    }

    private void unregister(final PluginHandler slot)
    {
        // Taking the sampling lock waits out a sample in progress; later samples no longer see the slot.
        synchronized (sampleLock)
        {
            slots.remove(slot);
            index();
        }
    }

    private void index()
    {
        final Map<String, PluginHandler> index = new HashMap<>();
        for (final PluginHandler slot : slots)
        {
            index.put(slot.id(), slot);
        }
        byId = Map.copyOf(index);
    }

    private PluginHandler require(final String pluginId)
    {
        requireOpen();
        final PluginHandler slot = byId.get(pluginId);
        if (null == slot)
        {
            throw new IllegalArgumentException("no plugin '" + pluginId + "', expected one of " +
                new TreeSet<>(byId.keySet()));
        }
        return slot;
    }

    private void requireOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("the engine is closed");
        }
    }
}
