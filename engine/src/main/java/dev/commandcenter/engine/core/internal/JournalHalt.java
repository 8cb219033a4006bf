package dev.commandcenter.engine.core.internal;

/**
 * Whether the journaller has halted and why: set once by the journaller when the journal fails, read by
 * producers on every publish so none waits for ring space the halted journaller will never free.
 * <p>
 * <b>Note:</b> thread safe; the reason is published with a volatile write and read with a volatile read.
 */
public final class JournalHalt
{
    private volatile String reason;

    /**
     * Record the halt; the first reason stays.
     *
     * @param reason one line, starting {@code "journal halted: "}.
     */
    public void halt(final String reason)
    {
        if (null == this.reason)
        {
            this.reason = reason;
        }
    }

    /**
     * Whether the journaller has halted.
     *
     * @return true once halted.
     */
    public boolean isHalted()
    {
        return null != reason;
    }

    /**
     * Why the journaller halted.
     *
     * @return the one-line reason, or null while it runs.
     */
    public String reason()
    {
        return reason;
    }
}
