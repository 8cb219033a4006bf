package dev.commandcenter.engine.counters;

/**
 * Stable type ids of the engine's counters. Ids are part of the counters file format: never
 * renumber, only add.
 */
public enum CounterType
{
    /** Events published into the input ring. */
    EVENTS_IN(1, "events in"),
    /** Events rejected because the input ring was full (REJECT policy). */
    EVENTS_REJECTED(2, "events rejected (ring full)"),
    /** Events dropped because they were not a valid message. */
    EVENTS_INVALID(3, "events invalid"),
    /** Events appended to the journal. */
    EVENTS_JOURNALED(4, "events journaled"),
    /** Free slots in the input ring. */
    INPUT_RING_REMAINING(5, "input ring remaining capacity"),
    /** Free slots in the output ring. */
    OUTPUT_RING_REMAINING(6, "output ring remaining capacity"),
    /** Errors recorded in the distinct error log. */
    ERRORS(7, "errors"),
    /** Events a plugin handled. */
    PLUGIN_PROCESSED(10, "plugin processed"),
    /** Events whose handling threw. */
    PLUGIN_ERRORS(11, "plugin errors"),
    /** Events published but not yet handled by the plugin. */
    PLUGIN_LAG(12, "plugin lag"),
    /** Plugin state, the value of PluginState. */
    PLUGIN_STATE(13, "plugin state"),
    /** Messages a plugin emitted. */
    PLUGIN_EMITTED(14, "plugin emitted"),
    /** Median handling latency over the last sample interval, ns. */
    PLUGIN_P50_NS(15, "plugin latency p50 ns"),
    /** 99th percentile handling latency over the last sample interval, ns. */
    PLUGIN_P99_NS(16, "plugin latency p99 ns"),
    /** Events a detached plugin lost because its bounded buffer was full. */
    PLUGIN_DROPPED(17, "plugin dropped"),
    /** Emits refused: a message type the plugin's permissions do not list, or an invalid message. */
    PLUGIN_EMITS_REFUSED(18, "plugin emits refused"),
    /** Plugin state as the value (a PluginState); the label carries id, version, state and reason. */
    PLUGIN_STATUS(19, "plugin status"),
    /** Outputs an egress has not yet taken. */
    EGRESS_LAG(20, "egress lag"),
    /** 1 while the journaller is halted (a journal write failed), else 0. */
    JOURNAL_HALTED(21, "journal halted"),
    /** Message bytes appended to the journal (SBE header included, the journal's own record framing not). */
    JOURNAL_BYTES(22, "journal bytes"),
    /** Batches the journaller ended (each one flush point). */
    JOURNAL_BATCHES(23, "journal batches"),
    /** Total time spent ending batches (flushing in sync mode), ns. */
    JOURNAL_FLUSH_NS(24, "journal flush time ns"),
    /** Connected WebSocket clients. */
    WS_CLIENTS(30, "websocket clients"),
    /** WebSocket frames written to clients. */
    WS_FRAMES_SENT(31, "websocket frames sent"),
    /** WebSocket payload bytes written to clients. */
    WS_BYTES_SENT(32, "websocket bytes sent"),
    /** Messages not sent to a client because its outbound buffer was full. */
    WS_DROPS(33, "websocket drops"),
    /** Clients closed with 1013 because they could not keep up. */
    WS_SLOW_CLOSES(34, "websocket slow-client closes"),
    /** REST/HTTP requests answered, one counter per status code (label suffix). */
    HTTP_REQUESTS(35, "http requests"),
    /** Wallet connection state, the ordinal of the wallet's state enum (label carries its name). */
    WALLET_STATE(40, "wallet state"),
    /** Connections the wallet made to an Electrum server after the first. */
    WALLET_RECONNECTS(41, "wallet reconnects"),
    /** Electrum requests awaiting a reply. */
    WALLET_REQUESTS_IN_FLIGHT(42, "wallet requests in flight"),
    /** Wallet events published (payments seen, confirmations, reorgs). */
    WALLET_EVENTS(43, "wallet events");

    private final int id;
    private final String label;

    CounterType(final int id, final String label)
    {
        this.id = id;
        this.label = label;
    }

    /**
     * Stable type id stored in the counters file.
     *
     * @return the type id.
     */
    public int id()
    {
        return id;
    }

    /**
     * Label prefix of counters of this type.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }

    /**
     * Look up a type by id.
     *
     * @param id type id.
     * @return the type, or null.
     */
    public static CounterType get(final int id)
    {
        for (final CounterType type : values())
        {
            if (type.id == id)
            {
                return type;
            }
        }
        return null;
    }
}
