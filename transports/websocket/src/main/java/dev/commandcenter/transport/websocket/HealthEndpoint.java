package dev.commandcenter.transport.websocket;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/health}: the context's status supplier rendered as JSON, or, without one, the server's
 * own WebSocket counters. A supplier that throws is reported to the error path and answered with 500.
 * <p>
 * <b>Note:</b> shared by every connection; thread safe when the status supplier is.
 */
final class HealthEndpoint
{
    private final WebServer.Context ctx;
    private final ServerErrorPath errorPath;

    /**
     * @param ctx       concluded context, with the status supplier and the egress.
     * @param errorPath where a failing status supplier is reported.
     */
    HealthEndpoint(final WebServer.Context ctx, final ServerErrorPath errorPath)
    {
        this.ctx = ctx;
        this.errorPath = errorPath;
    }

    /**
     * The health response.
     */
    FullHttpResponse respond()
    {
        try
        {
            return HttpResponses.json(HttpResponseStatus.OK, status());
        }
        catch (final RuntimeException ex)
        {
            errorPath.onError(ex);
            return HttpResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "status unavailable: " + ex.getMessage());
        }
    }

    /**
     * What the health endpoint renders.
     */
    Object status()
    {
        if (null != ctx.statusSupplier())
        {
            return ctx.statusSupplier().get();
        }
        final WebSocketEgress egress = ctx.egress();
        final Map<String, Object> status = new LinkedHashMap<>();
        status.put("status", "up");
        status.put("connectedClients", egress.connectedClients());
        status.put("messagesSent", egress.messagesSent());
        status.put("bytesSent", egress.bytesSent());
        status.put("drops", egress.drops());
        status.put("slowConsumerCloses", egress.slowConsumerCloses());
        return status;
    }
}
