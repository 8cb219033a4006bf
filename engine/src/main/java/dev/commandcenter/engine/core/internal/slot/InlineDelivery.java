package dev.commandcenter.engine.core.internal.slot;

import com.lmax.disruptor.Sequence;
import dev.commandcenter.engine.core.internal.EventSlot;

/**
 * {@code BLOCK} delivery: the plugin runs on the slot thread and holds the ring back when slow.
 */
public final class InlineDelivery extends Delivery
{
    private final Sequence slotSequence;

    /**
     * Deliver on the slot thread.
     *
     * @param activation   the plugin activation.
     * @param slotSequence the slot's sequence on the input ring, its progress.
     */
    public InlineDelivery(final PluginActivation activation, final Sequence slotSequence)
    {
        super(activation);
        this.slotSequence = slotSequence;
    }

    /**
     * {@inheritDoc}
     */
    public void open()
    {
        activation.start();
    }

    /**
     * {@inheritDoc}
     */
    public void beginBatch()
    {
        activation.beginBatch();
    }

    /**
     * {@inheritDoc}
     */
    public void endBatch()
    {
        activation.endBatch();
    }

    /**
     * {@inheritDoc}
     */
    public void onEvent(final EventSlot slot)
    {
        activation.deliver(slot);
    }

    /**
     * {@inheritDoc}
     */
    public void close(final long timeoutMs)
    {
        activation.stop();
    }

    /**
     * {@inheritDoc}
     */
    public long progress()
    {
        return slotSequence.get();
    }

    /**
     * {@inheritDoc}
     */
    public boolean pending(final long journalPosition)
    {
        return journalPosition > slotSequence.get();
    }

    /**
     * {@inheritDoc}
     */
    public long backlog()
    {
        return 0;
    }
}
