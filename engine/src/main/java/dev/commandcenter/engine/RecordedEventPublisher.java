package dev.commandcenter.engine;

import org.agrona.DirectBuffer;

/**
 * How a replay puts recorded events back into an engine's input ring: each event keeps the sequence,
 * timestamp and source it was journaled with, so the plugins see exactly what the recorded engine saw.
 * Obtained from {@link Engine#recordedEventPublisher()}.
 * <p>
 * <b>Note:</b> thread safe, as {@link EventPublisher}.
 */
@FunctionalInterface
public interface RecordedEventPublisher
{
    /**
     * Publish a copy of a recorded event with its original sequence and timestamp.
     *
     * @param sequence    recorded engine sequence.
     * @param timestampNs recorded timestamp.
     * @param source      recorded source, one of {@link Sources}.
     * @param buffer      holding the message, header included.
     * @param offset      of the header.
     * @param length      of the message.
     * @return the ring position, {@link EventPublisher#REJECTED} to be retried, {@link EventPublisher#INVALID} or
     * {@link EventPublisher#HALTED}.
     */
    long publishRecorded(long sequence, long timestampNs, int source, DirectBuffer buffer, int offset, int length);
}
