package dev.commandcenter.transport.websocket;

import dev.commandcenter.codecs.json.JsonView;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;

import static dev.commandcenter.transport.websocket.HttpRequestHandler.WS_PREFIX;

/**
 * {@code GET /ws/<feed>?token=&format=json|sbe&types=A,B&trace=0|1&since=SEQ&batch=MS}: checks the upgrade request
 * (origin, token, feed, subprotocol, format, trace, since, batch, types), completes the WebSocket handshake and hands the connection to a
 * {@link WebSocketSession}. A refused subscription still completes the handshake; the session then closes with the reason.
 * <p>
 * The rendering is chosen by the {@code Sec-WebSocket-Protocol} header ({@value #JSON_V1} or {@value #SBE_V1}, the
 * first one the client offers that the server knows, answered in the 101 response), else by {@code format=}, else JSON.
 * A client offering only unknown subprotocols is closed with 1002; a {@code format=} that disagrees with the chosen
 * subprotocol is closed with 1008.
 * <p>
 * On a {@link WireChannel} the transport has already completed the handshake: the same checks run and the same
 * session is installed, and the {@code 101} is written through the pipeline instead of by a handshaker.
 * <p>
 * <b>Note:</b> shared by every connection; each call runs on the connection's event loop.
 */
final class WebSocketUpgrade
{
    /** Subprotocol selecting JSON text frames. */
    static final String JSON_V1 = "cc.json.v1";
    /** Subprotocol selecting SBE binary frames. */
    static final String SBE_V1 = "cc.sbe.v1";

    private final WebServer.Context ctx;
    private final AccessPolicy accessPolicy;
    private final FeedCatalog feedCatalog;
    private final ServerErrorPath errorPath;
    private final ResponseSender sender;
    private final WebSocketDecoderConfig decoderConfig;
    private final EventLoopGroup fanoutGroup;
    /** Seats on the HTTP loop for upgraded clients (with fan-out loops; the Netty backend's only), or null. */
    private final HttpLoopSeats seats;
    private final Refusals refusals;
    private final TokenSessions tokenSessions;

    /**
     * @param ctx          concluded context: frame limit, slow-consumer policy, close timeout, egress.
     * @param accessPolicy checks the token.
     * @param feedCatalog  the feeds that may be subscribed.
     * @param errorPath    where session errors go.
     * @param sender       writes refusals that come before the handshake.
     * @param fanoutGroup  event loops a subscribed connection moves to once its handshake is written.
     * @param refusals      counts and logs refused upgrades.
     * @param tokenSessions where accepted sessions are tracked by token, for rotation.
     */
    WebSocketUpgrade(
        final WebServer.Context ctx,
        final AccessPolicy accessPolicy,
        final FeedCatalog feedCatalog,
        final ServerErrorPath errorPath,
        final ResponseSender sender,
        final EventLoopGroup fanoutGroup,
        final Refusals refusals,
        final TokenSessions tokenSessions)
    {
        this.fanoutGroup = fanoutGroup;
        this.seats = null == fanoutGroup || 0 == ctx.httpLoopSeats() ? null : new HttpLoopSeats(ctx.httpLoopSeats());
        this.refusals = refusals;
        this.tokenSessions = tokenSessions;
        this.ctx = ctx;
        this.accessPolicy = accessPolicy;
        this.feedCatalog = feedCatalog;
        this.errorPath = errorPath;
        this.sender = sender;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(ctx.maxFrameLength())
            .allowExtensions(false)
            .closeOnProtocolViolation(true)
            .build();
    }

