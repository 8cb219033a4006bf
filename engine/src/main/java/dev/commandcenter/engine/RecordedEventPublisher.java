package dev.commandcenter.engine;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

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

    /**
     * Publish a recorded event that a writer copies straight into the claimed slot, with its original sequence and
     * timestamp: a replay copies each record from the mapped journal file into the ring once, and checks it while
     * doing so. A writer that finds the record unsound returns 0 and the event is not published.
     * <p>
     * The engine's publisher writes into the slot; this default, for other receivers of records, writes into a
     * temporary buffer and calls {@link #publishRecorded(long, long, int, DirectBuffer, int, int)}.
     *
     * @param sequence    recorded engine sequence.
     * @param timestampNs recorded timestamp.
     * @param source      recorded source, one of {@link Sources}.
     * @param writer      copies the message, header included, and returns its length, or 0 when it is unsound.
     * @param arg         passed to the writer.
     * @param <A>         type of the argument.
     * @return the ring position, {@link EventPublisher#REJECTED} to be retried (the writer is called again),
     * {@link EventPublisher#INVALID} or {@link EventPublisher#HALTED}.
     */
    default <A> long publishRecorded(
        final long sequence, final long timestampNs, final int source, final MessageWriter<A> writer, final A arg)
    {
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
        final int length = writer.write(scratch, 0, arg);
        return length <= 0 ? EventPublisher.INVALID : publishRecorded(sequence, timestampNs, source, scratch, 0, length);
    }
}
