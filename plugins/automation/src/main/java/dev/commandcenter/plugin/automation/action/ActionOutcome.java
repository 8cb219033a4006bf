package dev.commandcenter.plugin.automation.action;

import dev.commandcenter.codecs.sbe.AutomationActionKind;

/**
 * What became of one action the executor performed: kept in a bounded list of recent outcomes for status
 * ({@code GET /api/automation}, the dashboard) and logged when it failed.
 *
 * @param fireId    the fire it belongs to (engine sequence of the triggering event).
 * @param ruleId    the rule.
 * @param step      its position in the fire.
 * @param kind      what it did.
 * @param target    OBS request type, webhook name or chat room.
 * @param ok        true when it succeeded.
 * @param attempts  how many tries it took (webhook retries), 1 otherwise.
 * @param detail    one line: OBS's status code and comment, the webhook's HTTP status or error, why it was dropped.
 * @param atEpochMs when it finished.
 */
public record ActionOutcome(
    long fireId, String ruleId, int step, AutomationActionKind kind, String target, boolean ok, int attempts,
    String detail, long atEpochMs)
{
}
