package dev.commandcenter.perf;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A reusable event for benchmarks: a chat message of typical size, as a journal sees it.
 */
public final class BenchEvent implements Event
{
    /** Writes the prepared message into a ring slot by copying it. */
    public static final MessageWriter<BenchEvent> COPY = (buffer, offset, event) ->
    {
        buffer.putBytes(offset, event.buffer, 0, event.length);
        return event.length;
    };

    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
    final int length;
    long sequence;
    long timestampNs;

    /**
     * Prepare the message.
     */
    public BenchEvent()
    {
        length = MessageHeaderEncoder.ENCODED_LENGTH + new ChatMessageEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .messageId(1).channel("main").user("viewer42").text("that was a great play, gg everyone").encodedLength();
    }

    public long sequence()
    {
        return sequence;
    }

    public long timestampNs()
    {
        return timestampNs;
    }

    public int source()
    {
        return Sources.CLI;
    }

    public int templateId()
    {
        return MessageSchema.templateId(buffer, 0);
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return 0;
    }

    public int length()
    {
        return length;
    }
}
