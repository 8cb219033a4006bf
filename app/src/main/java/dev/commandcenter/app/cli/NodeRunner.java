package dev.commandcenter.app.cli;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.WebSocketBackend;
import dev.commandcenter.app.config.AppConfig;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a node until SIGTERM or Ctrl-C, then shuts it down cleanly: sources stop, the rings drain,
 * the journal closes. When the journal halts (a write failed) it says why on stderr in one line, stops the
 * node and returns {@link #EXIT_HALTED}.
 */
final class NodeRunner
{
    /** Exit code when the journal halted (a write failed) and the node stopped. */
    static final int EXIT_HALTED = 1;

    private static final long HALT_POLL_MS = 100;

    private NodeRunner()
    {
    }

    static int runUntilInterrupted(final AppConfig config, final Path dataDir, final boolean devMode, final String title,
        final boolean verbose, final PrintWriter out, final PrintWriter err)
    {
        return runUntilInterrupted(config, dataDir, devMode, title, verbose, out, err, (node) -> null);
    }

    static int runUntilInterrupted(final AppConfig config, final Path dataDir, final boolean devMode, final String title,
        final boolean verbose, final PrintWriter out, final PrintWriter err,
        final java.util.function.Function<CommandCenterNode, AutoCloseable> extra)
    {
        final CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir).devMode(devMode).errorListener(new FirstErrorLine(err, dataDir)));
        final AutoCloseable extraPart = extra.apply(node);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            out.println("stopping...");
            out.flush();
            org.agrona.CloseHelper.quietClose(extraPart);
            node.close();
            out.println("stopped; next sequence " + node.engine().nextSequence());
            out.flush();
            stopped.countDown();
        }, "cc-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.println(title + " running on data dir " + dataDir.toAbsolutePath().normalize());
        printBackend(node, verbose || WebSocketBackend.debug(System.getenv()), out);
        for (final Map.Entry<String, String> url : node.urls().entrySet())
        {
            out.printf("  %-22s %s%n", url.getKey(), url.getValue());
        }
        out.println("Press Ctrl-C to stop.");
        out.flush();
        try
        {
            while (!stopped.await(HALT_POLL_MS, TimeUnit.MILLISECONDS))
            {
                final String haltReason = node.engine().haltReason();
                if (null != haltReason)
                {
                    // Exit non-zero so a supervisor restarts the node; nothing more can be journaled.
                    err.println("commandcenter: " + haltReason);
                    err.flush();
                    try
                    {
                        Runtime.getRuntime().removeShutdownHook(hook);
                        org.agrona.CloseHelper.quietClose(extraPart);
                        node.close();
                    }
                    catch (final IllegalStateException ex)
                    {
                        stopped.await(); // the JVM is already shutting down and the hook closes the node
                    }
                    return EXIT_HALTED;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * The web server's backend line, and why {@code auto} chose Netty when asked ({@code --verbose} or
     * {@code CC_DEBUG_NATIVE=1}).
     */
    static void printBackend(final CommandCenterNode node, final boolean debug, final PrintWriter out)
    {
        for (final String line : node.startLines())
        {
            out.println(line);
        }
        final WebSocketBackend backend = node.webBackend();
        if (debug && null != backend && null != backend.fallbackReason())
        {
            out.println("websocket backend: auto chose netty: " + backend.fallbackReason());
        }
    }
}
