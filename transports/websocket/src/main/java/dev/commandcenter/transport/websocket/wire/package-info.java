/**
 * The seam between the web server and a transport that owns the socket: a {@link
 * dev.commandcenter.transport.websocket.wire.WireTransport} accepts connections, parses HTTP and WebSocket framing
 * itself and hands the server whole requests and whole messages through a {@link
 * dev.commandcenter.transport.websocket.wire.WireListener}; the server answers through the transport. The Netty
 * backend does not use this seam (its pipeline is the server); the native libwebsockets backend does.
 */
package dev.commandcenter.transport.websocket.wire;
