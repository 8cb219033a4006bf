package dev.commandcenter.app.cli;

import dev.commandcenter.app.CommandCenter;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a node until SIGTERM or Ctrl-C, then shuts it down cleanly: sources stop, the rings drain,
 * the journal closes.
 */
final class NodeRunner
{
    private NodeRunner()
    {
    }

    static int runUntilInterrupted(final AppConfig config, final Path dataDir, final boolean devMode, final String title,
        final PrintWriter out, final PrintWriter err)
    {
        final AtomicBoolean firstError = new AtomicBoolean(true);
        final CommandCenterNode node = CommandCenterNode.start(config, dataDir, (throwable) ->
        {
            // Errors are kept in the distinct error log (commandcenter stat --errors); say so once on the console.
            if (firstError.compareAndSet(true, false))
            {
                err.println("commandcenter: error: " + CommandCenter.describe(throwable) +
                    " (more in 'commandcenter stat --errors')");
            }
        }, devMode);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            out.println("stopping...");
            out.flush();
            node.close();
            out.println("stopped; next sequence " + node.engine().nextSequence());
            out.flush();
            stopped.countDown();
        }, "cc-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.println(title + " running on data dir " + dataDir.toAbsolutePath().normalize());
        for (final Map.Entry<String, String> url : node.urls().entrySet())
        {
            out.printf("  %-22s %s%n", url.getKey(), url.getValue());
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
