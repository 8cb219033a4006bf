package dev.commandcenter.app.cli;

import org.agrona.ErrorHandler;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The console's view of a node's errors: the node counts every error and keeps it in the distinct error log,
 * then tells this listener, which prints one line for the first error only, pointing at {@code stat --errors}.
 * <p>
 * <b>Note:</b> thread safe.
 */
final class FirstErrorLine implements ErrorHandler
{
    private final AtomicBoolean first = new AtomicBoolean(true);
    private final PrintWriter err;
    private final String statCommand;

    /**
     * Print to a console.
     *
     * @param err       the console's error stream.
     * @param engineDir the data dir of the engine whose error log holds the errors.
     */
    FirstErrorLine(final PrintWriter err, final Path engineDir)
    {
        this.err = err;
        this.statCommand = "commandcenter stat --errors --data-dir " + engineDir;
    }

    public void onError(final Throwable throwable)
    {
        if (first.compareAndSet(true, false))
        {
            err.println("commandcenter: error: " + Console.describe(throwable) + " (this and more in '" +
                statCommand + "')");
            err.flush();
        }
    }
}
