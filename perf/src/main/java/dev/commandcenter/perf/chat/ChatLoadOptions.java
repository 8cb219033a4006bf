package dev.commandcenter.perf.chat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import static dev.commandcenter.perf.OptionParsing.parseDuration;
import static dev.commandcenter.perf.OptionParsing.value;
import static dev.commandcenter.perf.OptionParsing.whole;

/**
 * What one chat load run does, from {@code perf/peers-chat/run}'s command line. Every bad value is refused with one
 * line naming the option, the value and what was expected.
 *
 * @param clients  WebSocket viewers on the chat feed.
 * @param rate     chat messages posted per second, on a fixed schedule.
 * @param duration measured run.
 * @param warmup   posting at the same rate before it, not measured (JIT, connection pools).
 * @param posters  posters sharing the schedule, each with a display name and HTTP connections of its own.
 * @param format   the viewers' subprotocol: {@code cc.json.v1} or {@code cc.sbe.v1}.
 * @param threads  event loop threads of the viewers in the load generator.
 * @param tail     longest wait after the last post for frames still on their way while none arrives.
 * @param root     the project root.
 * @param out      the report directory.
 */
public record ChatLoadOptions(
    int clients,
    int rate,
    Duration duration,
    Duration warmup,
    int posters,
    String format,
    int threads,
    Duration tail,
    Path root,
    Path out)
{
    /** JSON text frames. */
    public static final String JSON = "cc.json.v1";
    /** SBE binary frames. */
    public static final String SBE = "cc.sbe.v1";
    /** The most viewers a run takes: each needs a descriptor in the load generator and one in the engine. */
    public static final int MAX_CLIENTS = 10_000;
    /** Most messages per second a run offers. */
    public static final int MAX_RATE = 10_000;
    /** Most posters. */
    public static final int MAX_POSTERS = 64;
    /** Most viewer event loop threads. */
    public static final int MAX_THREADS = 16;

    /** The usage text. */
    public static final String USAGE = String.join("\n",
        "usage: perf/peers-chat/run [--quick] [--clients N] [--rate R] [--duration T] [--warmup T] [--posters P]",
        "                           [--format json|sbe] [--threads N] [--tail T] [--out DIR]",
        "  defaults: 1,000 clients, 200 messages/s, 30s after 5s of warm-up, 4 posters, json, 1 thread, tail 10s",
        "  --quick:  100 clients, 50 messages/s, 5s after 2s of warm-up (a smoke run)");

    /**
     * Parse a command line.
     *
     * @param args the arguments after the script's name.
     * @param root the project root.
     * @param now  a stamp for the default report directory, such as {@code 20261202-030000}.
     * @return the options.
     * @throws IllegalArgumentException with one line naming the bad option and value (the usage for {@code --help}).
     */
    public static ChatLoadOptions parse(final String[] args, final Path root, final String now)
    {
        boolean quick = false;
        for (final String arg : args)
        {
            quick |= "--quick".equals(arg);
        }
        int clients = quick ? 100 : 1_000;
        int rate = quick ? 50 : 200;
        Duration duration = Duration.ofSeconds(quick ? 5 : 30);
        Duration warmup = Duration.ofSeconds(quick ? 2 : 5);
        int posters = 4;
        String format = JSON;
        int threads = 1;
        Duration tail = Duration.ofSeconds(10);
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
                case "--clients" -> clients = (int)whole(arg, value(args, ++i, arg), 1, MAX_CLIENTS);
                case "--rate" -> rate = (int)whole(arg, value(args, ++i, arg), 1, MAX_RATE);
                case "--duration" -> duration = parseDuration(arg, value(args, ++i, arg), false);
                case "--warmup" -> warmup = parseDuration(arg, value(args, ++i, arg), true);
                case "--posters" -> posters = (int)whole(arg, value(args, ++i, arg), 1, MAX_POSTERS);
                case "--format" -> format = format(value(args, ++i, arg));
                case "--threads" -> threads = (int)whole(arg, value(args, ++i, arg), 1, MAX_THREADS);
                case "--tail" -> tail = parseDuration(arg, value(args, ++i, arg), false);
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "', expected --quick, " +
                    "--clients, --rate, --duration, --warmup, --posters, --format, --threads, --tail or --out");
            }
        }
        return new ChatLoadOptions(clients, rate, duration, warmup, posters, format, threads, tail, root,
            null == out ? root.resolve("bench-results").resolve("peers-chat-" + now) : out);
    }

    /**
     * Messages posted in the warm-up: they come first in the schedule, their messageIds below the measured ones.
     *
     * @return the count.
     */
    public long warmupMessages()
    {
        return rate * warmup.toMillis() / 1000;
    }

    /**
     * Messages posted in the measured run.
     *
     * @return the count, at least 1.
     */
    public long measuredMessages()
    {
        return Math.max(1, rate * duration.toMillis() / 1000);
    }

    /**
     * One line saying what the run does.
     *
     * @return the line.
     */
    public String settings()
    {
        return String.format(Locale.ROOT, "%,d clients (%s, %d load generator thread(s)), %,d messages/s from %d " +
            "posters, %.1f s measured after %.1f s of warm-up", clients, format, threads, rate, posters,
            duration.toMillis() / 1e3, warmup.toMillis() / 1e3);
    }

    private static String format(final String text)
    {
        return switch (text.toLowerCase(Locale.ROOT))
        {
            case "json", JSON -> JSON;
            case "sbe", SBE -> SBE;
            default -> throw new IllegalArgumentException("--format '" + text + "' is not a feed format, expected " +
                "json or sbe");
        };
    }
}
