package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Routes of the HTTP API that other parts of the application add under a path prefix ({@code /api/plugins},
 * {@code /api/wallet/notify}), registered with {@link WebServer.Context#apiRoute(String, boolean, Route)}. They
 * share the server's connections, origin checks, body limit and timeouts. A route is called on an event loop and
 * must not block there: work that blocks moves to a thread of its own (a virtual thread) and answers through the
 * {@link Responder}, from any thread. While a request waits for its answer the connection reads nothing more, so
 * answers keep the order of requests.
 * <p>
 * <b>Note:</b> routes are registered before launch; lookups are thread safe.
 */
public final class HttpApi
{
    /**
     * One request to a route. The body was bounded by {@code websocket.maxRequestBodyLength}.
     *
     * @param method        HTTP method, upper case.
     * @param path          decoded path, starting with the route's prefix.
     * @param parameters    decoded query parameters.
     * @param body          the request body, empty when none.
     * @param remoteAddress the peer, for logs and loopback checks; null when unknown.
     */
    public record Request(
        String method, String path, Map<String, List<String>> parameters, byte[] body, InetSocketAddress remoteAddress)
    {
        /**
         * First value of a query parameter.
         *
         * @param name parameter name.
         * @return its first value, or null.
         */
        public String parameter(final String name)
        {
            final List<String> values = parameters.get(name);
            return null == values || values.isEmpty() ? null : values.get(0);
        }
    }

    /**
     * Where a route writes its answer, once, from any thread.
     */
    @FunctionalInterface
    public interface Responder
    {
        /**
         * Answer with a JSON body.
         *
         * @param status HTTP status code.
         * @param body   object rendered as JSON, such as {@code Map.of("error", "...")}.
         */
        void respond(int status, Object body);
    }

    /**
     * A handler of every request under a prefix.
     */
    @FunctionalInterface
    public interface Route
    {
        /**
         * Handle one request, on an event loop: answer now or hand blocking work to another thread.
         *
         * @param request   the request.
         * @param responder where the answer goes.
         */
        void handle(Request request, Responder responder);
    }

    private record Entry(String prefix, boolean requiresToken, Route route)
    {
    }

    private final Map<String, Entry> routes = new ConcurrentHashMap<>();

    HttpApi()
    {
    }

    void add(final String prefix, final boolean requiresToken, final Route route)
    {
        if (null == prefix || !prefix.startsWith("/api/") || prefix.endsWith("/") || null == route)
        {
            throw new IllegalArgumentException("api route: expected a prefix such as /api/name and a route, got '" +
                prefix + "'");
        }
        routes.put(prefix, new Entry(prefix, requiresToken, route));
    }

    private Entry find(final String path)
    {
        if (!path.startsWith("/api/"))
        {
            return null;
        }
        Entry found = null;
        for (final Entry entry : routes.values())
        {
            final String prefix = entry.prefix;
            if (path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/') &&
                (null == found || prefix.length() > found.prefix.length()))
            {
                found = entry;
            }
        }
        return found;
    }

    /**
     * Whether a path belongs to a route that checks its own secret instead of the server's tokens.
     *
     * @param path of the request.
     * @return true for such a route.
     */
    boolean isOpenRoute(final String path)
    {
        final Entry entry = find(path);
        return null != entry && !entry.requiresToken;
    }

    /**
     * Hand a request to the route of its path, if any (event loop).
     *
     * @return false when no route serves the path.
     */
    boolean dispatch(
        final Channel channel,
        final FullHttpRequest request,
        final QueryStringDecoder query,
        final boolean keepAlive,
        final String corsOrigin,
        final ResponseSender sender,
        final AccessPolicy access)
    {
        final String path = query.path();
        final Entry entry = find(path);
        if (null == entry)
        {
            return false;
        }
        if (entry.requiresToken)
        {
            final Scope granted = access.scopeOf(query, request.headers());
            if (null == granted)
            {
                sender.send(channel, HttpResponses.error(HttpResponseStatus.UNAUTHORIZED,
                    RequestGate.unauthorizedMessage(Scope.ADMIN)), keepAlive, corsOrigin);
                return true;
            }
            if (!granted.includes(Scope.ADMIN))
            {
                sender.send(channel, HttpResponses.error(HttpResponseStatus.FORBIDDEN,
                    RequestGate.forbiddenScopeMessage(granted, Scope.ADMIN)), keepAlive, corsOrigin);
                return true;
            }
        }
        final SocketAddress remote = channel.remoteAddress();
        final Request apiRequest = new Request(request.method().name(), path, query.parameters(),
            ByteBufUtil.getBytes(request.content()), remote instanceof InetSocketAddress inet ? inet : null);
        final AtomicBoolean answered = new AtomicBoolean();
        ConnectionGuard.pause(channel, ConnectionGuard.AWAITING_RESPONSE);
        entry.route.handle(apiRequest, (status, body) ->
        {
            if (answered.compareAndSet(false, true))
            {
                sender.send(channel, HttpResponses.json(HttpResponseStatus.valueOf(status), body), keepAlive, corsOrigin);
                ConnectionGuard.resume(channel, ConnectionGuard.AWAITING_RESPONSE);
            }
        });
        return true;
    }
}
