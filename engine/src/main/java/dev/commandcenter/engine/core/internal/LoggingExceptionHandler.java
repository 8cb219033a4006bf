package dev.commandcenter.engine.core.internal;

import dev.commandcenter.engine.JournalHaltedException;

import com.lmax.disruptor.ExceptionHandler;
import org.agrona.ErrorHandler;

/**
 * Routes ring exceptions to the error log instead of halting the processor, except a failed journal write,
 * which is logged and then halts the journaller.
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
