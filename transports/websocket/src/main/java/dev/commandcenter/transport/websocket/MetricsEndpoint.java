package dev.commandcenter.transport.websocket;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.agrona.concurrent.status.CountersReader;

/**
 * {@code GET /metrics}: every counter of the engine's counters file as Prometheus text
 * ({@link PrometheusText}); {@code HEAD} gets the headers with the length of the body it would have had.
 * <p>
 * <b>Note:</b> shared by every connection; thread safe.
 */
final class MetricsEndpoint
{
    private final CountersReader countersReader;

    /**
     * @param countersReader of the engine's counters file.
     */
    MetricsEndpoint(final CountersReader countersReader)
    {
        this.countersReader = countersReader;
    }

    /**
     * The metrics response.
     *
     * @param head true for a {@code HEAD} request: no body.
     */
    FullHttpResponse respond(final boolean head)
    {
        final byte[] body = HttpResponses.utf8(PrometheusText.render(countersReader));
        final FullHttpResponse response = HttpResponses.bytes(HttpResponseStatus.OK, PrometheusText.CONTENT_TYPE,
            head ? new byte[0] : body);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }
}
