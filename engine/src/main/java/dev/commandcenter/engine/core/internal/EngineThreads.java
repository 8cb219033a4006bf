package dev.commandcenter.engine.core.internal;

import dev.commandcenter.engine.JournalHaltedException;

import org.agrona.ErrorHandler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes and keeps track of every thread the engine starts (ring processors, plugin slots, the sampler):
 * daemon threads named {@code <prefix>-<n>} whose uncaught throws go to the error handler, so close can
 * tell whether every one of them has stopped.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class EngineThreads
{
    private final ErrorHandler errorHandler;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    /**
     * Track threads, reporting their failures to an error handler.
     *
     * @param errorHandler told of uncaught throws.
     */
    public EngineThreads(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
    }

    /**
     * A factory of tracked threads.
     *
     * @param prefix of the thread names.
     * @return the factory.
     */
    public ThreadFactory factory(final String prefix)
    {
        final AtomicInteger count = new AtomicInteger();
        return (runnable) ->
        {
            final Thread thread = new Thread(runnable, prefix + "-" + count.getAndIncrement());
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, ex) ->
            {
                // A halted journal was already recorded by whoever halted it.
                if (!(ex instanceof JournalHaltedException))
                {
                    errorHandler.onError(ex);
                }
            });
            // Plugin reloads start new threads; forget the finished ones rather than keep them all.
            threads.removeIf((finished) -> finished.getState() == Thread.State.TERMINATED);
            threads.add(thread);
            return thread;
        };
    }

    /**
     * Wait for every tracked thread to end, each for at most the timeout.
     *
     * @param timeoutMs per thread.
     * @return true when none is alive any more.
     */
    public boolean joinAll(final long timeoutMs)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        boolean stopped = true;
        for (final Thread thread : threads)
        {
            try
            {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            stopped &= !thread.isAlive();
        }
        return stopped;
    }
}
