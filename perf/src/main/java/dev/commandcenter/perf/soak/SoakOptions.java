package dev.commandcenter.perf.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.commandcenter.perf.OptionParsing.parseDuration;

/**
 * What one soak run does, parsed from {@code perf/soak}'s command line. Every bad value is refused with one line
 * naming the option, the value and what was expected.
 *
 * @param duration   of each phase's measured run.
 * @param ramp       warm-up of the honest load before each measured run; the attackers start during it.
 * @param clients    honest overlay WebSocket clients.
 * @param rate       payments per second, one overlay frame each per client.
 * @param attackers  which attackers run in the attack phase (possibly none).
 * @param hogMax     most idle connections the connection hog opens.
 * @param sampleEvery how often the engine process is sampled.
 * @param root       the project's root (the {@code commandcenter} launcher is there).
 * @param out        the report directory.
 */
public record SoakOptions(
    Duration duration,
    Duration ramp,
    int clients,
    int rate,
    Set<AttackerKind> attackers,
    int hogMax,
    Duration sampleEvery,
    Path root,
    Path out)
{
    /** Default length of a phase. */
    public static final String DURATION_DEFAULT = "60s";
    /** Default honest clients. */
    public static final int CLIENTS_DEFAULT = 1000;
    /** Default payments per second. */
    public static final int RATE_DEFAULT = 100;
    /** Default cap of the connection hog. */
    public static final int HOG_MAX_DEFAULT = 20_000;

    /**
     * The usage text.
     */
    public static final String USAGE = String.join("\n",
        "usage: perf/soak [--duration 60s] [--ramp 5s] [--clients 1000] [--rate 100]",
        "                 [--attackers all|none|" + String.join(",", AttackerKind.labels()) + "]",
        "                 [--hog-max 20000] [--sample-every 5s] [--out DIR]",
        "  phase 1 runs the honest load alone, phase 2 the same load with the attackers, each for --duration.");

    /**
     * Parse a command line.
     *
     * @param args the arguments after the script's name.
     * @param root the project's root.
     * @param now  a stamp for the default report directory, such as {@code 20261201-190000}.
     * @return the options.
     * @throws IllegalArgumentException with one line naming the bad option and value.
     */
    public static SoakOptions parse(final String[] args, final Path root, final String now)
    {
        Duration duration = duration("--duration", DURATION_DEFAULT);
        Duration ramp = duration("--ramp", "5s");
        int clients = CLIENTS_DEFAULT;
        int rate = RATE_DEFAULT;
        Set<AttackerKind> attackers = EnumSet.allOf(AttackerKind.class);
        int hogMax = HOG_MAX_DEFAULT;
        Duration sampleEvery = duration("--sample-every", "5s");
        Path out = null;
        for (int i = 0; i < args.length; i++)
        {
            final String option = args[i];
            if ("--help".equals(option) || "-h".equals(option))
            {
                throw new IllegalArgumentException(USAGE);
            }
            final String value;
            final int eq = option.indexOf('=');
            final String name = eq > 0 ? option.substring(0, eq) : option;
            if (eq > 0)
            {
                value = option.substring(eq + 1);
            }
            else if (i + 1 < args.length)
            {
                value = args[++i];
            }
            else
            {
                throw new IllegalArgumentException(option + " needs a value (" + USAGE.lines().findFirst().orElse("") + ")");
            }
            switch (name)
            {
                case "--duration" -> duration = positive(name, value, duration(name, value));
                case "--ramp" -> ramp = positive(name, value, duration(name, value));
                case "--sample-every" -> sampleEvery = positive(name, value, duration(name, value));
                case "--clients" -> clients = range(name, value, 1, 100_000);
                case "--rate" -> rate = range(name, value, 1, 100_000);
                case "--hog-max" -> hogMax = range(name, value, 0, 1_000_000);
                case "--attackers" -> attackers = attackers(value);
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option '" + name + "' (expected one of --duration, " +
                    "--ramp, --clients, --rate, --attackers, --hog-max, --sample-every, --out)");
            }
        }
        final Path report = null != out ? out : root.resolve("perf/target/soak").resolve(now);
        return new SoakOptions(duration, ramp, clients, rate, Collections.unmodifiableSet(attackers), hogMax,
            sampleEvery, root, report);
    }

    /**
     * Parse an attacker list: {@code all}, {@code none}, or labels separated by commas.
     *
     * @param text the list.
     * @return the attackers.
     * @throws IllegalArgumentException naming the unknown label.
     */
    static Set<AttackerKind> attackers(final String text)
    {
        final String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if ("all".equals(trimmed))
        {
            return EnumSet.allOf(AttackerKind.class);
        }
        final Set<AttackerKind> kinds = EnumSet.noneOf(AttackerKind.class);
        if ("none".equals(trimmed))
        {
            return kinds;
        }
        for (final String label : trimmed.split(","))
        {
            if (label.isBlank())
            {
                continue;
            }
            kinds.add(AttackerKind.parse(label.trim()));
        }
        if (kinds.isEmpty())
        {
            throw new IllegalArgumentException("--attackers '" + text + "' names no attacker (expected all, none or " +
                String.join(",", AttackerKind.labels()) + ")");
        }
        return kinds;
    }

    private static int range(final String name, final String value, final int min, final int max)
    {
        try
        {
            final int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // reported below
        }
        throw new IllegalArgumentException(name + " '" + value + "' is not a whole number from " + min + " to " + max);
    }

    private static Duration positive(final String name, final String value, final Duration duration)
    {
        if (duration.isZero())
        {
            throw new IllegalArgumentException(name + " '" + value + "' must be more than 0");
        }
        return duration;
    }

    private static Duration duration(final String name, final String text)
    {
        return parseDuration(text, name + " '" + text + "' is not a duration, expected such as 60s, 500ms or 2m");
    }

    /**
     * The attackers in a stable order.
     *
     * @return the kinds, as a list.
     */
    public List<AttackerKind> attackerList()
    {
        return new ArrayList<>(attackers);
    }
}
