package dev.commandcenter.engine.plugin;

import dev.commandcenter.engine.MessageWriter;
import org.agrona.DirectBuffer;

/**
 * Emits a plugin's messages into the output ring. Each output carries the id of the plugin and the
 * sequence and timestamp of the input event being handled, so a replay reproduces it exactly.
 * <p>
 * <b>Note:</b> call only from the plugin's own thread, inside {@link Plugin#onEvent}.
 */
public interface Emitter
{
    /**
     * Emit a copy of an encoded message.
     *
     * @param buffer holding the message, header included.
     * @param offset of the header.
     * @param length of the message.
     * @return true if emitted; false if refused (invalid, or not permitted).
     */
    boolean emit(DirectBuffer buffer, int offset, int length);

    /**
     * Encode a message straight into an output slot.
     *
     * @param writer encodes the message.
     * @param arg    passed to the writer.
     * @param <A>    type of the argument.
     * @return true if emitted; false if refused.
     */
    <A> boolean emit(MessageWriter<A> writer, A arg);
}
