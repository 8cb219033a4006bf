package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.core.internal.EventSlot;

/**
 * {@code DETACH} delivery: the plugin runs on a thread of its own ({@link DetachedConsumer}) behind a bounded
 * {@link DetachedBuffer} the slot thread fills; when the buffer is full the event is dropped for this plugin
 * and counted, so a slow plugin never holds the ring back.
 */
public final class DetachedDelivery extends Delivery
{
    private final SlotResources res;
    private final DetachedBuffer buffer;
    private final DetachedConsumer consumer;
    private AgentThread thread;

    /**
     * Deliver through a buffer to a thread of the plugin's own.
     *
     * @param activation the plugin activation.
     * @param buffer     the hand-off, empty.
     * @param res        what the slot's parts share.
     */
    public DetachedDelivery(final PluginActivation activation, final DetachedBuffer buffer, final SlotResources res)
    {
        super(activation);
        this.res = res;
        this.buffer = buffer;
        this.consumer = new DetachedConsumer(res.id(), buffer, activation, res.errorHandler());
    }

    /**
     * The hand-off buffer.
     *
     * @return the buffer.
     */
    public DetachedBuffer buffer()
    {
        return buffer;
    }

    /**
     * Events it buffers at most.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return buffer.capacity();
    }

    /**
     * {@inheritDoc}
     */
    public void open()
    {
        // Admit events from now on; the detached thread starts the plugin before it takes the first.
        activation.activate();
        thread = AgentThread.start(consumer, res.idleStrategies().get(), res.errorHandler(), res.threadFactory(), null);
    }

    /**
     * {@inheritDoc}
     */
    public boolean admits(final EventSlot slot)
    {
        return activation.enabled() && activation.admits(slot);
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(final EventSlot slot)
    {
        buffer.offer(slot);
    }

    /**
     * Wake the detached thread once for the batch just offered.
     */
    public void endBatch()
    {
        thread.wake();
    }

    /**
     * {@inheritDoc}
     */
    public void close(final long timeoutMs)
    {
        consumer.requestClose(buffer.cursor());
        thread.wake();
        if (!thread.join(timeoutMs))
        {
            res.errorHandler().onError(new IllegalStateException("plugin '" + res.id() + "' has not finished its " +
                "buffered events within " + timeoutMs + " ms; it stops once it has"));
        }
    }

    /**
     * Whether the detached thread has ended, so the buffer can serve the next activation.
     *
     * @return true when it has ended.
     */
    public boolean isClosed()
    {
        return null != thread && !thread.isAlive();
    }

    /**
     * {@inheritDoc}
     */
    public long progress()
    {
        return buffer.consumed();
    }

    /**
     * {@inheritDoc}
     */
    public boolean pending(final long journalPosition)
    {
        return buffer.cursor() > buffer.consumed();
    }

    /**
     * {@inheritDoc}
     */
    public long backlog()
    {
        return buffer.backlog();
    }
}
