package dev.commandcenter.engine.core.internal;

import dev.commandcenter.engine.JournalHaltedException;

import com.lmax.disruptor.ExceptionHandler;
import org.agrona.ErrorHandler;

/**
 * Routes the output ring's exceptions to the error log instead of halting the processor. A
 * {@link JournalHaltedException} (the journaller reports its own halt; none reaches a ring processor today)
 * is logged and rethrown, so a processor it did reach would stop.
 */
final class LoggingExceptionHandler implements ExceptionHandler<Object>
{
    private final ErrorHandler errorHandler;

    LoggingExceptionHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
    }

    public void handleEventException(final Throwable ex, final long sequence, final Object event)
    {
        errorHandler.onError(ex);
        if (ex instanceof JournalHaltedException failed)
        {
            // Rethrowing halts the journaller's processor without advancing its sequence.
            throw failed;
        }
    }

    public void handleOnStartException(final Throwable ex)
    {
        errorHandler.onError(ex);
    }

    public void handleOnShutdownException(final Throwable ex)
    {
        errorHandler.onError(ex);
    }
}
