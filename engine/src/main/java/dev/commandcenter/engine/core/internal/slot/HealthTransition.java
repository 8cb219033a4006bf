package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.codecs.sbe.PluginState;

import java.util.EnumSet;

import static dev.commandcenter.codecs.sbe.PluginState.DEGRADED;
import static dev.commandcenter.codecs.sbe.PluginState.DISCONNECTED;
import static dev.commandcenter.codecs.sbe.PluginState.FAILED;
import static dev.commandcenter.codecs.sbe.PluginState.LOADED;
import static dev.commandcenter.codecs.sbe.PluginState.QUARANTINED;
import static dev.commandcenter.codecs.sbe.PluginState.RUNNING;
import static dev.commandcenter.codecs.sbe.PluginState.STALLED;
import static dev.commandcenter.codecs.sbe.PluginState.STOPPED;

/**
 * The transition table of a plugin slot's health: every event that moves the state, the states it may
 * move from and the state it moves to. An event fired in a state not in its {@link #from()} set is not a
 * legal transition and leaves the state as it is (see {@link SlotHealth#apply}).
 * <pre>
 *   event          from                                   to
 *   LOAD_FAILED    LOADED, FAILED                         FAILED
 *   STARTING       any state                              LOADED
 *   STARTED        LOADED                                 RUNNING
 *   START_FAILED   LOADED                                 FAILED
 *   DISABLED       LOADED                                 STOPPED
 *   QUARANTINE     RUNNING, DEGRADED, STALLED             QUARANTINED
 *   STOP           any state but FAILED                   STOPPED
 *   STALL          RUNNING, DEGRADED                      STALLED
 *   RECOVER        STALLED                                RUNNING
 *   DEGRADE        RUNNING, DEGRADED                      DEGRADED
 *   CATCH_UP       DEGRADED                               RUNNING
 *   HOST_STALL     RUNNING, DEGRADED                      STALLED
 *   DISCONNECT     RUNNING, DEGRADED, STALLED, DISCONNECTED DISCONNECTED
 *   RECONNECT      STALLED, DISCONNECTED                  RUNNING
 * </pre>
 * STARTING and STOP are legal from DISCONNECTED too. The last three are fired by the proxy of a plugin hosted out
 * of process ({@link dev.commandcenter.engine.plugin.HostHealth}): a STALLED or DISCONNECTED set by it is held
 * until its host is back, so the sampler's {@link #RECOVER} does not undo it.
 * The slot thread (or a detached plugin's thread) fires the lifecycle events, the control thread
 * {@link #LOAD_FAILED} and {@link #STARTING} for a slot that is not running, and the sampler the
 * monitoring events {@link #STALL}, {@link #RECOVER}, {@link #DEGRADE} and {@link #CATCH_UP}.
 */
public enum HealthTransition
{
    /** The spec could not be loaded (class, descriptor, version); only for a slot that is not running. */
    LOAD_FAILED(FAILED, EnumSet.of(LOADED, FAILED)),
    /** A new instance is about to start: a swap, reload, enable or disable, or the first start. */
    STARTING(LOADED, EnumSet.of(LOADED, RUNNING, DEGRADED, STALLED, QUARANTINED, STOPPED, FAILED, DISCONNECTED)),
    /** The instance's {@code onStart} returned. */
    STARTED(RUNNING, EnumSet.of(LOADED)),
    /** The instance could not be made or its {@code onStart} threw. */
    START_FAILED(FAILED, EnumSet.of(LOADED)),
    /** The slot follows the ring without running the plugin. */
    DISABLED(STOPPED, EnumSet.of(LOADED)),
    /** Too many failures in {@code onEvent}: the plugin receives nothing more. */
    QUARANTINE(QUARANTINED, EnumSet.of(RUNNING, DEGRADED, STALLED)),
    /** The slot shut down; a quarantined plugin keeps its reason, a failed one stays FAILED. */
    STOP(STOPPED, EnumSet.of(LOADED, RUNNING, DEGRADED, STALLED, QUARANTINED, STOPPED, DISCONNECTED)),
    /** Sampler: events waited and the plugin made no progress for its stall timeout. */
    STALL(STALLED, EnumSet.of(RUNNING, DEGRADED)),
    /** Sampler: a stalled plugin moved again (or nothing waits for it). */
    RECOVER(RUNNING, EnumSet.of(STALLED)),
    /** Sampler: a blocking plugin is beyond its lag limit or a detached one dropped events. */
    DEGRADE(DEGRADED, EnumSet.of(RUNNING, DEGRADED)),
    /** Sampler: a degraded plugin is back within its limits. */
    CATCH_UP(RUNNING, EnumSet.of(DEGRADED)),
    /** Remote proxy: the plugin's host has been silent for a heartbeat interval. */
    HOST_STALL(STALLED, EnumSet.of(RUNNING, DEGRADED)),
    /** Remote proxy: no host is attached (none yet, or its link closed or went silent). */
    DISCONNECT(DISCONNECTED, EnumSet.of(RUNNING, DEGRADED, STALLED, DISCONNECTED)),
    /** Remote proxy: a host is attached and heard from again. */
    RECONNECT(RUNNING, EnumSet.of(STALLED, DISCONNECTED));

    private final PluginState to;
    private final EnumSet<PluginState> from;

    HealthTransition(final PluginState to, final EnumSet<PluginState> from)
    {
        this.to = to;
        this.from = from;
    }

    /**
     * The state this event moves to.
     *
     * @return the target state.
     */
    public PluginState to()
    {
        return to;
    }

    /**
     * The states this event may move from.
     *
     * @return a copy of the set.
     */
    public EnumSet<PluginState> from()
    {
        return EnumSet.copyOf(from);
    }

    /**
     * Whether this event is a legal transition from a state.
     *
     * @param state the current state.
     * @return true when the event moves the state.
     */
    public boolean isLegalFrom(final PluginState state)
    {
        return from.contains(state);
    }

    /**
     * The states a state may move to by any event (itself included when an event allows it).
     *
     * @param state the current state.
     * @return the allowed next states.
     */
    public static EnumSet<PluginState> allowedNext(final PluginState state)
    {
        final EnumSet<PluginState> next = EnumSet.noneOf(PluginState.class);
        for (final HealthTransition transition : values())
        {
            if (transition.from.contains(state))
            {
                next.add(transition.to);
            }
        }
        return next;
    }
}
