/**
 * HTTP and WebSocket transport on Netty: {@link dev.commandcenter.transport.websocket.WebServer} serves plugin
 * pages, the index, {@code /api/health} and {@code /api/events} (REST ingestion into the engine), and WebSocket
 * feeds at {@code /ws/<feed>}; {@link dev.commandcenter.transport.websocket.WebSocketEgress} is the engine egress
 * that renders each output once and fans it out to the feeds' subscribers without blocking.
 */
package dev.commandcenter.transport.websocket;
