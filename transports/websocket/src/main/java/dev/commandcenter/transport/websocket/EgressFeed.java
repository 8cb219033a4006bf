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
    /** Recent messages: the newest {@link #retain} are replayed to a new subscriber, all of them serve resumes. */
    final RetainedMessages retained;
    /** Messages replayed to a new subscriber that does not resume. */
    final int retain;
    WebSocketSession[] sessions = NO_SESSIONS;
    /** Subscribed sessions that asked for traced JSON frames. */
    int tracedSessions;
    /** Subscribed sessions that take SBE frames. */
    int sbeSessions;

    /**
     * @param name   of the feed.
     * @param retain  messages replayed to new subscribers; 0 for none.
     * @param history messages kept for clients resuming with {@code since=}; the ring keeps the larger of both.
     */
    EgressFeed(final String name, final int retain, final int history)
    {
        this.name = name;
        this.retain = retain;
        this.retained = new RetainedMessages(Math.max(retain, history));
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
        if (session.sbe)
        {
            sbeSessions++;
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
                if (session.sbe)
                {
                    sbeSessions--;
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
