package dev.commandcenter.app.dashboard;

import dev.commandcenter.transport.websocket.HttpApi;

import java.util.Map;

/**
 * What every dashboard route checks first: the path is its own (404 otherwise) and the method is the one it serves
 * (405 with {@code Allow} otherwise).
 */
final class Routes
{
    private Routes()
    {
    }

    /**
     * Check a request's path and method, answering when they do not fit.
     *
     * @param request   the request.
     * @param responder where a refusal goes.
     * @param path      the route's path (a trailing slash is accepted too).
     * @param method    the one method served.
     * @return true when the route should handle the request; false when it has been answered.
     */
    static boolean accept(
        final HttpApi.Request request, final HttpApi.Responder responder, final String path, final String method)
    {
        if (!path.equals(request.path()) && !(path + "/").equals(request.path()))
        {
            responder.respond(404, Map.of("error", "no such path " + request.path() + " (expected " + path + ")"));
            return false;
        }
        if (!method.equals(request.method()))
        {
            responder.respond(405, Map.of("error", method + " " + path + " expected, got " + request.method()),
                Map.of("Allow", method));
            return false;
        }
        return true;
    }

    /**
     * One line for an unexpected failure.
     *
     * @param ex the failure.
     * @return its class and message.
     */
    static String describe(final Throwable ex)
    {
        final String message = null == ex.getMessage() ? "" : ": " + ex.getMessage().replace('\n', ' ');
        return ex.getClass().getSimpleName() + message;
    }
}
