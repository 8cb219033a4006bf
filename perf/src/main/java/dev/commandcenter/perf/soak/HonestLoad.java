package dev.commandcenter.perf.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The honest load of one phase: {@code commandcenter bench} in its own process against the engine, its overlay
 * WebSocket clients on the stream-bridge feed and its fixed-rate REST payments (latency from each payment's
 * intended send time, coordinated-omission safe). Its warm-up is the phase's ramp: {@link #connected()} completes
 * when the bench reports its first progress, that is once every client is connected.
 */
final class HonestLoad implements AutoCloseable
{
    private static final long SLACK_S = 120;

    private final Process process;
    private final Path dir;
    private final long expected;
    private final long deadlineNs;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private final Thread reader;
    private volatile String lastLine = "";

    private HonestLoad(final Process process, final Path dir, final long expected, final long deadlineNs,
        final PrintWriter console, final String token)
    {
        this.process = process;
        this.dir = dir;
        this.expected = expected;
        this.deadlineNs = deadlineNs;
        reader = Thread.ofPlatform().daemon().name("soak-bench-out").start(() -> copy(console, token));
    }

    /**
     * Start the bench.
     *
     * @param options the soak's options.
     * @param engine  the engine.
     * @param dir     the phase's bench report directory.
     * @param console where its progress goes.
     * @return the running load.
     */
    static HonestLoad start(final SoakOptions options, final EngineProcess engine, final Path dir,
        final PrintWriter console)
    {
        final long expected = (long)options.rate() * options.duration().toMillis() / 1000 * options.clients();
        final List<String> command = List.of(options.root().resolve("commandcenter").toString(), "bench",
            "--url", "http://127.0.0.1:" + engine.port(), "--token", engine.token(),
            "--clients", Integer.toString(options.clients()), "--rate", Integer.toString(options.rate()),
            "--duration", options.duration().toMillis() + "ms", "--warmup", options.ramp().toMillis() + "ms",
            "--timeout", "10s", "--out", dir.toString());
        try
        {
            Files.createDirectories(dir);
            final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            final long deadlineNs = System.nanoTime() +
                TimeUnit.MILLISECONDS.toNanos(options.duration().toMillis() + options.ramp().toMillis()) +
                TimeUnit.SECONDS.toNanos(SLACK_S);
            return new HonestLoad(process, dir, expected, deadlineNs, console, engine.token());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start commandcenter bench: " + ex.getMessage(), ex);
        }
    }

    private void copy(final PrintWriter console, final String token)
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter log = new PrintWriter(Files.newBufferedWriter(dir.resolve("bench.log"), StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                final String safe = line.replace(token, "...");
                log.println(safe);
                log.flush();
                if (!safe.isBlank())
                {
                    lastLine = safe.trim();
                }
                if (safe.contains("warm-up") || safe.contains(" run "))
                {
                    connected.complete(null);
                }
                if (safe.startsWith("  warm-up") || safe.startsWith("  run"))
                {
                    continue; // a line a second: the sampler's lines say enough on the console
                }
                console.println("  bench | " + safe);
                console.flush();
            }
        }
        catch (final IOException ignore)
        {
            // the bench is gone
        }
        connected.completeExceptionally(new IllegalStateException("the bench ended before its clients connected: " +
            lastLine));
    }

    /**
     * Completes once the honest clients are connected and the warm-up runs; fails if the bench ends first.
     *
     * @return the future.
     */
    CompletableFuture<Void> connected()
    {
        return connected;
    }

    /**
     * Whether the bench is still running.
     *
     * @return true while alive.
     */
    boolean alive()
    {
        return process.isAlive();
    }

    /**
     * Wait for the bench to end (killed at its deadline) and read its summary.
     *
     * @return the figures; every frame lost when the bench produced none.
     */
    BenchSummary await()
    {
        try
        {
            final long leftNs = deadlineNs - System.nanoTime();
            if (!process.waitFor(Math.max(0, leftNs), TimeUnit.NANOSECONDS))
            {
                close();
                return BenchSummary.failed(expected, "the bench did not finish in time and was killed");
            }
            reader.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            close();
            return BenchSummary.failed(expected, "interrupted");
        }
        final Path summary = dir.resolve("summary.txt");
        try
        {
            if (Files.exists(summary))
            {
                return BenchSummary.parse(Files.readString(summary, StandardCharsets.UTF_8), expected);
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            return BenchSummary.failed(expected, "unreadable bench summary: " + ex.getMessage());
        }
        return BenchSummary.failed(expected, "the bench exited with " + process.exitValue() + ": " + lastLine);
    }

    /**
     * Kill the bench if it still runs.
     */
    public void close()
    {
        if (process.isAlive())
        {
            process.destroy();
            try
            {
                if (!process.waitFor(5, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                }
            }
            catch (final InterruptedException ex)
            {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
