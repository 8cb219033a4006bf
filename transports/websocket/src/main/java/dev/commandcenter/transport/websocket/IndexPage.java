package dev.commandcenter.transport.websocket;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /?token=}: an HTML index linking the plugin pages (carrying the token on to them) and listing
 * the feeds. Every name is escaped; the page asks for no referrer so the token does not leak through links.
 * <p>
 * <b>Note:</b> shared by every connection; thread safe.
 */
final class IndexPage
{
    private final WebServer.Context ctx;
    private final FeedCatalog feedCatalog;

    /**
     * @param ctx         concluded context, with the web roots.
     * @param feedCatalog the feeds to list.
     */
    IndexPage(final WebServer.Context ctx, final FeedCatalog feedCatalog)
    {
        this.ctx = ctx;
        this.feedCatalog = feedCatalog;
    }

    /**
     * The index page.
     *
     * @param query of the request, whose token the plugin links carry.
     */
    FullHttpResponse respond(final QueryStringDecoder query)
    {
        final List<String> tokens = query.parameters().get(AccessPolicy.TOKEN_PARAM);
        final String tokenQuery = null == tokens || tokens.isEmpty() ? "" :
            "?" + AccessPolicy.TOKEN_PARAM + "=" + URLEncoder.encode(tokens.get(0), StandardCharsets.UTF_8);
        final StringBuilder html = new StringBuilder(1024)
            .append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Command Center</title>")
            .append("<meta name=\"referrer\" content=\"no-referrer\"></head>\n<body>\n<h1>Command Center</h1>\n")
            .append("<h2>Plugin pages</h2>\n<ul>\n");
        final Map<String, WebRoot> roots = ctx.webRoots();
        if (roots.isEmpty())
        {
            html.append("<li>none</li>\n");
        }
        for (final String pluginId : roots.keySet())
        {
            final String escaped = HttpResponses.html(pluginId);
            html.append("<li><a href=\"").append(HttpRequestHandler.PLUGINS_PREFIX)
                .append(HttpResponses.html(URLEncoder.encode(pluginId, StandardCharsets.UTF_8).replace("+", "%20")))
                .append('/').append(HttpResponses.html(tokenQuery)).append("\">").append(escaped).append("</a></li>\n");
        }
        html.append("</ul>\n<h2>Feeds</h2>\n<ul>\n");
        for (final String feed : feedCatalog.feedNames())
        {
            html.append("<li><code>").append(HttpRequestHandler.WS_PREFIX).append(HttpResponses.html(feed))
                .append("?token=&hellip;&amp;format=json|sbe&amp;types=&hellip;</code></li>\n");
        }
        html.append("</ul>\n</body></html>\n");
        return HttpResponses.bytes(HttpResponseStatus.OK, "text/html; charset=utf-8", HttpResponses.utf8(html.toString()));
    }
}
