/**
 * The stream bridge plugin: payments in, OBS browser-source overlay alerts out, with its own overlay
 * page served from the class path folder {@code stream-bridge/web}.
 */
package dev.commandcenter.plugin.streambridge;
