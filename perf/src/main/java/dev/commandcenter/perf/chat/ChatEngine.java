package dev.commandcenter.perf.chat;

import dev.commandcenter.perf.ChildProcesses;
import dev.commandcenter.perf.EngineChild;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
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
 * The engine under load in its own process: {@code commandcenter run} on a temporary data dir with a config this
 * harness writes (loopback, a port of its own, fresh random admin and chat tokens, connection limits above the run's
 * clients, the chat gateway's rate limits raised above the offered rate, since every post comes from one address
 * here). Its output goes to {@code engine.log} with the tokens replaced by {@code ...}. {@link #close()} stops it
 * whatever state it is in and deletes its data dir.
 */
final class ChatEngine implements AutoCloseable
{
    private static final long START_TIMEOUT_S = 120;
    private static final long STOP_TIMEOUT_S = 5;

    private final Process process;
    private final String adminToken;
    private final String chatToken;
    private final Path dataDir;
    private final int port;

    private ChatEngine(final Process process, final String adminToken, final String chatToken, final Path dataDir,
        final int port)
    {
        this.process = process;
        this.adminToken = adminToken;
        this.chatToken = chatToken;
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * The engine's config file.
     *
     * @param adminToken the admin token (metrics).
     * @param chatToken  the chat token (the viewers' feed and posts).
     * @param clients    the run's clients (the connection limits are set above them: all come from loopback).
     * @param rate       the run's messages per second (the rate limits are set well above it).
     * @return the YAML.
     */
    static String config(final String adminToken, final String chatToken, final int clients, final int rate)
    {
        final int connections = Math.max(4096, clients + 1024);
        final int posts = Math.max(1000, rate * 10);
        final StringBuilder yaml = new StringBuilder();
        yaml.append("# written by perf/peers-chat\n");
        yaml.append("websocket:\n");
        yaml.append("  bind: 127.0.0.1\n");
        yaml.append("  port: 0\n");
        yaml.append("  adminToken: ").append(adminToken).append('\n');
        yaml.append("  chatToken: ").append(chatToken).append('\n');
        // Every client comes from 127.0.0.1 here, where viewers would come from addresses of their own.
        yaml.append("  maxConnections: ").append(connections).append('\n');
        yaml.append("  maxConnectionsPerAddress: ").append(connections).append('\n');
        yaml.append("telemetry:\n");
        yaml.append("  enabled: false\n");
        yaml.append("wallet:\n");
        yaml.append("  source: none\n");
        // Every post comes from one address and a few names: the gateway's limits, meant for viewers, would throttle
        // the load generator. The plugin's own checks (slow mode off by default, repeats, spam) stay as configured.
        yaml.append("chat:\n");
        yaml.append("  postsPerSecondPerConnection: ").append(posts).append('\n');
        yaml.append("  burstPerConnection: ").append(posts).append('\n');
        yaml.append("  postsPerSecondPerAddress: ").append(posts).append('\n');
        yaml.append("  burstPerAddress: ").append(posts).append('\n');
        return yaml.toString();
    }

    /**
     * Write the config, start the engine and wait for its URL.
     *
     * @param root    the project root (the launcher).
     * @param out     the report directory.
     * @param clients the run's clients.
     * @param rate    the run's messages per second.
     * @param console where progress goes.
     * @return the running engine.
     * @throws IllegalStateException with the engine's last words when it exits or does not start in time.
     */
    static ChatEngine start(final Path root, final Path out, final int clients, final int rate,
        final PrintWriter console)
    {
        final String adminToken = ChildProcesses.randomToken();
        final String chatToken = ChildProcesses.randomToken();
        final Path dataDir;
        final Path config;
        try
        {
            Files.createDirectories(out);
            dataDir = Files.createTempDirectory("commandcenter-chat-load-");
            config = dataDir.resolve("chat-load.yaml");
            Files.writeString(config, config(adminToken, chatToken, clients, rate), StandardCharsets.UTF_8);
            // The report keeps the config without the tokens.
            Files.writeString(out.resolve("engine.yaml"), config("...", "...", clients, rate), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the engine's config: " + ex.getMessage(), ex);
        }
        final List<String> command = List.of(root.resolve("commandcenter").toString(), "run",
            "--config", config.toString(), "--data-dir", dataDir.toString());
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            ChildProcesses.deleteTree(dataDir);
            throw new IllegalStateException("cannot start " + command.getFirst() + ": " + ex.getMessage());
        }
        final CompletableFuture<Integer> port = new CompletableFuture<>();
        final List<String> lines = new ArrayList<>();
        Thread.ofPlatform().daemon().name("chat-engine-log").start(() ->
            EngineChild.copyLog(process, out.resolve("engine.log"), List.of(adminToken, chatToken), port, lines));
        try
        {
            final int engine = port.get(START_TIMEOUT_S, TimeUnit.SECONDS);
            console.println("engine: pid " + process.pid() + ", http://127.0.0.1:" + engine);
            console.flush();
            return new ChatEngine(process, adminToken, chatToken, dataDir, engine);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            ChildProcesses.stop(process, STOP_TIMEOUT_S);
            ChildProcesses.deleteTree(dataDir);
            final String reason;
            synchronized (lines)
            {
                reason = lastWords(lines, config.toString());
            }
            throw new IllegalStateException(reason.isEmpty() ? "the engine did not start in " + START_TIMEOUT_S +
                " s (see " + out.resolve("engine.log") + ")" : "the engine did not start: " + reason);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            ChildProcesses.stop(process, STOP_TIMEOUT_S);
            ChildProcesses.deleteTree(dataDir);
            throw new IllegalStateException("interrupted while starting the engine");
        }
    }

    /**
     * What an engine that exited said last: its last non-blank line, the config path shortened, bounded.
     *
     * @param lines      its output.
     * @param configPath the config file's path to shorten.
     * @return one line, possibly empty.
     */
    static String lastWords(final List<String> lines, final String configPath)
    {
        return EngineChild.lastWords(lines, configPath, "chat-load.yaml");
    }

    /**
     * The chat feed's URL for the viewers.
     *
     * @return the URL, token included.
     */
    URI feed()
    {
        return URI.create("ws://127.0.0.1:" + port + "/ws/chat?token=" + chatToken);
    }

    /**
     * The chat gateway's posting route.
     *
     * @return the URL.
     */
    URI messages()
    {
        return URI.create("http://127.0.0.1:" + port + "/api/chat/messages");
    }

    /**
     * The chat token (never printed).
     *
     * @return the token.
     */
    String chatToken()
    {
        return chatToken;
    }

    /**
     * The engine's process id (the JVM itself: the launcher execs it).
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
     * The engine's CPU time so far, user and system, from {@code /proc} through {@link ProcessHandle}.
     *
     * @return nanoseconds, or -1 when not readable.
     */
    long cpuNanos()
    {
        return EngineChild.cpuNanos(process);
    }

    /**
     * The engine's count of WebSocket frames dropped and of slow clients closed, from its {@code /metrics}: what tells
     * a frame the engine dropped from one the load generator missed.
     *
     * @return { drops, slow-client closes }, or null when the engine does not answer.
     */
    long[] webSocketDrops()
    {
        return EngineChild.webSocketDrops(port, adminToken);
    }

    /**
     * Stop the engine (terminate, then kill after a few seconds) and delete its data dir.
     */
    public void close()
    {
        ChildProcesses.stop(process, STOP_TIMEOUT_S);
        ChildProcesses.deleteTree(dataDir);
    }
}
