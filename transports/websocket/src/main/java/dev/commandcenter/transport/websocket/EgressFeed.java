package dev.commandcenter.transport.websocket;

import java.util.Arrays;

/**
 * One feed of a {@link WebSocketEgress}: the messages it retains for new subscribers and its subscribed
 * sessions, kept as an array replaced on each change so the fan-out loop walks a plain array.
 * <p>
 * <b>Note:</b> not thread safe; used under the egress lock.
 */
final class EgressFeed
{
    private static final WebSocketSession[] NO_SESSIONS = new WebSocketSession[0];

    final String name;
    final RetainedMessages retained;
    WebSocketSession[] sessions = NO_SESSIONS;
    /** Subscribed sessions that asked for traced JSON frames. */
    int tracedSessions;

    /**
     * @param name   of the feed.
     * @param retain messages kept for new subscribers; 0 for none.
     */
    EgressFeed(final String name, final int retain)
    {
        this.name = name;
        this.retained = new RetainedMessages(retain);
    }

    /**
     * Add a subscriber at the end.
     */
    void add(final WebSocketSession session)
    {
        final WebSocketSession[] grown = Arrays.copyOf(sessions, sessions.length + 1);
        grown[grown.length - 1] = session;
        sessions = grown;
        if (session.trace)
        {
            tracedSessions++;
        }
    }

    /**
     * Remove a subscriber, if present.
     *
     * @return true when it was subscribed.
     */
    boolean remove(final WebSocketSession session)
    {
        final WebSocketSession[] sessions = this.sessions;
        for (int i = 0; i < sessions.length; i++)
        {
            if (sessions[i] == session)
            {
                final WebSocketSession[] remaining = sessions.length == 1 ? NO_SESSIONS : new WebSocketSession[sessions.length - 1];
                System.arraycopy(sessions, 0, remaining, 0, i);
                System.arraycopy(sessions, i + 1, remaining, i, sessions.length - i - 1);
                this.sessions = remaining;
                if (session.trace)
                {
                    tracedSessions--;
                }
                return true;
            }
        }
        return false;
    }

    public String toString()
    {
        return name;
    }
}
