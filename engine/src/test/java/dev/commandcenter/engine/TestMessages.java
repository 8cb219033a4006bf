package dev.commandcenter.engine;

import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encoders for tests: a chat message whose id identifies it.
 */
final class TestMessages
{
    static final MessageWriter<Long> CHAT = TestMessages::writeChat;

    private TestMessages()
    {
    }

    static int writeChat(final MutableDirectBuffer buffer, final int offset, final Long id)
    {
        final ChatMessageEncoder encoder = new ChatMessageEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .messageId(id)
            .channel("test")
            .user("u")
            .text("message " + id);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    static long chatId(final DirectBuffer buffer, final int offset)
    {
        return new ChatMessageDecoder().wrapAndApplyHeader(buffer, offset, new MessageHeaderDecoder()).messageId();
    }
}
