package dev.commandcenter.transport.websocket;

import io.netty.channel.IoHandlerContext;

/**
 * The context an {@link io.netty.channel.IoHandler} wrapped by another is run with: the loop's own context, set for
 * the pass, with the wrapper's answer to whether the handler may block.
 */
abstract class LoopContext implements IoHandlerContext
{
    /** The loop's context for the current pass; null between passes. */
    IoHandlerContext loopContext;

    /**
     * {@inheritDoc}
     */
    public long delayNanos(final long currentTimeNanos)
    {
        return loopContext.delayNanos(currentTimeNanos);
    }

    /**
     * {@inheritDoc}
     */
    public long deadlineNanos()
    {
        return loopContext.deadlineNanos();
    }

    /**
     * {@inheritDoc}
     */
    public void reportActiveIoTime(final long activeNanos)
    {
        loopContext.reportActiveIoTime(activeNanos);
    }

    /**
     * {@inheritDoc}
     */
    public boolean shouldReportActiveIoTime()
    {
        return loopContext.shouldReportActiveIoTime();
    }
}
