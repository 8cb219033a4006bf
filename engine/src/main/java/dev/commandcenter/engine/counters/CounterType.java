package dev.commandcenter.engine.counters;

/**
 * Stable type ids of the engine's counters. Ids are part of the counters file format: never
 * renumber, only add. Each type also says, in this one place, whether it is a monotonic
 * {@link Kind#COUNTER} or a {@link Kind#GAUGE} and how it is named in Prometheus text.
 */
public enum CounterType
{
    /** Events published into the input ring. */
    EVENTS_IN(1, "events in",
        Kind.COUNTER, "commandcenter_events_in_total", null),
    /** Events rejected because the input ring was full (REJECT policy). */
    EVENTS_REJECTED(2, "events rejected (ring full)",
        Kind.COUNTER, "commandcenter_events_rejected_total", null),
    /** Events dropped because they were not a valid message. */
    EVENTS_INVALID(3, "events invalid",
        Kind.COUNTER, "commandcenter_events_invalid_total", null),
    /** Events appended to the journal. */
    EVENTS_JOURNALED(4, "events journaled",
        Kind.COUNTER, "commandcenter_events_journaled_total", null),
    /** Free slots in the input ring. */
    INPUT_RING_REMAINING(5, "input ring remaining capacity",
        Kind.GAUGE, "commandcenter_input_ring_remaining_slots", null),
    /** Free slots in the output ring. */
    OUTPUT_RING_REMAINING(6, "output ring remaining capacity",
        Kind.GAUGE, "commandcenter_output_ring_remaining_slots", null),
    /** Errors recorded in the distinct error log. */
    ERRORS(7, "errors",
        Kind.COUNTER, "commandcenter_errors_total", null),
    /** Events a plugin handled. */
    PLUGIN_PROCESSED(10, "plugin processed",
        Kind.COUNTER, "commandcenter_plugin_processed_total", "plugin"),
    /** Events whose handling threw. */
    PLUGIN_ERRORS(11, "plugin errors",
        Kind.COUNTER, "commandcenter_plugin_errors_total", "plugin"),
    /** Events published but not yet handled by the plugin. */
    PLUGIN_LAG(12, "plugin lag",
        Kind.GAUGE, "commandcenter_plugin_lag_events", "plugin"),
    /** Plugin state, the value of PluginState. */
    PLUGIN_STATE(13, "plugin state",
        Kind.GAUGE, "commandcenter_plugin_state", "plugin"),
    /** Messages a plugin emitted. */
    PLUGIN_EMITTED(14, "plugin emitted",
        Kind.COUNTER, "commandcenter_plugin_emitted_total", "plugin"),
    /** Median handling latency over the last sample interval, ns. */
    PLUGIN_P50_NS(15, "plugin latency p50 ns",
        Kind.GAUGE, "commandcenter_plugin_latency_p50_seconds", "plugin"),
    /** 99th percentile handling latency over the last sample interval, ns. */
    PLUGIN_P99_NS(16, "plugin latency p99 ns",
        Kind.GAUGE, "commandcenter_plugin_latency_p99_seconds", "plugin"),
    /** Events a detached plugin lost because its bounded buffer was full. */
    PLUGIN_DROPPED(17, "plugin dropped",
        Kind.COUNTER, "commandcenter_plugin_dropped_total", "plugin"),
    /** Emits refused: a message type the plugin's permissions do not list, or an invalid message. */
    PLUGIN_EMITS_REFUSED(18, "plugin emits refused",
        Kind.COUNTER, "commandcenter_plugin_emits_refused_total", "plugin"),
    /** Writes to a plugin's storage refused: a bad entry name, an entry or a count past the cap. */
    PLUGIN_STORAGE_REFUSED(25, "plugin storage refused",
        Kind.COUNTER, "commandcenter_plugin_storage_refused_total", "plugin"),
    /** Plugin state as the value (a PluginState); the label carries id, version, state and reason. */
    PLUGIN_STATUS(19, "plugin status",
        Kind.GAUGE, "commandcenter_plugin_status", "plugin"),
    /** Journal events a plugin handled while recovering its state at start. */
    PLUGIN_RECOVERED(70, "plugin recovered",
        Kind.COUNTER, "commandcenter_plugin_recovered_events_total", "plugin"),
    /** Emits dropped because the plugin made them while recovering its state. */
    PLUGIN_RECOVERY_EMITS_DROPPED(71, "plugin recovery emits dropped",
        Kind.COUNTER, "commandcenter_plugin_recovery_emits_dropped_total", "plugin"),
    /** Recoveries that read the journal alone because restoring the plugin's snapshot failed. */
    PLUGIN_RECOVERY_FALLBACKS(72, "plugin recovery fallbacks",
        Kind.COUNTER, "commandcenter_plugin_recovery_fallbacks_total", "plugin"),
    /** Rule fires the action executor saw (AutomationFired with outcome FIRED). */
    AUTOMATION_FIRES(73, "automation fires",
        Kind.COUNTER, "commandcenter_automation_fires_total", null),
    /** Actions the executor performed successfully (OBS requests, webhooks, chat messages). */
    AUTOMATION_ACTIONS_DONE(74, "automation actions done",
        Kind.COUNTER, "commandcenter_automation_actions_done_total", null),
    /** Actions that failed for good (after retries), one counter per kind (label suffix: obs, webhook, chat). */
    AUTOMATION_ACTIONS_FAILED(75, "automation actions failed",
        Kind.COUNTER, "commandcenter_automation_actions_failed_total", "kind"),
    /** Actions dropped because their queue was full (automation.maxQueuedFires). */
    AUTOMATION_ACTIONS_DROPPED(76, "automation actions dropped",
        Kind.COUNTER, "commandcenter_automation_actions_dropped_total", null),
    /** Webhook deliveries retried after a failure or timeout. */
    AUTOMATION_WEBHOOK_RETRIES(77, "automation webhook retries",
        Kind.COUNTER, "commandcenter_automation_webhook_retries_total", null),
    /** 1 while the OBS WebSocket connection is identified, 0 otherwise. */
    OBS_CONNECTED(78, "obs connected",
        Kind.GAUGE, "commandcenter_obs_connected", null),
    /** Connections to OBS made again after one was lost or refused. */
    OBS_RECONNECTS(79, "obs reconnects",
        Kind.COUNTER, "commandcenter_obs_reconnects_total", null),
    /** Rules files read and published (AutomationRules events). */
    AUTOMATION_RULE_RELOADS(80, "automation rule reloads",
        Kind.COUNTER, "commandcenter_automation_rule_reloads_total", null),
    /** Rules files that could not be read at all, and rules with errors in files that could (left out, the others load). */
    AUTOMATION_RULE_ERRORS(81, "automation rule errors",
        Kind.COUNTER, "commandcenter_automation_rule_errors_total", null),
    /** TimerFired events published by the timer source. */
    AUTOMATION_TIMERS_FIRED(82, "automation timers fired",
        Kind.COUNTER, "commandcenter_automation_timers_fired_total", null),
    /** Outputs an egress has not yet taken. */
    EGRESS_LAG(20, "egress lag",
        Kind.GAUGE, "commandcenter_egress_lag_events", "egress"),
    /** 1 while the journaller is halted (a journal write failed), else 0. */
    JOURNAL_HALTED(21, "journal halted",
        Kind.GAUGE, "commandcenter_journal_halted", null),
    /** Message bytes appended to the journal (SBE header included, the journal's own record framing not). */
    JOURNAL_BYTES(22, "journal bytes",
        Kind.COUNTER, "commandcenter_journal_appended_bytes_total", null),
    /** Batches the journaller ended (each one flush point). */
    JOURNAL_BATCHES(23, "journal batches",
        Kind.COUNTER, "commandcenter_journal_batches_total", null),
    /** Total time spent ending batches (flushing in sync mode), ns. */
    JOURNAL_FLUSH_NS(24, "journal flush time ns",
        Kind.COUNTER, "commandcenter_journal_flush_seconds_total", null),
    /** Events other processes published over Aeron ingress that went into the input ring. */
    INGRESS_EVENTS(26, "aeron ingress events",
        Kind.COUNTER, "commandcenter_aeron_ingress_events_total", null),
    /** Aeron ingress messages skipped: not an event of this schema, too new, too long or malformed. */
    INGRESS_BAD(27, "aeron ingress bad messages",
        Kind.COUNTER, "commandcenter_aeron_ingress_bad_messages_total", null),
    /** Aeron ingress polls aborted because the input ring was full: the publisher is back-pressured, nothing dropped. */
    INGRESS_BACK_PRESSURED(28, "aeron ingress back-pressured",
        Kind.COUNTER, "commandcenter_aeron_ingress_back_pressured_total", null),
    /** Aeron ingress clients that said hello and are acknowledged. */
    INGRESS_CLIENTS(29, "aeron ingress clients",
        Kind.GAUGE, "commandcenter_aeron_ingress_clients", null),
    /** Hellos of plugin hosts refused: no remote slot for the id, a host already attached, another protocol version. */
    REMOTE_HELLOS_REFUSED(44, "remote plugin hellos refused",
        Kind.COUNTER, "commandcenter_remote_plugin_hellos_refused_total", null),
    /** Malformed or unexpected messages from plugin hosts (each closed its link), and hosts that never said hello. */
    REMOTE_MALFORMED(45, "remote plugin malformed messages",
        Kind.COUNTER, "commandcenter_remote_plugin_malformed_messages_total", null),
    /** Messages of plugin hosts refused for their size. */
    REMOTE_OVERSIZE(46, "remote plugin oversize messages",
        Kind.COUNTER, "commandcenter_remote_plugin_oversize_messages_total", null),
    /** Dones of plugin hosts for events already acknowledged or never sent: ignored. */
    REMOTE_STALE_DONES(47, "remote plugin stale dones",
        Kind.COUNTER, "commandcenter_remote_plugin_stale_dones_total", null),
    /** Aeron ingress hellos refused because {@code aeron.ingress.maxClients} were connected. */
    INGRESS_CLIENTS_REFUSED(61, "aeron ingress clients refused",
        Kind.COUNTER, "commandcenter_aeron_ingress_clients_refused_total", null),
    /** Connected WebSocket clients. */
    WS_CLIENTS(30, "websocket clients",
        Kind.GAUGE, "commandcenter_websocket_clients", null),
    /** WebSocket frames written to clients. */
    WS_FRAMES_SENT(31, "websocket frames sent",
        Kind.COUNTER, "commandcenter_websocket_frames_sent_total", null),
    /** WebSocket payload bytes written to clients. */
    WS_BYTES_SENT(32, "websocket bytes sent",
        Kind.COUNTER, "commandcenter_websocket_sent_bytes_total", null),
    /** Messages not sent to a client because its outbound buffer was full. */
    WS_DROPS(33, "websocket drops",
        Kind.COUNTER, "commandcenter_websocket_drops_total", null),
    /**
     * Outputs the WebSocket egress held on the output ring because a fan-out event loop had no room left for a frame
     * to each client: the output waited for the loop to catch up instead of being dropped.
     */
    WS_FANOUT_WAITS(90, "websocket fan-out waits",
        Kind.COUNTER, "commandcenter_websocket_fanout_waits_total", null),
    /** Clients closed with 1013 because they could not keep up. */
    WS_SLOW_CLOSES(34, "websocket slow-client closes",
        Kind.COUNTER, "commandcenter_websocket_slow_client_closes_total", null),
    /** REST/HTTP requests answered, one counter per status code (label suffix). */
    HTTP_REQUESTS(35, "http requests",
        Kind.COUNTER, "commandcenter_http_requests_total", "code"),
    /** Web connections that ended with a reset or broken pipe: an ordinary client disconnect, counted, not an error. */
    WEB_PEER_RESETS(36, "web connections reset by peer",
        Kind.COUNTER, "commandcenter_web_peer_resets_total", null),
    /** WebSocket clients that reconnected with {@code since=} and were sent what they missed from the history. */
    WS_RESUMES(37, "websocket resumes",
        Kind.COUNTER, "commandcenter_websocket_resumes_total", null),
    /** Resuming WebSocket clients sent a {@code gap} message: what they asked for was older than the history. */
    WS_GAPS(39, "websocket gaps",
        Kind.COUNTER, "commandcenter_websocket_gaps_total", null),
    /** Batch frames sent to WebSocket clients that asked for batching ({@code batch=<ms>} or the feed's window). */
    WS_BATCHES_SENT(51, "websocket batches sent",
        Kind.COUNTER, "commandcenter_websocket_batches_sent_total", null),
    /** Messages sent to WebSocket clients inside batch frames (the batch frames themselves count in frames sent). */
    WS_MESSAGES_BATCHED(52, "websocket messages batched",
        Kind.COUNTER, "commandcenter_websocket_batched_messages_total", null),
    /** Web connections a hardening limit closed or refused, one counter per limit (label suffix). */
    WEB_LIMITS(38, "web limits tripped",
        Kind.COUNTER, "commandcenter_web_limit_trips_total", "limit"),
    /** Wallet connection state, the ordinal of the wallet's state enum (label carries its name). */
    WALLET_STATE(40, "wallet state",
        Kind.GAUGE, "commandcenter_wallet_state", "state"),
    /** Connections the wallet made to an Electrum server after the first. */
    WALLET_RECONNECTS(41, "wallet reconnects",
        Kind.COUNTER, "commandcenter_wallet_reconnects_total", null),
    /** Electrum requests awaiting a reply. */
    WALLET_REQUESTS_IN_FLIGHT(42, "wallet requests in flight",
        Kind.GAUGE, "commandcenter_wallet_requests_in_flight", null),
    /** Wallet events published (payments seen, confirmations, reorgs). */
    WALLET_EVENTS(43, "wallet events",
        Kind.COUNTER, "commandcenter_wallet_events_total", null),
    /** Times a wallet bound held against an Electrum server (label suffix: the limit's key or what was refused). */
    WALLET_LIMIT_TRIPS(48, "wallet limit trips",
        Kind.COUNTER, "commandcenter_wallet_limit_trips_total", "limit"),
    /** Times the wallet conductor failed and was restarted. */
    WALLET_CONDUCTOR_RESTARTS(49, "wallet conductor restarts",
        Kind.COUNTER, "commandcenter_wallet_conductor_restarts_total", null),
    /** Electrum servers caught lying: a block header or merkle proof that failed validation. */
    WALLET_SERVER_LIES(50, "wallet server lies",
        Kind.COUNTER, "commandcenter_wallet_server_lies_total", null),
    /** Web requests and sessions refused by the access checks, one counter per reason (label suffix). */
    WEB_REQUESTS_REFUSED(60, "web requests refused",
        Kind.COUNTER, "commandcenter_web_requests_refused_total", "reason"),
    /** Chat messages posted over REST that the chat plugin showed. */
    CHAT_POSTS_ACCEPTED(63, "chat posts accepted",
        Kind.COUNTER, "commandcenter_chat_posts_accepted_total", null),
    /** Chat messages posted over REST that the chat plugin refused (banned, slow mode, filters...). */
    CHAT_POSTS_REFUSED(64, "chat posts refused",
        Kind.COUNTER, "commandcenter_chat_posts_refused_total", null),
    /** Chat posts the gateway refused with 429 before publishing: per-connection or per-address rate limits. */
    CHAT_POSTS_RATE_LIMITED(65, "chat posts rate limited",
        Kind.COUNTER, "commandcenter_chat_posts_rate_limited_total", null),
    /** Chat posts answered 202 pending: no verdict from the chat plugin within chat.verdictTimeoutMs. */
    CHAT_VERDICT_TIMEOUTS(66, "chat verdict timeouts",
        Kind.COUNTER, "commandcenter_chat_verdict_timeouts_total", null),
    /** Moderation actions published through the chat gateway. */
    CHAT_MODERATION_ACTIONS(67, "chat moderation actions",
        Kind.COUNTER, "commandcenter_chat_moderation_actions_total", null),
    /** Chat filter sets read from the filters file and published. */
    CHAT_FILTER_RELOADS(68, "chat filter reloads",
        Kind.COUNTER, "commandcenter_chat_filter_reloads_total", null),
    /** Chat filters files that could not be read or were invalid (the previous set stayed). */
    CHAT_FILTER_ERRORS(69, "chat filter errors",
        Kind.COUNTER, "commandcenter_chat_filter_errors_total", null),
    /** Tip page reservations made (201). */
    TIP_RESERVATIONS(87, "tip reservations",
        Kind.COUNTER, "commandcenter_tip_reservations_total", null),
    /** Tip page requests refused: invalid input (400), the book off, syncing or full (503). */
    TIP_REQUESTS_REFUSED(88, "tip requests refused",
        Kind.COUNTER, "commandcenter_tip_requests_refused_total", null),
    /** Tip page requests refused by the per-address rate limits (429). */
    TIP_REQUESTS_RATE_LIMITED(89, "tip requests rate limited",
        Kind.COUNTER, "commandcenter_tip_requests_rate_limited_total", null),
    /** Outputs published on the Aeron output stream that edges subscribe to. */
    AERON_OUTPUTS_PUBLISHED(53, "aeron outputs published",
        Kind.COUNTER, "commandcenter_aeron_outputs_published_total", null),
    /** Time the output stream's publisher waited on a back-pressured offer. */
    AERON_OUTPUT_WAIT_NS(54, "aeron output wait ns",
        Kind.COUNTER, "commandcenter_aeron_output_wait_seconds_total", null),
    /** Outputs the output stream refused for longer than its bound: missing on every edge and in the recording. */
    AERON_OUTPUTS_DROPPED(55, "aeron outputs dropped",
        Kind.COUNTER, "commandcenter_aeron_outputs_dropped_total", null),
    /** Edge nodes that reported their status within the last five seconds. */
    EDGES(56, "edges",
        Kind.GAUGE, "commandcenter_edges", null),
    /** Edge statuses ignored because the edge table was full ({@code aeron.output.maxEdges}). */
    EDGES_IGNORED(57, "edges ignored",
        Kind.COUNTER, "commandcenter_edges_ignored_total", null),
    /** Largest lag of an edge behind the output stream, bytes. */
    EDGE_MAX_LAG_BYTES(58, "edge max lag bytes",
        Kind.GAUGE, "commandcenter_edge_max_lag_bytes", null),
    /** Largest lag of an edge behind the output stream, outputs. */
    EDGE_MAX_LAG_OUTPUTS(59, "edge max lag outputs",
        Kind.GAUGE, "commandcenter_edge_max_lag_outputs", null),
    /** Position in the output stream of the slowest edge, bytes (0 with none, or before it has received anything). */
    EDGE_MIN_POSITION(62, "edge min position",
        Kind.GAUGE, "commandcenter_edge_min_position", null);

