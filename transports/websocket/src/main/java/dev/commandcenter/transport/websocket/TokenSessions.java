package dev.commandcenter.transport.websocket;

import io.netty.channel.Channel;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open WebSocket sessions with the digest of the token each was authenticated with, so that when tokens
 * rotate the sessions holding a token that is no longer valid can be closed with 1008 "token rotated".
 * <p>
 * <b>Note:</b> thread safe: sessions are added on event loops and swept from the thread that rotates.
 */
final class TokenSessions
{
    /** Reason of the close frame sent to a session whose token was rotated out. */
    static final String TOKEN_ROTATED = "token rotated";

    private final Map<Object, Tracked> sessions = new ConcurrentHashMap<>();
    private final Refusals refusals;

    /**
     * @param refusals counts and logs the sessions closed.
     */
    TokenSessions(final Refusals refusals)
    {
        this.refusals = refusals;
    }

    /**
     * Track a session until its connection closes.
     *
     * @param session     the session.
     * @param channel     its connection.
     * @param tokenDigest SHA-256 of the token it authenticated with.
     */
    void add(final WebSocketSession session, final Channel channel, final byte[] tokenDigest)
    {
        add(session, channel, tokenDigest, () -> session.closeWith(WebSocketSession.POLICY_VIOLATION, TOKEN_ROTATED),
            "feed session");
    }

    /**
     * Track any WebSocket connection (a route's, such as the plugin hosts') until it closes.
     *
     * @param key         what identifies it.
     * @param channel     its connection.
     * @param tokenDigest SHA-256 of the token it authenticated with.
     * @param close       closes it with 1008 "token rotated"; run on the connection's event loop.
     * @param kind        what it is, for the log line.
     */
    void add(final Object key, final Channel channel, final byte[] tokenDigest, final Runnable close, final String kind)
    {
        sessions.put(key, new Tracked(tokenDigest, channel, close, kind));
        channel.closeFuture().addListener((ignore) -> sessions.remove(key));
    }

    /**
     * Close, with 1008 "token rotated", every session whose token the policy no longer accepts.
     *
     * @param accessPolicy with the current tokens.
     * @return sessions closed.
     */
    int closeRotatedOut(final AccessPolicy accessPolicy)
    {
        int closed = 0;
        for (final Iterator<Map.Entry<Object, Tracked>> it = sessions.entrySet().iterator(); it.hasNext(); )
        {
            final Tracked tracked = it.next().getValue();
            if (null == accessPolicy.scopeOfDigest(tracked.tokenDigest))
            {
                it.remove();
                final Channel channel = tracked.channel;
                refusals.refused(Refusals.Reason.TOKEN_ROTATED, channel.remoteAddress(), tracked.kind + " closed with 1008");
                try
                {
                    channel.eventLoop().execute(tracked.close);
                }
                catch (final RuntimeException ex)
                {
                    channel.close();
                }
                closed++;
            }
        }
        return closed;
    }

    /**
     * Sessions tracked.
     *
     * @return the number of open sessions.
     */
    int size()
    {
        return sessions.size();
    }

    private record Tracked(byte[] tokenDigest, Channel channel, Runnable close, String kind)
    {
    }
}
