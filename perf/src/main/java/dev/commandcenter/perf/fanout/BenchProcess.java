package dev.commandcenter.perf.fanout;

import dev.commandcenter.perf.ChildProcesses;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One phase of the load generator: {@code commandcenter bench} in its own process against a server, its WebSocket
 * clients on the overlay feed and its payments posted over REST, the server's CPU time measured by pid over the
 * measured run. The same command for every server; only the URL, token and pid differ.
 */
final class BenchProcess
{
    private static final long SLACK_S = 90;
    private static final long CONNECT_S_PER_THOUSAND = 10;
    private static final String TIMEOUT = "10s";

    private BenchProcess()
    {
    }

    /**
     * The bench's command line.
     *
     * @param root    the project root.
     * @param server  the server under test.
     * @param clients WebSocket clients.
     * @param rate    events per second, or {@code max} to saturate.
     * @param length  measured run.
     * @param warmup  warm-up before it.
     * @param window  most events in flight when saturating.
     * @param dir     the report directory.
     * @return the command.
     */
    static List<String> command(final Path root, final FanoutServer server, final int clients, final String rate,
        final Duration length, final Duration warmup, final int window, final Path dir)
    {
        return new ArrayList<>(List.of(root.resolve("commandcenter").toString(), "bench",
            "--url", "http://127.0.0.1:" + server.port(), "--token", server.token(),
            "--clients", Integer.toString(clients), "--rate", rate,
            "--duration", length.toMillis() + "ms", "--warmup", warmup.toMillis() + "ms",
            "--window", Integer.toString(window), "--timeout", TIMEOUT, "--no-trace",
            "--server-pid", Long.toString(server.pid()), "--out", dir.toString()));
    }

    /**
     * Run one phase and read its figures.
     *
     * @param root     the project root.
     * @param server   the server under test.
     * @param clients  WebSocket clients.
     * @param rate     events per second, or {@code max}.
     * @param length   measured run.
     * @param warmup   warm-up before it.
     * @param window   most events in flight when saturating.
     * @param dir      the report directory of the phase.
     * @param expected frames expected when known (paced), else 0.
     * @param console  where the bench's error lines go.
     * @return the figures; {@link BenchFigures#failed} when the bench produced no summary.
     */
    static BenchFigures run(final Path root, final FanoutServer server, final int clients, final String rate,
        final Duration length, final Duration warmup, final int window, final Path dir, final long expected,
        final PrintWriter console)
    {
        final List<String> command = command(root, server, clients, rate, length, warmup, window, dir);
        final Process process;
        try
        {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            return BenchFigures.failed(expected, "cannot start commandcenter bench: " + ex.getMessage());
        }
        final String[] lastLine = { "" };
        final Thread reader = Thread.ofPlatform().daemon().name("fanout-bench-out")
            .start(() -> ChildProcesses.copyElided(process, dir.resolve("bench.log"), server.token(), lastLine));
        final long deadlineS = (length.toMillis() + warmup.toMillis()) / 1000 + SLACK_S +
            CONNECT_S_PER_THOUSAND * clients / 1000;
        try
        {
            if (!process.waitFor(deadlineS, TimeUnit.SECONDS))
            {
                ChildProcesses.stop(process, 5);
                return BenchFigures.failed(expected, "the bench did not finish in " + deadlineS + " s and was killed");
            }
            reader.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            ChildProcesses.stop(process, 5);
            return BenchFigures.failed(expected, "interrupted");
        }
        final Path summary = dir.resolve("summary.txt");
        try
        {
            if (Files.exists(summary))
            {
                return BenchFigures.parse(Files.readString(summary, StandardCharsets.UTF_8));
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            return BenchFigures.failed(expected, "unreadable bench summary: " + ex.getMessage());
        }
        final String reason = "the bench exited with " + process.exitValue() + ": " + lastLine[0];
        console.println("    " + reason);
        console.flush();
        return BenchFigures.failed(expected, reason);
    }


}
