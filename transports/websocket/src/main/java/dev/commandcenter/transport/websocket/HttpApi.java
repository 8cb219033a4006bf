package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
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
 * {@code /api/wallet/notify}), registered with {@link WebServer.Context#apiRoute(String, boolean, Route)} or with the scope they need,
 * {@link WebServer.Context#apiRoute(String, Scope, Route)}. They
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
     * @param scope         the scope the request's token grants, null when it carries none (open routes).
     * @param headers       the request headers.
     * @param connectionId  identifies the connection the request came on, unique while the server runs.
     * @param clientAddress the client's IP address: the peer, or behind a trusted proxy the address it forwarded
     *                      ({@link TrustedProxies}); null when unknown.
     */
    public record Request(
        String method,
        String path,
        Map<String, List<String>> parameters,
        byte[] body,
        InetSocketAddress remoteAddress,
        Scope scope,
        HttpHeaders headers,
        String connectionId,
        String clientAddress)
    {
        /**
         * First value of a request header.
         *
         * @param name header name, any case.
         * @return its first value, or null.
         */
        public String header(final String name)
        {
            return null == headers ? null : headers.get(name);
        }

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

        /**
         * Answer with a JSON body and extra headers, such as {@code Retry-After}.
         *
         * @param status  HTTP status code.
         * @param body    object rendered as JSON.
         * @param headers header names to values; the content type and length are set already.
         */
        default void respond(final int status, final Object body, final Map<String, String> headers)
        {
            respond(status, body);
        }
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

    private record Entry(String prefix, Scope required, Route route)
    {
    }

    private final Map<String, Entry> routes = new ConcurrentHashMap<>();
    private final Map<String, WebRoot> sitePages = new ConcurrentHashMap<>();
    private volatile TrustedProxies trustedProxies = TrustedProxies.none();

    HttpApi()
    {
    }

    void trustedProxies(final TrustedProxies trustedProxies)
    {
        this.trustedProxies = trustedProxies;
    }

    /**
     * Serve a folder at {@code /<name>/}, without a token (the pages take theirs from their own URL).
     *
     * @param name one path segment of lower-case letters, digits and '-', not one of the server's own.
     * @param root where the files are.
     * @throws IllegalArgumentException naming the name and what was expected.
     */
    void addSitePage(final String name, final WebRoot root)
    {
        if (null == name || !name.matches("[a-z0-9][a-z0-9-]{0,31}") || RESERVED_SITE_NAMES.contains(name))
        {
            throw new IllegalArgumentException("site page '" + name + "': expected one path segment of a-z, 0-9 and " +
                "'-', other than " + RESERVED_SITE_NAMES);
        }
        if (null != sitePages.putIfAbsent(name, root))
        {
            throw new IllegalArgumentException("site page '" + name + "': already served");
        }
    }

    /**
     * The name of the site page a path is under, or null.
     *
     * @param path decoded request path.
     * @return the site page's name, the first segment of the path, when one is served there.
     */
    String sitePageOf(final String path)
    {
        if (sitePages.isEmpty() || path.length() < 2 || path.charAt(0) != '/')
        {
            return null;
        }
        final int slash = path.indexOf('/', 1);
        final String name = slash < 0 ? path.substring(1) : path.substring(1, slash);
        return sitePages.containsKey(name) ? name : null;
    }

    /**
     * The folder of a site page.
     *
     * @param name from {@link #sitePageOf(String)}.
     * @return its root, or null.
     */
    WebRoot sitePage(final String name)
    {
        return sitePages.get(name);
    }

    /** First path segments the server answers itself, which a site page may not take. */
    static final java.util.Set<String> RESERVED_SITE_NAMES = java.util.Set.of("api", "ws", "plugins", "metrics", "index.html");

    void add(final String prefix, final boolean requiresToken, final Route route)
    {
        add(prefix, requiresToken ? Scope.ADMIN : null, route);
    }

    void add(final String prefix, final Scope required, final Route route)
    {
        if (null == prefix || !prefix.startsWith("/api/") || prefix.endsWith("/") || null == route)
        {
            throw new IllegalArgumentException("api route: expected a prefix such as /api/name and a route, got '" +
                prefix + "'");
        }
        routes.put(prefix, new Entry(prefix, required, route));
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
        return null != entry && null == entry.required;
    }

    /**
     * Whether a route serves a path.
     *
     * @param path of the request.
     * @return true when one does.
     */
    boolean isRoute(final String path)
    {
        return null != find(path);
    }

    /**
     * The scope the route of a path needs.
     *
     * @param path of the request.
     * @return the scope, or null for an open route or no route.
     */
    Scope requiredScope(final String path)
    {
        final Entry entry = find(path);
        return null == entry ? null : entry.required;
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
        final Scope granted = access.scopeOf(query, request.headers());
        if (null != entry.required)
        {
            if (null == granted)
            {
                sender.send(channel, HttpResponses.error(HttpResponseStatus.UNAUTHORIZED,
                    RequestGate.unauthorizedMessage(entry.required)), keepAlive, corsOrigin);
                return true;
            }
            if (!granted.includes(entry.required))
            {
                sender.send(channel, HttpResponses.error(HttpResponseStatus.FORBIDDEN,
                    RequestGate.forbiddenScopeMessage(granted, entry.required)), keepAlive, corsOrigin);
                return true;
            }
        }
        final SocketAddress remote = channel.remoteAddress();
        final InetSocketAddress peer = remote instanceof InetSocketAddress inet ? inet : null;
        final String clientAddress = trustedProxies.clientAddress(peer,
            request.headers().getAll(TrustedProxies.FORWARDED_FOR));
        final Request apiRequest = new Request(request.method().name(), path, query.parameters(),
            ByteBufUtil.getBytes(request.content()), peer, granted, request.headers(), channel.id().asLongText(),
            clientAddress);
        final AtomicBoolean answered = new AtomicBoolean();
        ConnectionGuard.pause(channel, ConnectionGuard.AWAITING_RESPONSE);
        entry.route.handle(apiRequest, new Responder()
        {
            public void respond(final int status, final Object body)
            {
                respond(status, body, Map.of());
            }

            public void respond(final int status, final Object body, final Map<String, String> headers)
            {
                if (answered.compareAndSet(false, true))
                {
                    final io.netty.handler.codec.http.FullHttpResponse response =
                        HttpResponses.json(HttpResponseStatus.valueOf(status), body);
                    for (final Map.Entry<String, String> header : headers.entrySet())
                    {
                        response.headers().set(header.getKey(), header.getValue());
                    }
                    sender.send(channel, response, keepAlive, corsOrigin);
                    ConnectionGuard.resume(channel, ConnectionGuard.AWAITING_RESPONSE);
                }
            }
        });
        return true;
    }
}
