package dev.commandcenter.transport.aeron;

/**
 * The {@code aeron.ingress:} section: events other processes publish into the engine's input ring.
 */
public final class IngressSettings
{
    /** Subscribe for events from other processes (when {@code aeron.enabled}). */
    public boolean enabled = true;
    /** Channel the engine subscribes to; {@code aeron:ipc} for processes of this machine. */
    public String channel = "aeron:ipc";
    /** Stream id of the ingress stream. */
    public int streamId = 1001;

    /**
     * The first thing wrong with this section, or null.
     *
     * @param prefix the section's key, {@code aeron.ingress}.
     * @return a one-line problem naming the key, or null.
     */
    public String problem(final String prefix)
    {
        final String problem = Channels.channelProblem(prefix + ".channel", channel);
        return null != problem ? problem : Channels.streamIdProblem(prefix + ".streamId", streamId);
    }
}
