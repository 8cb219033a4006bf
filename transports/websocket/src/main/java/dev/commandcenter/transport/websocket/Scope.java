package dev.commandcenter.transport.websocket;

import java.util.Locale;

/**
 * What a token lets its holder do. {@link #OVERLAY} is what OBS holds (plugin pages, feeds, the index) and
 * what leaks first; {@link #CHAT} is what viewers hold (the chat page, the chat feed, posting chat);
 * {@link #MODERATOR} adds moderation to {@link #CHAT}; {@link #TIP} is what the tip page holds (its own API only);
 * {@link #ADMIN} allows everything. The relation is explicit: {@link #OVERLAY}, {@link #CHAT} and {@link #TIP} are
 * unrelated, so none of those tokens opens what only another allows.
 */
public enum Scope
{
    /** Plugin pages, WebSocket feeds and the index page. */
    OVERLAY,
    /** Everything: REST posting, health, metrics, plugin control; includes every other scope. */
    ADMIN,
    /** Viewers: the chat feeds the application names and posting chat; nothing else. */
    CHAT,
    /** Moderators: what {@link #CHAT} allows plus moderation. */
    MODERATOR,
    /** The tip page: its own API only ({@code /api/tip/*}); no feed, no posting, no index. */
    TIP;

    /**
     * Whether a token of this scope may do what the other scope allows.
     *
     * @param required scope an endpoint needs.
     * @return true when this scope is the required one or one that includes it.
     */
    public boolean includes(final Scope required)
    {
        if (this == required || ADMIN == this)
        {
            return true;
        }
        return MODERATOR == this && CHAT == required;
    }

    /**
     * The name used in configuration and on the command line.
     *
     * @return {@code overlay}, {@code admin}, {@code chat}, {@code moderator} or {@code tip}.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether this is a chat scope ({@link #CHAT} or {@link #MODERATOR}), limited to the chat feeds.
     *
     * @return true for the viewers' and moderators' scopes.
     */
    public boolean isChat()
    {
        return CHAT == this || MODERATOR == this;
    }

    /**
     * The scope of a label.
     *
     * @param label {@code overlay}, {@code admin}, {@code chat}, {@code moderator} or {@code tip}, any case.
     * @return the scope.
     * @throws IllegalArgumentException naming the value and what was expected.
     */
    public static Scope parse(final String label)
    {
        for (final Scope scope : values())
        {
            if (scope.label().equalsIgnoreCase(null == label ? "" : label.trim()))
            {
                return scope;
            }
        }
        throw new IllegalArgumentException("scope: expected overlay, admin, chat, moderator or tip, got '" +
            HttpResponses.clientText(label) + "'");
    }
}
