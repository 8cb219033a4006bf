package dev.commandcenter.app.bench;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code commandcenter bench compare A B}: two report directories side by side: end-to-end percentiles of each
 * (from their interval logs) with the ratio B / A, and one plot with both percentile curves.
 */
@Command(name = "compare", description = "Compare two bench reports: percentiles side by side and one plot of both.")
public final class CompareCommand implements Callable<Integer>
{
    /** The side-by-side table in the output directory. */
    static final String TABLE_FILE = "compare.txt";
    /** Base name of the plot. */
    static final String PLOT = "compare";

    private static final String ROW = "%-8s %14s %14s %9s%n";

    @Parameters(index = "0", paramLabel = "A", description = "First report directory (the baseline).")
    Path first;

    @Parameters(index = "1", paramLabel = "B", description = "Second report directory.")
    Path second;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Where the table and plot go. Default: " + BenchCommand.RESULTS_DIR + "/compare-<date-time>/")
    Path out;

    @Option(names = "--format", paramLabel = "F", defaultValue = "png",
        description = "Plot format: png or svg. Default: ${DEFAULT-VALUE}")
    String format;

    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    public Integer call()
    {
        final Charts.Format plotFormat;
        try
        {
            plotFormat = Charts.Format.parse(format);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage());
        }
        final Histogram a = read(first);
        final Histogram b = read(second);
        final Path dir = null != out ? out : Path.of(BenchCommand.RESULTS_DIR,
            "compare-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        final String table = table(name(first), a, name(second), b);
        try
        {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(TABLE_FILE), table, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + dir.resolve(TABLE_FILE) + ": " + ex.getMessage(), ex);
        }
        final Path plot = dir.resolve(PLOT + "." + plotFormat.extension());
        Charts.percentiles(plot, plotFormat, "End-to-end latency by percentile: " + name(first) + " vs " + name(second),
            List.of(new Charts.Curve("A: " + name(first), a), new Charts.Curve("B: " + name(second), b)));
        final PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(table);
        stdout.println();
        stdout.println("plot in " + plot.toAbsolutePath().normalize());
        stdout.flush();
        return 0;
    }

    /**
     * The side-by-side table of two runs' end-to-end latency.
     *
     * @param nameA label of A.
     * @param a     its histogram, ns.
     * @param nameB label of B.
     * @param b     its histogram, ns.
     * @return the table text.
     */
    static String table(final String nameA, final Histogram a, final String nameB, final Histogram b)
    {
        final StringBuilder text = new StringBuilder();
        text.append("end-to-end latency, ms: A = ").append(nameA).append(", B = ").append(nameB).append('\n');
        text.append(String.format(Locale.ROOT, ROW, "", "A", "B", "B/A"));
        for (final double percentile : BenchReport.PERCENTILES)
        {
            row(text, "p" + trim(percentile), a, a.getValueAtPercentile(percentile), b, b.getValueAtPercentile(percentile));
        }
        row(text, "max", a, a.getMaxValue(), b, b.getMaxValue());
        text.append(String.format(Locale.ROOT, ROW, "count", String.format(Locale.ROOT, "%,d", a.getTotalCount()),
            String.format(Locale.ROOT, "%,d", b.getTotalCount()), ""));
        return text.toString();
    }

    private static void row(
        final StringBuilder text, final String name, final Histogram a, final long valueA, final Histogram b,
        final long valueB)
    {
        final String ratio = 0 == valueA || 0 == b.getTotalCount() ? "-" :
            String.format(Locale.ROOT, "%.2f", (double)valueB / valueA);
        text.append(String.format(Locale.ROOT, ROW, name, BenchReport.ms(a, valueA), BenchReport.ms(b, valueB), ratio));
    }

    private static String trim(final double percentile)
    {
        return percentile == Math.rint(percentile) ? Long.toString((long)percentile) : Double.toString(percentile);
    }

    private static String name(final Path dir)
    {
        final Path fileName = dir.toAbsolutePath().normalize().getFileName();
        return null == fileName ? dir.toString() : fileName.toString();
    }

    /**
     * The end-to-end latency of a report: every interval of its log added up.
     *
     * @param dir the report directory.
     * @return the histogram, ns.
     * @throws IllegalArgumentException when the directory holds no readable interval log.
     */
    static Histogram read(final Path dir)
    {
        final Path log = dir.resolve(BenchRun.HLOG_FILE);
        if (!Files.isRegularFile(log))
        {
            throw new IllegalArgumentException("no " + BenchRun.HLOG_FILE + " in " + dir +
                " (expected a report directory written by commandcenter bench)");
        }
        final Histogram total = new Histogram(3);
        try
        {
            final HistogramLogReader reader = new HistogramLogReader(log.toFile());
            EncodableHistogram interval;
            while (null != (interval = reader.nextIntervalHistogram()))
            {
                total.add((Histogram)interval);
            }
        }
        catch (final FileNotFoundException ex)
        {
            throw new IllegalArgumentException("cannot read " + log + ": " + ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException("cannot read " + log + ": not an HdrHistogram interval log (" +
                ex.getClass().getSimpleName() + ")");
        }
        return total;
    }
}
