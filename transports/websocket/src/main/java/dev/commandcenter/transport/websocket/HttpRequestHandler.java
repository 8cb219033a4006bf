package dev.commandcenter.transport.websocket;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;

/**
 * Routes one connection's HTTP requests: plugin pages (no token), the index page (overlay token), the health and
 * events API and the Prometheus metrics (admin token), and WebSocket upgrades to feeds (overlay token), after which
 * it hands the connection to a {@link WebSocketSession}. The {@link RequestGate} before it has already refused
 * requests with a wrong Host, Origin or token before their body was read. An exception it throws goes to the server's
 * error path and is answered with 500 before the connection is closed.
 * <p>
 * The endpoints themselves ({@link HttpEndpoints}) are shared; this class only checks origin, token and
 * method and picks one.
 * <p>
 * <b>Note:</b> one instance per connection, used on its event loop.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    static final String PLUGINS_PREFIX = "/plugins/";
    static final String WS_PREFIX = "/ws/";
    static final String HEALTH_PATH = "/api/health";
    static final String EVENTS_PATH = "/api/events";
    static final String METRICS_PATH = "/metrics";

    private final HttpEndpoints endpoints;
    private final AccessPolicy.LastCheck lastCheck = new AccessPolicy.LastCheck();

    /**
     * @param endpoints of the server, shared by every connection.
     */
    HttpRequestHandler(final HttpEndpoints endpoints)
    {
        this.endpoints = endpoints;
    }

    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        if (!request.decoderResult().isSuccess())
        {
            final FullHttpResponse response = HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }

        final QueryStringDecoder query = new QueryStringDecoder(request.uri());
        final String path;
        try
        {
            // Decoded here, once, so a bad percent escape in the path or query is the client's 400, not a 500.
            path = query.path();
            query.parameters();
        }
        catch (final IllegalArgumentException ex)
        {
            endpoints.sender.send(ctx.channel(), HttpResponses.error(HttpResponseStatus.BAD_REQUEST,
                "malformed request URI: expected percent escapes of two hex digits"), HttpUtil.isKeepAlive(request), null);
            return;
        }
        final HttpMethod method = request.method();
        final HttpHeaders headers = request.headers();
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        final String origin = headers.get(HttpHeaderNames.ORIGIN);
        final String host = headers.get(HttpHeaderNames.HOST);
        final String corsOrigin = AccessPolicy.isCrossOrigin(origin, host) ? origin : null;
        final Channel channel = ctx.channel();
        final ResponseSender sender = endpoints.sender;

        final String sitePage = endpoints.httpApi.sitePageOf(path);
        if (null != sitePage)
        {
            if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method))
            {
                sender.send(channel, HttpResponses.methodNotAllowed(method, path, "GET, HEAD"), keepAlive, null);
                return;
            }
            sender.send(channel, endpoints.pluginPages.respondSite(query, path, sitePage,
                endpoints.httpApi.sitePage(sitePage), HttpMethod.HEAD.equals(method)), keepAlive, null);
            return;
        }
        if (path.startsWith(PLUGINS_PREFIX) || path.equals("/plugins"))
        {
            if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method))
            {
                sender.send(channel, HttpResponses.methodNotAllowed(method, path, "GET, HEAD"), keepAlive, null);
                return;
            }
            final String rest = path.length() > PLUGINS_PREFIX.length() ? path.substring(PLUGINS_PREFIX.length()) : "";
            final int slash = rest.indexOf('/');
            final String pluginId = slash < 0 ? rest : rest.substring(0, slash);
            if (pluginId.isEmpty() || null == endpoints.webRoot(pluginId))
            {
                // No listing of the plugins here: pages need no token, and the ids say what runs.
                sender.send(channel, HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no web pages for plugin '" +
                    HttpResponses.clientText(pluginId) + "' (the index at /?token=<overlay token> lists them)"), keepAlive, null);
                return;
            }
            final boolean head = HttpMethod.HEAD.equals(method);
            sender.send(channel, endpoints.pluginPages.respond(query, path, head), keepAlive, null);
            return;
        }

        final AccessPolicy access = endpoints.accessPolicy;
        final boolean originAllowed = access.isOriginAllowed(origin, host);
        if (path.startsWith(WS_PREFIX))
        {
            endpoints.webSocketUpgrade.upgrade(ctx, this, request, query, path, originAllowed, origin, keepAlive);
            return;
        }
        if (!originAllowed)
        {
            sender.send(channel, HttpResponses.error(HttpResponseStatus.FORBIDDEN, "forbidden origin: " +
                HttpResponses.clientText(origin) + " (add it to websocket.allowedOrigins)"), keepAlive, null);
            return;
        }
        if (HttpMethod.OPTIONS.equals(method))
        {
            final FullHttpResponse response = HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
            response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type")
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
            sender.send(channel, response, keepAlive, corsOrigin);
            return;
        }
        if (endpoints.httpApi.dispatch(channel, request, query, keepAlive, corsOrigin, sender, access))
        {
            return;
        }
        // The request gate has checked this already, before the body was read; checked again here as it is cheap.
        final Scope required = RequestGate.requiredScope(path);
        final Scope granted = access.scopeOf(query, headers, lastCheck);
        if (null == granted)
        {
            sender.send(channel, HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, RequestGate.unauthorizedMessage(required)),
                keepAlive, corsOrigin);
            return;
        }
        if (!granted.includes(required))
        {
            sender.send(channel, HttpResponses.error(HttpResponseStatus.FORBIDDEN,
                RequestGate.forbiddenScopeMessage(granted, required)), keepAlive, corsOrigin);
            return;
        }

        switch (path)
        {
            case "/", "/index.html" ->
            {
                if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))
                {
                    sender.send(channel, endpoints.indexPage.respond(query), keepAlive, corsOrigin);
                }
                else
                {
                    sender.send(channel, HttpResponses.methodNotAllowed(method, path, "GET, HEAD"), keepAlive, corsOrigin);
                }
            }
            case HEALTH_PATH ->
            {
                if (HttpMethod.GET.equals(method))
                {
                    sender.send(channel, endpoints.health.respond(), keepAlive, corsOrigin);
                }
                else
                {
                    sender.send(channel, HttpResponses.methodNotAllowed(method, path, "GET"), keepAlive, corsOrigin);
                }
            }
            case METRICS_PATH ->
            {
                if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))
                {
                    sender.send(channel, endpoints.metrics.respond(HttpMethod.HEAD.equals(method)), keepAlive, corsOrigin);
                }
                else
                {
                    sender.send(channel, HttpResponses.methodNotAllowed(method, path, "GET, HEAD"), keepAlive, corsOrigin);
                }
            }
            case EVENTS_PATH ->
            {
                if (HttpMethod.POST.equals(method))
                {
                    endpoints.eventIngest.post(ctx.channel(), request, keepAlive, corsOrigin);
                }
                else
                {
                    sender.send(channel, HttpResponses.methodNotAllowed(method, path, "POST"), keepAlive, corsOrigin);
                }
            }
            default -> sender.send(channel, HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no such endpoint: " +
                HttpResponses.clientText(path) +
                " (expected /, /api/health, /api/events, /metrics, /plugins/<id>/ or /ws/<feed>)"), keepAlive, corsOrigin);
        }
    }

    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        endpoints.errorPath.onError(cause);
        final Channel channel = ctx.channel();
        if (!(cause instanceof IOException) && channel.isActive())
        {
            final FullHttpResponse response = HttpResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR,
                "internal error: " + cause.getClass().getSimpleName() + " (recorded in the error log)");
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            ctx.close();
        }
    }
}
