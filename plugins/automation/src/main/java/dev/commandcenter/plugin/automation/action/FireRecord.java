package dev.commandcenter.plugin.automation.action;

import dev.commandcenter.codecs.sbe.AutomationOutcome;

/**
 * One {@code AutomationFired} output of the automation plugin as the executor saw it: kept in a bounded list of
 * recent fires for status ({@code GET /api/automation}, the dashboard).
 *
 * @param fireId       engine sequence of the event that triggered it.
 * @param ruleId       the rule.
 * @param outcome      what came of it (FIRED, or why it did not).
 * @param user         who triggered it, empty when nobody.
 * @param summary      one line naming the trigger.
 * @param atEpochMs    timestamp of the triggering event.
 * @param retryAfterMs for the cooldown outcomes: how long until the rule may fire again; 0 otherwise.
 */
public record FireRecord(
    long fireId, String ruleId, AutomationOutcome outcome, String user, String summary, long atEpochMs,
    long retryAfterMs)
{
}
