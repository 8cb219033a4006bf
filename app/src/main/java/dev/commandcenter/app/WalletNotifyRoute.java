package dev.commandcenter.app;

import dev.commandcenter.transport.electrum.ElectrumWalletSource;
import dev.commandcenter.transport.websocket.HttpApi;

import java.util.Map;

/**
 * The Electrum wallet daemon's notify callback as a route of the web server: {@code POST /api/wallet/notify?token=}
 * with the dedicated notify secret ({@code wallet.notify.token}), not the server's token. The daemon can only put a
 * secret in the URL, and that URL sits in the daemon's configuration: a secret that only triggers a reconcile of a
 * watched address is the one that may leak there. The body is bounded by the web server
 * ({@code websocket.maxRequestBodyLength}) and again by the endpoint (16 KiB); each answer is one JSON line
 * ({@code {"status": "ok"}} or {@code {"error": "..."}}) that never contains the secret. Before the wallet starts, and
 * when it has none, requests get 503.
 * <p>
 * <b>Note:</b> thread safe; the source is set once it starts.
 */
final class WalletNotifyRoute implements HttpApi.Route
{
    /** Path of the route. */
    static final String PATH = "/api/wallet/notify";

    private volatile ElectrumWalletSource source;

    /**
     * The started wallet source to hand callbacks to.
     *
     * @param source the source, or null to refuse callbacks again.
     */
    void source(final ElectrumWalletSource source)
    {
        this.source = source;
    }

    /**
     * {@inheritDoc}
     */
    public void handle(final HttpApi.Request request, final HttpApi.Responder responder)
    {
        final ElectrumWalletSource current = source;
        if (null == current)
        {
            responder.respond(503, Map.of("error", "no wallet source is running: expected wallet.source electrum " +
                "or simulator with wallet.notify.enabled: true"));
            return;
        }
        if (!request.path().equals(PATH))
        {
            responder.respond(404, Map.of("error", "no such endpoint: " + request.path() + " (expected POST " + PATH +
                "?token=...)"));
            return;
        }
        // Cheap: checks the secret, parses a bounded body and queues a reconcile for the wallet's own thread.
        final ElectrumWalletSource.NotifyReply reply = current.onNotifyRequest(request.method(),
            request.parameter("token"), request.body());
        responder.respond(reply.status(), reply.status() == 200 ? Map.of("status", reply.message()) :
            Map.of("error", reply.message()));
    }
}
