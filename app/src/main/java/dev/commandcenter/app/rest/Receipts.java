package dev.commandcenter.app.rest;

import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.transport.websocket.HttpApi;

import java.util.Map;

/**
 * The answer of a route that published a control event: 202 with the engine's receipt, or 503 with
 * {@code Retry-After} when the engine did not take it.
 */
public final class Receipts
{
    private Receipts()
    {
    }

    /**
     * Answer for a publish result.
     *
     * @param receipt   what {@code EventPublisher.tryPublish} returned: the event's sequence, or negative.
     * @param responder of the request.
     */
    public static void respond(final long receipt, final HttpApi.Responder responder)
    {
        if (receipt < 0)
        {
            responder.respond(503, Map.of("error", "the engine did not take the control event now (" +
                (EventPublisher.HALTED == receipt ? "journal halted" : "input ring full") + "); try again"),
                Map.of("Retry-After", "1"));
            return;
        }
        responder.respond(202, Map.of("receipt", receipt));
    }
}
