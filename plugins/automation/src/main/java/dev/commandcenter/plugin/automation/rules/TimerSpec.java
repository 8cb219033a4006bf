package dev.commandcenter.plugin.automation.rules;

import java.time.DayOfWeek;
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
}
