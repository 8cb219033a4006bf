package dev.commandcenter.persistence.internal;

import dev.commandcenter.persistence.QueueContext;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * A queue opened for append, its one appender, and the queue's retention: applied when opened and each time the
 * appender rolls to a new cycle. Built by {@link QueueFiles#openForAppend}.
 * <p>
 * <b>Note:</b> not thread safe; used by the one thread that appends at a time.
 */
public final class QueueAppender
{
    private final QueueContext<?> ctx;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private int cycle = Integer.MIN_VALUE;

    QueueAppender(final QueueContext<?> ctx, final SingleChronicleQueue queue, final ExcerptAppender appender)
    {
        this.ctx = ctx;
        this.queue = queue;
        this.appender = appender;
        applyRetention();
    }

    /**
     * The open queue.
     *
     * @return the queue.
     */
    public SingleChronicleQueue queue()
    {
        return queue;
    }

    /**
     * The queue's appender.
     *
     * @return the appender.
     */
    public ExcerptAppender appender()
    {
        return appender;
    }

    /**
     * Call after each append: when the appender has rolled to a new cycle, delete the cycle files the retention
     * lets go. Allocation free when nothing rolled.
     */
    public void onAppended()
    {
        final int appenderCycle = appender.cycle();
        if (appenderCycle != cycle)
        {
            final boolean rolled = Integer.MIN_VALUE != cycle;
            cycle = appenderCycle;
            if (rolled)
            {
                applyRetention();
            }
        }
    }

    private void applyRetention()
    {
        QueueFiles.deleteExpired(ctx.queueDir(), ctx.retention(), queue, ctx.epochClock().time());
    }
}
