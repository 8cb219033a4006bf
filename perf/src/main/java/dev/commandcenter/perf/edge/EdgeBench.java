package dev.commandcenter.perf.edge;

import dev.commandcenter.perf.ChildProcesses;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One measured setup: the fan-out harness's load generator, {@code commandcenter bench} in a process of its own,
 * posting payments at a fixed rate to the engine over REST while its viewers receive the overlay feed from the
 * engine itself or from its edges ({@code --feed-url}, viewers spread evenly), latency from each payment's intended
 * send time (coordinated-omission safe, HdrHistogram), and the CPU time of every server process.
 */
final class EdgeBench
{
    private static final long SLACK_S = 90;
    private static final String TIMEOUT = "10s";

    private EdgeBench()
    {
    }

    /**
     * The bench's command line.
     *
     * @param root     the project root.
     * @param engine   the engine the payments are posted to.
     * @param feeds    the nodes whose feeds the viewers connect to (the engine itself for a direct run).
     * @param servers  every server process whose CPU is measured.
     * @param token    the admin token.
     * @param viewers  WebSocket viewers.
     * @param rate     events per second.
     * @param length   measured run.
     * @param warmup   warm-up before it.
     * @param dir      the report directory.
     * @return the command.
     */
    static List<String> command(final Path root, final NodeProcess engine, final List<NodeProcess> feeds,
        final List<NodeProcess> servers, final String token, final int viewers, final long rate, final Duration length,
        final Duration warmup, final Path dir)
    {
        final List<String> command = new ArrayList<>(List.of(root.resolve("commandcenter").toString(), "bench",
            "--url", engine.url(), "--token", token, "--clients", Integer.toString(viewers),
            "--rate", Long.toString(rate), "--duration", length.toMillis() + "ms", "--warmup", warmup.toMillis() + "ms",
            "--timeout", TIMEOUT, "--no-trace", "--out", dir.toString()));
        for (final NodeProcess feed : feeds)
        {
            if (feed != engine)
            {
                command.add("--feed-url");
                command.add(feed.url());
            }
        }
        for (final NodeProcess server : servers)
        {
            command.add("--server-pid");
            command.add(Long.toString(server.pid()));
        }
        return command;
    }

    /**
     * Run one setup and read its figures.
     *
     * @param root    the project root.
     * @param engine  the engine the payments are posted to.
     * @param feeds   the nodes whose feeds the viewers connect to.
     * @param servers every server process.
     * @param token   the admin token.
     * @param viewers WebSocket viewers.
     * @param rate    events per second.
     * @param length  measured run.
     * @param warmup  warm-up before it.
     * @param dir     the report directory of the setup.
     * @param console where the bench's last line goes when it fails.
     * @return the figures; {@link EdgeFigures#failed} when the bench produced no summary.
     */
    static EdgeFigures run(final Path root, final NodeProcess engine, final List<NodeProcess> feeds,
        final List<NodeProcess> servers, final String token, final int viewers, final long rate, final Duration length,
        final Duration warmup, final Path dir, final PrintWriter console)
    {
        final long expected = rate * length.toMillis() / 1000 * viewers;
        final List<String> command = command(root, engine, feeds, servers, token, viewers, rate, length, warmup, dir);
        final Map<String, Long> cpuBefore = cpu(servers);
        final Process process;
        try
        {
            Files.createDirectories(dir);
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            return EdgeFigures.failed(expected, "cannot start commandcenter bench: " + ex.getMessage());
        }
        final String[] lastLine = { "" };
        final Thread reader = Thread.ofPlatform().daemon().name("edge-bench-out")
            .start(() -> ChildProcesses.copyElided(process, dir.resolve("bench.log"), token, lastLine));
        final long deadlineS = (length.toMillis() + warmup.toMillis()) / 1000 + SLACK_S;
        try
        {
            if (!process.waitFor(deadlineS, TimeUnit.SECONDS))
            {
                ChildProcesses.stop(process, 5);
                return EdgeFigures.failed(expected, "the bench did not finish in " + deadlineS + " s and was killed");
            }
            reader.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            ChildProcesses.stop(process, 5);
            return EdgeFigures.failed(expected, "interrupted");
        }
        final Map<String, Long> cpuAfter = cpu(servers);
        final Map<String, Double> cpuMs = new LinkedHashMap<>();
        for (final Map.Entry<String, Long> entry : cpuBefore.entrySet())
        {
            final Long after = cpuAfter.get(entry.getKey());
            cpuMs.put(entry.getKey(), null == after || after < 0 || entry.getValue() < 0 ? Double.NaN :
                (after - entry.getValue()) / 1e6);
        }
        final Path summary = dir.resolve("summary.txt");
        try
        {
            if (Files.exists(summary))
            {
                return EdgeFigures.parse(Files.readString(summary, StandardCharsets.UTF_8), cpuMs);
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            return EdgeFigures.failed(expected, "unreadable bench summary: " + ex.getMessage());
        }
        final String reason = "the bench exited with " + process.exitValue() + ": " + lastLine[0];
        console.println("    " + reason);
        console.flush();
        return EdgeFigures.failed(expected, reason);
    }

    private static Map<String, Long> cpu(final List<NodeProcess> servers)
    {
        final Map<String, Long> cpu = new LinkedHashMap<>();
        for (final NodeProcess server : servers)
        {
            cpu.put(server.name(), server.cpuNs());
        }
        return cpu;
    }


}
