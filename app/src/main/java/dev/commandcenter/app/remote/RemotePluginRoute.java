package dev.commandcenter.app.remote;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.plugin.host.remote.RemotePluginEndpoint;
import dev.commandcenter.transport.websocket.WebSocketRoute;
import org.agrona.DirectBuffer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket transport of the remote plugin protocol: {@value #PATH} on the engine's web server, admin token,
 * subprotocols {@value RemoteJson#JSON_SUBPROTOCOL} and {@value RemoteJson#SBE_SUBPROTOCOL}. Each connection becomes
 * a {@link WebSocketRemoteLink} handed to the {@link RemotePluginEndpoint}. Bounds: at most {@code maxAwaitingHello}
 * connections may be open without having sent their hello (more are closed with 1013), and one that sends none
 * within {@code helloTimeoutMs} is closed with 1008.
 * <p>
 * <b>Note:</b> thread safe; {@link #close()} stops the hello timer (a thread started with the first connection).
 */
public final class RemotePluginRoute implements WebSocketRoute, AutoCloseable
{
    /** Path of the route. */
    public static final String PATH = "/ws/plugins/remote";
    /** Default time a host has to send its hello. */
    public static final long HELLO_TIMEOUT_MS_DEFAULT = 10_000;
    /** Default number of connections that may wait for their hello at once. */
    public static final int MAX_AWAITING_HELLO_DEFAULT = 16;
    /** Close status: try again later. */
    static final int TRY_AGAIN_LATER = 1013;

    private final RemotePluginEndpoint endpoint;
    private final long helloTimeoutMs;
    private final int maxAwaitingHello;
    private final Set<WebSocketRemoteLink> awaitingHello = ConcurrentHashMap.newKeySet();
    private final AtomicLong refused = new AtomicLong();
    private ScheduledExecutorService timer;
    private boolean closed;

    /**
     * A route with the default bounds.
     *
     * @param endpoint where connections go.
     */
    public RemotePluginRoute(final RemotePluginEndpoint endpoint)
    {
        this(endpoint, HELLO_TIMEOUT_MS_DEFAULT, MAX_AWAITING_HELLO_DEFAULT);
    }

    /**
     * @param endpoint         where connections go.
     * @param helloTimeoutMs   how long a host has to send its hello.
     * @param maxAwaitingHello connections that may wait for their hello at once.
     */
    public RemotePluginRoute(final RemotePluginEndpoint endpoint, final long helloTimeoutMs, final int maxAwaitingHello)
    {
        this.endpoint = endpoint;
        this.helloTimeoutMs = helloTimeoutMs;
        this.maxAwaitingHello = maxAwaitingHello;
    }

    /**
     * The subprotocols the route speaks, in the server's order of preference.
     *
     * @return JSON, then SBE.
     */
    public static String[] subprotocols()
    {
        return new String[]{ RemoteJson.JSON_SUBPROTOCOL, RemoteJson.SBE_SUBPROTOCOL };
    }

    /** {@inheritDoc} */
    public Listener open(final Peer peer, final String subprotocol)
    {
        final WebSocketRemoteLink link = new WebSocketRemoteLink(peer, RemoteJson.JSON_SUBPROTOCOL.equals(subprotocol), this);
        if (awaitingHello.size() >= maxAwaitingHello)
        {
            refused(link, TRY_AGAIN_LATER, "");
            peer.close(TRY_AGAIN_LATER, "too many plugin hosts waiting for their hello (" + maxAwaitingHello +
                "): try again later");
            return IGNORE;
        }
        final ScheduledExecutorService timer = timer();
        if (null == timer)
        {
            peer.close(WebSocketRemoteLink.GOING_AWAY, "engine shutting down");
            return IGNORE;
        }
        awaitingHello.add(link);
        timer.schedule(() -> helloTimedOut(link, peer), helloTimeoutMs, TimeUnit.MILLISECONDS);
        link.handler(endpoint.attach(link));
        return link;
    }

    /**
     * Messages refused and connections closed for breaking the protocol or its bounds, since start.
     *
     * @return the count.
     */
    public long refusedCount()
    {
        return refused.get();
    }

    /**
     * Stop the hello timer.
     */
    public synchronized void close()
    {
        closed = true;
        if (null != timer)
        {
            timer.shutdownNow();
        }
    }

    /**
     * The hello timer, started with the first connection (a node no host connects to runs no thread for it).
     *
     * @return the timer, or null once closed.
     */
    private synchronized ScheduledExecutorService timer()
    {
        if (!closed && null == timer)
        {
            timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("cc-remote-plugin-hello").factory());
        }
        return closed ? null : timer;
    }

    void helloReceived(final WebSocketRemoteLink link)
    {
        awaitingHello.remove(link);
    }

    void closed(final WebSocketRemoteLink link)
    {
        awaitingHello.remove(link);
    }

    void refused(final WebSocketRemoteLink link, final int status, final String reason)
    {
        refused.incrementAndGet();
    }

    static String typeName(final int templateId)
    {
        final String name = JsonView.instance().messageName(templateId);
        return null == name ? "template id " + templateId : name;
    }

    private void helloTimedOut(final WebSocketRemoteLink link, final Peer peer)
    {
        if (awaitingHello.remove(link) && !link.helloSeen() && !peer.isClosed())
        {
            refused.incrementAndGet();
            peer.close(RemoteJson.POLICY_VIOLATION, "no hello within " + helloTimeoutMs + " ms");
        }
    }

    private static final Listener IGNORE = new Listener()
    {
        public void onText(final String text)
        {
        }

        public void onBinary(final DirectBuffer buffer, final int offset, final int length)
        {
        }

        public void onClosed(final String reason)
        {
        }
    };
}
