package dev.commandcenter.transport.aeron;

import io.aeron.ChannelUri;

/**
 * Checks of channel and stream settings, as one-line messages naming the key.
 */
public final class Channels
{
    private Channels()
    {
    }

    /**
     * What is wrong with an Aeron channel setting.
     *
     * @param key     the configuration key, such as {@code aeron.ingress.channel}.
     * @param channel the value.
     * @return the problem, or null when the channel parses as an {@code aeron:ipc} or {@code aeron:udp} URI.
     */
    public static String channelProblem(final String key, final String channel)
    {
        final String expected = "expected an Aeron channel such as aeron:ipc or aeron:udp?endpoint=localhost:40123";
        if (null == channel || channel.isBlank())
        {
            return "'" + key + "' " + expected + ", got nothing";
        }
        try
        {
            final ChannelUri uri = ChannelUri.parse(channel);
            if (!uri.isIpc() && !uri.isUdp())
            {
                return "'" + key + "' " + expected + ", got '" + channel + "'";
            }
        }
        catch (final RuntimeException ex)
        {
            return "'" + key + "' " + expected + ", got '" + channel + "' (" + ex.getMessage() + ")";
        }
        return null;
    }

    /**
     * What is wrong with a stream id setting.
     *
     * @param key      the configuration key.
     * @param streamId the value.
     * @return the problem, or null when it is positive.
     */
    public static String streamIdProblem(final String key, final int streamId)
    {
        return streamId > 0 ? null : "'" + key + "' expected a stream id of 1 or more, got " + streamId;
    }
}
