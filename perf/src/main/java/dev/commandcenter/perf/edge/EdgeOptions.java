package dev.commandcenter.perf.edge;

import java.nio.file.Path;
import java.time.Duration;

import static dev.commandcenter.perf.OptionParsing.parseDuration;
import static dev.commandcenter.perf.OptionParsing.value;
import static dev.commandcenter.perf.OptionParsing.whole;

/**
 * What one edge benchmark run does, from {@code perf/peers-edge/run}'s command line. Every bad value is refused with
 * one line naming the option, the value and what was expected.
 *
 * @param viewers     WebSocket viewers of the fan-out comparison: all on the one node in (a), half on each edge in (b).
 * @param rate        events per second posted to the engine in (a) and (b): the same offered load for both.
 * @param duration    measured run of (a) and (b).
 * @param warmup      warm-up before each measured run (edges catch up and the JIT warms in it).
 * @param hopRate     events per second of the hop comparison (c): one viewer on the engine, then one on an edge.
 * @param hopDuration measured run of each half of (c).
 * @param quick       whether this is the smoke run ({@code --quick}).
 * @param root        the project root.
 * @param out         the report directory.
 */
public record EdgeOptions(
    int viewers,
    long rate,
    Duration duration,
    Duration warmup,
    long hopRate,
    Duration hopDuration,
    boolean quick,
    Path root,
    Path out)
{
    /** Edges of the engine in (b) and (c). */
    public static final int EDGES = 2;
    /** The most viewers a run takes: each needs a descriptor in the load generator and one in a server. */
    public static final int MAX_VIEWERS = 2000;
    /** Most events per second a run offers. */
    public static final long MAX_RATE = 10_000;

    /** The usage text. */
    public static final String USAGE = String.join("\n",
        "usage: perf/peers-edge/run [--quick] [--viewers N] [--rate R] [--duration T] [--warmup T] [--hop-rate R]",
        "                           [--hop-duration T] [--out DIR]",
        "  defaults: 200 viewers, 200 events/s, 20s after 5s of warm-up; the hop at 100 events/s for 20s",
        "  --quick:  20 viewers, 100 events/s, 5s after 3s of warm-up; the hop for 5s (a smoke run)");

    /**
     * Parse a command line.
     *
     * @param args the arguments after the script's name.
     * @param root the project root.
     * @param now  a stamp for the default report directory, such as {@code 20261201-220000}.
     * @return the options.
     * @throws IllegalArgumentException with one line naming the bad option and value (the usage for {@code --help}).
     */
    public static EdgeOptions parse(final String[] args, final Path root, final String now)
    {
        boolean quick = false;
        for (final String arg : args)
        {
            quick |= "--quick".equals(arg);
        }
        int viewers = quick ? 20 : 200;
        long rate = quick ? 100 : 200;
        Duration duration = Duration.ofSeconds(quick ? 5 : 20);
        Duration warmup = Duration.ofSeconds(quick ? 3 : 5);
        long hopRate = 100;
        Duration hopDuration = Duration.ofSeconds(quick ? 5 : 20);
        Path out = null;
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            switch (arg)
            {
                case "--quick" ->
                {
                    // read above: the other options override its values
                }
                case "--viewers" -> viewers = (int)whole(arg, value(args, ++i, arg), EDGES, MAX_VIEWERS);
                case "--rate" -> rate = whole(arg, value(args, ++i, arg), 1, MAX_RATE);
                case "--duration" -> duration = parseDuration(arg, value(args, ++i, arg), false);
                case "--warmup" -> warmup = parseDuration(arg, value(args, ++i, arg), true);
                case "--hop-rate" -> hopRate = whole(arg, value(args, ++i, arg), 1, MAX_RATE);
                case "--hop-duration" -> hopDuration = parseDuration(arg, value(args, ++i, arg), false);
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "', expected --quick, " +
                    "--viewers, --rate, --duration, --warmup, --hop-rate, --hop-duration or --out");
            }
        }
        return new EdgeOptions(viewers, rate, duration, warmup, hopRate, hopDuration, quick, root,
            null == out ? root.resolve("perf/target/edge").resolve(now) : out);
    }

    /**
     * Frames the viewers of (a) or (b) should receive in the measured run.
     *
     * @return events times viewers.
     */
    public long expectedFrames()
    {
        return rate * duration.toMillis() / 1000 * viewers;
    }
}
