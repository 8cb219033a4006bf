package dev.commandcenter.transport.websocket;

import io.netty.channel.EventLoopGroup;

import java.util.concurrent.Executor;

/**
 * The endpoints of one server, built once at launch and shared by the {@link HttpRequestHandler} of every
 * connection: access checks, plugin pages, the index, health, metrics, REST ingest and WebSocket upgrades,
 * with the response writer and error path they share.
 * <p>
 * <b>Note:</b> immutable; every part is thread safe.
 */
final class HttpEndpoints
{
    final AccessPolicy accessPolicy;
    final ServerErrorPath errorPath;
    final ResponseSender sender;
    final PluginPages pluginPages;
    final IndexPage indexPage;
    final HealthEndpoint health;
    final MetricsEndpoint metrics;
    final EventIngest eventIngest;
    final WebSocketUpgrade webSocketUpgrade;
    final HttpApi httpApi;
    final Refusals refusals;
    final TokenSessions tokenSessions;
    private final WebServer.Context ctx;

    /**
     * @param ctx             concluded context.
     * @param accessPolicy    token and origin checks built from the context.
     * @param errorPath       the server's error path.
     * @param publishExecutor runs REST publishes off the event loops.
     * @param fanoutGroup     event loops that upgraded WebSocket connections move to.
     * @param refusals        counts and logs what the access checks refuse.
     * @param tokenSessions   WebSocket sessions by the token they authenticated with, for rotation.
     */
    HttpEndpoints(
        final WebServer.Context ctx,
        final AccessPolicy accessPolicy,
        final ServerErrorPath errorPath,
        final Executor publishExecutor,
        final EventLoopGroup fanoutGroup,
        final Refusals refusals,
        final TokenSessions tokenSessions)
    {
        this.ctx = ctx;
        this.refusals = refusals;
        this.tokenSessions = tokenSessions;
        final FeedCatalog feedCatalog = new FeedCatalog(ctx);
        this.accessPolicy = accessPolicy;
        this.errorPath = errorPath;
        this.sender = new ResponseSender(errorPath);
        this.pluginPages = new PluginPages(ctx);
        this.indexPage = new IndexPage(ctx, feedCatalog);
        this.health = new HealthEndpoint(ctx, errorPath);
        this.metrics = new MetricsEndpoint(ctx.countersReader());
        this.eventIngest = new EventIngest(ctx.eventPublisher(), publishExecutor, errorPath, sender,
            ctx.acceptWalletEventsOverRest(), refusals);
        this.webSocketUpgrade = new WebSocketUpgrade(
            ctx, accessPolicy, feedCatalog, errorPath, sender, fanoutGroup, refusals, tokenSessions);
        this.httpApi = ctx.httpApi();
    }

    /**
     * The web root serving a plugin's pages now, or null.
     */
    WebRoot webRoot(final String pluginId)
    {
        return ctx.webRoot(pluginId);
    }
}
