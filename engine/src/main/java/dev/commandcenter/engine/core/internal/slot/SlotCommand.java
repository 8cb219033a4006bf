package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.core.PluginSpec;

import java.util.concurrent.CompletableFuture;

/**
 * A control command for a plugin slot, posted by the control thread to the slot's {@link SlotMailbox} and
 * applied by the slot thread at a sequence boundary. Its result is the first ring position after the boundary.
 * <p>
 * <b>Note:</b> immutable apart from its result; the fields are final so a command is whole once it is seen.
 */
public final class SlotCommand
{
    /** What a command does. */
    public enum Kind
    {
        /** Stop the running instance and start one made from a new spec. */
        SWAP,
        /** Stop the running instance and end the slot thread. */
        SHUTDOWN
    }

    private final Kind kind;
    private final PluginSpec spec;
    private final boolean enable;
    private final CompletableFuture<Long> result = new CompletableFuture<>();

    private SlotCommand(final Kind kind, final PluginSpec spec, final boolean enable)
    {
        this.kind = kind;
        this.spec = spec;
        this.enable = enable;
    }

    /**
     * A command to swap the running instance for one made from a spec.
     *
     * @param spec   what to run from the boundary on.
     * @param enable false to follow the ring without running the plugin.
     * @return the command.
     */
    public static SlotCommand swap(final PluginSpec spec, final boolean enable)
    {
        return new SlotCommand(Kind.SWAP, spec, enable);
    }

    /**
     * A command to stop the plugin and end the slot thread.
     *
     * @return the command.
     */
    public static SlotCommand shutdown()
    {
        return new SlotCommand(Kind.SHUTDOWN, null, false);
    }

    /**
     * What the command does.
     *
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * The spec to run, for {@link Kind#SWAP}.
     *
     * @return the spec, null for {@link Kind#SHUTDOWN}.
     */
    public PluginSpec spec()
    {
        return spec;
    }

    /**
     * Whether the new instance runs, for {@link Kind#SWAP}.
     *
     * @return true to run it.
     */
    public boolean enable()
    {
        return enable;
    }

    /**
     * Completed by the slot thread with the first ring position after the boundary.
     *
     * @return the result.
     */
    public CompletableFuture<Long> result()
    {
        return result;
    }
}
