/**
 * Plugins hosted out of process: the engine side of the remote plugin protocol (docs/plugins.md, "Remote plugin
 * protocol"). A transport (Aeron, WebSocket) owns each connection to a host as a {@link
 * dev.commandcenter.plugin.host.remote.RemoteLink} and hands it to the {@link
 * dev.commandcenter.plugin.host.remote.RemotePluginEndpoint}; from then on the transport passes every protocol
 * message the host sends to the returned {@link dev.commandcenter.plugin.host.remote.RemoteLinkHandler}, and the
 * endpoint sends through the link. Protocol messages are always SBE here (template ids 30..39 of the one schema);
 * a transport that speaks JSON to its hosts converts at its edge.
 */
package dev.commandcenter.plugin.host.remote;
