package dev.commandcenter.transport.websocket;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.egress.OutputEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class FrameEncoderTest
{
    /** Payload lengths at the edges of the three header length classes, and either side of a gathering write. */
    private static final int[] LENGTHS = { 0, 1, 125, 126, 1024, 1025, 65_535, 65_536, 200_000 };

    @Test
    void shouldEncodeFramesOfEachLengthClassThatNettysClientDecoderReadsBack()
    {
        final FrameEncoder encoder = new FrameEncoder(UnpooledByteBufAllocator.DEFAULT);
        final EmbeddedChannel client = new EmbeddedChannel(new WebSocket08FrameDecoder(
            WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
        try
        {
            for (final int length : LENGTHS)
            {
                final byte[] payload = new byte[length];
                Arrays.fill(payload, (byte)'x');
                for (final boolean text : new boolean[]{ true, false })
                {
                    final ByteBuf frame = text ?
                        encoder.text(Unpooled.wrappedBuffer(payload)) : encoder.binary(Unpooled.wrappedBuffer(payload));
                    final int headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
                    assertThat(frame.readableBytes()).as("frame of %d bytes", length).isEqualTo(headerLength + length);
                    assertThat(frame.getByte(frame.readerIndex()) & 0xFF).isEqualTo(text ? 0x81 : 0x82);

                    assertThat(client.writeInbound(frame)).isTrue();
                    final WebSocketFrame decoded = client.readInbound();
                    try
                    {
                        assertThat(decoded).isInstanceOf(text ? TextWebSocketFrame.class : BinaryWebSocketFrame.class);
                        assertThat(decoded.isFinalFragment()).isTrue();
                        assertThat(ByteBufUtil.getBytes(decoded.content())).isEqualTo(payload);
                    }
                    finally
                    {
                        decoded.release();
                    }
                    assertThat((Object)client.readInbound()).isNull();
                }
            }
        }
        finally
        {
            encoder.close();
            client.finishAndReleaseAll();
        }
    }

    @Test
    void shouldEncodeTheSameBytesAsNettysServerFrameEncoderOnAChannel()
    {
        final FrameEncoder encoder = new FrameEncoder(PooledByteBufAllocator.DEFAULT);
        final EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        try
        {
            for (final int length : LENGTHS)
            {
                final byte[] payload = new byte[length];
                for (int i = 0; i < length; i++)
                {
                    payload[i] = (byte)('a' + (i % 26));
                }
                for (final boolean text : new boolean[]{ true, false })
                {
                    final ByteBuf frame = text ?
                        encoder.text(Unpooled.wrappedBuffer(payload)) : encoder.binary(Unpooled.wrappedBuffer(payload));
                    server.writeOutbound(text ?
                        new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)) :
                        new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
                    final ByteBuf expected = Unpooled.buffer();
                    for (ByteBuf part = server.readOutbound(); null != part; part = server.readOutbound())
                    {
                        expected.writeBytes(part);
                        part.release();
                    }
                    try
                    {
                        assertThat(ByteBufUtil.getBytes(frame))
                            .as("%s frame of %d bytes", text ? "text" : "binary", length)
                            .isEqualTo(ByteBufUtil.getBytes(expected));
                    }
                    finally
                    {
                        frame.release();
                        expected.release();
                    }
                }
            }
        }
        finally
        {
            encoder.close();
            server.finishAndReleaseAll();
        }
    }

    @Test
    void shouldDeliverFramesOfEachLengthClassIntactToARealClient() throws Exception
    {
        final WebSocketEgress egress = new WebSocketEgress(LENGTHS.length, PooledByteBufAllocator.DEFAULT, () -> 42L);
        final TestCounters counters = new TestCounters();
        try (HttpClient http = HttpClient.newHttpClient();
            WebServer server = WebServer.launch(counters.apply(new WebServer.Context())
                .port(0)
                .token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN)
                .egress(egress)
                .feed("chat")))
        {
            final String base = "ws://127.0.0.1:" + server.port() + "/ws/";
            final TestClient json = TestClient.connect(http, URI.create(base + "chat?token=" + Fixture.TOKEN), null);
            final TestClient traced = TestClient.connect(http, URI.create(base + "all?trace=1&token=" + Fixture.TOKEN), null);
            final TestClient sbe = TestClient.connect(http, URI.create(base + "all?format=sbe&token=" + Fixture.TOKEN), null);
            await().atMost(Duration.ofSeconds(10)).until(() -> egress.connectedClients() == 3);

            final JsonRenderer renderer = new JsonRenderer(JsonView.instance());
            final String[] expected = new String[LENGTHS.length];
            final byte[][] expectedSbe = new byte[LENGTHS.length][];
            for (int i = 0; i < LENGTHS.length; i++)
            {
                final Output output = new Output(i, Math.min(LENGTHS[i], 65_536));
                final ByteBuf rendered = Unpooled.buffer();
                renderer.renderJson(output, rendered);
                expected[i] = rendered.toString(StandardCharsets.UTF_8);
                rendered.release();
                expectedSbe[i] = new byte[output.length()];
                output.buffer().getBytes(0, expectedSbe[i]);
                egress.onOutput(output, true);
            }

            for (int i = 0; i < LENGTHS.length; i++)
            {
                assertThat(json.nextText()).as("text frame %d", i).isEqualTo(expected[i]);
                final String tracedText = traced.nextText();
                assertThat(tracedText).startsWith(expected[i].substring(0, expected[i].length() - 1) + ",\"trace\":{")
                    .endsWith(",\"egressNs\":42}}");
                assertThat(sbe.nextBinary()).as("binary frame %d", i).isEqualTo(expectedSbe[i]);
            }
            // No JSON rendering is shorter than 126 bytes (the envelope alone is longer); SBE frames are.
            assertThat(expectedSbe[0].length).isLessThan(126);
            assertThat(expected[0].length()).isBetween(126, 65_535);
            assertThat(expected[LENGTHS.length - 1].getBytes(StandardCharsets.UTF_8).length).isGreaterThan(65_535);
            assertThat(expectedSbe[LENGTHS.length - 1].length).isGreaterThan(65_535);

            final TestClient late = TestClient.connect(http, URI.create(base + "chat?token=" + Fixture.TOKEN), null);
            for (int i = 0; i < LENGTHS.length; i++)
            {
                assertThat(late.nextText()).as("retained text frame %d", i).isEqualTo(expected[i]);
            }
        }
    }

    /**
     * A chat message whose text has the given length in bytes, mostly two- and three-byte characters.
     */
    private static final class Output implements OutputEvent
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[70_000]);
        private final long sequence;
        private final int length;

        Output(final long sequence, final int textLength)
        {
            this.sequence = sequence;
            final StringBuilder text = new StringBuilder(textLength);
            int bytes = 0;
            while (bytes < textLength)
            {
                final int left = textLength - bytes;
                final char c = left >= 3 && 0 == bytes % 5 ? '\u2728' : left >= 2 && 0 == bytes % 7 ? '\u00e9' : 'a';
                text.append(c);
                bytes += c == 'a' ? 1 : c == '\u00e9' ? 2 : 3;
            }
            length = JsonView.instance().fromJson(
                "{\"type\":\"ChatMessage\",\"messageId\":" + sequence + ",\"channel\":\"main\",\"user\":\"ann\"," +
                "\"text\":\"" + text + "\"}", buffer, 0);
        }

        public long outputSequence()
        {
            return sequence;
        }

        public long inputSequence()
        {
            return sequence;
        }

        public long timestampNs()
        {
            return 1_700_000_000_000_000_000L + sequence;
        }

        public String pluginId()
        {
            return "chat";
        }

        public int templateId()
        {
            return JsonView.instance().templateId("ChatMessage");
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
}
