package dev.commandcenter.perf;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the peers harnesses' option classes share to read their command lines and environments: an option's value,
 * whole numbers in a range and durations such as {@code 10s}, {@code 500ms} or {@code 1m}. Every refusal is one
 * line naming the option, the value and what was expected.
 */
public final class OptionParsing
{
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");

    private OptionParsing()
    {
    }

    /**
     * The value following an option on the command line.
     *
     * @param args   the command line.
     * @param index  where the value should be.
     * @param option the option, for the error.
     * @return the value.
     * @throws IllegalArgumentException when the command line ends or another option follows.
     */
    public static String value(final String[] args, final int index, final String option)
    {
        if (index >= args.length || args[index].startsWith("--"))
        {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    /**
     * A whole number in a range; {@code ,} and {@code _} may group digits ({@code 10,000}).
     *
     * @param option the option, for the error.
     * @param text   the value.
     * @param min    the least allowed.
     * @param max    the most allowed.
     * @return the number.
     * @throws IllegalArgumentException when it is not a whole number or out of range.
     */
    public static long whole(final String option, final String text, final long min, final long max)
    {
        final long value;
        try
        {
            value = Long.parseLong(text.replace(",", "").replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " '" + text + "' is not a whole number, expected " + min +
                " to " + max);
        }
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(option + " " + value + " is out of range, expected " + min + " to " + max);
        }
        return value;
    }

    /**
     * A duration option such as {@code 10s}, {@code 500ms} or {@code 1m} (seconds when no unit is given).
     *
     * @param option      the option, for the error.
     * @param text        the value.
     * @param zeroAllowed whether durations under 100ms (such as 0) are allowed.
     * @return the duration, to the millisecond.
     * @throws IllegalArgumentException when it is not a duration, or too short.
     */
    public static Duration parseDuration(final String option, final String text, final boolean zeroAllowed)
    {
        final Duration result =
            parseDuration(text, option + " '" + text + "' is not a duration, expected such as 10s, 500ms or 1m");
        if (!zeroAllowed && result.toMillis() < 100)
        {
            throw new IllegalArgumentException(option + " '" + text + "' is too short, expected 100ms or more");
        }
        return result;
    }

    /**
     * A duration such as {@code 10s}, {@code 500ms} or {@code 1m} (seconds when no unit is given), surrounding spaces
     * ignored.
     *
     * @param text    the value, or null.
     * @param refusal the error message when it is not a duration.
     * @return the duration, to the millisecond.
     * @throws IllegalArgumentException with {@code refusal} when it is not a duration.
     */
    public static Duration parseDuration(final String text, final String refusal)
    {
        final Matcher matcher = DURATION.matcher(null == text ? "" : text.trim());
        if (!matcher.matches())
        {
            throw new IllegalArgumentException(refusal);
        }
        final double amount = Double.parseDouble(matcher.group(1));
        final String unit = null == matcher.group(2) ? "s" : matcher.group(2);
        final double millis = switch (unit)
        {
            case "ms" -> amount;
            case "m" -> amount * 60_000;
            default -> amount * 1_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }
}
