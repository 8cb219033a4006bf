package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

/**
 * The health of one plugin slot: its state, the reason for it and the last error, moved only through
 * {@link HealthTransition}s, mirrored into the state and status counters (the status label spells it out).
 * <p>
 * <b>Note:</b> thread safe. Transitions come from the slot thread, a detached plugin's thread, the control
 * thread and the sampler; {@link #apply} serialises them under this object's lock so the check of the
 * current state and the move are one step. State, reason and last error are volatile so readers need no lock.
 */
public final class SlotHealth
{
    private static final int MAX_STATUS_LABEL = 300;

    private final String id;
    private final AtomicCounter stateCounter;
    private final AtomicCounter status;
    private volatile PluginState state = PluginState.LOADED;
    private volatile String reason = "";
    private volatile String lastError = "";
    private volatile String version;
    private boolean heldByHost;

    /**
     * Health of a slot that starts LOADED.
     *
     * @param id           plugin id, for the status label.
     * @param version      version of the spec, for the status label.
     * @param stateCounter counter holding the state value.
     * @param status       counter holding the state value and, in its label, the state and reason.
     */
    public SlotHealth(final String id, final String version, final AtomicCounter stateCounter, final AtomicCounter status)
    {
        this.id = id;
        this.version = version;
        this.stateCounter = stateCounter;
        this.status = status;
        publish();
    }

    /**
     * Fire a transition: when it is legal from the current state, move to its target with a reason. A
     * transition to the state it is already in with the same reason changes nothing. A {@link
     * HealthTransition#STOP} of a quarantined plugin keeps the quarantine reason. A STALLED or DISCONNECTED set by a
     * remote proxy ({@link HealthTransition#HOST_STALL}, {@link HealthTransition#DISCONNECT}) is not undone by the
     * sampler's {@link HealthTransition#RECOVER}, only by {@link HealthTransition#RECONNECT} or a new start.
     *
     * @param transition what happened.
     * @param newReason  why, empty when healthy.
     * @return true when the state or reason changed.
     */
    public synchronized boolean apply(final HealthTransition transition, final String newReason)
    {
        final PluginState current = state;
        if (!transition.isLegalFrom(current) || (heldByHost && transition == HealthTransition.RECOVER))
        {
            return false;
        }
        switch (transition)
        {
            case HOST_STALL, DISCONNECT -> heldByHost = true;
            case RECONNECT, STARTING, STOP, QUARANTINE -> heldByHost = false;
            default ->
            {
            }
        }
        final String nextReason = transition == HealthTransition.STOP && current == PluginState.QUARANTINED ?
            reason : newReason;
        if (current == transition.to() && reason.equals(nextReason))
        {
            return false;
        }
        reason = nextReason;
        state = transition.to();
        publish();
        return true;
    }

    /**
     * Set the version shown in the status label, when the slot takes a new spec.
     *
     * @param newVersion version of the spec.
     */
    public void version(final String newVersion)
    {
        version = newVersion;
    }

    /**
     * Record the message of the last error the plugin threw.
     *
     * @param message the message.
     */
    public void lastError(final String message)
    {
        lastError = message;
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

    private void publish()
    {
        final PluginState current = state;
        stateCounter.setRelease(current.value());
        status.setRelease(current.value());
        String label = CounterType.PLUGIN_STATUS.label() + ": " + id + " " + version + " " + current.name() +
            (reason.isEmpty() ? "" : " - " + reason);
        if (label.length() > MAX_STATUS_LABEL)
        {
            label = label.substring(0, MAX_STATUS_LABEL);
        }
        if (label.length() <= CountersReader.MAX_LABEL_LENGTH && !status.isClosed())
        {
            status.updateLabel(label);
        }
    }
}
