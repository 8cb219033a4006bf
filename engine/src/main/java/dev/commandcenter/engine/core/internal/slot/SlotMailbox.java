package dev.commandcenter.engine.core.internal.slot;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A mailbox of one control command for a plugin slot. The control thread {@link #offer}s a command; the
 * slot thread {@link #peek}s it between events, applies it and {@link #complete}s it, which empties the
 * mailbox and completes the command's result. Only one command is pending at a time: an offer while one is
 * pending is refused, so a command is applied exactly once and commands are applied in the order offered.
 * <p>
 * <b>Note:</b> one control thread offers at a time (offers also race safely: the compare-and-set admits
 * one); only the slot thread peeks and completes. Memory ordering: the offer is a volatile compare-and-set
 * (release), {@link #peek} a volatile read (acquire), so the command's fields, and anything the control
 * thread wrote before the offer, are visible to the slot thread; {@link #complete} empties the mailbox with a
 * release store before completing the result, so a new offer can follow as soon as the result is seen.
 */
public final class SlotMailbox
{
    private static final VarHandle COMMAND;

    static
    {
        try
        {
            COMMAND = MethodHandles.lookup().findVarHandle(SlotMailbox.class, "command", SlotCommand.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused") // accessed through COMMAND
    private volatile SlotCommand command;

    /**
     * Post a command for the slot thread (control thread).
     *
     * @param newCommand the command.
     * @return false when another command is still pending.
     */
    public boolean offer(final SlotCommand newCommand)
    {
        return COMMAND.compareAndSet(this, null, newCommand);
    }

    /**
     * The pending command, left in place until {@link #complete} (slot thread).
     *
     * @return the command, or null when none is pending.
     */
    public SlotCommand peek()
    {
        return (SlotCommand)COMMAND.getAcquire(this);
    }

    /**
     * Whether a command is pending; cheap enough to ask between events (slot thread).
     *
     * @return true when one is pending.
     */
    public boolean hasCommand()
    {
        return null != COMMAND.getAcquire(this);
    }

    /**
     * Empty the mailbox and complete a command that was applied (slot thread).
     *
     * @param applied  the command returned by {@link #peek}.
     * @param boundary first ring position after the boundary, the command's result.
     */
    public void complete(final SlotCommand applied, final long boundary)
    {
        COMMAND.setRelease(this, null);
        applied.result().complete(boundary);
    }
}
