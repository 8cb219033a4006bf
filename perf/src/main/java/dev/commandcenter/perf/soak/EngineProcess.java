package dev.commandcenter.perf.soak;

import dev.commandcenter.perf.ChildProcesses;
import dev.commandcenter.perf.EngineChild;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine in its own process ({@code commandcenter run}) on a temporary data dir, with a config file this
 * harness writes: loopback only, a port of its own, a fresh random token, the stream bridge on, and a wallet on
 * the hostile Electrum server when there is one. Its output goes to {@code engine.log} with the token
 * replaced by {@code ...}; its GC log to {@code engine-gc.log}. {@link #close()} kills it whatever state it is in.
 */
final class EngineProcess implements AutoCloseable
{
    /** A regtest address to watch (BIP 173's test vector), so the wallet subscribes to one script. */
    static final String WATCHED_ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    private static final long START_TIMEOUT_S = 120;
    private static final long STOP_TIMEOUT_S = 5;

    private final Process process;
    private final String token;
    private final String overlayToken;
    private final Path dataDir;
    private final int port;

    private EngineProcess(
        final Process process, final String token, final String overlayToken, final Path dataDir, final int port)
    {
        this.process = process;
        this.token = token;
        this.overlayToken = overlayToken;
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * The engine's config file.
     *
     * @param overlayToken the overlay token (pages and feeds).
     * @param token        the admin token (REST posting, health).
     * @param electrumUrl  the wallet's Electrum server, or null for no wallet.
     * @param maxConnectionsPerAddress the engine's limit, above the honest clients (all from loopback).
     * @return the YAML.
     */
    static String config(
        final String overlayToken, final String token, final String electrumUrl, final int maxConnectionsPerAddress)
    {
        final StringBuilder yaml = new StringBuilder();
        yaml.append("# written by perf/soak\n");
        yaml.append("websocket:\n");
        yaml.append("  bind: 127.0.0.1\n");
        yaml.append("  port: 0\n");
        yaml.append("  token: ").append(overlayToken).append('\n');
        yaml.append("  adminToken: ").append(token).append('\n');
        // The benchmark's payments are posted over REST, which refuses wallet events unless a benchmark opts in.
        yaml.append("  acceptWalletEventsOverRest: true\n");
        // Every honest client comes from 127.0.0.1 here, where viewers would come from addresses of their own.
        yaml.append("  maxConnectionsPerAddress: ").append(maxConnectionsPerAddress).append('\n');
        yaml.append("telemetry:\n");
        yaml.append("  enabled: false\n");
        yaml.append("plugins:\n");
        yaml.append("  stream-bridge:\n");
        // Alerts follow each other without waiting: frames go out as payments come.
        yaml.append("    alertDurationMs: 1\n");
        // Saturation queues far more 1 ms alerts than an overlay ever would: no alert may be dropped for it.
        yaml.append("    maxQueuedAlerts: 1000000\n");
        yaml.append("    acceptPaymentsFrom: [wallet, rest]\n");
        yaml.append("wallet:\n");
        if (null == electrumUrl)
        {
            yaml.append("  source: none\n");
        }
        else
        {
            yaml.append("  source: electrum\n");
            yaml.append("  network: regtest\n");
            yaml.append("  electrum:\n");
            yaml.append("    servers: [\"").append(electrumUrl).append("\"]\n");
            yaml.append("    requestTimeoutMs: 10000\n");
            yaml.append("    backoff: { minMs: 500, maxMs: 5000 }\n");
            yaml.append("  watch:\n");
            yaml.append("    addresses: [\"").append(WATCHED_ADDRESS).append("\"]\n");
        }
        return yaml.toString();
    }

    /**
     * Write the config, start the engine and wait for its URL.
     *
     * @param root        the project root (the launcher).
     * @param out         the report directory.
     * @param electrumUrl the wallet's Electrum server, or null.
     * @param maxConnectionsPerAddress the engine's per-address connection limit (honest clients all use loopback).
     * @param console     where progress goes.
     * @return the running engine.
     * @throws IllegalStateException when it does not start in time (the process is killed).
     */
    static EngineProcess start(
        final Path root, final Path out, final String electrumUrl, final int maxConnectionsPerAddress,
        final PrintWriter console)
    {
        final String token = ChildProcesses.randomToken();
        final String overlayToken = ChildProcesses.randomToken();
        final Path dataDir;
        final Path config;
        try
        {
            dataDir = Files.createTempDirectory("commandcenter-soak-");
            config = dataDir.resolve("soak.yaml");
            Files.writeString(config, config(overlayToken, token, electrumUrl, maxConnectionsPerAddress), StandardCharsets.UTF_8);
            // The report keeps the config without the token.
            Files.writeString(out.resolve("engine.yaml"), config("...", "...", electrumUrl, maxConnectionsPerAddress), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the engine's config: " + ex.getMessage(), ex);
        }
        final List<String> command = new ArrayList<>(List.of(root.resolve("commandcenter").toString(), "run",
            "--config", config.toString(), "--data-dir", dataDir.toString()));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JDK_JAVA_OPTIONS",
            "-Xlog:gc:file=" + out.resolve("engine-gc.log") + ":uptime,level,tags");
        final Process process;
        try
        {
            process = builder.start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + command.getFirst() + ": " + ex.getMessage(), ex);
        }
        final CompletableFuture<Integer> port = new CompletableFuture<>();
        final List<String> lines = new ArrayList<>();
        Thread.ofPlatform().daemon().name("soak-engine-log").start(() ->
            EngineChild.copyLog(process, out.resolve("engine.log"), List.of(token, overlayToken), port, lines));
        try
        {
            final int engine = port.get(START_TIMEOUT_S, TimeUnit.SECONDS);
            console.println("engine: pid " + process.pid() + ", http://127.0.0.1:" + engine + ", data dir " + dataDir);
            console.flush();
            return new EngineProcess(process, token, overlayToken, dataDir, engine);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            kill(process);
            throw new IllegalStateException("the engine did not start in " + START_TIMEOUT_S + " s (see " +
                out.resolve("engine.log") + ")");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            kill(process);
            throw new IllegalStateException("interrupted while starting the engine");
        }
    }

    /**
     * The engine's process id.
     *
     * @return the pid.
     */
    long pid()
    {
        return process.pid();
    }

    /**
     * Whether the process is still running.
     *
     * @return true while alive.
     */
    boolean alive()
    {
        return process.isAlive();
    }

    /**
     * The exit code once it exited.
     *
     * @return the code, or -1 while alive.
     */
    int exitCode()
    {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * The HTTP port.
     *
     * @return the port.
     */
    int port()
    {
        return port;
    }

    /**
     * The overlay token, what OBS holds (never printed).
     *
     * @return the token.
     */
    String overlayToken()
    {
        return overlayToken;
    }

    /**
     * The admin token (never printed).
     *
     * @return the token.
     */
    String token()
    {
        return token;
    }

    /**
     * Stop the engine (terminate, then kill after a few seconds) and delete its data dir.
     */
    public void close()
    {
        kill(process);
        ChildProcesses.deleteTree(dataDir);
    }

    private static void kill(final Process process)
    {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try
        {
            if (!process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS))
            {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
