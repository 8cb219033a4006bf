package dev.commandcenter.plugin.automation.rules;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/**
 * A timer of the rules file ({@code timers:} section). The timer source of the app publishes a {@code TimerFired}
 * event (source {@code timer}) each time one is due; rules with {@code on: {timer: NAME}} fire on those events, so a
 * replay fires exactly what the live run fired.
 * <p>
 * {@code every} timers are aligned to local midnight in {@code zone} plus {@code offsetMs}: {@code every: 30m} is due
 * at :00 and :30 of every hour, whenever the engine started. {@code at} timers are due at those local times, on the
 * given days (every day when empty).
 *
 * @param name    the timer's name in the file.
 * @param everyMs period in milliseconds, or 0 for an {@code at} timer.
 * @param offsetMs shift of an {@code every} timer from local midnight, 0..everyMs-1.
 * @param at      local times of an {@code at} timer, sorted; empty for an {@code every} timer.
 * @param days    days an {@code at} timer is due; empty for every day.
 * @param zone    the rules' {@code settings.zone} (UTC when not set).
 */
public record TimerSpec(String name, long everyMs, long offsetMs, List<LocalTime> at, Set<DayOfWeek> days, ZoneId zone)
{
    /** Milliseconds in a calendar day of 24 hours. */
    public static final long DAY_MS = 86_400_000L;

    /**
     * The first time this timer is due strictly after a given time: the timer source's schedule. Days are local days
     * of {@code zone}, so a day of a daylight saving change has 23 or 25 hours: {@code every} timers count from that
     * day's local midnight and restart at the next one; an {@code at} time that a change skips is due when the
     * clocks have moved on (02:30 on a spring-forward night is due at 03:30), and one that a change repeats is due
     * once, the first time.
     * <p>
     * An {@code every} timer of whole days ({@code every: 1d}, {@code every: 2d}) is due on the local days whose epoch
     * day is a multiple of its length, at the local time of midnight plus the offset (08:00 stays 08:00 across a
     * change); one longer than a day but not a whole number of days is aligned to
     * the epoch instead.
     *
     * @param epochMs a time, ms since the epoch.
     * @return when it is next due after it, ms since the epoch, or {@link Long#MAX_VALUE} if never.
     */
    public long nextAfter(final long epochMs)
    {
        final ZoneId zoneId = null == zone ? ZoneId.of("UTC") : zone;
        final LocalDate today = Instant.ofEpochMilli(epochMs).atZone(zoneId).toLocalDate();
        if (everyMs > 0)
        {
            return nextEvery(epochMs, today, zoneId);
        }
        if (null == at || at.isEmpty())
        {
            return Long.MAX_VALUE;
        }
        for (int i = -1; i <= 8; i++)
        {
            final LocalDate day = today.plusDays(i);
            if (null != days && !days.isEmpty() && !days.contains(day.getDayOfWeek()))
            {
                continue;
            }
            long best = Long.MAX_VALUE;
            for (final LocalTime time : at)
            {
                final long due = day.atTime(time).atZone(zoneId).toInstant().toEpochMilli();
                if (due > epochMs && due < best)
                {
                    best = due;
                }
            }
            if (best != Long.MAX_VALUE)
            {
                return best;
            }
        }
        return Long.MAX_VALUE;
    }

    private long nextEvery(final long epochMs, final LocalDate today, final ZoneId zoneId)
    {
        if (everyMs >= DAY_MS)
        {
            if (everyMs % DAY_MS != 0)
            {
                return Math.floorDiv(epochMs - offsetMs, everyMs) * everyMs + everyMs + offsetMs;
            }
            final long periodDays = everyMs / DAY_MS;
            for (long i = -1; i <= periodDays + 1; i++)
            {
                final LocalDate day = today.plusDays(i);
                if (Math.floorMod(day.toEpochDay(), periodDays) == 0)
                {
                    final long due = day.atStartOfDay().plusNanos(offsetMs * 1_000_000L).atZone(zoneId).toInstant()
                        .toEpochMilli();
                    if (due > epochMs)
                    {
                        return due;
                    }
                }
            }
            return Long.MAX_VALUE;
        }
        for (int i = -1; i <= 2; i++)
        {
            final LocalDate day = today.plusDays(i);
            final long start = startOf(day, zoneId) + offsetMs;
            final long end = startOf(day.plusDays(1), zoneId);
            final long k = epochMs < start ? 0 : (epochMs - start) / everyMs + 1;
            final long due = start + k * everyMs;
            if (due < end && due > epochMs)
            {
                return due;
            }
        }
        return Long.MAX_VALUE;
    }

    private static long startOf(final LocalDate day, final ZoneId zoneId)
    {
        return day.atStartOfDay(zoneId).toInstant().toEpochMilli();
    }
}
