package dev.commandcenter.persistence;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.codecs.sbe.NetworkStatusEncoder;
import dev.commandcenter.engine.MutableEvent;
import dev.commandcenter.engine.Sources;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A mutable event over a byte[] buffer, like an engine ring slot, with encoders for test messages.
 */
final class TestEvent extends MutableEvent
{
    {
        source = Sources.WEBSOCKET;
    }


    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ChatMessageEncoder chat = new ChatMessageEncoder();
    private final NetworkStatusEncoder status = new NetworkStatusEncoder();

    TestEvent chat(final long sequence, final long timestampNs, final long messageId, final String user, final String text)
    {
        this.sequence = sequence;
        this.timestampNs = timestampNs;
        this.source = Sources.WEBSOCKET;
        this.length = encodeChat(buffer, 0, messageId, user, text);
        return this;
    }

    TestEvent status(final long sequence, final long timestampNs, final int tipHeight)
    {
        this.sequence = sequence;
        this.timestampNs = timestampNs;
        this.source = Sources.WALLET;
        status.wrapAndApplyHeader(buffer, 0, header).state(NetworkState.CONNECTED).tipHeight(tipHeight)
            .server("electrum.example:50002").reason("");
        this.length = MessageHeaderEncoder.ENCODED_LENGTH + status.encodedLength();
        return this;
    }

    int encodeChat(final MutableDirectBuffer target, final int offset, final long messageId, final String user, final String text)
    {
        chat.wrapAndApplyHeader(target, offset, header).messageId(messageId).channel("main").user(user).text(text);
        return MessageHeaderEncoder.ENCODED_LENGTH + chat.encodedLength();
    }

    TestEvent schemaVersion(final int version)
    {
        buffer.putShort(MessageHeaderDecoder.versionEncodingOffset(), (short)version, MessageHeaderDecoder.BYTE_ORDER);
        return this;
    }

    static long chatMessageId(final DirectBuffer buffer, final int offset)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        return new ChatMessageDecoder().wrap(buffer, offset + MessageSchema.HEADER_LENGTH, header.blockLength(),
            header.version()).messageId();
    }

}
