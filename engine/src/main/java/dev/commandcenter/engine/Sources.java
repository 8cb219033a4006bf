package dev.commandcenter.engine;



/**
 * Source ids carried by every event and journaled with it.
 */
public final class Sources
{
    /** Source id: wallet adapter (Electrum, simulated). */
    public static final int WALLET = 1;
    /** Source id: WebSocket clients. */
    public static final int WEBSOCKET = 2;
    /** Source id: Aeron publications of other processes. */
    public static final int AERON = 3;
    /** Source id: timers. */
    public static final int TIMER = 4;
    /** Source id: the command line. */
    public static final int CLI = 5;
    /** Source id: REST requests. */
    public static final int REST = 6;
    /** Source id: the engine itself (status events). */
    public static final int ENGINE = 7;
    /** Highest source id an event may carry: flags indexed by source id have {@code MAX_ID + 1} entries. */
    public static final int MAX_ID = 63;

    private static final String[] NAMES = { "unknown", "wallet", "websocket", "aeron", "timer", "cli", "rest", "engine" };

    private Sources()
    {
    }

    /**
     * Name of a source id for humans and JSON.
     *
     * @param source id.
     * @return its name, or {@code "unknown"}.
     */
    public static String name(final int source)
    {
        return source > 0 && source < NAMES.length ? NAMES[source] : NAMES[0];
    }

    /**
     * Id of a source name, the reverse of {@link #name(int)}.
     *
     * @param name such as {@code wallet}.
     * @return its id, or 0 when no source has that name.
     */
    public static int id(final String name)
    {
        for (int source = 1; source < NAMES.length; source++)
        {
            if (NAMES[source].equals(name))
            {
                return source;
            }
        }
        return 0;
    }
}
