package dev.commandcenter.perf.fanout;

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
import java.util.stream.Stream;

/**
 * One server under test in its own process, on loopback with a port of its own and a fresh random token: the
 * engine ({@code commandcenter run} with a config this harness writes, {@code websocket.backend} set) or the Node
 * server ({@code node perf/node/server.js}). Its output goes to {@code server.log} with the token replaced by
 * {@code ...}. {@link #close()} stops it whatever state it is in.
 */
final class FanoutServer implements AutoCloseable
{
    /** The key the engine's config names its WebSocket backend with. */
    static final String BACKEND_KEY = "websocket.backend";

    private static final long START_TIMEOUT_S = 120;
    private static final long STOP_TIMEOUT_S = 5;

    private final ServerKind kind;
    private final Process process;
    private final String token;
    private final Path dataDir;
    private final int port;
    private final String firstLine;

    private FanoutServer(final ServerKind kind, final Process process, final String token, final Path dataDir,
        final int port, final String firstLine)
    {
        this.kind = kind;
        this.process = process;
        this.token = token;
        this.dataDir = dataDir;
        this.port = port;
        this.firstLine = firstLine;
    }

    /**
     * Why a server did not start: the process exited (or never announced its URL) and said this.
     */
    static final class StartFailure extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        StartFailure(final String message)
        {
            super(message);
        }
    }

    /**
     * The engine's config file.
     *
     * @param token   the admin token (posts and feeds).
     * @param backend the value of {@value #BACKEND_KEY}, or null to leave the key out.
     * @param clients the clients of the run (the connection limits are set above them: all come from loopback).
     * @return the YAML.
     */
    static String engineConfig(final String token, final String backend, final int clients)
    {
        final int limit = Math.max(4096, clients + 1024);
        final StringBuilder yaml = new StringBuilder();
        yaml.append("# written by perf/peers-fanout\n");
        yaml.append("websocket:\n");
        yaml.append("  bind: 127.0.0.1\n");
        yaml.append("  port: 0\n");
        if (null != backend)
        {
            yaml.append("  backend: ").append(backend).append('\n');
        }
        yaml.append("  adminToken: ").append(token).append('\n');
        // The load generator's payments are posted over REST, which refuses wallet events unless a benchmark opts in.
        yaml.append("  acceptWalletEventsOverRest: true\n");
        // Every client comes from 127.0.0.1 here, where viewers would come from addresses of their own.
        yaml.append("  maxConnections: ").append(limit).append('\n');
        yaml.append("  maxConnectionsPerAddress: ").append(limit).append('\n');
        // On a small machine the engine's one thread does best on the HTTP loop that reads the posts (perf/README.md);
        // the native backend says at start that it does not apply there.
        yaml.append("engine:\n");
        yaml.append("  runOn: http-loop\n");
        yaml.append("telemetry:\n");
        yaml.append("  enabled: false\n");
        yaml.append("plugins:\n");
        yaml.append("  stream-bridge:\n");
        // Alerts follow each other without waiting: frames go out as payments come (the Node server is told the same).
        yaml.append("    alertDurationMs: 1\n");
        // Saturation queues far more 1 ms alerts than an overlay ever would: no alert may be dropped for it.
        yaml.append("    maxQueuedAlerts: 1000000\n");
        yaml.append("    acceptPaymentsFrom: [wallet, rest]\n");
        yaml.append("wallet:\n");
        yaml.append("  source: none\n");
        return yaml.toString();
    }

    /**
     * Start the engine with a backend and wait for its URL.
     *
     * @param root    the project root (the launcher).
     * @param out     this run's directory.
     * @param kind    which backend this is, for the report.
     * @param backend the value of {@value #BACKEND_KEY}, or null to leave it out.
     * @param clients the clients of the run.
     * @param console where progress goes.
     * @return the running engine.
     * @throws StartFailure with the engine's last words when it exits or does not start in time.
     */
    static FanoutServer engine(final Path root, final Path out, final ServerKind kind, final String backend,
        final int clients, final PrintWriter console)
    {
        final String token = ChildProcesses.randomToken();
        final Path dataDir;
        final Path config;
        try
        {
            Files.createDirectories(out);
            dataDir = Files.createTempDirectory("commandcenter-fanout-");
            config = dataDir.resolve("fanout.yaml");
            Files.writeString(config, engineConfig(token, backend, clients), StandardCharsets.UTF_8);
            Files.writeString(out.resolve("engine.yaml"), engineConfig("...", backend, clients), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the engine's config: " + ex.getMessage(), ex);
        }
        final List<String> command = List.of(root.resolve("commandcenter").toString(), "run",
            "--config", config.toString(), "--data-dir", dataDir.toString());
        return start(kind, command, out, token, dataDir, config, console);
    }

    /**
     * Start the Node server and wait for its URL.
     *
     * @param root    the project root.
     * @param out     this run's directory.
     * @param console where progress goes.
     * @return the running server.
     * @throws StartFailure with its last words when it exits or does not start in time.
     */
    static FanoutServer node(final Path root, final Path out, final PrintWriter console)
    {
        final String token = ChildProcesses.randomToken();
        try
        {
            Files.createDirectories(out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + out + ": " + ex.getMessage(), ex);
        }
        // The token goes in the environment, not on a command line other users of the machine can read.
        final List<String> command = List.of("node", root.resolve("perf/node/server.js").toString(), "--port", "0",
            "--alert-duration-ms", "1");
        return start(ServerKind.NODE, command, out, token, null, null, console);
    }

    private static FanoutServer start(final ServerKind kind, final List<String> command, final Path out,
        final String token, final Path dataDir, final Path config, final PrintWriter console)
    {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (ServerKind.NODE == kind)
        {
            builder.environment().put("TOKEN", token);
        }
        final Process process;
        try
        {
            process = builder.start();
        }
        catch (final IOException ex)
        {
            ChildProcesses.deleteTree(dataDir);
            throw new StartFailure("cannot start " + command.getFirst() + ": " + ex.getMessage());
        }
        final CompletableFuture<Integer> port = new CompletableFuture<>();
        final List<String> lines = new ArrayList<>();
        Thread.ofPlatform().daemon().name("fanout-" + kind.label() + "-log")
            .start(() -> EngineChild.copyLog(process, out.resolve("server.log"), List.of(token), port, lines));
        try
        {
            final int serverPort = port.get(START_TIMEOUT_S, TimeUnit.SECONDS);
            final String first;
            synchronized (lines)
            {
                first = lines.isEmpty() ? "" : lines.getFirst();
            }
            console.println("  " + kind.title() + ": pid " + process.pid() + ", http://127.0.0.1:" + serverPort);
            console.flush();
            return new FanoutServer(kind, process, token, dataDir, serverPort, first);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            ChildProcesses.stop(process, STOP_TIMEOUT_S);
            ChildProcesses.deleteTree(dataDir);
            final String reason;
            synchronized (lines)
            {
                reason = lastWords(lines, null == config ? null : config.toString());
            }
            throw new StartFailure(reason.isEmpty() ?
                kind.title() + " did not start in " + START_TIMEOUT_S + " s (see " + out.resolve("server.log") + ")" :
                reason);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            ChildProcesses.stop(process, STOP_TIMEOUT_S);
            ChildProcesses.deleteTree(dataDir);
            throw new StartFailure("interrupted while starting " + kind.title());
        }
    }

    /**
     * What a server that exited said last: its last non-blank line, the temporary config path shortened, bounded.
     *
     * @param lines      its output.
     * @param configPath the config file's path to shorten, or null.
     * @return one line, possibly empty.
     */
    static String lastWords(final List<String> lines, final String configPath)
    {
        return EngineChild.lastWords(lines, configPath, "fanout.yaml");
    }

    /**
     * Which server this is.
     *
     * @return the kind.
     */
    ServerKind kind()
    {
        return kind;
    }

    /**
     * The server's process id (the JVM itself: the launcher execs it).
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
     * The HTTP port.
     *
     * @return the port.
     */
    int port()
    {
        return port;
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
     * The server's first line of output (the Node server names its versions there).
     *
     * @return the line.
     */
    String firstLine()
    {
        return firstLine;
    }

    /**
     * Whether the process has a library mapped whose path contains the name: how the harness tells that the
     * native backend really runs, whatever the engine logs.
     *
     * @param name such as {@code libwebsockets}.
     * @return true when mapped; false when not, or when the maps cannot be read.
     */
    boolean mapsLibrary(final String name)
    {
        try (Stream<String> maps = Files.lines(Path.of("/proc", Long.toString(process.pid()), "maps")))
        {
            return maps.anyMatch((line) -> line.contains(name));
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return false;
        }
    }

    /**
     * The engine's count of WebSocket frames dropped (a fan-out ring or a client's socket full) and of slow clients
     * closed, from its {@code /metrics}: what tells a frame the engine dropped from one the load generator missed.
     *
     * @return { drops, slow-client closes }, or null for the Node server or when the engine does not answer.
     */
    long[] webSocketDrops()
    {
        return kind.engine() ? EngineChild.webSocketDrops(port, token) : null;
    }

    /**
     * Stop the server (terminate, then kill after a few seconds) and delete its data dir.
     */
    public void close()
    {
        ChildProcesses.stop(process, STOP_TIMEOUT_S);
        ChildProcesses.deleteTree(dataDir);
    }



}
