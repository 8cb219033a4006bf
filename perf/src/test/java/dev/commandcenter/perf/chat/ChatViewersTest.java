package dev.commandcenter.perf.chat;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.ChatLineDecoder;
import dev.commandcenter.codecs.sbe.ChatLineEncoder;
import dev.commandcenter.codecs.sbe.ChatLineKind;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.codecs.sbe.ChatStateEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The viewers read the messageId of a chat line from the frames the engine renders (the codecs' JSON view and SBE
 * encoding of a real {@code ChatLine}), and nothing from other messages.
 */
class ChatViewersTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[512]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();

    @Test
    void shouldReadTheMessageIdOfAChatLineRenderedAsJson()
    {
        final int length = encodeLine(7_654_321L);
        final String json = "{\"sequence\":88,\"plugin\":\"chat\",\"seq\":1040," +
            JsonView.instance().toJson(buffer, 0).substring(1);
        final ByteBuf frame = Unpooled.copiedBuffer("xx" + json, StandardCharsets.UTF_8);

        assertThat(length).isPositive();
        assertThat(json).contains("\"type\":\"ChatLine\"");
        assertThat(ChatViewers.jsonMessageId(frame, 2, frame.readableBytes() - 2)).isEqualTo(7_654_321L);
    }

    @Test
    void shouldReadTheMessageIdOfAChatLineEncodedAsSbe()
    {
        final int length = encodeLine(42L);

        assertThat(ChatViewers.sbeMessageId(buffer, length, new MessageHeaderDecoder(), new ChatLineDecoder()))
            .isEqualTo(42L);
    }

    @Test
    void shouldTakeOtherMessagesForNoLine()
    {
        final ChatStateEncoder state = new ChatStateEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder);
        state.slowModeMs(0).maxGraphemes(300).historyLines(50).channel("main");
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + state.encodedLength();
        final ByteBuf json = Unpooled.copiedBuffer(JsonView.instance().toJson(buffer, 0), StandardCharsets.UTF_8);
        final ByteBuf other = Unpooled.copiedBuffer("{\"type\":\"ChatRefused\",\"messageId\":3}", StandardCharsets.UTF_8);

        assertThat(ChatViewers.sbeMessageId(buffer, length, new MessageHeaderDecoder(), new ChatLineDecoder()))
            .isEqualTo(ChatViewers.NOT_A_LINE);
        assertThat(ChatViewers.sbeMessageId(buffer, 4, new MessageHeaderDecoder(), new ChatLineDecoder()))
            .isEqualTo(ChatViewers.NOT_A_LINE);
        assertThat(ChatViewers.jsonMessageId(json, 0, json.readableBytes())).isEqualTo(ChatViewers.NOT_A_LINE);
        assertThat(ChatViewers.jsonMessageId(other, 0, other.readableBytes())).isEqualTo(ChatViewers.NOT_A_LINE);
    }

    @Test
    void shouldElideTheTokenOfAFeedUrl()
    {
        assertThat(ChatViewers.redact(java.net.URI.create("ws://127.0.0.1:1/ws/chat?token=secret&x=1")))
            .isEqualTo("ws://127.0.0.1:1/ws/chat?token=...&x=1");
    }

    private int encodeLine(final long messageId)
    {
        final ChatLineEncoder line = new ChatLineEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder);
        line.lineId(1234).messageId(messageId).atEpochMs(1_764_640_000_000L).amountSats(0)
            .kind(ChatLineKind.MESSAGE).role(ChatRole.VIEWER).history(BooleanType.FALSE)
            .channel("main").user("loadposter1").text("load message " + messageId + " of the chat harness");
        return MessageHeaderEncoder.ENCODED_LENGTH + line.encodedLength();
    }
}
