package dev.commandcenter.perf;

import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.MutableEvent;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;

/**
 * A reusable event for benchmarks: a chat message of typical size, as a journal sees it.
 */
public final class BenchEvent extends MutableEvent
{
    /** Writes the prepared message into a ring slot by copying it. */
    public static final MessageWriter<BenchEvent> COPY = (buffer, offset, event) ->
    {
        buffer.putBytes(offset, event.buffer, 0, event.length);
        return event.length;
    };

    /**
     * Prepare the message.
     */
    public BenchEvent()
    {
        source = Sources.CLI;
        length = MessageHeaderEncoder.ENCODED_LENGTH + new ChatMessageEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .messageId(1).channel("main").user("viewer42").text("that was a great play, gg everyone").encodedLength();
    }
}
