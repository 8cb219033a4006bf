/**
 * The action executor: an egress handler that performs the automation's side effects (OBS requests, signed
 * webhooks, chat messages, waits) in queue order, with bounds, retries and outcomes kept for status.
 */
package dev.commandcenter.plugin.automation.action;
