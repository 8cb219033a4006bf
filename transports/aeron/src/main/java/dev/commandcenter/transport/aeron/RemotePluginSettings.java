package dev.commandcenter.transport.aeron;

/**
 * The {@code aeron.plugins:} section: links to plugins hosted out of process ({@code commandcenter plugin-host}).
 */
public final class RemotePluginSettings
{
    /** Accept plugin hosts over Aeron (when {@code aeron.enabled}). */
    public boolean enabled = true;
    /** Channel the engine subscribes to for plugin hosts. */
    public String channel = "aeron:ipc";
    /** Stream id of the hosts' messages to the engine. */
    public int streamId = 1002;
    /** Interval of heartbeats both ways, ms: a host silent for one interval is STALLED, for two DISCONNECTED. */
    public long heartbeatIntervalMs = 1000;

    /**
     * The first thing wrong with this section, or null.
     *
     * @param prefix the section's key, {@code aeron.plugins}.
     * @return a one-line problem naming the key, or null.
     */
    public String problem(final String prefix)
    {
        String problem = Channels.channelProblem(prefix + ".channel", channel);
        if (null == problem)
        {
            problem = Channels.streamIdProblem(prefix + ".streamId", streamId);
        }
        if (null == problem && (heartbeatIntervalMs < 10 || heartbeatIntervalMs > 60_000))
        {
            problem = "'" + prefix + ".heartbeatIntervalMs' expected 10..60000, got " + heartbeatIntervalMs;
        }
        return problem;
    }
}
