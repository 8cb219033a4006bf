package dev.commandcenter.transport.websocket;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

import static dev.commandcenter.transport.websocket.HttpRequestHandler.PLUGINS_PREFIX;
import static dev.commandcenter.transport.websocket.HttpRequestHandler.WS_PREFIX;

/**
 * Checks each request's head before its body is read: Host (the DNS rebinding guard), Origin, and the token and
 * its scope for the path. It sits between the HTTP codec and the aggregator, so a refused request is answered at
 * once and the connection closed: its body is never read into memory, however large its Content-Length.
 * <p>
 * Plugin pages need no token; WebSocket upgrades (which carry no body) keep their own token check, which
 * answers with a close frame naming the reason; an API route needs the scope it was registered with; any other
 * request with a body needs the admin token, since only admin endpoints take one.
 * <p>
 * <b>Note:</b> one instance per connection, used on its event loop.
 */
final class RequestGate extends ChannelInboundHandlerAdapter
{
    private final AccessPolicy accessPolicy;
    private final Refusals refusals;
    private final HttpApi httpApi;
    private final AccessPolicy.LastCheck lastCheck = new AccessPolicy.LastCheck();
    /** The last Host header let through: a kept-alive connection sends the same one with every request. */
    private String allowedHost;
    private boolean discarding;

    /**
     * @param accessPolicy the server's access checks.
     * @param refusals     counts and logs what is refused.
     * @param httpApi      routes registered by the application; one with a secret of its own is let through.
     */
    RequestGate(final AccessPolicy accessPolicy, final Refusals refusals, final HttpApi httpApi)
    {
        this.accessPolicy = accessPolicy;
        this.refusals = refusals;
        this.httpApi = httpApi;
    }

    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (discarding)
        {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && request.decoderResult().isSuccess())
        {
            final FullHttpResponse refusal = check(ctx, request);
            if (null != refusal)
            {
                discarding = true;
                ReferenceCountUtil.release(msg);
                ctx.channel().config().setAutoRead(false);
                refusal.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * The response refusing a request, or null when it may go on.
     */
    private FullHttpResponse check(final ChannelHandlerContext ctx, final HttpRequest request)
    {
        final HttpHeaders headers = request.headers();
        final String host = headers.get(HttpHeaderNames.HOST);
        if (null == host)
        {
            refusals.refused(Refusals.Reason.MISSING_HOST, ctx.channel().remoteAddress(), request.method() + " without Host");
            return HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "missing Host header: expected Host: localhost:<port>");
        }
        if (!host.equals(allowedHost) && !accessPolicy.isHostAllowed(host))
        {
            final String name = HttpResponses.clientText(AccessPolicy.hostName(host));
            refusals.refused(Refusals.Reason.UNKNOWN_HOST, ctx.channel().remoteAddress(), "Host " + name);
            return HttpResponses.error(HttpResponseStatus.MISDIRECTED_REQUEST,
                "unknown host " + name + " (add it to websocket.allowedHosts)");
        }
        allowedHost = host;

        final QueryStringDecoder query = new QueryStringDecoder(request.uri());
        final String path = query.path();
        final boolean hasBody = HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request);
        final boolean sitePage = !hasBody && null != httpApi.sitePageOf(path) &&
            (HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method()));
        final Scope required = sitePage || HttpMethod.OPTIONS.equals(request.method()) && !hasBody ? null :
            httpApi.isRoute(path) ? httpApi.requiredScope(path) : requiredScope(request.method(), path, hasBody);
        if (null == required)
        {
            return null;
        }
        final String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (!accessPolicy.isOriginAllowed(origin, host))
        {
            refusals.refused(Refusals.Reason.FORBIDDEN_ORIGIN, ctx.channel().remoteAddress(),
                "Origin " + HttpResponses.clientText(origin));
            return HttpResponses.error(HttpResponseStatus.FORBIDDEN, "forbidden origin: " + HttpResponses.clientText(origin) +
                " (add it to websocket.allowedOrigins)");
        }
        final Scope granted = accessPolicy.scopeOf(query, headers, lastCheck);
        if (null == granted)
        {
            refusals.refused(Refusals.Reason.UNAUTHORIZED, ctx.channel().remoteAddress(),
                request.method() + " " + HttpResponses.clientText(path) + " without a valid token");
            return HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, unauthorizedMessage(required));
        }
        if (!granted.includes(required))
        {
            refusals.refused(Refusals.Reason.FORBIDDEN_SCOPE, ctx.channel().remoteAddress(),
                request.method() + " " + HttpResponses.clientText(path) + " with a " + granted.label() + " token");
            return HttpResponses.error(HttpResponseStatus.FORBIDDEN, forbiddenScopeMessage(granted, required));
        }
        return null;
    }

    /**
     * The scope a request needs, or null when the gate lets it through to the handler unchecked (plugin pages, CORS
     * preflights and WebSocket upgrades without a body).
     */
    static Scope requiredScope(final HttpMethod method, final String path, final boolean hasBody)
    {
        if (hasBody)
        {
            return Scope.ADMIN;
        }
        if (path.startsWith(PLUGINS_PREFIX) || path.equals("/plugins") || path.startsWith(WS_PREFIX) ||
            HttpMethod.OPTIONS.equals(method))
        {
            return null;
        }
        return requiredScope(path);
    }

    /**
     * The scope an endpoint needs: admin for the API and metrics, overlay for the index (and for a 404, so an
     * unknown path tells nothing to a client without a token).
     */
    static Scope requiredScope(final String path)
    {
        return path.startsWith("/api/") || path.equals(HttpRequestHandler.METRICS_PATH) ? Scope.ADMIN : Scope.OVERLAY;
    }

    static String unauthorizedMessage(final Scope required)
    {
        return "unauthorized: missing or invalid token (pass the " + required.label() +
            " token as ?token=<token> or Authorization: Bearer <token>; commandcenter token show --scope " +
            required.label() + " prints it)";
    }

    static String forbiddenScopeMessage(final Scope granted, final Scope required)
    {
        return "forbidden: this endpoint needs the " + required.label() + " token, got the " + granted.label() +
            " token (commandcenter token show --scope " + required.label() + ")";
    }
}
