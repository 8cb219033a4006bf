/**
 * The automation in the app: the watched rules file published as journaled {@code AutomationRules} events, the timer
 * source that publishes {@code TimerFired} events, the bot's chat poster, the OBS connection and the action executor
 * wiring, and the REST routes of {@code GET /api/automation} and {@code POST /api/automation/control}.
 */
package dev.commandcenter.app.automation;
