package dev.commandcenter.plugin.host;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.engine.Event;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * Events over arbitrary bytes, for evaluating compiled filters against whatever a fuzzer makes.
 */
final class FuzzEvents
{
    private FuzzEvents()
    {
    }

    /**
     * An event over bytes; a message on the ring always has its whole header (the publisher checks it), so shorter
     * bytes are padded with zeros to the header's length, and the rest of the message is as given.
     */
    static Event of(final byte[] input, final int source)
    {
        final byte[] bytes = input.length >= MessageSchema.HEADER_LENGTH ?
            input : Arrays.copyOf(input, MessageSchema.HEADER_LENGTH);
        final DirectBuffer buffer = new UnsafeBuffer(bytes);
        final int templateId = MessageSchema.templateId(buffer, 0);
        return new Event()
        {
            public long sequence()
            {
                return 0;
            }

            public long timestampNs()
            {
                return 0;
            }

            public int source()
            {
                return source;
            }

            public int templateId()
            {
                return templateId;
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
                return bytes.length;
            }
        };
    }
}
