/**
 * Automation: creator-defined rules that react to events with overlay alerts and media, chat messages, webhooks and
 * OBS WebSocket v5 requests. The plugin ({@code automation}) decides, deterministically from the events alone, what
 * fires; it emits {@code AutomationFired}, {@code OverlayAlert}, {@code OverlayMedia} and {@code AutomationAction}
 * outputs. Only the action executor ({@link dev.commandcenter.plugin.automation.action}), an egress handler,
 * performs side effects, so a replay or a dry run of the journal fires nothing outside the engine.
 */
package dev.commandcenter.plugin.automation;
