package dev.commandcenter.perf;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;

/**
 * The journal peer: runs {@link JournalBenchmark} under JMH with the GC profiler ({@code -prof gc}) and prints
 * the journal's append ({@link JournalBenchmark#append}: header, CRC-32C, batch end every 64) against raw
 * Chronicle Queue appends of the same bytes ({@link JournalBenchmark#rawChronicleAppend}) as a ratio of the
 * same run, with the allocation per append of each.
 * <p>
 * Usage: {@code perf/peers-journal [JMH options]}, for example {@code perf/peers-journal -f 2 -i 10}.
 */
public final class JournalPeers
{
    private JournalPeers()
    {
    }

    /**
     * Run the benchmark and print the ratio.
     *
     * @param args JMH command line options (forks, iterations ...); the benchmark and profiler are set here.
     * @throws Exception when JMH fails or an option is not valid.
     */
    public static void main(final String[] args) throws Exception
    {
        final Collection<RunResult> results = new Runner(new OptionsBuilder()
            .parent(new CommandLineOptions(args))
            .include(JournalBenchmark.class.getName() + "\\.")
            .addProfiler(GCProfiler.class)
            .build()).run();

        RunResult journal = null;
        RunResult raw = null;
        for (final RunResult result : results)
        {
            final String benchmark = result.getParams().getBenchmark();
            if (benchmark.endsWith(".append"))
            {
                journal = result;
            }
            else if (benchmark.endsWith(".rawChronicleAppend"))
            {
                raw = result;
            }
        }
        if (null == journal || null == raw)
        {
            throw new IllegalStateException("JMH ran " + results.size() +
                " benchmarks, expected JournalBenchmark.append and JournalBenchmark.rawChronicleAppend");
        }

        final PrintStream out = System.out;
        out.println();
        out.println("| benchmark | score | gc.alloc.rate.norm |");
        out.println("|---|---|---|");
        row(out, "`JournalBenchmark.rawChronicleAppend` (Chronicle's appender, the same bytes)", raw);
        row(out, "`JournalBenchmark.append` (header, CRC-32C, batch end every 64)", journal);
        final double ratio = journal.getPrimaryResult().getScore() / raw.getPrimaryResult().getScore();
        out.println();
        out.printf(Locale.ROOT, "journal append / raw Chronicle append (time per append) %.2fx " +
            "(1.00x or less: no slower than raw Chronicle)%n", ratio);
        out.printf(Locale.ROOT, "journal / raw Chronicle (appends per second)            %.2f%n", 1 / ratio);
    }

    private static void row(final PrintStream out, final String label, final RunResult result)
    {
        final Result<?> primary = result.getPrimaryResult();
        final Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
        out.printf(Locale.ROOT, "| %s | %.1f ± %.1f %s | %s |%n", label, primary.getScore(),
            primary.getScoreError(), primary.getScoreUnit(),
            null == alloc ? "n/a" : String.format(Locale.ROOT, "%.2f B/op", alloc.getScore()));
    }
}
