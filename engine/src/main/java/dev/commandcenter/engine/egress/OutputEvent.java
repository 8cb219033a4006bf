package dev.commandcenter.engine.egress;

import org.agrona.DirectBuffer;

/**
 * A read-only view of one message a plugin emitted: which plugin, which input event caused it,
 * and the SBE message (header included).
 * <p>
 * <b>Note:</b> valid only during the callback that received it.
 */
public interface OutputEvent
{
    /**
     * Sequence in the output ring (0-based, per engine run).
     *
     * @return the output sequence.
     */
    long outputSequence();

    /**
     * Engine sequence of the input event being handled when this was emitted.
     *
     * @return the input sequence.
     */
    long inputSequence();

    /**
     * Timestamp of that input event, nanoseconds since the epoch.
     *
     * @return the timestamp.
     */
    long timestampNs();

    /**
     * When the journaller passed the input event, nanoseconds since the epoch (same clock as
     * {@link #timestampNs()}); 0 when not stamped.
     *
     * @return the journaled stamp.
     */
    default long journaledNs()
    {
        return 0;
    }

    /**
     * When the plugin began handling the input event, nanoseconds since the epoch; 0 when not stamped.
     *
     * @return the handling stamp.
     */
    default long handledNs()
    {
        return 0;
    }

    /**
     * When the plugin emitted this message into the output ring, nanoseconds since the epoch; 0 when not
     * stamped.
     *
     * @return the emit stamp.
     */
    default long emittedNs()
    {
        return 0;
    }

    /**
     * Id of the plugin that emitted it.
     *
     * @return the plugin id.
     */
    String pluginId();

    /**
     * SBE template id of the message.
     *
     * @return the template id.
     */
    int templateId();

    /**
     * Buffer holding the message.
     *
     * @return the buffer.
     */
    DirectBuffer buffer();

    /**
     * Offset of the message header.
     *
     * @return the offset.
     */
    int offset();

    /**
     * Length of the message, header included.
     *
     * @return the length.
     */
    int length();
}
