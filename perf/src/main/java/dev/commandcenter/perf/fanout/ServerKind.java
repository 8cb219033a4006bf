package dev.commandcenter.perf.fanout;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The servers the fan-out harness measures, each in its own process under the same load generator.
 */
public enum ServerKind
{
    /** The engine ({@code commandcenter run}) with {@code websocket.backend: netty}. */
    NETTY("netty", "engine, Netty"),

    /** The engine with {@code websocket.backend: native} (libwebsockets). */
    NATIVE("native", "engine, native"),

    /** The minimal Node.js server on the npm {@code ws} package ({@code perf/node/server.js}). */
    NODE("node", "Node.js ws");

    private final String label;
    private final String title;

    ServerKind(final String label, final String title)
    {
        this.label = label;
        this.title = title;
    }

    /**
     * Name on the command line and in file names.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }

    /**
     * Name in the report.
     *
     * @return the title.
     */
    public String title()
    {
        return title;
    }

    /**
     * Whether it is the engine (the backend set by the config), rather than the Node server.
     *
     * @return true for the engine's backends.
     */
    public boolean engine()
    {
        return this != NODE;
    }

    /**
     * Parse a comma-separated list of labels.
     *
     * @param text such as {@code netty,node}.
     * @return the servers in the order given, without repeats.
     * @throws IllegalArgumentException naming the unknown label.
     */
    public static List<ServerKind> parseList(final String text)
    {
        final List<ServerKind> servers = new ArrayList<>();
        for (final String part : text.split(","))
        {
            final String name = part.trim().toLowerCase(Locale.ROOT);
            ServerKind found = null;
            for (final ServerKind kind : values())
            {
                if (kind.label.equals(name))
                {
                    found = kind;
                }
            }
            if (null == found)
            {
                throw new IllegalArgumentException("--servers: unknown server '" + part.trim() +
                    "', expected netty, native or node (comma-separated)");
            }
            if (!servers.contains(found))
            {
                servers.add(found);
            }
        }
        return servers;
    }
}
