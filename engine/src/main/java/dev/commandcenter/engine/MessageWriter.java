package dev.commandcenter.engine;

import org.agrona.MutableDirectBuffer;

/**
 * Encodes one SBE message, header included, straight into a ring slot. Pass state through
 * {@code arg} rather than capturing it, so publishing allocates nothing.
 *
 * @param <A> type of the argument.
 */
@FunctionalInterface
public interface MessageWriter<A>
{
    /**
     * Encode a message.
     *
     * @param buffer   of the slot; capacity is at least {@link EventPublisher#MAX_MESSAGE_LENGTH} from offset.
     * @param offset   where the message header starts.
     * @param arg      state for the encoding.
     * @return length of the message written, header included.
     */
    int write(MutableDirectBuffer buffer, int offset, A arg);
}
