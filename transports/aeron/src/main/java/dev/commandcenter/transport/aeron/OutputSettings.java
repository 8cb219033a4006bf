package dev.commandcenter.transport.aeron;

/**
 * The {@code aeron.output:} section: the engine's output stream that edge nodes subscribe to, and its recording.
 */
public final class OutputSettings
{
    /** Publish the output stream (when {@code aeron.enabled}). */
    public boolean enabled = true;
    /** Channel of the output stream: UDP multi-destination-cast with a dynamic control endpoint by default. */
    public String channel = "aeron:udp?control=localhost:40456|control-mode=dynamic";
    /** Stream id of the output stream. */
    public int streamId = 1003;

    /**
     * The first thing wrong with this section, or null.
     *
     * @param prefix the section's key, {@code aeron.output}.
     * @return a one-line problem naming the key, or null.
     */
    public String problem(final String prefix)
    {
        final String problem = Channels.channelProblem(prefix + ".channel", channel);
        return null != problem ? problem : Channels.streamIdProblem(prefix + ".streamId", streamId);
    }
}
