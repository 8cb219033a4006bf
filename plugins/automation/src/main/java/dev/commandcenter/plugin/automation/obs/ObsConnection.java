package dev.commandcenter.plugin.automation.obs;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A connection to obs-websocket v5 that the action executor sends requests through. Its futures never complete
 * exceptionally: a request that could not be sent or got no answer completes with {@link ObsResponse#ok()} false,
 * code 0 and a comment saying why (not connected and since when, no answer within the timeout, connection lost).
 * Futures complete on the connection's own thread; callers must not block it.
 */
public interface ObsConnection
{
    /**
     * Send one request.
     *
     * @param requestType     such as {@code SetCurrentProgramScene}.
     * @param requestDataJson a JSON object, or null.
     * @return OBS's answer.
     */
    CompletableFuture<ObsResponse> request(String requestType, String requestDataJson);

    /**
     * Send requests as one RequestBatch (serially executed by OBS).
     *
     * @param requests      in order.
     * @param haltOnFailure stop at the first failed request (the rest answer not ok).
     * @return one answer per request, in order.
     */
    CompletableFuture<List<ObsResponse>> batch(List<ObsRequest> requests, boolean haltOnFailure);

    /**
     * The connection's state now.
     *
     * @return the status.
     */
    ObsStatus status();
}
