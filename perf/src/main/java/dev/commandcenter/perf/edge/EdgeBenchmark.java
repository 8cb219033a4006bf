package dev.commandcenter.perf.edge;

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
import java.util.List;
import java.util.Locale;

/**
 * {@code perf/peers-edge/run}: the edge fan-out nodes of issue #12 against one node, at the same offered load.
 * <ul>
 *     <li>(a) one node ({@code commandcenter run}, Aeron off, as deployed without edges) serving N viewers;</li>
 *     <li>(b) the engine with its output stream and archive on ({@code aeron.output}) and two edges
 *     ({@code commandcenter edge --engine CHANNEL}), each in its own JVM on loopback UDP, serving N/2 viewers each;</li>
 *     <li>(c) the added latency of the engine to edge hop: one viewer on the engine, then one on an edge, at a low
 *     rate, on the same engine and edges as (b).</li>
 * </ul>
 * Every setup is driven by the same load generator ({@code commandcenter bench}: payments posted over REST to the
 * engine at a fixed rate, WebSocket viewers, latency from each payment's intended send time, HdrHistogram), in a
 * process of its own. The summary goes to {@code summary.md} in the report directory and to standard output.
 * <p>
 * Exit status: 0 when every setup ran and lost no frame, 1 when one lost a frame or could not run, 2 on a bad
 * command line.
 */
public final class EdgeBenchmark
{
    private EdgeBenchmark()
    {
    }

