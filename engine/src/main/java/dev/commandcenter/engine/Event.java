package dev.commandcenter.engine;

import org.agrona.DirectBuffer;

/**
 * A read-only view of one input event: engine sequence, timestamp, source and the SBE message
 * (header included) in {@link #buffer()} from {@link #offset()} for {@link #length()} bytes.
 * <p>
 * <b>Note:</b> a view is valid only inside the callback that received it; the slot behind it is
 * reused. Copy what must outlive the callback.
 */
public interface Event
{
    /**
     * Engine sequence: dense, starting at 0 for a new data dir, continued across restarts.
     *
     * @return the engine sequence of this event.
     */
    long sequence();

    /**
     * When the event entered the engine, in nanoseconds since the epoch. Replays carry the
     * recorded value, so plugins that need time should use this rather than a wall clock.
     *
     * @return the event timestamp.
     */
    long timestampNs();

    /**
     * Where the event came from, one of {@link Sources}.
     *
     * @return the source id.
     */
    int source();

    /**
     * SBE template id of the message.
     *
     * @return the template id.
     */
    int templateId();

    /**
     * Buffer holding the SBE message, header included.
     *
     * @return the buffer.
     */
    DirectBuffer buffer();

    /**
     * Offset of the message header in {@link #buffer()}.
     *
     * @return the offset.
     */
    int offset();

    /**
     * Length of the message, header included.
     *
     * @return the length in bytes.
     */
    int length();
}
