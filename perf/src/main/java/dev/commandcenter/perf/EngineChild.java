package dev.commandcenter.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the peers harnesses share about a server they run in a child process ({@code commandcenter run}, or the Node
 * server): its log copied with the tokens elided while its URL is awaited, its last words when it does not start, its
 * WebSocket drop counters from {@code /metrics} and its CPU time. {@link ChildProcesses} stops it and cleans up.
 */
public final class EngineChild
{
    /** Lines of output kept for {@link #lastWords(List, String, String)}. */
    public static final int KEPT_LINES = 1000;

    private static final Pattern TOKEN_PARAMETER = Pattern.compile("token=[^&\\s]+");
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern DROPS = Pattern.compile("(?m)^commandcenter_websocket_drops_total (\\d+)");
    private static final Pattern SLOW_CLOSES =
        Pattern.compile("(?m)^commandcenter_websocket_slow_client_closes_total (\\d+)");
    private static final int MAX_REASON = 240;
    private static final String EXPECTED_LIST = ", expected one of [";

    private EngineChild()
    {
    }

    /**
     * Copy a child's output to a file until it ends, with every token and every {@code token=} URL parameter written
     * as {@code ...} (the engine prints its page URLs with tokens), keeping the first {@value #KEPT_LINES} lines and
     * completing {@code port} with the port of the first {@code http://127.0.0.1:PORT} it prints. When the output
     * ends, {@code port} completes exceptionally if it had not completed.
     *
     * @param process whose standard output to read.
     * @param file    where the lines go.
     * @param tokens  the secrets never written.
     * @param port    completed with the announced port.
     * @param lines   the lines kept, guarded by its own monitor.
     */
    public static void copyLog(final Process process, final Path file, final List<String> tokens,
        final CompletableFuture<Integer> port, final List<String> lines)
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter log = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                String safe = line;
                for (final String token : tokens)
                {
                    safe = safe.replace(token, "...");
                }
                safe = TOKEN_PARAMETER.matcher(safe).replaceAll("token=...");
                log.println(safe);
                log.flush();
                synchronized (lines)
                {
                    if (lines.size() < KEPT_LINES)
                    {
                        lines.add(safe);
                    }
                }
                if (!port.isDone())
                {
                    final Matcher matcher = URL.matcher(safe);
                    if (matcher.find())
                    {
                        port.complete(Integer.parseInt(matcher.group(1)));
                    }
                }
            }
        }
        catch (final IOException ignore)
        {
            // the process is gone
        }
        port.completeExceptionally(new IllegalStateException("the process exited"));
    }

    /**
     * What a child that exited said last: its last non-blank line, the temporary config path shortened, the list of
     * known keys the config loader adds after an unknown one cut, bounded.
     *
     * @param lines      its output.
     * @param configPath the config file's path to shorten, or null.
     * @param configName what to write in its place, such as {@code fanout.yaml}.
     * @return one line, possibly empty.
     */
    public static String lastWords(final List<String> lines, final String configPath, final String configName)
    {
        for (int i = lines.size() - 1; i >= 0; i--)
        {
            String line = lines.get(i).strip();
            if (!line.isEmpty())
            {
                if (null != configPath)
                {
                    line = line.replace(configPath, configName);
                }
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

    /**
     * The engine's count of WebSocket frames dropped (a fan-out ring or a client's socket full) and of slow clients
     * closed, from its {@code /metrics}: what tells a frame the engine dropped from one the load generator missed.
     *
     * @param port       the engine's HTTP port on loopback.
     * @param adminToken the admin token, which {@code /metrics} asks for.
     * @return { drops, slow-client closes }, or null when the engine does not answer.
     */
    public static long[] webSocketDrops(final int port, final String adminToken)
    {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build())
        {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Authorization", "Bearer " + adminToken).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
            return 200 == response.statusCode() ? drops(response.body()) : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Read the drop counters from the engine's metrics text.
     *
     * @param metrics the Prometheus text.
     * @return { drops, slow-client closes }, or null when either is missing.
     */
    public static long[] drops(final String metrics)
    {
        final Matcher drops = DROPS.matcher(metrics);
        final Matcher closes = SLOW_CLOSES.matcher(metrics);
        if (!drops.find() || !closes.find())
        {
            return null;
        }
        return new long[] { Long.parseLong(drops.group(1)), Long.parseLong(closes.group(1)) };
    }

    /**
     * A child's CPU time so far, user and system, from {@code /proc} through {@link ProcessHandle}.
     *
     * @param process the child.
     * @return nanoseconds, or -1 when not readable.
     */
    public static long cpuNanos(final Process process)
    {
        return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }
}
