package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.core.internal.EventSlot;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentTerminationException;

import java.util.function.Consumer;

/**
 * The agent of a detached plugin's thread: starts the plugin, hands it the copies in its
 * {@link DetachedBuffer} and, once asked to close, finishes the copies buffered before the request, stops
 * the plugin and ends.
 * <p>
 * <b>Note:</b> {@link #requestClose} is called by the slot thread; everything else runs on the agent's thread.
 * The drain position is written before the closing flag (both volatile), so the agent that sees the flag
 * sees the position.
 */
public final class DetachedConsumer implements WakeableAgent, Consumer<EventSlot>
{
    private final String roleName;
    private final String pluginId;
    private final DetachedBuffer buffer;
    private final PluginActivation activation;
    private final ErrorHandler errorHandler;
    private volatile long drainTo = Long.MAX_VALUE;
    private volatile boolean closing;

    /**
     * A consumer of one buffer for one activation.
     *
     * @param pluginId     plugin id, for the role name and errors.
     * @param buffer       the hand-off from the slot thread.
     * @param activation   the plugin activation it runs.
     * @param errorHandler the engine's distinct error log.
     */
    public DetachedConsumer(
        final String pluginId, final DetachedBuffer buffer, final PluginActivation activation,
        final ErrorHandler errorHandler)
    {
        this.roleName = "cc-plugin-" + pluginId + "-detached";
        this.pluginId = pluginId;
        this.buffer = buffer;
        this.activation = activation;
        this.errorHandler = errorHandler;
    }

    /**
     * Ask the agent to finish the copies up to a position, stop the plugin and end (slot thread).
     *
     * @param lastPosition the buffer's cursor when the slot stopped offering.
     */
    public void requestClose(final long lastPosition)
    {
        drainTo = lastPosition;
        closing = true;
    }

    /**
     * {@inheritDoc}
     */
    public void onStart()
    {
        activation.start();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        if (closing)
        {
            if (buffer.cursor() > buffer.consumed())
            {
                activation.beginBatch();
                buffer.poll(this, drainTo);
                activation.endBatch();
            }
            throw new AgentTerminationException("plugin '" + pluginId + "' detached thread closed");
        }
        if (buffer.cursor() <= buffer.consumed())
        {
            return 0;
        }
        activation.beginBatch();
        final int polled = buffer.poll(this, Long.MAX_VALUE);
        activation.endBatch();
        return polled;
    }

    /**
     * {@inheritDoc}
     */
    public boolean hasWork()
    {
        return closing || buffer.cursor() > buffer.consumed();
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        activation.stop();
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }

    /**
     * Deliver one copy, keeping a failure to this event.
     *
     * @param copy the buffered event.
     */
    public void accept(final EventSlot copy)
    {
        try
        {
            activation.deliver(copy);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(new PluginException(pluginId, ex));
        }
    }
}
