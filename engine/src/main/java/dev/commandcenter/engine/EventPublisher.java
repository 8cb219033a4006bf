package dev.commandcenter.engine;

import org.agrona.DirectBuffer;

/**
 * How producers put events into the engine's input ring. Each call claims a pre-allocated slot,
 * fills it and publishes it; when the ring is full the engine's {@link BackPressure} either
 * waits for space or rejects the event (returning {@link #REJECTED} and counting it).
 * <p>
 * <b>Note:</b> thread safe; any number of producers may publish at once.
 */
public interface EventPublisher
{
    /** Returned when the ring was full and the policy rejected the event. */
    long REJECTED = -1;

    /** Returned when the message was not valid and was not published. */
    long INVALID = -2;

    /**
     * Returned when the journal has halted (a write failed): the engine accepts no event until restarted,
     * and {@link #haltReason()} says why.
     */
    long HALTED = -3;

    /**
     * Returned by {@link #tryPublish} when the ring is full and the back-pressure policy would have the caller wait:
     * nothing was published or counted; call {@link #publish(int, DirectBuffer, int, int)} where waiting is allowed.
     */
    long WOULD_WAIT = -4;

    /** Largest message, header included, that a slot holds. */
    int MAX_MESSAGE_LENGTH = 4096;

    /**
     * Publish a copy of an encoded message.
     *
     * @param source  one of {@link Sources}.
     * @param buffer  holding the message, header included.
     * @param offset  of the header.
     * @param length  of the message.
     * @return the engine sequence of the event, {@link #REJECTED}, {@link #INVALID} or {@link #HALTED}.
     */
    long publish(int source, DirectBuffer buffer, int offset, int length);

    /**
     * Publish a copy of an encoded message without ever waiting for room, for a caller that must not block (an
     * event loop): as {@link #publish(int, DirectBuffer, int, int)}, except that where the policy would wait it
     * returns {@link #WOULD_WAIT} at once. A publisher that cannot tell returns {@link #WOULD_WAIT} always.
     *
     * @param source  one of {@link Sources}.
     * @param buffer  holding the message, header included.
     * @param offset  of the header.
     * @param length  of the message.
     * @return the engine sequence of the event, {@link #REJECTED}, {@link #INVALID}, {@link #HALTED} or
     * {@link #WOULD_WAIT}.
     */
    default long tryPublish(final int source, final DirectBuffer buffer, final int offset, final int length)
    {
        return WOULD_WAIT;
    }

    /**
     * Encode a message straight into a slot and publish it.
     *
     * @param source one of {@link Sources}.
     * @param writer encodes the message.
     * @param arg    passed to the writer.
     * @param <A>    type of the argument.
     * @return the engine sequence of the event, {@link #REJECTED}, {@link #INVALID} or {@link #HALTED}.
     */
    <A> long publish(int source, MessageWriter<A> writer, A arg);

    /**
     * Whether the journaller has passed an event: only then is it acknowledged (durable as the
     * journal's durability mode allows).
     *
     * @param sequence engine sequence returned by publish.
     * @return true once journaled.
     */
    boolean isJournaled(long sequence);

    /**
     * Why the engine stopped accepting events (the journal's failure), or null while it accepts them.
     *
     * @return the one-line reason, or null.
     */
    default String haltReason()
    {
        return null;
    }
}
