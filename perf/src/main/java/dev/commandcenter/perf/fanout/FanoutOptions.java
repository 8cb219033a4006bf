package dev.commandcenter.perf.fanout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.commandcenter.perf.OptionParsing.parseDuration;
import static dev.commandcenter.perf.OptionParsing.value;

/**
 * What one fan-out run does, from {@code perf/peers-fanout}'s command line and environment. Every bad value is
 * refused with one line naming the option, the value and what was expected.
 *
 * @param clients          client counts, in order.
 * @param servers          servers, in order, each measured at every client count.
 * @param paced            length of the paced phase's measured run.
 * @param warmup           warm-up before the paced phase.
 * @param saturation       length of the saturation phase's measured run.
 * @param saturationWarmup warm-up before the saturation phase.
 * @param rate             paced events per second, or 0 for the default by client count.
 * @param window           most events in flight in the saturation phase, or 0 for the default by client count.
 * @param root             the project root.
 * @param out              the report directory.
 */
public record FanoutOptions(
    List<Integer> clients,
    List<ServerKind> servers,
    Duration paced,
    Duration warmup,
    Duration saturation,
    Duration saturationWarmup,
    long rate,
    int window,
    Path root,
    Path out)
{
    /** Client counts when none are given. */
    public static final List<Integer> CLIENTS_DEFAULT = List.of(1, 100, 1000);
    /** The most clients a run takes at all. */
    public static final int MAX_CLIENTS = 10_000;
    /** The most clients a run takes without {@code --large}. */
    public static final int MAX_CLIENTS_WITHOUT_LARGE = 1000;
    /** Client counts from which the paced rate is {@value #RATE_MANY} rather than {@value #RATE_FEW}. */
    public static final int MANY_CLIENTS = 1000;
    /** Paced events per second below {@value #MANY_CLIENTS} clients. */
    public static final long RATE_FEW = 500;
    /** Paced events per second from {@value #MANY_CLIENTS} clients. */
    public static final long RATE_MANY = 100;

    /** Most events in flight when saturating, with few clients. */
    public static final int WINDOW_MAX = 128;
    /** Fewest events in flight when saturating, with many clients. */
    public static final int WINDOW_MIN = 4;
    /**
     * Frames in flight (events times clients) the default window keeps to, above {@value #WINDOW_MIN} events: 64
     * events at 1,000 clients. At 16,384 (16 events) the 1,000-client phase left cores idle, so it measured the
     * window rather than the server.
     */
    public static final int FRAMES_IN_FLIGHT = 64_000;

    /** The usage text. */
    public static final String USAGE = String.join("\n",
        "usage: perf/peers-fanout [--servers netty,native,node] [--large] [--out DIR] [N ...]",
        "  N: client counts (default 1 100 1000; at most " + MAX_CLIENTS + ", above " + MAX_CLIENTS_WITHOUT_LARGE +
            " only with --large)",
        "  environment: PACED (10s), WARMUP (60s), SATURATION (10s), SATURATION_WARMUP (15s), RATE (paced events/s;",
        "  default 500, 100 from 1000 clients), WINDOW (events in flight when saturating; default 64000 frames over the",
        "  clients, 4 to 128 events)");

    /**
     * Parse a command line and the environment.
     *
     * @param args the arguments after the script's name.
     * @param env  the environment.
     * @param root the project root.
     * @param now  a stamp for the default report directory, such as {@code 20261201-220000}.
     * @return the options.
     * @throws IllegalArgumentException with one line naming the bad option or variable and value.
     */
    public static FanoutOptions parse(final String[] args, final Map<String, String> env, final Path root,
        final String now)
    {
        List<ServerKind> servers = List.of(ServerKind.NETTY, ServerKind.NATIVE, ServerKind.NODE);
        boolean large = false;
        Path out = null;
        final List<Integer> clients = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            switch (arg)
            {
                case "--servers" -> servers = ServerKind.parseList(value(args, ++i, arg));
                case "--large" -> large = true;
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
                default ->
                {
                    if (arg.startsWith("-"))
                    {
                        throw new IllegalArgumentException("unknown option '" + arg + "', expected --servers, " +
                            "--large, --out or client counts");
                    }
                    clients.add(clientCount(arg));
                }
            }
        }
        if (clients.isEmpty())
        {
            clients.addAll(CLIENTS_DEFAULT);
        }
        for (final int count : clients)
        {
            if (count > MAX_CLIENTS_WITHOUT_LARGE && !large)
            {
                throw new IllegalArgumentException("client count " + count + " is above " + MAX_CLIENTS_WITHOUT_LARGE +
                    ": pass --large to run it (each side then needs " + (count + 1024) + " open files)");
            }
        }
        final long rate = positiveLong(env, "RATE", 0);
        for (final String name : new String[] { "PACED", "SATURATION" })
        {
            if (duration(env, name, "10s").isZero())
            {
                throw new IllegalArgumentException(name + "='" + env.get(name) + "' must be more than 0");
            }
        }
        final int window = (int)positiveLong(env, "WINDOW", 0);
        return new FanoutOptions(List.copyOf(clients), servers, duration(env, "PACED", "10s"),
            duration(env, "WARMUP", "60s"), duration(env, "SATURATION", "10s"),
            duration(env, "SATURATION_WARMUP", "15s"), rate, window, root,
            null == out ? root.resolve("perf/target/fanout").resolve(now) : out);
    }

    /**
     * The paced rate at a client count.
     *
     * @param clients the client count.
     * @return {@code RATE} when set, else {@value #RATE_FEW} below {@value #MANY_CLIENTS} clients and
     * {@value #RATE_MANY} from there.
     */
    public long pacedRate(final int clients)
    {
        if (rate > 0)
        {
            return rate;
        }
        return clients >= MANY_CLIENTS ? RATE_MANY : RATE_FEW;
    }

    /**
     * The saturation window at a client count.
     *
     * @param clients the client count.
     * @return {@code WINDOW} when set, else {@value #FRAMES_IN_FLIGHT} frames over the clients, within
     * {@value #WINDOW_MIN} to {@value #WINDOW_MAX} events.
     */
    public int window(final int clients)
    {
        if (window > 0)
        {
            return window;
        }
        return Math.max(WINDOW_MIN, Math.min(WINDOW_MAX, FRAMES_IN_FLIGHT / Math.max(1, clients)));
    }

    private static int clientCount(final String text)
    {
        final int count;
        try
        {
            count = Integer.parseInt(text.replace(",", "").replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("client count '" + text + "' is not a whole number, expected 1 to " +
                MAX_CLIENTS);
        }
        if (count < 1 || count > MAX_CLIENTS)
        {
            throw new IllegalArgumentException("client count " + count + " is out of range, expected 1 to " + MAX_CLIENTS);
        }
        return count;
    }

    private static long positiveLong(final Map<String, String> env, final String name, final long fallback)
    {
        final String text = env.get(name);
        if (null == text || text.isBlank())
        {
            return fallback;
        }
        try
        {
            final long value = Long.parseLong(text.trim());
            if (value > 0)
            {
                return value;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // refused below
        }
        throw new IllegalArgumentException(name + "='" + text + "' is not a whole number of 1 or more");
    }

    private static Duration duration(final Map<String, String> env, final String name, final String fallback)
    {
        final String text = env.getOrDefault(name, fallback);
        return parseDuration(text, name + "='" + text + "' is not a duration, expected such as 10s, 500ms or 1m");
    }
}
