package dev.commandcenter.app;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.transport.websocket.WebServer;

/**
 * The {@code websocket:} section applied to a web server's context: one place for every key, so the engine's
 * server and an edge's serve with the same limits and access rules.
 */
public final class WebServerSettings
{
    private WebServerSettings()
    {
    }

    /**
     * A web server context carrying the section's bind address, port, access rules, threads, limits and timeouts.
     * Tokens, egress, counters, routes and plugins are the caller's.
     *
     * @param websocket the {@code websocket:} section.
     * @return a new context.
     */
    public static WebServer.Context of(final AppConfig.WebSocket websocket)
    {
        return new WebServer.Context()
            .bindAddress(websocket.bind)
            .port(websocket.port)
            .allowedOrigins(websocket.allowedOrigins)
            .allowedHosts(websocket.allowedHosts)
            .trustedProxies(websocket.trustedProxies)
            .rotationGraceMs(websocket.rotationGraceMs)
            .acceptWalletEventsOverRest(websocket.acceptWalletEventsOverRest)
            .httpThreads(websocket.httpThreads)
            .fanoutThreads(websocket.fanoutThreads)
            .httpLoopClients(websocket.httpLoopClients)
            .maxConnections(websocket.maxConnections)
            .maxConnectionsPerAddress(websocket.maxConnectionsPerAddress)
            .maxQueuedBytesPerConnection(websocket.maxQueuedBytesPerConnection)
            .maxPipelinedRequests(websocket.maxPipelinedRequests)
            .headerTimeoutMs(websocket.headerTimeoutMs)
            .bodyTimeoutMs(websocket.bodyTimeoutMs)
            .idleTimeoutMs(websocket.idleTimeoutMs)
            .pingIntervalMs(websocket.pingIntervalMs)
            .missedPongs(websocket.missedPongs)
            .maxControlFramesPerSecond(websocket.maxControlFramesPerSecond)
            .maxAggregatingBytes(websocket.maxAggregatingBytes);
    }
}
