package dev.commandcenter.transport.aeron;

/**
 * The {@code aeron.ingress:} section: events other processes publish into the engine's input ring.
 */
public final class IngressSettings
{
    /** Largest {@link #maxClients}. */
    public static final int MAX_CLIENTS_LIMIT = 4096;

    /** Subscribe for events from other processes (when {@code aeron.enabled}). */
    public boolean enabled = true;
    /** Channel the engine subscribes to; {@code aeron:ipc} for processes of this machine. */
    public String channel = "aeron:ipc";
    /** Stream id of the ingress stream. */
    public int streamId = 1001;
    /**
     * Clients that said hello (and are sent acknowledgements) at once at most; a further hello is refused, counted
     * and logged, and that client's events are still accepted, never acknowledged.
     */
    public int maxClients = 16;
    /** Fragments the ingress agent takes from the subscription per duty cycle at most. */
    public int fragmentLimit = 64;
    /** Idle strategy of the ingress agent's thread when there is nothing to take. */
    public AeronSettings.Idle idle = AeronSettings.Idle.BACKOFF;

    /**
     * The first thing wrong with this section, or null.
     *
     * @param prefix the section's key, {@code aeron.ingress}.
     * @return a one-line problem naming the key, or null.
     */
    public String problem(final String prefix)
    {
        String problem = Channels.channelProblem(prefix + ".channel", channel);
        if (null == problem)
        {
            problem = Channels.streamIdProblem(prefix + ".streamId", streamId);
        }
        if (null == problem && (maxClients < 1 || maxClients > MAX_CLIENTS_LIMIT))
        {
            problem = "'" + prefix + ".maxClients' expected 1.." + MAX_CLIENTS_LIMIT + ", got " + maxClients;
        }
        if (null == problem && (fragmentLimit < 1 || fragmentLimit > 4096))
        {
            problem = "'" + prefix + ".fragmentLimit' expected 1..4096, got " + fragmentLimit;
        }
        if (null == problem && null == idle)
        {
            problem = "'" + prefix + ".idle' expected one of backoff | sleeping | yielding | busy-spin, got null";
        }
        return problem;
    }
}
