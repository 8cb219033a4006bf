package dev.commandcenter.transport.websocket;

import java.util.Locale;

/**
 * What a token lets its holder do. {@link #OVERLAY} is what OBS holds (plugin pages, feeds, the index) and
 * what leaks first; {@link #ADMIN} posts events, reads health and metrics and controls plugins, and implies
 * {@link #OVERLAY}.
 */
public enum Scope
{
    /** Plugin pages, WebSocket feeds and the index page. */
    OVERLAY,
    /** Everything: REST posting, health, metrics, plugin control; implies {@link #OVERLAY}. */
    ADMIN;

    /**
     * Whether a token of this scope may do what the other scope allows.
     *
     * @param required scope an endpoint needs.
     * @return true when this scope is the required one or a wider one.
     */
    public boolean includes(final Scope required)
    {
        return ordinal() >= required.ordinal();
    }

    /**
     * The name used in configuration and on the command line.
     *
     * @return {@code overlay} or {@code admin}.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The scope of a label.
     *
     * @param label {@code overlay} or {@code admin}, any case.
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
        throw new IllegalArgumentException("scope: expected overlay or admin, got '" + HttpResponses.clientText(label) + "'");
    }
}
