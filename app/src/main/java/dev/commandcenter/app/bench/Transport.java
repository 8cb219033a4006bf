package dev.commandcenter.app.bench;

import java.util.Locale;

/**
 * How {@code bench} puts events into the engine and where it takes them out.
 */
public enum Transport
{
    /** {@code POST /api/events} with the token; overlay frames received by WebSocket clients. */
    REST("rest"),

    /** Published in process; overlay frames received by WebSocket clients: the fan-out without HTTP ingress. */
    WEBSOCKET("websocket"),

    /** Published in process and taken at an egress handler on the output ring: no sockets at all. */
    IN_PROCESS("in-process");

    /** The accepted names, for error messages. */
    public static final String NAMES = "rest, websocket or in-process";

    private final String label;

    Transport(final String label)
    {
        this.label = label;
    }

    /**
     * Name as written on the command line.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }

    /**
     * Whether overlay frames are received by WebSocket clients.
     *
     * @return true for {@link #REST} and {@link #WEBSOCKET}.
     */
    public boolean usesWebSocketClients()
    {
        return this != IN_PROCESS;
    }

    /**
     * Parse a transport name.
     *
     * @param name as given, any case.
     * @return the transport.
     * @throws IllegalArgumentException naming the value and the accepted names.
     */
    public static Transport parse(final String name)
    {
        final String value = null == name ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (final Transport transport : values())
        {
            if (transport.label.equals(value))
            {
                return transport;
            }
        }
        final String hint = "aeron".equals(value) ? " (Aeron ingress does not exist yet)" : "";
        throw new IllegalArgumentException("unknown transport '" + name + "', expected " + NAMES + hint);
    }
}
