package dev.commandcenter.app.cli;

import dev.commandcenter.engine.JournalHaltedException;
import org.agrona.ErrorHandler;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The console's view of a node's errors: the node counts every error and keeps it in the distinct error log,
 * then tells this listener, which prints one line for the first error only, pointing at {@code stat --errors}.
 * A halted journal is left to the runner, which says it in one line and exits non-zero.
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
        // A halted journal is said once, by the runner that then stops the node and exits non-zero.
        if (!(throwable instanceof JournalHaltedException) && first.compareAndSet(true, false))
        {
            err.println("commandcenter: error: " + Console.describe(throwable) + " (this and more in '" +
                statCommand + "')");
            err.flush();
        }
    }
}