    /**
     * Whether a counter only ever increases (until the engine restarts) or goes up and down.
     */
    public enum Kind
    {
        /** Monotonically increasing; its Prometheus name ends in {@code _total}. */
        COUNTER,
        /** A current value that goes up and down, such as a lag, a capacity or a state. */
        GAUGE
    }

    private final int id;
    private final String label;
    private final Kind kind;
    private final String prometheusName;
    private final String prometheusLabel;

    CounterType(
        final int id, final String label, final Kind kind, final String prometheusName, final String prometheusLabel)
    {
        this.id = id;
        this.label = label;
        this.kind = kind;
        this.prometheusName = prometheusName;
        this.prometheusLabel = prometheusLabel;
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
     * Whether the counter is monotonic or a gauge.
     *
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * Metric family name in Prometheus text: {@code commandcenter_} prefix, snake_case, base units,
     * {@code _total} for counters.
     *
     * @return the name.
     */
    public String prometheusName()
    {
        return prometheusName;
    }

    /**
     * Prometheus label name for what the label suffix distinguishes ({@code plugin}, {@code egress},
     * {@code code}), or null for process-wide counters without a suffix.
     *
     * @return the label name, or null.
     */
    public String prometheusLabel()
    {
        return prometheusLabel;
    }

    /**
     * Whether the value is in nanoseconds (the label ends in {@code " ns"}); Prometheus shows it in seconds.
     *
     * @return true for nanosecond values.
     */
    public boolean isNanoseconds()
    {
        return label.endsWith(" ns");
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
