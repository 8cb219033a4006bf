package dev.commandcenter.transport.websocket;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import org.agrona.ExpandableArrayBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * Routes one connection's HTTP requests: plugin pages (no token), the index page, the health and
 * events API and the Prometheus metrics (token required), and WebSocket upgrades to feeds, after which
 * it hands the connection to a {@link WebSocketSession}. An exception it throws goes to the server's
 * error path and is answered with 500 before the connection is closed.
 * <p>
 * <b>Note:</b> one instance per connection, used on its event loop; publishing a REST event runs on
 * a virtual thread so a full input ring under the blocking policy never stalls the event loop.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    static final String PLUGINS_PREFIX = "/plugins/";
    static final String WS_PREFIX = "/ws/";
    static final String HEALTH_PATH = "/api/health";
    static final String EVENTS_PATH = "/api/events";
    static final String METRICS_PATH = "/metrics";

    private final WebServer server;

    HttpRequestHandler(final WebServer server)
    {
        this.server = server;
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
        final String path = query.path();
        final HttpMethod method = request.method();
        final HttpHeaders headers = request.headers();
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        final String origin = headers.get(HttpHeaderNames.ORIGIN);
        final String host = headers.get(HttpHeaderNames.HOST);
        final String corsOrigin = AccessPolicy.isCrossOrigin(origin, host) ? origin : null;

        if (path.startsWith(PLUGINS_PREFIX) || path.equals("/plugins"))
        {
            if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method))
            {
                send(ctx.channel(), methodNotAllowed(method, path, "GET, HEAD"), keepAlive, null);
                return;
            }
            send(ctx.channel(), staticFile(query, path, HttpMethod.HEAD.equals(method)), keepAlive, null);
            return;
        }

        final AccessPolicy access = server.accessPolicy();
        final boolean originAllowed = access.isOriginAllowed(origin, host);
        if (path.startsWith(WS_PREFIX))
        {
            webSocket(ctx, request, query, path, originAllowed, origin, keepAlive);
            return;
        }
        if (!originAllowed)
        {
            send(ctx.channel(), HttpResponses.error(HttpResponseStatus.FORBIDDEN, "forbidden origin: " + origin +
                " (add it to websocket.allowedOrigins)"), keepAlive, null);
            return;
        }
        if (HttpMethod.OPTIONS.equals(method))
        {
            final FullHttpResponse response = HttpResponses.empty(HttpResponseStatus.NO_CONTENT);
            response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type")
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
            send(ctx.channel(), response, keepAlive, corsOrigin);
            return;
        }
        if (!access.hasValidToken(query, headers))
        {
            send(ctx.channel(), HttpResponses.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized: missing or invalid token" +
                " (pass ?token=<token> or Authorization: Bearer <token>)"), keepAlive, corsOrigin);
            return;
        }

        switch (path)
        {
            case "/", "/index.html" ->
            {
                if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))
                {
                    send(ctx.channel(), indexPage(query), keepAlive, corsOrigin);
                }
                else
                {
                    send(ctx.channel(), methodNotAllowed(method, path, "GET, HEAD"), keepAlive, corsOrigin);
                }
            }
            case HEALTH_PATH ->
            {
                if (HttpMethod.GET.equals(method))
                {
                    send(ctx.channel(), health(), keepAlive, corsOrigin);
                }
                else
                {
                    send(ctx.channel(), methodNotAllowed(method, path, "GET"), keepAlive, corsOrigin);
                }
            }
            case METRICS_PATH ->
            {
                if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method))
                {
                    send(ctx.channel(), metrics(HttpMethod.HEAD.equals(method)), keepAlive, corsOrigin);
                }
                else
                {
                    send(ctx.channel(), methodNotAllowed(method, path, "GET, HEAD"), keepAlive, corsOrigin);
                }
            }
            case EVENTS_PATH ->
            {
                if (HttpMethod.POST.equals(method))
                {
                    postEvent(ctx.channel(), request, keepAlive, corsOrigin);
                }
                else
                {
                    send(ctx.channel(), methodNotAllowed(method, path, "POST"), keepAlive, corsOrigin);
                }
            }
            default -> send(ctx.channel(), HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path +
                " (expected /, /api/health, /api/events, /metrics, /plugins/<id>/ or /ws/<feed>)"), keepAlive, corsOrigin);
        }
    }

    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        server.onError(cause);
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

    /**
     * Write a response, with CORS headers for an allowed foreign origin, closing when not kept alive;
     * a failed write is reported to the server's error path and closes the connection.
     */
    private void send(final Channel channel, final FullHttpResponse response, final boolean keepAlive, final String corsOrigin)
    {
        if (null != corsOrigin)
        {
            response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin)
                .set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
        if (!keepAlive)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        final ChannelFuture future = channel.writeAndFlush(response);
        future.addListener(server.writeFailureListener());
        if (!keepAlive)
        {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse methodNotAllowed(final HttpMethod method, final String path, final String allowed)
    {
        final FullHttpResponse response = HttpResponses.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
            "method " + method + " not allowed on " + path + ", expected " + allowed);
        response.headers().set(HttpHeaderNames.ALLOW, allowed);
        return response;
    }

    private FullHttpResponse staticFile(final QueryStringDecoder query, final String path, final boolean head)
    {
        final String rest = path.length() > PLUGINS_PREFIX.length() ? path.substring(PLUGINS_PREFIX.length()) : "";
        final int slash = rest.indexOf('/');
        final String pluginId = slash < 0 ? rest : rest.substring(0, slash);
        final WebRoot root = pluginId.isEmpty() ? null : server.context().webRoot(pluginId);
        if (pluginId.isEmpty() || null == root)
        {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no web pages for plugin '" + pluginId +
                "', expected one of " + server.context().webRoots().keySet());
        }
        if (slash < 0)
        {
            final String rawQuery = query.rawQuery();
            return HttpResponses.redirect(PLUGINS_PREFIX + pluginId + "/" + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
        }

        String file = rest.substring(slash + 1);
        if (file.isEmpty() || file.endsWith("/"))
        {
            file = file + "index.html";
        }
        final String problem = checkRelativePath(file);
        if (null != problem)
        {
            return HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "bad path " + path + ": " + problem);
        }

        final URL url = root.classLoader().getResource(root.resourceName(file));
        if (null == url)
        {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "no file " + file + " in the web pages of plugin '" +
                pluginId + "'");
        }
        if (isDirectory(url))
        {
            final String rawQuery = query.rawQuery();
            return HttpResponses.redirect(path + "/" + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
        }
        final byte[] bytes;
        try (InputStream in = url.openStream())
        {
            bytes = in.readAllBytes();
        }
        catch (final IOException ex)
        {
            return HttpResponses.error(HttpResponseStatus.NOT_FOUND, "cannot read " + file + " of plugin '" + pluginId +
                "': " + ex.getMessage());
        }
        final FullHttpResponse response = HttpResponses.bytes(HttpResponseStatus.OK, HttpResponses.contentType(file),
            head ? new byte[0] : bytes);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return response;
    }

    /**
     * Why a decoded path relative to a web root is unsafe, or null when it is fine.
     */
    static String checkRelativePath(final String file)
    {
        if (file.indexOf('\\') >= 0 || file.indexOf('\0') >= 0 || file.indexOf(':') >= 0)
        {
            return "'\\', ':' and NUL are not allowed";
        }
        if (file.startsWith("/"))
        {
            return "empty path segment";
        }
        for (final String segment : file.split("/", -1))
        {
            if (segment.equals("..") || segment.equals("."))
            {
                return "'" + segment + "' segments are not allowed";
            }
            if (segment.isEmpty())
            {
                return "empty path segment";
            }
        }
        return null;
    }

    private static boolean isDirectory(final URL url)
    {
        if ("file".equals(url.getProtocol()))
        {
            try
            {
                return Files.isDirectory(Path.of(url.toURI()));
            }
            catch (final URISyntaxException | IllegalArgumentException ex)
            {
                return false;
            }
        }
        return url.getPath().endsWith("/");
    }

    private FullHttpResponse indexPage(final QueryStringDecoder query)
    {
        final List<String> tokens = query.parameters().get(AccessPolicy.TOKEN_PARAM);
        final String tokenQuery = null == tokens || tokens.isEmpty() ? "" :
            "?" + AccessPolicy.TOKEN_PARAM + "=" + URLEncoder.encode(tokens.get(0), StandardCharsets.UTF_8);
        final StringBuilder html = new StringBuilder(1024)
            .append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Command Center</title>")
            .append("<meta name=\"referrer\" content=\"no-referrer\"></head>\n<body>\n<h1>Command Center</h1>\n")
            .append("<h2>Plugin pages</h2>\n<ul>\n");
        final Map<String, WebRoot> roots = server.context().webRoots();
        if (roots.isEmpty())
        {
            html.append("<li>none</li>\n");
        }
        for (final String pluginId : roots.keySet())
        {
            final String escaped = HttpResponses.html(pluginId);
            html.append("<li><a href=\"").append(PLUGINS_PREFIX)
                .append(HttpResponses.html(URLEncoder.encode(pluginId, StandardCharsets.UTF_8).replace("+", "%20")))
                .append('/').append(HttpResponses.html(tokenQuery)).append("\">").append(escaped).append("</a></li>\n");
        }
        html.append("</ul>\n<h2>Feeds</h2>\n<ul>\n");
        for (final String feed : server.feedNames())
        {
            html.append("<li><code>").append(WS_PREFIX).append(HttpResponses.html(feed))
                .append("?token=&hellip;&amp;format=json|sbe&amp;types=&hellip;</code></li>\n");
        }
        html.append("</ul>\n</body></html>\n");
        return HttpResponses.bytes(HttpResponseStatus.OK, "text/html; charset=utf-8", HttpResponses.utf8(html.toString()));
    }

    private FullHttpResponse health()
    {
        try
        {
            return HttpResponses.json(HttpResponseStatus.OK, server.status());
        }
        catch (final RuntimeException ex)
        {
            server.onError(ex);
            return HttpResponses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "status unavailable: " + ex.getMessage());
        }
    }

    private FullHttpResponse metrics(final boolean head)
    {
        final byte[] body = HttpResponses.utf8(PrometheusText.render(server.context().countersReader()));
        final FullHttpResponse response = HttpResponses.bytes(HttpResponseStatus.OK, PrometheusText.CONTENT_TYPE,
            head ? new byte[0] : body);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    private void postEvent(final Channel channel, final FullHttpRequest request, final boolean keepAlive, final String corsOrigin)
    {
        final EventPublisher publisher = server.context().eventPublisher();
        if (null == publisher)
        {
            send(channel, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "no engine attached: events cannot be published"), keepAlive, corsOrigin);
            return;
        }
        final String json = request.content().toString(StandardCharsets.UTF_8);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
        final int length;
        try
        {
            length = JsonView.instance().fromJson(json, buffer, 0);
        }
        catch (final IllegalArgumentException ex)
        {
            send(channel, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, ex.getMessage()), keepAlive, corsOrigin);
            return;
        }
        if (length > EventPublisher.MAX_MESSAGE_LENGTH)
        {
            send(channel, HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "message encodes to " + length +
                " bytes, at most " + EventPublisher.MAX_MESSAGE_LENGTH + " allowed"), keepAlive, corsOrigin);
            return;
        }

        // Stop reading this connection until the event is published, so responses keep request order.
        channel.config().setAutoRead(false);
        try
        {
            server.publishExecutor().execute(() -> publish(channel, publisher, buffer, length, keepAlive, corsOrigin));
        }
        catch (final RejectedExecutionException ex)
        {
            channel.config().setAutoRead(true);
            send(channel, HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "server is shutting down"),
                keepAlive, corsOrigin);
        }
    }

    private void publish(
        final Channel channel,
        final EventPublisher publisher,
        final ExpandableArrayBuffer buffer,
        final int length,
        final boolean keepAlive,
        final String corsOrigin)
    {
        FullHttpResponse response;
        try
        {
            final long result = publisher.publish(Sources.REST, buffer, 0, length);
            if (EventPublisher.REJECTED == result)
            {
                response = HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "ring full");
            }
            else if (EventPublisher.HALTED == result)
            {
                final String reason = publisher.haltReason();
                response = HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "journal halted: " + (null == reason ? "reason unknown" : reason));
            }
            else if (EventPublisher.INVALID == result)
            {
                response = HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "message rejected as invalid by the engine");
            }
            else
            {
                response = HttpResponses.json(HttpResponseStatus.ACCEPTED, Map.of("receipt", result));
            }
        }
        catch (final RuntimeException ex)
        {
            server.onError(ex);
            response = HttpResponses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "cannot publish: " + ex.getMessage());
        }
        send(channel, response, keepAlive, corsOrigin);
        channel.eventLoop().execute(() -> channel.config().setAutoRead(true));
    }

    private void webSocket(
        final ChannelHandlerContext ctx,
        final FullHttpRequest request,
        final QueryStringDecoder query,
        final String path,
        final boolean originAllowed,
        final String origin,
        final boolean keepAlive)
    {
        if (!HttpMethod.GET.equals(request.method()))
        {
            send(ctx.channel(), methodNotAllowed(request.method(), path, "GET"), keepAlive, null);
            return;
        }
        if (!HttpHeaderValues.WEBSOCKET.contentEqualsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE, "")))
        {
            send(ctx.channel(), HttpResponses.error(HttpResponseStatus.BAD_REQUEST,
                "expected a WebSocket upgrade: connect to ws://<host>:<port>/ws/<feed>?token=<token>"), keepAlive, null);
            return;
        }

        final String feed = path.substring(WS_PREFIX.length());
        final String format = parameter(query, "format", "json").toLowerCase(Locale.ROOT);
        final String typesParameter = parameter(query, "types", "");
        String rejection = null;
        BitSet types = null;
        if (!originAllowed)
        {
            rejection = "forbidden origin: " + origin;
        }
        else if (!server.accessPolicy().hasValidToken(query, request.headers()))
        {
            rejection = "unauthorized: missing or invalid token";
        }
        else if (!server.isKnownFeed(feed))
        {
            rejection = "unknown feed '" + feed + "', expected one of " + String.join(", ", server.feedNames());
        }
        else if (!"json".equals(format) && !"sbe".equals(format))
        {
            rejection = "unknown format '" + format + "', expected json or sbe";
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
                    rejection = "unknown type '" + type + "', expected message names such as OverlayAlert,ChatMessage";
                    break;
                }
                types.set(templateId);
            }
        }

        final String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        final WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory(
            "ws://" + host + path, null, server.decoderConfig()).newHandshaker(request);
        if (null == handshaker)
        {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }

        final WebServer.Context context = server.context();
        final WebSocketSession session = new WebSocketSession(feed, "sbe".equals(format), types, rejection,
            context.slowConsumerDropLimit(), context.closeTimeoutMs(), server.egress(), server::onError);
        final ChannelFuture handshake;
        try
        {
            handshake = handshaker.handshake(ctx.channel(), request);
        }
        catch (final WebSocketHandshakeException ex)
        {
            send(ctx.channel(), HttpResponses.error(HttpResponseStatus.BAD_REQUEST, "bad WebSocket handshake: " +
                ex.getMessage()), false, null);
            return;
        }
        ctx.pipeline().replace(this, "ws-session", session);
        handshake.addListener(session);
    }

    private static String parameter(final QueryStringDecoder query, final String name, final String defaultValue)
    {
        final List<String> values = query.parameters().get(name);
        return null == values || values.isEmpty() ? defaultValue : values.get(0);
    }
}
