package dev.commandcenter.persistence;

import org.agrona.concurrent.EpochClock;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Parses the time options of the journal and telemetry tools ({@code --from}, {@code --to},
 * {@code --since}). Accepted forms: an ISO-8601 instant such as {@code 2026-11-22T10:00:00Z} (an
 * offset such as {@code +01:00} instead of {@code Z} is accepted too), a date such as
 * {@code 2026-11-22} meaning its midnight UTC, a duration ago such as {@code 90s}, {@code 10m},
 * {@code 2h}, {@code 1d} or {@code 1w} meaning now minus that, and {@code now}.
 */
public final class TimeArgs
{
    /** The accepted forms, as error messages list them. */
    public static final String ACCEPTED_FORMS =
        "expected an ISO-8601 instant (2026-11-22T10:00:00Z), a date (2026-11-22, midnight UTC), " +
        "a duration ago (30s, 10m, 2h, 1d, 1w) or now";

    private static final String DURATION_FORMS = "expected a whole number followed by s, m, h, d or w (30s, 10m, 2h, 1d, 1w)";

    private TimeArgs()
    {
    }

    /**
     * Parse a point in time.
     *
     * @param value as typed by the user.
     * @param clock gives "now" for relative forms.
     * @return nanoseconds since the epoch.
     * @throws IllegalArgumentException naming the value and the accepted forms.
     */
    public static long parseEpochNs(final String value, final EpochClock clock)
    {
        if (null == value || value.isBlank())
        {
            throw new IllegalArgumentException("missing time: " + ACCEPTED_FORMS);
        }
        final String text = value.trim();
        final long nowNs = Math.multiplyExact(clock.time(), 1_000_000L);
        if ("now".equalsIgnoreCase(text))
        {
            return nowNs;
        }
        try
        {
            if (text.indexOf('T') > 0 || text.indexOf('t') > 0)
            {
                return toEpochNs(OffsetDateTime.parse(text.toUpperCase(Locale.ROOT)).toInstant());
            }
            if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-')
            {
                return toEpochNs(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            final Duration ago = parseDurationOrNull(text);
            if (null != ago)
            {
                return nowNs - ago.toNanos();
            }
        }
        catch (final DateTimeException | ArithmeticException ignore)
        {
            // reported below with the accepted forms
        }
        throw new IllegalArgumentException("unparseable time '" + value + "': " + ACCEPTED_FORMS);
    }

    /**
     * Build a range from the {@code --since}, {@code --from} and {@code --to} options, any of which may
     * be null. {@code --since} is another name for {@code --from}.
     *
     * @param from  start, or null for the beginning of the journal.
     * @param to    end (excluded), or null for its end.
     * @param since start, or null.
     * @param clock gives "now" for relative forms.
     * @return the range, {@link TimeRange#ALL} when no option is given.
     * @throws IllegalArgumentException for an unparseable time, both --since and --from, or an empty range.
     */
    public static TimeRange range(final String from, final String to, final String since, final EpochClock clock)
    {
        if (null != from && null != since)
        {
            throw new IllegalArgumentException("give either --since or --from, not both (got --since '" + since +
                "' and --from '" + from + "')");
        }
        final String start = null != from ? from : since;
        final long fromNs = null == start ? Long.MIN_VALUE : parseEpochNs(start, clock);
        final long toNs = null == to ? Long.MAX_VALUE : parseEpochNs(to, clock);
        return new TimeRange(fromNs, toNs);
    }

    /**
     * Parse a duration such as {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d} or {@code 1w}.
     *
     * @param value as typed by the user.
     * @return the duration.
     * @throws IllegalArgumentException naming the value and the accepted forms.
     */
    public static Duration parseDuration(final String value)
    {
        final Duration duration = null == value ? null : parseDurationOrNull(value.trim());
        if (null == duration)
        {
            throw new IllegalArgumentException("unparseable duration '" + value + "': " + DURATION_FORMS);
        }
        return duration;
    }

    private static Duration parseDurationOrNull(final String text)
    {
        if (text.length() < 2)
        {
            return null;
        }
        final char unit = Character.toLowerCase(text.charAt(text.length() - 1));
        final String digits = text.substring(0, text.length() - 1);
        for (int i = 0; i < digits.length(); i++)
        {
            if (!Character.isDigit(digits.charAt(i)))
            {
                return null;
            }
        }
        final long amount;
        try
        {
            amount = Long.parseLong(digits);
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
        try
        {
            return switch (unit)
            {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                case 'w' -> Duration.ofDays(Math.multiplyExact(amount, 7L));
                default -> null;
            };
        }
        catch (final ArithmeticException ex)
        {
            return null;
        }
    }

    private static long toEpochNs(final Instant instant)
    {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }
}
