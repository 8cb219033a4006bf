package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.core.internal.EventSlot;

/**
 * How the events a slot admits reach its plugin: {@link InlineDelivery} on the slot thread ({@code BLOCK}) or
 * {@link DetachedDelivery} on a thread of its own behind a bounded buffer ({@code DETACH}).
 * <p>
 * <b>Note:</b> {@link #open}, {@link #admits}, {@link #onEvent} and {@link #close} run on the slot thread;
 * {@link #progress}, {@link #pending} and {@link #backlog} are read by the control thread and the sampler
 * and only read sequences (acquire).
 */
public abstract class Delivery
{
    /** The activation events are delivered to. */
    protected final PluginActivation activation;

    /**
     * A delivery to one activation.
     *
     * @param activation the plugin activation.
     */
    protected Delivery(final PluginActivation activation)
    {
        this.activation = activation;
    }

    /**
     * The activation events are delivered to.
     *
     * @return the activation.
     */
    public PluginActivation activation()
    {
        return activation;
    }

    /**
     * Whether the event goes to the plugin (slot thread).
     *
     * @param slot the event.
     * @return true when admitted.
     */
    public boolean admits(final EventSlot slot)
    {
        return activation.admits(slot);
    }

    /**
     * Start the plugin, or the thread that starts it (slot thread).
     */
    public abstract void open();

    /**
     * A batch of events is about to be offered (slot thread).
     */
    public void beginBatch()
    {
    }

    /**
     * The batch begun by {@link #beginBatch()} has been offered (slot thread).
     */
    public void endBatch()
    {
    }

    /**
     * Hand over one admitted event (slot thread).
     *
     * @param slot the event, valid only during the call.
     */
    public abstract void onEvent(EventSlot slot);

    /**
     * Stop the plugin after the events handed over so far (slot thread).
     *
     * @param timeoutMs how long a detached plugin may take to finish its buffered events.
     */
    public abstract void close(long timeoutMs);

    /**
     * A position that moves while the plugin makes progress.
     *
     * @return the position.
     */
    public abstract long progress();

    /**
     * Whether events wait for the plugin.
     *
     * @param journalPosition ring position the journaller has passed.
     * @return true when some wait.
     */
    public abstract boolean pending(long journalPosition);

    /**
     * Events handed over but not yet handled by the plugin.
     *
     * @return the backlog, 0 for an inline plugin.
     */
    public abstract long backlog();
}
