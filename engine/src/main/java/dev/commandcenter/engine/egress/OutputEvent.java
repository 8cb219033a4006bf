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