    /**
     * Run it.
     *
     * @param args options; see {@link EdgeOptions#USAGE}.
     */
    public static void main(final String[] args)
    {
        final PrintWriter console = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        final Path root = Path.of(System.getProperty("edge.root", ".")).toAbsolutePath().normalize();
        final EdgeOptions options;
        try
        {
            options = EdgeOptions.parse(args, root,
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("perf/peers-edge/run: " + ex.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(options, console));
    }

    static int run(final EdgeOptions options, final PrintWriter console)
    {
        try
        {
            Files.createDirectories(options.out());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + options.out() + ": " + ex.getMessage(), ex);
        }
        final String machine = machine();
        final String settings = settings(options);
        console.println("edge benchmark: " + settings);
        console.println(EdgeReport.SHARED_CORES);
        console.println("report in " + options.out());
        final List<EdgeRow> rows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        console.printf(Locale.ROOT, "== (a) one node, %,d viewers at %,d events/s%n", options.viewers(), options.rate());
        rows.add(oneNode(options, console));
        write(options, rows, machine, settings, notes);

        console.printf(Locale.ROOT, "== (b) engine + %d edges, %,d viewers each at %,d events/s; (c) the hop at %,d " +
            "events/s%n", EdgeOptions.EDGES, options.viewers() / EdgeOptions.EDGES, options.rate(), options.hopRate());
        rows.addAll(withEdges(options, notes, console));

        final String summary = write(options, rows, machine, settings, notes);
        console.println();
        console.print(summary);
        console.println();
        console.println("report in " + options.out());
        console.flush();
        boolean failed = false;
        for (final EdgeRow row : rows)
        {
            failed |= !row.measured() || row.figures().lost() > 0 || row.figures().duplicates() > 0;
        }
        return failed ? 1 : 0;
    }

    private static EdgeRow oneNode(final EdgeOptions options, final PrintWriter console)
    {
        final String title = "(a) one node (engine, Aeron off)";
        final Path dir = options.out().resolve("a-one-node");
        final NodeProcess.Cluster cluster = NodeProcess.Cluster.create();
        try (NodeProcess engine = NodeProcess.engine(options.root(), dir, cluster, options.viewers(), false, false,
            console))
        {
            final EdgeFigures figures = EdgeBench.run(options.root(), engine, List.of(engine), List.of(engine),
                cluster.adminToken(), options.viewers(), options.rate(), options.duration(), options.warmup(),
                dir.resolve("bench"), console);
            progress(console, figures);
            return new EdgeRow("a", title, options.viewers(), options.rate(), figures, null);
        }
        catch (final NodeProcess.StartFailure ex)
        {
            return EdgeRow.unavailable("a", title, options.viewers(), options.rate(), options.expectedFrames(),
                ex.getMessage());
        }
    }

    private static List<EdgeRow> withEdges(final EdgeOptions options, final List<String> notes,
        final PrintWriter console)
    {
        final String titleB = "(b) engine + " + EdgeOptions.EDGES + " edges (" + options.viewers() / EdgeOptions.EDGES +
            " viewers each)";
        final String titleDirect = "the engine (direct)";
        final String titleEdge = "an edge";
        final long hopExpected = options.hopRate() * options.hopDuration().toMillis() / 1000;
        final Path dir = options.out().resolve("b-c-edges");
        final NodeProcess.Cluster cluster = NodeProcess.Cluster.create();
        final List<EdgeRow> rows = new ArrayList<>();
        final List<NodeProcess> nodes = new ArrayList<>();
        try
        {
            boolean edgeKeys = true;
            NodeProcess engine;
            try
            {
                engine = NodeProcess.engine(options.root(), dir, cluster, options.viewers(), true, true, console);
            }
            catch (final NodeProcess.StartFailure ex)
            {
                if (!ex.getMessage().contains(NodeProcess.ARCHIVE_KEY) && !ex.getMessage().contains(NodeProcess.STATUS_KEY))
                {
                    throw ex;
                }
                // An engine that names these channels otherwise: both sides keep their defaults.
                edgeKeys = false;
                notes.add("the engine refused aeron.output." + NodeProcess.ARCHIVE_KEY + " or " + NodeProcess.STATUS_KEY +
                    " (" + ex.getMessage() + "): the engine and the edges ran with their default archive control and " +
                    "status channels");
                engine = NodeProcess.engine(options.root(), dir, cluster, options.viewers(), true, false, console);
            }
            nodes.add(engine);
            final List<NodeProcess> edges = new ArrayList<>();
            String edgeFailure = null;
            try
            {
                for (int i = 1; i <= EdgeOptions.EDGES; i++)
                {
                    final NodeProcess edge = NodeProcess.edge(options.root(), dir, "edge-" + i, cluster,
                        options.viewers(), edgeKeys, console);
                    nodes.add(edge);
                    edges.add(edge);
                }
            }
            catch (final NodeProcess.StartFailure ex)
            {
                edgeFailure = ex.getMessage();
                console.println("  edge not available: " + edgeFailure);
            }
            if (null == edgeFailure)
            {
                final EdgeFigures fanout = EdgeBench.run(options.root(), engine, edges, nodes, cluster.adminToken(),
                    options.viewers(), options.rate(), options.duration(), options.warmup(), dir.resolve("b-bench"),
                    console);
                progress(console, fanout);
                rows.add(new EdgeRow("b", titleB, options.viewers(), options.rate(), fanout, null));
            }
            else
            {
                rows.add(EdgeRow.unavailable("b", titleB, options.viewers(), options.rate(), options.expectedFrames(),
                    edgeFailure));
            }
            console.println("  (c) one viewer on the engine");
            final EdgeFigures direct = EdgeBench.run(options.root(), engine, List.of(engine), List.of(engine),
                cluster.adminToken(), 1, options.hopRate(), options.hopDuration(), options.warmup(),
                dir.resolve("c-direct-bench"), console);
            progress(console, direct);
            rows.add(new EdgeRow("c-direct", titleDirect, 1, options.hopRate(), direct, null));
            if (null == edgeFailure)
            {
                console.println("  (c) one viewer on edge-1");
                final EdgeFigures viaEdge = EdgeBench.run(options.root(), engine, List.of(edges.getFirst()),
                    List.of(engine, edges.getFirst()), cluster.adminToken(), 1, options.hopRate(),
                    options.hopDuration(), options.warmup(), dir.resolve("c-edge-bench"), console);
                progress(console, viaEdge);
                rows.add(new EdgeRow("c-edge", titleEdge, 1, options.hopRate(), viaEdge, null));
            }
            else
            {
                rows.add(EdgeRow.unavailable("c-edge", titleEdge, 1, options.hopRate(), hopExpected, edgeFailure));
            }
            for (final NodeProcess node : nodes)
            {
                if (!node.alive())
                {
                    notes.add(node.name() + " exited during the run (see " + dir.resolve(node.name() + ".log") + ")");
                }
            }
        }
        catch (final NodeProcess.StartFailure ex)
        {
            console.println("  engine with its output stream not available: " + ex.getMessage());
            rows.add(EdgeRow.unavailable("b", titleB, options.viewers(), options.rate(), options.expectedFrames(),
                ex.getMessage()));
            rows.add(EdgeRow.unavailable("c-direct", titleDirect, 1, options.hopRate(), hopExpected, ex.getMessage()));
            rows.add(EdgeRow.unavailable("c-edge", titleEdge, 1, options.hopRate(), hopExpected, ex.getMessage()));
        }
        finally
        {
            // Edges first, so none is left retrying an engine that is gone.
            for (int i = nodes.size() - 1; i >= 0; i--)
            {
                nodes.get(i).close();
            }
        }
        return rows;
    }

    private static void progress(final PrintWriter console, final EdgeFigures figures)
    {
        if (figures.measured())
        {
            console.printf(Locale.ROOT, "  %,d of %,d frames, %,d lost, %,d duplicate, p50 %s ms, p99 %s ms%n",
                figures.bench().received(), figures.bench().expected(), figures.lost(), figures.duplicates(),
                EdgeReport.ms(figures.bench().p50Ms()), EdgeReport.ms(figures.bench().p99Ms()));
        }
        else
        {
            console.println("  not measured: " + figures.bench().firstError());
        }
        console.flush();
    }

    private static String write(final EdgeOptions options, final List<EdgeRow> rows, final String machine,
        final String settings, final List<String> notes)
    {
        final String summary = EdgeReport.markdown(rows, machine, settings, notes);
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

    static String settings(final EdgeOptions options)
    {
        return String.format(Locale.ROOT, "%s%,d viewers at %,d events/s for %.1f s after %.1f s of warm-up in (a) " +
            "and (b); the hop (c) at %,d events/s for %.1f s; payments posted over REST to the engine, one frame per " +
            "payment per viewer, plain frames; the engine and each edge in a JVM of its own with its own embedded " +
            "media driver (1 MiB terms), the output stream over loopback UDP (multi-destination-cast, dynamic " +
            "control), the load generator (commandcenter bench, JDK WebSocket clients) in another process",
            options.quick() ? "quick run: " : "", options.viewers(), options.rate(), options.duration().toMillis() / 1e3,
            options.warmup().toMillis() / 1e3, options.hopRate(), options.hopDuration().toMillis() / 1e3);
    }

    private static String machine()
    {
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
        return String.format(Locale.ROOT, "%s, %d CPU(s), Linux %s, Java %s, load average %s at the start",
            Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(), kernel,
            Runtime.version(), load);
    }
}
