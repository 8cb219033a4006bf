package dev.commandcenter.perf.fanout;

import dev.commandcenter.perf.WakeLatency;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code perf/peers-fanout}: for each client count, the same load generator ({@code commandcenter bench} in a
 * process of its own: WebSocket clients on loopback, payments posted over REST, HdrHistogram) against the engine
 * with {@code websocket.backend: netty}, the engine with {@code websocket.backend: native}, and the Node.js
 * {@code ws} server, each in a process of its own. Per server and count: a paced phase (delivered / lost,
 * p50 / p99 / p99.9 from each event's intended send time) and a saturation phase (frames per second summed over
 * clients with a bounded window in flight), with the server's CPU time per frame delivered. The summary, with the
 * issue's target ratios, goes to {@code summary.md} in the report directory and to standard output.
 * <p>
 * Exit status: 0 when no engine backend measured lost a frame, 1 when one did or a phase failed, 2 on a bad command
 * line (the Node peer's losses are reported, not judged).
 */
public final class Fanout
{
    /** The library whose mapping in the engine's process shows the native backend runs. */
    static final String NATIVE_LIBRARY = "libwebsockets";
    private static final int FD_HEADROOM = 1024;
    private static final int WAKE_SAMPLES = 2_000;
    private static final long WAKE_PER_SECOND = 500;

    private Fanout()
    {
    }

    /**
     * Run it.
     *
     * @param args client counts and options; see {@link FanoutOptions#USAGE}.
     */
    public static void main(final String[] args)
    {
        final PrintWriter console = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        final Path root = Path.of(System.getProperty("fanout.root", ".")).toAbsolutePath().normalize();
        final FanoutOptions options;
        try
        {
            options = FanoutOptions.parse(args, System.getenv(), root,
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("perf/peers-fanout: " + ex.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options, console));
    }

    static int run(final FanoutOptions options, final PrintWriter console)
    {
        try
        {
            Files.createDirectories(options.out());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + options.out() + ": " + ex.getMessage(), ex);
        }
        final long fdLimit = openFileLimit();
        final String settings = settings(options);
        console.println("fan-out: " + settings);
        console.println("report in " + options.out());
        final List<FanoutRow> rows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final Map<ServerKind, String> gone = new EnumMap<>(ServerKind.class);
        final String[] nodeVersion = { "" };
        final String machine = machine(fdLimit) + ", " + wakeLatency(console);
        boolean failed = false;
        for (final int clients : options.clients())
        {
            if (fdLimit > 0 && clients + FD_HEADROOM > fdLimit)
            {
                final String skipped = String.format(Locale.ROOT, "%,d clients skipped: the open-file limit is %,d " +
                    "and each side needs %,d (raise ulimit -n)", clients, fdLimit, clients + FD_HEADROOM);
                console.println(skipped);
                notes.add(skipped);
                continue;
            }
            for (final ServerKind server : options.servers())
            {
                final long rate = options.pacedRate(clients);
                if (gone.containsKey(server))
                {
                    rows.add(FanoutRow.unavailable(server, clients, rate, gone.get(server)));
                    continue;
                }
                console.printf(Locale.ROOT, "== %s, %,d client(s)%n", server.title(), clients);
                final FanoutRow row = measure(options, server, clients, rate, notes, nodeVersion, console);
                rows.add(row);
                if (!row.available())
                {
                    console.println("  not available: " + row.unavailable());
                    if (ServerKind.NODE != server)
                    {
                        // An engine that cannot start a backend at one count cannot at the next.
                        gone.put(server, row.unavailable());
                    }
                }
                else
                {
                    failed |= !row.paced().measured() || !row.saturated().measured() || (server.engine() && row.lost() > 0);
                    console.printf(Locale.ROOT, "  paced %,d of %,d frames, p99 %s ms; saturated %,.0f frames/s, %,d lost%n",
                        row.paced().received(), row.paced().expected(), FanoutReport.ms(row.paced().p99Ms()),
                        row.saturated().framesPerSecond(), row.saturated().lost());
                }
                console.flush();
                write(options, rows, machine + nodeVersion[0], settings, notes);
            }
        }
        final String summary = write(options, rows, machine + nodeVersion[0], settings, notes);
        console.println();
        console.print(summary);
        console.println();
        console.println("report in " + options.out());
        console.flush();
        return failed ? 1 : 0;
    }

    private static FanoutRow measure(final FanoutOptions options, final ServerKind server, final int clients,
        final long rate, final List<String> notes, final String[] nodeVersion, final PrintWriter console)
    {
        final Path dir = options.out().resolve(server.label() + "-" + clients);
        final FanoutServer process;
        try
        {
            process = start(options, server, clients, dir, notes, console);
        }
        catch (final FanoutServer.StartFailure ex)
        {
            return FanoutRow.unavailable(server, clients, rate, ex.getMessage());
        }
        try (process)
        {
            if (ServerKind.NODE == server && nodeVersion[0].isEmpty())
            {
                final String first = process.firstLine();
                final int open = first.indexOf('(');
                nodeVersion[0] = open < 0 ? "" : ", Node.js peer " + first.substring(open + 1).replace(")", "");
            }
            final long[] before = process.webSocketDrops();
            final BenchFigures paced = BenchProcess.run(options.root(), process, clients, Long.toString(rate),
                options.paced(), options.warmup(), options.window(clients), dir.resolve("paced"),
                rate * options.paced().toMillis() / 1000 * clients, console);
            if (ServerKind.NATIVE == server && process.alive() && !process.mapsLibrary(NATIVE_LIBRARY))
            {
                return FanoutRow.unavailable(server, clients, rate, "the engine accepted " +
                    FanoutServer.BACKEND_KEY + ": native but has no " + NATIVE_LIBRARY + " loaded (the backend did not " +
                    "take effect)");
            }
            final long[] afterPaced = process.webSocketDrops();
            final BenchFigures saturated = BenchProcess.run(options.root(), process, clients, "max",
                options.saturation(), options.saturationWarmup(), options.window(clients), dir.resolve("saturated"), 0,
                console);
            final long[] afterSaturated = process.webSocketDrops();
            dropNote(server, clients, "paced phase (its warm-up included)", before, afterPaced, notes);
            dropNote(server, clients, "saturation phase (its warm-up included)", afterPaced, afterSaturated, notes);
            if (!process.alive())
            {
                notes.add(server.label() + " x " + clients + ": the server exited during the run (see " +
                    dir.resolve("server.log") + ")");
            }
            return new FanoutRow(server, clients, rate, paced, saturated, null);
        }
    }

    private static void dropNote(final ServerKind server, final int clients, final String phase, final long[] before,
        final long[] after, final List<String> notes)
    {
        if (null != before && null != after && (after[0] > before[0] || after[1] > before[1]))
        {
            notes.add(String.format(Locale.ROOT, "%s x %,d, %s: the engine counted %,d WebSocket frames dropped " +
                "and %,d slow clients closed (/metrics)", server.label(), clients, phase, after[0] - before[0],
                after[1] - before[1]));
        }
    }

    private static FanoutServer start(final FanoutOptions options, final ServerKind server, final int clients,
        final Path dir, final List<String> notes, final PrintWriter console)
    {
        return switch (server)
        {
            case NODE -> FanoutServer.node(options.root(), dir, console);
            case NATIVE -> FanoutServer.engine(options.root(), dir, server, "native", clients, console);
            case NETTY ->
            {
                try
                {
                    yield FanoutServer.engine(options.root(), dir, server, "netty", clients, console);
                }
                catch (final FanoutServer.StartFailure ex)
                {
                    if (!ex.getMessage().contains(FanoutServer.BACKEND_KEY))
                    {
                        throw ex;
                    }
                    // An engine from before the key: Netty is its only backend.
                    final String note = "netty: this engine refused " + FanoutServer.BACKEND_KEY + " (" +
                        ex.getMessage() + "): ran without the key, on its only backend, Netty";
                    if (!notes.contains(note))
                    {
                        notes.add(note);
                    }
                    console.println("  " + FanoutServer.BACKEND_KEY + " refused: running without it (Netty)");
                    yield FanoutServer.engine(options.root(), dir, server, null, clients, console);
                }
            }
        };
    }

    private static String write(final FanoutOptions options, final List<FanoutRow> rows, final String machine,
        final String settings, final List<String> notes)
    {
        final String summary = FanoutReport.markdown(rows, machine, settings, notes);
        try
        {
            Files.writeString(options.out().resolve("summary.md"), summary, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + options.out().resolve("summary.md") + ": " +
                ex.getMessage(), ex);
        }
        return summary;
    }

    private static String settings(final FanoutOptions options)
    {
        final String window = options.window() > 0 ? "at most " + options.window() + " events in flight" :
            "at most " + FanoutOptions.FRAMES_IN_FLIGHT + " frames over the clients in flight (" +
            FanoutOptions.WINDOW_MIN + " to " + FanoutOptions.WINDOW_MAX + " events)";
        final StringBuilder rates = new StringBuilder();
        if (options.rate() > 0)
        {
            rates.append(options.rate()).append(" events/s");
        }
        else
        {
            rates.append(FanoutOptions.RATE_FEW).append(" events/s below ").append(FanoutOptions.MANY_CLIENTS)
                .append(" clients, ").append(FanoutOptions.RATE_MANY).append(" from there");
        }
        return String.format(Locale.ROOT, "paced %s for %.1f s after %.1f s of warm-up; saturation (as fast as " +
            "accepted, %s) for %.1f s after %.1f s; payments posted over REST, one frame per " +
            "payment per client, plain frames (no trace); each server in its own process, the load generator " +
            "(commandcenter bench, Netty WebSocket clients on one event loop) in another, loopback only",
            rates, options.paced().toMillis() / 1e3, options.warmup().toMillis() / 1e3, window,
            options.saturation().toMillis() / 1e3, options.saturationWarmup().toMillis() / 1e3);
    }

    /**
     * The machine's thread wake-up latency before any server runs: what each hand-over between threads may cost.
     */
    private static String wakeLatency(final PrintWriter console)
    {
        try
        {
            final String line = "thread wake-up after an unpark " +
                WakeLatency.describe(WakeLatency.measure(WAKE_SAMPLES, 1_000_000_000L / WAKE_PER_SECOND), WAKE_PER_SECOND);
            console.println("fan-out: " + line);
            console.flush();
            return line;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "thread wake-up not measured";
        }
    }

    private static String machine(final long fdLimit)
    {
        final String model = firstValue(Path.of("/proc/cpuinfo"), "model name");
        final String memory = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        String kernel = "";
        String load = "";
        try
        {
            kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
            load = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+")[0];
        }
        catch (final IOException | RuntimeException ignore)
        {
            // not Linux: say less
        }
        return String.format(Locale.ROOT, "%s, %d CPU(s)%s, %s, Linux %s, Java %s, open-file limit %s, load average %s " +
            "at the start", Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
            model.isEmpty() ? "" : " (" + model + ")", memory.isEmpty() ? "memory unknown" : memory + " memory",
            kernel, Runtime.version(), fdLimit > 0 ? String.format(Locale.ROOT, "%,d", fdLimit) : "unknown", load);
    }

    private static String firstValue(final Path file, final String key)
    {
        try (Stream<String> lines = Files.lines(file))
        {
            return lines.filter((line) -> line.startsWith(key)).map((line) -> line.substring(line.indexOf(':') + 1).strip())
                .findFirst().orElse("");
        }
        catch (final IOException | UncheckedIOException ex)
        {
            return "";
        }
    }

    /**
     * This process's soft limit of open files (the servers and the bench inherit it from the script).
     *
     * @return the limit, or -1 when unknown or unlimited.
     */
    static long openFileLimit()
    {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/limits")))
        {
            return lines.filter((line) -> line.startsWith("Max open files")).findFirst()
                .map((line) -> line.substring("Max open files".length()).strip().split("\\s+")[0])
                .map((soft) -> "unlimited".equals(soft) ? -1L : Long.parseLong(soft))
                .orElse(-1L);
        }
        catch (final IOException | UncheckedIOException | NumberFormatException ex)
        {
            return -1;
        }
    }
}
