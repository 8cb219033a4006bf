package dev.commandcenter.transport.websocket;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import uk.co.real_logic.sbe.ir.Ir;
import uk.co.real_logic.sbe.otf.AbstractTokenListener;
import uk.co.real_logic.sbe.otf.OtfHeaderDecoder;
import uk.co.real_logic.sbe.otf.OtfMessageDecoder;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class SessionBatchTest
{
    private final FrameEncoder frames = new FrameEncoder(PooledByteBufAllocator.DEFAULT);
    private final WebSocketEgress egress = new WebSocketEgress(0);
    private EmbeddedChannel channel;

    @AfterEach
    void after()
    {
        frames.close();
        if (null != channel)
        {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void shouldSendTheMessagesOfAWindowAsOneJsonEnvelopeInOrderWithTheLastSeq()
    {
        final SessionBatch batch = batch(false, 8);

        append(batch, text("{\"seq\":5,\"a\":1}"), 5);
        append(batch, text("{\"seq\":7,\"a\":2}"), 7);
        append(batch, text("{\"seq\":9,\"a\":3}"), 9);
        assertThat((Object)channel.readOutbound()).isNull();
        batch.send();

        assertThat(nextText()).isEqualTo(
            "{\"type\":\"batch\",\"seq\":9,\"count\":3,\"messages\":[{\"seq\":5,\"a\":1},{\"seq\":7,\"a\":2},{\"seq\":9,\"a\":3}]}");
        assertThat((Object)channel.readOutbound()).isNull();
        assertThat(egress.batchesSent()).isEqualTo(1);
        assertThat(egress.messagesBatched()).isEqualTo(3);
        assertThat(egress.messagesSent()).isEqualTo(1);

        append(batch, text("{\"seq\":10}"), 10);
        batch.send();
        assertThat(nextText()).isEqualTo("{\"type\":\"batch\",\"seq\":10,\"count\":1,\"messages\":[{\"seq\":10}]}");
        assertThat(egress.batchesSent()).isEqualTo(2);
        assertThat(egress.messagesBatched()).isEqualTo(4);
    }

    @Test
    void shouldReuseItsFrameObjectThroughTheChannelsFrameEncoderAndSendEveryBatchIntact()
    {
        final WebSocketSession session = new WebSocketSession(
            "all", false, false, null, null, 8, 1000, egress, (error) -> {}, null);
        channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false), session);
        session.fanoutLoop = new FanoutLoop(channel.eventLoop());
        final SessionBatch batch = new SessionBatch(session, egress, 1000);
        final EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(false, false, 1 << 20));
        final String large = "{\"pad\":\"" + "z".repeat(2000) + "\"}";

        append(batch, text("{\"seq\":1}"), 1);
        batch.send();
        append(batch, text(large), 2);
        batch.send();
        append(batch, text("{\"seq\":3}"), 3);
        batch.send();

        ByteBuf bytes;
        while (null != (bytes = channel.readOutbound()))
        {
            client.writeInbound(bytes);
        }
        final List<String> texts = new ArrayList<>();
        TextWebSocketFrame frame;
        while (null != (frame = client.readInbound()))
        {
            texts.add(frame.text());
            frame.release();
        }
        assertThat(texts).containsExactly(
            "{\"type\":\"batch\",\"seq\":1,\"count\":1,\"messages\":[{\"seq\":1}]}",
            "{\"type\":\"batch\",\"seq\":2,\"count\":1,\"messages\":[" + large + "]}",
            "{\"type\":\"batch\",\"seq\":3,\"count\":1,\"messages\":[{\"seq\":3}]}");
        client.finishAndReleaseAll();
    }

    @Test
    void shouldCloseABatchEarlyAtTheMostMessages()
    {
        final SessionBatch batch = batch(false, 8);

        for (int i = 0; i < SessionBatch.MAX_MESSAGES + 10; i++)
        {
            append(batch, text("{\"seq\":" + i + "}"), i);
        }

        final String first = nextText();
        assertThat(first).startsWith("{\"type\":\"batch\",\"seq\":255,\"count\":256,\"messages\":[{\"seq\":0},");
        assertThat(first).endsWith(",{\"seq\":255}]}");
        assertThat((Object)channel.readOutbound()).isNull();
        assertThat(batch.count()).isEqualTo(10);
    }

    @Test
    void shouldCloseABatchEarlyBeforeItPassesTheMostBytesAndSendALargerMessageAlone()
    {
        final SessionBatch batch = batch(false, 8);
        final String tenKilobytes = "{\"pad\":\"" + "x".repeat(10 * 1024 - 10) + "\"}";
        final String seventyKilobytes = "{\"pad\":\"" + "y".repeat(70 * 1024) + "\"}";

        for (int i = 0; i < 7; i++)
        {
            append(batch, text(tenKilobytes), i);
        }
        final String six = nextText();
        assertThat(six).startsWith("{\"type\":\"batch\",\"seq\":5,\"count\":6,");
        assertThat(six.length()).as("a payload with a 16-bit length").isLessThan(64 * 1024);
        assertThat(batch.count()).isEqualTo(1);

        append(batch, text(seventyKilobytes), 7);
        assertThat(nextText()).startsWith("{\"type\":\"batch\",\"seq\":6,\"count\":1,");
        assertThat(nextText()).isEqualTo("{\"type\":\"batch\",\"seq\":7,\"count\":1,\"messages\":[" + seventyKilobytes + "]}");
        assertThat(batch.count()).isZero();
    }

    @Test
    void shouldSendSbeMessagesBackToBackBehindTheBatchHeaderSoADecoderWalksThem()
    {
        final SessionBatch batch = batch(true, 8);
        final byte[] first = sbe("{\"type\":\"OverlayAlert\",\"kind\":\"PAYMENT\",\"amountSats\":1,\"title\":\"a\",\"message\":\"one\"}");
        final byte[] second = sbe("{\"type\":\"OverlayAlert\",\"kind\":\"PAYMENT\",\"amountSats\":2,\"title\":\"bb\",\"message\":\"two\"}");

        append(batch, binary(first), 41);
        append(batch, binary(second), 44);
        batch.send();

        final BinaryWebSocketFrame frame = channel.readOutbound();
        final byte[] bytes = new byte[frame.content().readableBytes()];
        frame.content().readBytes(bytes);
        frame.release();
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        assertThat(buffer.getLong(SessionBatch.SBE_SEQ_OFFSET, ByteOrder.LITTLE_ENDIAN)).isEqualTo(44);
        assertThat(buffer.getInt(SessionBatch.SBE_COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN)).isEqualTo(2);
        final List<String> messages = walk(buffer, SessionBatch.SBE_HEADER_LENGTH, bytes.length);
        assertThat(messages).containsExactly(
            JsonView.instance().toJson(new UnsafeBuffer(first), 0), JsonView.instance().toJson(new UnsafeBuffer(second), 0));
        assertThat(bytes.length).isEqualTo(SessionBatch.SBE_HEADER_LENGTH + first.length + second.length);
    }

    @Test
    void shouldDropAWholeBatchWhenUnwritableAndCloseWith1013PastTheDropLimitOfBatches()
    {
        final SessionBatch batch = batch(false, 2);
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);

        for (int round = 0; round < 2; round++)
        {
            append(batch, text("{\"a\":1}"), 1);
            append(batch, text("{\"a\":2}"), 2);
            batch.send();
        }
        assertThat((Object)channel.readOutbound()).isNull();
        assertThat(egress.drops()).isEqualTo(4);
        assertThat(egress.slowConsumerCloses()).isZero();

        append(batch, text("{\"a\":3}"), 3);
        batch.send();
        final CloseWebSocketFrame close = channel.readOutbound();
        assertThat(close.statusCode()).isEqualTo(1013);
        close.release();
        assertThat(egress.drops()).isEqualTo(5);
        assertThat(egress.slowConsumerCloses()).isEqualTo(1);
        assertThat(egress.batchesSent()).isZero();
    }

    @Test
    void shouldParseTheBatchWindowParameter()
    {
        assertThat(SessionBatch.parseWindow("0")).isZero();
        assertThat(SessionBatch.parseWindow("1")).isEqualTo(1);
        assertThat(SessionBatch.parseWindow("1000")).isEqualTo(1000);
        assertThat(SessionBatch.parseWindow("1001")).isEqualTo(-1);
        assertThat(SessionBatch.parseWindow("-1")).isEqualTo(-1);
        assertThat(SessionBatch.parseWindow("")).isEqualTo(-1);
        assertThat(SessionBatch.parseWindow("5ms")).isEqualTo(-1);
        assertThat(SessionBatch.parseWindow("00010")).isEqualTo(-1);
    }

    private SessionBatch batch(final boolean sbe, final int dropLimit)
    {
        final WebSocketSession session = new WebSocketSession(
            "all", sbe, false, null, null, dropLimit, 1000, egress, (error) -> {}, null);
        channel = new EmbeddedChannel(session);
        session.fanoutLoop = new FanoutLoop(channel.eventLoop());
        final SessionBatch batch = new SessionBatch(session, egress, 1000);
        session.batch = batch;
        return batch;
    }

    private static void append(final SessionBatch batch, final ByteBuf frame, final long seq)
    {
        try
        {
            batch.append(frame, seq);
        }
        finally
        {
            frame.release();
        }
    }

    private ByteBuf text(final String payload)
    {
        return frames.text(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
    }

    private ByteBuf binary(final byte[] payload)
    {
        return frames.binary(Unpooled.wrappedBuffer(payload));
    }

    private String nextText()
    {
        final TextWebSocketFrame frame = channel.readOutbound();
        assertThat(frame).as("a text frame").isNotNull();
        final String text = frame.text();
        frame.release();
        return text;
    }

    private static byte[] sbe(final String json)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        final int length = JsonView.instance().fromJson(json, buffer, 0);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    /**
     * Walk SBE messages laid back to back, as a client does: header, then the message's own length.
     */
    static List<String> walk(final UnsafeBuffer buffer, final int offset, final int end)
    {
        final Ir ir = MessageSchema.ir();
        final OtfHeaderDecoder header = new OtfHeaderDecoder(ir.headerStructure());
        final List<String> messages = new ArrayList<>();
        int position = offset;
        while (position < end)
        {
            assertThat(MessageSchema.validate(buffer, position, end - position)).isNull();
            messages.add(JsonView.instance().toJson(buffer, position));
            position = OtfMessageDecoder.decode(buffer, position + header.encodedLength(),
                header.getSchemaVersion(buffer, position), header.getBlockLength(buffer, position),
                ir.getMessage(header.getTemplateId(buffer, position)), new AbstractTokenListener()
                {
                });
        }
        assertThat(position).isEqualTo(end);
        return messages;
    }
}
