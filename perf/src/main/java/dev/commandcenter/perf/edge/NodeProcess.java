package dev.commandcenter.perf.edge;

import dev.commandcenter.perf.ChildProcesses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node of the benchmark in a process of its own on loopback: the engine ({@code commandcenter run}) or an edge
 * ({@code commandcenter edge --engine CHANNEL ...}), each with a temporary data dir holding the same
 * {@code secrets.json} (so an edge opens its feeds with the engine's tokens), a config this harness writes, and its
 * output in {@code <name>.log} with the tokens replaced by {@code ...}. {@link #close()} stops it whatever state it is
 * in and deletes its data dir.
 */
final class NodeProcess implements AutoCloseable
{
    /** The engine's config key of the archive's control channel the edges replay from. */
    static final String ARCHIVE_KEY = "archiveControlChannel";
    /** The engine's config key of the channel the edges report their status on. */
    static final String STATUS_KEY = "statusChannel";

    private static final Pattern TOKEN_PARAMETER = Pattern.compile("token=[^&\\s]+");
    private static final Pattern URL = Pattern.compile("http://(?:127\\.0\\.0\\.1|localhost):(\\d+)");
    private static final long START_TIMEOUT_MS = 120_000;
    private static final long POLL_MS = 100;
    private static final long STOP_TIMEOUT_S = 5;
    private static final int MAX_REASON = 240;
    private static final String EXPECTED_LIST = ", expected one of [";

    private final String name;
    private final Process process;
    private final Path dataDir;
    private final int port;

    private NodeProcess(final String name, final Process process, final Path dataDir, final int port)
    {
        this.name = name;
        this.process = process;
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Why a node did not start: the process exited (or never answered) and said this.
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
     * The tokens every node of a run shares, and the Aeron endpoints of the engine's output stream and archive.
     *
     * @param adminToken    posts, metrics and every feed.
     * @param overlayToken  the feeds (unused by the bench, set so the nodes agree on it too).
     * @param outputChannel the engine's output stream, UDP multi-destination-cast with a dynamic control endpoint.
     * @param streamId      its stream id.
     * @param archiveControl the archive's control request channel.
     * @param statusChannel the channel the edges report their status to the engine on.
     */
    record Cluster(
        String adminToken,
        String overlayToken,
        String outputChannel,
        int streamId,
        String archiveControl,
        String statusChannel)
    {
        /**
         * Fresh tokens and free loopback UDP ports.
         *
         * @return the endpoints of one run.
         */
        static Cluster create()
        {
            return new Cluster(ChildProcesses.randomToken(), ChildProcesses.randomToken(),
                "aeron:udp?control=127.0.0.1:" + freeUdpPort() + "|control-mode=dynamic|fc=max", 1003,
                "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort(), "aeron:udp?endpoint=127.0.0.1:" + freeUdpPort());
        }
    }

    /**
     * The engine's config.
     *
     * @param cluster     tokens and channels.
     * @param viewers     viewers of the run (connection limits above them: all come from loopback).
     * @param aeron       whether the output stream and its archive run (b, c), or not (a: one node, as deployed today).
     * @param edgeKeys    whether to name the archive's control channel and the status channel ({@value #ARCHIVE_KEY},
     *                    {@value #STATUS_KEY}) rather than leave the engine's defaults.
     * @return the YAML.
     */
    static String engineConfig(final Cluster cluster, final int viewers, final boolean aeron, final boolean edgeKeys)
    {
        final int limit = Math.max(4096, viewers + 1024);
        final StringBuilder yaml = new StringBuilder();
        yaml.append("# written by perf/peers-edge/run\n");
        yaml.append("websocket:\n");
        yaml.append("  bind: 127.0.0.1\n");
        yaml.append("  port: 0\n");
        // The load generator's payments are posted over REST, which refuses wallet events unless a benchmark opts in.
        yaml.append("  acceptWalletEventsOverRest: true\n");
        // Every viewer comes from 127.0.0.1 here, where viewers would come from addresses of their own.
        yaml.append("  maxConnections: ").append(limit).append('\n');
        yaml.append("  maxConnectionsPerAddress: ").append(limit).append('\n');
        yaml.append("telemetry:\n");
        yaml.append("  enabled: false\n");
        yaml.append("plugins:\n");
        yaml.append("  stream-bridge:\n");
        yaml.append("    alertDurationMs: 1\n");
        // Saturation queues far more 1 ms alerts than an overlay ever would: no alert may be dropped for it.
        yaml.append("    maxQueuedAlerts: 1000000\n");
        yaml.append("    acceptPaymentsFrom: [wallet, rest]\n");
        yaml.append("wallet:\n");
        yaml.append("  source: none\n");
        if (aeron)
        {
            yaml.append("aeron:\n");
            yaml.append("  enabled: true\n");
            // Several JVMs with a driver each share the machine: small terms.
            yaml.append("  termLength: 1048576\n");
            yaml.append("  output:\n");
            yaml.append("    enabled: true\n");
            yaml.append("    channel: \"").append(cluster.outputChannel()).append("\"\n");
            yaml.append("    streamId: ").append(cluster.streamId()).append('\n');
            if (edgeKeys)
            {
                edgeKeys(yaml, cluster);
            }
        }
        return yaml.toString();
    }

    private static void edgeKeys(final StringBuilder yaml, final Cluster cluster)
    {
        yaml.append("    ").append(ARCHIVE_KEY).append(": \"").append(cluster.archiveControl()).append("\"\n");
        yaml.append("    ").append(STATUS_KEY).append(": \"").append(cluster.statusChannel()).append("\"\n");
    }

    /**
     * An edge's config: its WebSocket limits, a small term for its own media driver and, when the engine took them,
     * the run's archive control and status channels.
     *
     * @param cluster  tokens and channels.
     * @param viewers  viewers of the run.
     * @param edgeKeys whether the engine took the archive control and status channels of the run.
     * @return the YAML.
     */
    static String edgeConfig(final Cluster cluster, final int viewers, final boolean edgeKeys)
    {
        final int limit = Math.max(4096, viewers + 1024);
        final StringBuilder yaml = new StringBuilder();
        yaml.append("# written by perf/peers-edge/run\n");
        yaml.append("websocket:\n");
        yaml.append("  maxConnections: ").append(limit).append('\n');
        yaml.append("  maxConnectionsPerAddress: ").append(limit).append('\n');
        yaml.append("telemetry:\n");
        yaml.append("  enabled: false\n");
        yaml.append("aeron:\n");
        yaml.append("  termLength: 1048576\n");
        if (edgeKeys)
        {
            yaml.append("  output:\n");
            edgeKeys(yaml, cluster);
        }
        return yaml.toString();
    }

    /**
     * Start the engine and wait for its URL.
     *
     * @param root       the project root.
     * @param out        the report directory of this setup.
     * @param cluster    tokens and channels.
     * @param viewers    viewers of the run.
     * @param aeron      whether the output stream runs.
     * @param edgeKeys   whether to name the archive's control and status channels.
     * @param console    where progress goes.
     * @return the running engine.
     * @throws StartFailure with its last words when it exits or does not start in time.
     */
    static NodeProcess engine(final Path root, final Path out, final Cluster cluster, final int viewers,
        final boolean aeron, final boolean edgeKeys, final PrintWriter console)
    {
        final Path dataDir = dataDir(cluster);
        final Path config = dataDir.resolve("engine.yaml");
        write(config, engineConfig(cluster, viewers, aeron, edgeKeys));
        write(out.resolve("engine.yaml"), engineConfig(cluster, viewers, aeron, edgeKeys));
        final List<String> command = List.of(root.resolve("commandcenter").toString(), "run",
            "--config", config.toString(), "--data-dir", dataDir.toString());
        return start("engine", command, out, cluster, dataDir, config, -1, console);
    }

    /**
     * Start an edge of the engine and wait until its port answers.
     *
     * @param root       the project root.
     * @param out        the report directory of this setup.
     * @param name       such as {@code edge-1}.
     * @param cluster    tokens and channels.
     * @param viewers    viewers of the run.
     * @param edgeKeys   whether the engine took the run's archive control and status channels (else the defaults).
     * @param console    where progress goes.
     * @return the running edge.
     * @throws StartFailure with its last words when it exits or does not answer in time.
     */
    static NodeProcess edge(final Path root, final Path out, final String name, final Cluster cluster,
        final int viewers, final boolean edgeKeys, final PrintWriter console)
    {
        final Path dataDir = dataDir(cluster);
        final Path config = dataDir.resolve("edge.yaml");
        write(config, edgeConfig(cluster, viewers, edgeKeys));
        write(out.resolve(name + ".yaml"), edgeConfig(cluster, viewers, edgeKeys));
        final int port = freeTcpPort();
        final List<String> command = new ArrayList<>(List.of(root.resolve("commandcenter").toString(), "edge",
            "--engine", cluster.outputChannel(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--data-dir", dataDir.toString(), "--config", config.toString()));
        if (edgeKeys)
        {
            command.add("--archive");
            command.add(cluster.archiveControl());
            command.add("--status");
            command.add(cluster.statusChannel());
        }
        return start(name, command, out, cluster, dataDir, config, port, console);
    }

    private static NodeProcess start(final String name, final List<String> command, final Path out,
        final Cluster cluster, final Path dataDir, final Path config, final int knownPort, final PrintWriter console)
    {
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            ChildProcesses.deleteTree(dataDir);
            throw new StartFailure("cannot start " + command.getFirst() + ": " + ex.getMessage());
        }
        final List<String> lines = new ArrayList<>();
        final int[] announced = { -1 };
        Thread.ofPlatform().daemon().name("edge-bench-" + name + "-log")
            .start(() -> copyLog(process, out.resolve(name + ".log"), cluster, lines, announced));
        final long deadlineMs = System.currentTimeMillis() + START_TIMEOUT_MS;
        try
        {
            while (System.currentTimeMillis() < deadlineMs && process.isAlive())
            {
                final int port;
                synchronized (lines)
                {
                    port = knownPort > 0 ? knownPort : announced[0];
                }
                if (port > 0 && (knownPort < 0 || answers(port)))
                {
                    console.println("  " + name + ": pid " + process.pid() + ", http://127.0.0.1:" + port);
                    console.flush();
                    return new NodeProcess(name, process, dataDir, port);
                }
                Thread.sleep(POLL_MS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        ChildProcesses.stop(process, STOP_TIMEOUT_S);
        ChildProcesses.deleteTree(dataDir);
        final String reason;
        synchronized (lines)
        {
            reason = lastWords(lines, config.toString());
        }
        throw new StartFailure(reason.isEmpty() ? name + " did not start in " + START_TIMEOUT_MS / 1000 + " s (see " +
            out.resolve(name + ".log") + ")" : name + ": " + reason);
    }

    /**
     * What a node that exited said last: its last non-blank line, the temporary config path shortened, bounded.
     *
     * @param lines      its output.
     * @param configPath the config file's path to shorten.
     * @return one line, possibly empty.
     */
    static String lastWords(final List<String> lines, final String configPath)
    {
        for (int i = lines.size() - 1; i >= 0; i--)
        {
            String line = lines.get(i).strip();
            if (!line.isEmpty())
            {
                if (line.contains("Unmatched argument") && line.contains("'edge'"))
                {
                    return "this build has no 'commandcenter edge' command (expected the edge nodes of issue #12)";
                }
                line = line.replace(configPath, Path.of(configPath).getFileName().toString());
                // The config loader lists every key it knows after an unknown one: the reason is before the list.
                final int list = line.indexOf(EXPECTED_LIST);
                if (list > 0)
                {
                    line = line.substring(0, list);
                }
                return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) + "..." : line;
            }
        }
        return "";
    }

    private static void copyLog(final Process process, final Path file, final Cluster cluster, final List<String> lines,
        final int[] announced)
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter log = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                final String safe = TOKEN_PARAMETER.matcher(line.replace(cluster.adminToken(), "...")
                    .replace(cluster.overlayToken(), "...")).replaceAll("token=...");
                log.println(safe);
                log.flush();
                synchronized (lines)
                {
                    if (lines.size() < 1000)
                    {
                        lines.add(safe);
                    }
                    if (announced[0] < 0)
                    {
                        final Matcher matcher = URL.matcher(safe);
                        if (matcher.find())
                        {
                            announced[0] = Integer.parseInt(matcher.group(1));
                        }
                    }
                }
            }
        }
        catch (final IOException ignore)
        {
            // the node is gone
        }
    }

    private static boolean answers(final int port)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Which node this is.
     *
     * @return such as {@code engine} or {@code edge-1}.
     */
    String name()
    {
        return name;
    }

    /**
     * The node's process id (the JVM itself: the launcher execs it).
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
     * The node's base URL.
     *
     * @return {@code http://127.0.0.1:PORT}.
     */
    String url()
    {
        return "http://127.0.0.1:" + port;
    }

    /**
     * CPU time (user and system) the process has used so far.
     *
     * @return nanoseconds, or -1 when the system does not tell.
     */
    long cpuNs()
    {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /**
     * Stop the node (terminate, then kill after a few seconds) and delete its data dir.
     */
    public void close()
    {
        ChildProcesses.stop(process, STOP_TIMEOUT_S);
        ChildProcesses.deleteTree(dataDir);
    }

    /**
     * A free UDP port on loopback, for a channel of this run (so runs and tests can go side by side).
     *
     * @return the port.
     */
    static int freeUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot find a free UDP port: " + ex.getMessage(), ex);
        }
    }

    private static int freeTcpPort()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot find a free TCP port: " + ex.getMessage(), ex);
        }
    }

    /**
     * The JSON of the secrets store every node of a run reads its tokens from.
     *
     * @param cluster the tokens.
     * @return the file's content.
     */
    static String secrets(final Cluster cluster)
    {
        return "{\n  \"adminToken\" : \"" + cluster.adminToken() + "\",\n  \"overlayToken\" : \"" +
            cluster.overlayToken() + "\"\n}\n";
    }

    private static Path dataDir(final Cluster cluster)
    {
        try
        {
            // mode 0700, as the node expects of its data dir; the store 0600
            final Path dir = Files.createTempDirectory("commandcenter-edge-bench-");
            final Path store = dir.resolve("secrets.json");
            Files.createFile(store, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(store, secrets(cluster), StandardCharsets.UTF_8);
            return dir;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create a data dir: " + ex.getMessage(), ex);
        }
    }

    private static void write(final Path file, final String text)
    {
        try
        {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }



}
