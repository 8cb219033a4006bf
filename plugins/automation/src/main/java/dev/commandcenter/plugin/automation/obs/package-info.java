/**
 * A client of obs-websocket v5 (OBS Studio 28+): Hello, Identify with the authentication challenge, event
 * subscriptions, requests and request batches, reconnection with backoff.
 */
package dev.commandcenter.plugin.automation.obs;
