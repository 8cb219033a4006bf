package dev.commandcenter.app.cli;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

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
        final CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir).devMode(devMode).errorListener(new FirstErrorLine(err, dataDir)));
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
