package dev.commandcenter.transport.websocket;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The feeds WebSocket clients may subscribe to: {@value WebSocketEgress#ALL_FEED}, the plugins configured
 * on the server (feeds and web roots), and any plugin that has emitted through the egress.
 * <p>
 * <b>Note:</b> reads the concluded context and the egress, both safe to read from the I/O threads.
 */
final class FeedCatalog
{
    private final WebServer.Context ctx;

    /**
     * @param ctx concluded context, with its egress.
     */
    FeedCatalog(final WebServer.Context ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Whether a feed can be subscribed: {@code all}, a configured plugin, or one that has emitted.
     */
    boolean isKnownFeed(final String feed)
    {
        return ctx.feeds().contains(feed) || ctx.webRoots().containsKey(feed) || ctx.egress().hasFeed(feed);
    }

    /**
     * Names of the feeds, {@code all} first, then plugin ids sorted.
     */
    List<String> feedNames()
    {
        final TreeSet<String> plugins = new TreeSet<>(ctx.feeds());
        plugins.addAll(ctx.webRoots().keySet());
        plugins.addAll(ctx.egress().pluginFeeds());
        plugins.remove(WebSocketEgress.ALL_FEED);
        final List<String> names = new ArrayList<>(plugins.size() + 1);
        names.add(WebSocketEgress.ALL_FEED);
        names.addAll(plugins);
        return names;
    }
}