    /**
     * Upgrade a connection to a feed, replacing the HTTP handler in its pipeline by the session.
     *
     * @param context       of the HTTP handler.
     * @param httpHandler   replaced by the session.
     * @param request       the upgrade request.
     * @param query         its decoded query.
     * @param path          its decoded path, starting with {@code /ws/}.
     * @param originAllowed whether its Origin may use the server.
     * @param origin        its Origin header, or null.
     * @param keepAlive     whether the connection stays open after an HTTP refusal.
     */
    void upgrade(
        final ChannelHandlerContext context,
        final ChannelHandler httpHandler,
        final FullHttpRequest request,
        final QueryStringDecoder query,
        final String path,
        final boolean originAllowed,
        final String origin,
        final boolean keepAlive)
    {
        if (!HttpMethod.GET.equals(request.method()))
        {
            sender.send(context.channel(), HttpResponses.methodNotAllowed(request.method(), path, "GET"), keepAlive, null);
            return;
        }
        if (!HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE, "")))
        {
            sender.send(context.channel(), HttpResponses.error(HttpResponseStatus.BAD_REQUEST,
                "expected a WebSocket upgrade: connect to ws://<host>:<port>/ws/<feed>?token=<token>"), keepAlive, null);
            return;
        }

        final WebServer.Context.RouteEntry route = ctx.webSocketRoute(path);
        if (null != route)
        {
            upgradeRoute(context, httpHandler, request, query, path, originAllowed, origin, route);
            return;
        }

        final String feed = path.substring(WS_PREFIX.length());
        final String offered = offeredSubprotocols(request);
        final String subprotocol = selectSubprotocol(offered);
        final String formatParameter = parameter(query, "format", null);
        final String format = null != formatParameter ? formatParameter.toLowerCase(Locale.ROOT) :
            SBE_V1.equals(subprotocol) ? "sbe" : "json";
        final String typesParameter = parameter(query, "types", "");
        final String traceParameter = parameter(query, "trace", "0");
        final String sinceParameter = parameter(query, "since", null);
        final long since = null == sinceParameter ? -1 : parseSince(sinceParameter);
        final String batchParameter = parameter(query, "batch", null);
        final int batch = null == batchParameter ? -1 : SessionBatch.parseWindow(batchParameter);
        String rejection = null;
        int rejectionCode = WebSocketSession.POLICY_VIOLATION;
        BitSet types = null;
        byte[] tokenDigest = null;
        Scope granted = null;
        final String candidate = AccessPolicy.candidate(query, request.headers());
        if (null != candidate)
        {
            tokenDigest = AccessPolicy.digest(candidate);
        }
        if (!originAllowed)
        {
            rejection = "forbidden origin: " + HttpResponses.clientText(origin);
            refusals.refused(Refusals.Reason.FORBIDDEN_ORIGIN, context.channel().remoteAddress(), rejection);
        }
        else if (null == tokenDigest || null == (granted = accessPolicy.scopeOfDigest(tokenDigest)))
        {
            rejection = "unauthorized: missing or invalid token";
            refusals.refused(Refusals.Reason.UNAUTHORIZED, context.channel().remoteAddress(),
                "upgrade to " + HttpResponses.clientText(path) + " without a valid token");
        }
        else if (null != ctx.scopedFeeds(granted) && !ctx.scopedFeeds(granted).contains(feed))
        {
            rejection = scopedFeedMessage(granted, ctx.scopedFeeds(granted));
            refusals.refused(Refusals.Reason.FORBIDDEN_SCOPE, context.channel().remoteAddress(),
                "upgrade to " + HttpResponses.clientText(path) + " with a " + granted.label() + " token");
        }
        else if (!feedCatalog.isKnownFeed(feed))
        {
            rejection = "unknown feed '" + HttpResponses.clientText(feed) + "', expected one of " +
                String.join(", ", feedCatalog.feedNames());
        }
        else if (null != offered && null == subprotocol)
        {
            rejection = "unsupported subprotocol " + HttpResponses.clientText(offered) + ": expected " + JSON_V1 + " or " + SBE_V1;
            rejectionCode = WebSocketSession.PROTOCOL_ERROR;
        }
        else if (!"json".equals(format) && !"sbe".equals(format))
        {
            rejection = "unknown format '" + HttpResponses.clientText(format) + "', expected json or sbe";
        }
        else if (null != subprotocol && !subprotocol.equals("sbe".equals(format) ? SBE_V1 : JSON_V1))
        {
            rejection = "subprotocol " + subprotocol + " disagrees with format=" + format +
                ": drop format= or make them agree";
        }
        else if (!"0".equals(traceParameter) && !"1".equals(traceParameter))
        {
            rejection = "unknown trace '" + HttpResponses.clientText(traceParameter) + "', expected 0 or 1";
        }
        else if (null != sinceParameter && since < 0)
        {
            rejection = "invalid since '" + HttpResponses.clientText(sinceParameter) +
                "', expected the seq of the last output received (0 or more)";
        }
        else if (null != batchParameter && batch < 0)
        {
            rejection = "invalid batch '" + HttpResponses.clientText(batchParameter) +
                "', expected a window of 1 to 1000 ms (0: no batching)";
        }
        else if (!typesParameter.isBlank())
        {
            types = new BitSet();
            for (final String name : typesParameter.split(","))
            {
                final String type = name.trim();
                if (type.isEmpty())
                {
                    continue;
                }
                final int templateId = JsonView.instance().templateId(type);
                if (templateId < 0)
                {
                    rejection = "unknown type '" + HttpResponses.clientText(type) + "', expected message names such as OverlayAlert,ChatMessage";
                    break;
                }
                types.set(templateId);
            }
        }

        // A wire transport owns the socket and has answered the handshake: no handshaker, the same session.
        final WireChannel wire = context.channel() instanceof WireChannel channel ? channel : null;
        if (null != wire && null == rejection && null != wire.subprotocol() && !wire.subprotocol().equals(subprotocol))
        {
            rejection = "subprotocol " + wire.subprotocol() + " agreed by the transport, expected " + subprotocol;
            rejectionCode = WebSocketSession.PROTOCOL_ERROR;
        }
        final String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        final WebSocketServerHandshaker handshaker = null != wire ? null : new WebSocketServerHandshakerFactory(
            "ws://" + host + path, subprotocol, decoderConfig).newHandshaker(request);
        if (null == wire && null == handshaker)
        {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(context.channel());
            return;
        }

        final WebSocketSession session = new WebSocketSession(feed, "sbe".equals(format), "1".equals(traceParameter), types, rejection,
            rejectionCode, since, ctx.slowConsumerDropLimit(), ctx.closeTimeoutMs(), ctx.egress(), errorPath::onError, fanoutGroup,
            null == wire ? seats : null);
        session.batchMs = batch;
        final ChannelFuture handshake;
        try
        {
            handshake = null != wire ? WireChannel.switchingProtocols(wire) : handshaker.handshake(context.channel(), request);
        }
        catch (final WebSocketHandshakeException ex)
        {
            sender.send(context.channel(), HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "bad WebSocket handshake: " +
                HttpResponses.clientText(ex.getMessage())), false, null);
            return;
        }
        context.pipeline().replace(httpHandler, "ws-session", session);
        if (null == wire)
        {
            // What the transport does on the native backend: text validated as UTF-8 (1007, also across
            // fragments) and fragments joined into one message of at most maxFrameLength (else 1009).
            context.pipeline().addBefore("ws-session", "ws-utf8", new Utf8FrameValidator(true));
            context.pipeline().addBefore("ws-session", "ws-join", new WebSocketFrameAggregator(ctx.maxFrameLength()));
        }
        if (null == rejection)
        {
            tokenSessions.add(session, context.channel(), tokenDigest);
        }
        handshake.addListener(session);
    }

    /**
     * Reason of the close frame refusing a limited scope a feed it may not open.
     *
     * @param granted the token's scope.
     * @param feeds   the feeds it may open.
     * @return such as {@code forbidden: a chat token opens only the chat feed}.
     */
    static String scopedFeedMessage(final Scope granted, final java.util.Set<String> feeds)
    {
        if (feeds.isEmpty())
        {
            return "forbidden: a " + granted.label() + " token opens no feed";
        }
        return "forbidden: a " + granted.label() + " token opens only the " +
            String.join(", ", new java.util.TreeSet<>(feeds)) + (1 == feeds.size() ? " feed" : " feeds");
    }

    /**
     * Upgrade a connection to a {@link WebSocketRoute}: the same origin and token checks as a feed, the admin scope,
     * and one of the route's subprotocols. A refusal completes the handshake and closes with the reason.
     */
    private void upgradeRoute(
        final ChannelHandlerContext context,
        final ChannelHandler httpHandler,
        final FullHttpRequest request,
        final QueryStringDecoder query,
        final String path,
        final boolean originAllowed,
        final String origin,
        final WebServer.Context.RouteEntry route)
    {
        final String offered = offeredSubprotocols(request);
        String subprotocol = null;
        if (null != offered)
        {
            for (final String candidate : offered.split(","))
            {
                if (route.subprotocols().contains(candidate.trim()))
                {
                    subprotocol = candidate.trim();
                    break;
                }
            }
        }
        final String expected = String.join(" or ", route.subprotocols());
        String rejection = null;
        int rejectionCode = WebSocketSession.POLICY_VIOLATION;
        final String candidate = AccessPolicy.candidate(query, request.headers());
        final Scope granted = null == candidate ? null : accessPolicy.scopeOfDigest(AccessPolicy.digest(candidate));
        final WireChannel wire = context.channel() instanceof WireChannel channel ? channel : null;
        if (!originAllowed)
        {
            rejection = "forbidden origin: " + HttpResponses.clientText(origin);
            refusals.refused(Refusals.Reason.FORBIDDEN_ORIGIN, context.channel().remoteAddress(), rejection);
        }
        else if (null == granted)
        {
            rejection = "unauthorized: missing or invalid token (pass the admin token as ?token= or Authorization: Bearer)";
            refusals.refused(Refusals.Reason.UNAUTHORIZED, context.channel().remoteAddress(),
                "upgrade to " + HttpResponses.clientText(path) + " without a valid token");
        }
        else if (!granted.includes(Scope.ADMIN))
        {
            rejection = RequestGate.forbiddenScopeMessage(granted, Scope.ADMIN);
            refusals.refused(Refusals.Reason.FORBIDDEN_SCOPE, context.channel().remoteAddress(),
                "upgrade to " + HttpResponses.clientText(path) + " with a " + granted.label() + " token");
        }
        else if (null == subprotocol)
        {
            rejection = (null == offered ? "no subprotocol offered" : "unsupported subprotocol " +
                HttpResponses.clientText(offered)) + ": expected " + expected;
            rejectionCode = WebSocketSession.PROTOCOL_ERROR;
        }
        else if (null != wire && !subprotocol.equals(wire.subprotocol()))
        {
            rejection = "subprotocol " + wire.subprotocol() + " agreed by the transport, expected " + subprotocol;
            rejectionCode = WebSocketSession.PROTOCOL_ERROR;
        }

        final String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        final WebSocketServerHandshaker handshaker = null != wire ? null : new WebSocketServerHandshakerFactory(
            "ws://" + host + path, null == subprotocol ? null : subprotocol, decoderConfig).newHandshaker(request);
        if (null == wire && null == handshaker)
        {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(context.channel());
            return;
        }
        final RouteSession session = new RouteSession(route.route(), subprotocol, rejection, rejectionCode,
            ctx.closeTimeoutMs(), ctx.maxQueuedBytesPerConnection(), errorPath::onError);
        final ChannelFuture handshake;
        try
        {
            handshake = null != wire ? WireChannel.switchingProtocols(wire) : handshaker.handshake(context.channel(), request);
        }
        catch (final WebSocketHandshakeException ex)
        {
            sender.send(context.channel(), HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "bad WebSocket handshake: " +
                HttpResponses.clientText(ex.getMessage())), false, null);
            return;
        }
        context.pipeline().replace(httpHandler, "ws-route", session);
        if (null == rejection)
        {
            // Closed like a feed when its token is rotated out, after the grace period.
            tokenSessions.add(session, context.channel(), AccessPolicy.digest(candidate),
                () -> session.close(WebSocketSession.POLICY_VIOLATION, TokenSessions.TOKEN_ROTATED), "route session");
        }
        if (null == wire)
        {
            context.pipeline().addBefore("ws-route", "ws-utf8", new Utf8FrameValidator(true));
            context.pipeline().addBefore("ws-route", "ws-join", new WebSocketFrameAggregator(ctx.maxFrameLength()));
        }
        handshake.addListener(session);
    }

    /**
     * The subprotocols a request offers, as sent (comma separated across all its {@code Sec-WebSocket-Protocol} headers).
     *
     * @param request the upgrade request.
     * @return the offered subprotocols, or null when it offers none.
     */
    static String offeredSubprotocols(final FullHttpRequest request)
    {
        final List<String> headers = request.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        if (headers.isEmpty())
        {
            return null;
        }
        final String offered = String.join(", ", headers).trim();
        return offered.isEmpty() ? null : offered;
    }

    /**
     * The first known subprotocol of an offer, in the client's order of preference.
     *
     * @param offered comma separated subprotocols, or null.
     * @return {@link #JSON_V1}, {@link #SBE_V1}, or null when none is offered or none is known.
     */
    static String selectSubprotocol(final String offered)
    {
        if (null == offered)
        {
            return null;
        }
        for (final String candidate : offered.split(","))
        {
            final String name = candidate.trim();
            if (JSON_V1.equals(name) || SBE_V1.equals(name))
            {
                return name;
            }
        }
        return null;
    }

    /**
     * A {@code since=} value: a decimal output sequence.
     *
     * @return the sequence, or -1 when it is not a decimal number of 0 or more.
     */
    static long parseSince(final String value)
    {
        if (value.isEmpty() || value.length() > 18)
        {
            return -1;
        }
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
        }
        return Long.parseLong(value);
    }

    private static String parameter(final QueryStringDecoder query, final String name, final String defaultValue)
    {
        final List<String> values = query.parameters().get(name);
        return null == values || values.isEmpty() ? defaultValue : values.get(0);
    }
}
