package dev.commandcenter.persistence;

import java.lang.management.ManagementFactory;

/**
 * Measures heap allocation by the current thread. A window is repeated a few times and the least is
 * kept: the JIT and one-off growth allocate now and then during warm-up, while anything allocated per
 * operation shows in every window.
 */
final class Allocations
{
    private Allocations()
    {
    }

    static long leastAllocatedBytes(final int windows, final Runnable window)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long threadId = Thread.currentThread().threadId();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < windows && least > 0; i++)
        {
            final long before = threads.getThreadAllocatedBytes(threadId);
            window.run();
            least = Math.min(least, threads.getThreadAllocatedBytes(threadId) - before);
        }
        return least;
    }
}
