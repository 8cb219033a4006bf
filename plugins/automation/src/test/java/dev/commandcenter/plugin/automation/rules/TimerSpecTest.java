package dev.commandcenter.plugin.automation.rules;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When timers are due: {@code every} aligned to local midnight plus the offset, {@code at} on the given days, across
 * daylight saving changes.
 */
class TimerSpecTest
{
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void shouldAlignEveryTimersToLocalMidnight()
    {
        final TimerSpec halfHour = every("ad-break", 30 * 60_000L, 0, BERLIN);

        assertThat(next(halfHour, "2026-03-10T10:07:13+01:00[Europe/Berlin]")).isEqualTo("2026-03-10T10:30+01:00[Europe/Berlin]");
        assertThat(next(halfHour, "2026-03-10T10:30+01:00[Europe/Berlin]")).isEqualTo("2026-03-10T11:00+01:00[Europe/Berlin]");
        assertThat(next(halfHour, "2026-03-10T23:45+01:00[Europe/Berlin]")).isEqualTo("2026-03-11T00:00+01:00[Europe/Berlin]");
    }

    @Test
    void shouldShiftEveryTimersByTheirOffset()
    {
        final TimerSpec shoutout = every("hourly-shoutout", 3_600_000L, 15 * 60_000L, BERLIN);

        assertThat(next(shoutout, "2026-03-10T10:07+01:00[Europe/Berlin]")).isEqualTo("2026-03-10T10:15+01:00[Europe/Berlin]");
        assertThat(next(shoutout, "2026-03-10T10:15+01:00[Europe/Berlin]")).isEqualTo("2026-03-10T11:15+01:00[Europe/Berlin]");
    }

    @Test
    void shouldRestartAnEveryTimerThatDoesNotDivideTheDayAtMidnight()
    {
        final TimerSpec sevenHours = every("seven", 7 * 3_600_000L, 0, UTC);

        assertThat(next(sevenHours, "2026-03-10T21:00Z[UTC]")).isEqualTo("2026-03-11T00:00Z[UTC]");
        assertThat(next(sevenHours, "2026-03-10T20:59Z[UTC]")).isEqualTo("2026-03-10T21:00Z[UTC]");
    }

    @Test
    void shouldKeepEveryTimersOnTheLocalHourAcrossDaylightSavingChanges()
    {
        final TimerSpec shoutout = every("hourly-shoutout", 3_600_000L, 15 * 60_000L, BERLIN);

        // Spring forward: 02:00 CET becomes 03:00 CEST.
        assertThat(next(shoutout, "2026-03-29T01:20+01:00[Europe/Berlin]")).isEqualTo("2026-03-29T03:15+02:00[Europe/Berlin]");
        // Fall back: 03:00 CEST becomes 02:00 CET; both 02:15 come.
        assertThat(next(shoutout, "2026-10-25T02:20+02:00[Europe/Berlin]")).isEqualTo("2026-10-25T02:15+01:00[Europe/Berlin]");
    }

    @Test
    void shouldFireAtTimersOnTheirDaysOnly()
    {
        final TimerSpec goLive = new TimerSpec("go-live", 0, 0, List.of(LocalTime.of(19, 55)),
            Set.of(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY, DayOfWeek.FRIDAY), BERLIN);

        // 2026-03-10 is a Tuesday.
        assertThat(next(goLive, "2026-03-10T12:00+01:00[Europe/Berlin]")).isEqualTo("2026-03-11T19:55+01:00[Europe/Berlin]");
        assertThat(next(goLive, "2026-03-11T19:55+01:00[Europe/Berlin]")).isEqualTo("2026-03-13T19:55+01:00[Europe/Berlin]");
        assertThat(next(goLive, "2026-03-13T20:00+01:00[Europe/Berlin]")).isEqualTo("2026-03-16T19:55+01:00[Europe/Berlin]");
    }

    @Test
    void shouldTakeTheEarliestOfSeveralAtTimesEveryDayWhenNoDaysAreGiven()
    {
        final TimerSpec twice = new TimerSpec("twice", 0, 0, List.of(LocalTime.of(9, 0), LocalTime.of(21, 30)), Set.of(), UTC);

        assertThat(next(twice, "2026-03-10T08:00Z[UTC]")).isEqualTo("2026-03-10T09:00Z[UTC]");
        assertThat(next(twice, "2026-03-10T09:00Z[UTC]")).isEqualTo("2026-03-10T21:30Z[UTC]");
        assertThat(next(twice, "2026-03-10T22:00Z[UTC]")).isEqualTo("2026-03-11T09:00Z[UTC]");
    }

    @Test
    void shouldMoveAnAtTimeThatDaylightSavingSkipsToWhenTheClocksHaveMovedOn()
    {
        final TimerSpec early = new TimerSpec("early", 0, 0, List.of(LocalTime.of(2, 30)), Set.of(), BERLIN);

        assertThat(next(early, "2026-03-29T00:00+01:00[Europe/Berlin]")).isEqualTo("2026-03-29T03:30+02:00[Europe/Berlin]");
        assertThat(next(early, "2026-10-25T00:00+02:00[Europe/Berlin]")).isEqualTo("2026-10-25T02:30+02:00[Europe/Berlin]");
        assertThat(next(early, "2026-10-25T02:30+02:00[Europe/Berlin]")).isEqualTo("2026-10-26T02:30+01:00[Europe/Berlin]");
    }

    @Test
    void shouldFireWholeDayTimersAtMidnightPlusTheOffset()
    {
        final TimerSpec daily = every("daily", TimerSpec.DAY_MS, 8 * 3_600_000L, BERLIN);

        assertThat(next(daily, "2026-03-10T07:00+01:00[Europe/Berlin]")).isEqualTo("2026-03-10T08:00+01:00[Europe/Berlin]");
        assertThat(next(daily, "2026-03-10T08:00+01:00[Europe/Berlin]")).isEqualTo("2026-03-11T08:00+01:00[Europe/Berlin]");
        assertThat(next(daily, "2026-03-28T09:00+01:00[Europe/Berlin]")).isEqualTo("2026-03-29T08:00+02:00[Europe/Berlin]");
    }

    private static TimerSpec every(final String name, final long everyMs, final long offsetMs, final ZoneId zone)
    {
        return new TimerSpec(name, everyMs, offsetMs, List.of(), Set.of(), zone);
    }

    private static String next(final TimerSpec spec, final String time)
    {
        final ZonedDateTime at = ZonedDateTime.parse(time);
        return Instant.ofEpochMilli(spec.nextAfter(at.toInstant().toEpochMilli())).atZone(at.getZone()).toString();
    }
}
