package dev.commandcenter.perf.chat;

import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.ChatLineEncoder;
import dev.commandcenter.codecs.sbe.ChatLineKind;
import dev.commandcenter.codecs.sbe.ChatRole;
import dev.commandcenter.codecs.sbe.ChatStateEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.transport.websocket.WebServer;
import dev.commandcenter.transport.websocket.WebSocketEgress;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The viewers against the real WebSocket server on loopback: chat lines the egress renders reach every viewer on
 * both subprotocols, and the viewers count what was measured, what was the warm-up's, what was never seen (lost) and
 * what was seen twice; other chat outputs are not lines.
 */
class ChatViewersLoopbackTest
{
    private static final String TOKEN = "chat-viewers-test-overlay-token";
    private static final String ADMIN_TOKEN = "chat-viewers-test-admin-token";
    private static final int VIEWERS = 3;

    private WebServer server;

    @AfterEach
    void tearDown()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { ChatLoadOptions.JSON, ChatLoadOptions.SBE })
    @Timeout(60)
    void shouldCountMeasuredWarmUpLostAndDuplicateLinesOfEveryViewer(final String format)
    {
        final WebSocketEgress egress = new WebSocketEgress(WebSocketEgress.RETAIN_PER_FEED_DEFAULT);
        server = launch(egress);
        try (ChatViewers viewers = new ChatViewers(1))
        {
            viewers.connect(URI.create("ws://127.0.0.1:" + server.port() + "/ws/chat?token=" + TOKEN), format, VIEWERS,
                Duration.ofSeconds(20));
            await().atMost(Duration.ofSeconds(20)).until(() -> egress.connectedClients() == VIEWERS);
            // messages 0 and 1 are the warm-up, 2 to 5 measured; 5 is never sent, 3 is sent twice
            final ChatSchedule schedule = new ChatSchedule(System.nanoTime(), 1_000, 2, 6);
            viewers.start(schedule);
            final Output output = new Output();
            long sequence = 0;
            for (final long messageId : new long[] { 0, 1, 2, 3, 3, 4 })
            {
                egress.onOutput(output.line(++sequence, messageId), true);
            }
            egress.onOutput(output.state(++sequence), true);
            await().atMost(Duration.ofSeconds(20)).until(() -> viewers.delivered() == 5L * VIEWERS);

            final ChatViewers.ViewerFigures figures = viewers.collect(new BitSet(), Duration.ofSeconds(10));
            assertThat(figures.viewers()).isEqualTo(VIEWERS);
            assertThat(figures.warmupLines()).isEqualTo(2L * VIEWERS);
            assertThat(figures.measuredLines()).isEqualTo(3L * VIEWERS);
            assertThat(figures.latency().getTotalCount()).isEqualTo(3L * VIEWERS);
            assertThat(figures.lost()).isEqualTo(VIEWERS);
            assertThat(figures.disconnected()).isZero();
            assertThat(figures.lineBytes()).isPositive();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                viewers.collect(new BitSet(), Duration.ofSeconds(10)).duplicates() == VIEWERS &&
                viewers.collect(new BitSet(), Duration.ofSeconds(10)).otherFrames() >= VIEWERS);

            final BitSet refused = new BitSet();
            refused.set(5);
            assertThat(viewers.collect(refused, Duration.ofSeconds(10)).lost()).isZero();
        }
    }

    private static WebServer launch(final WebSocketEgress egress)
    {
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(256 * CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(256 * CountersReader.COUNTER_LENGTH)),
            StandardCharsets.US_ASCII);
        final CounterAllocator allocator = (type, suffix) ->
        {
            synchronized (counters)
            {
                return counters.newCounter(suffix.isEmpty() ? type.label() : type.label() + ": " + suffix, type.id());
            }
        };
        return WebServer.launch(new WebServer.Context()
            .port(0)
            .token(TOKEN)
            .adminToken(ADMIN_TOKEN)
            .egress(egress)
            .counters(allocator)
            .countersReader(counters)
            .errorHandler(Throwable::printStackTrace)
            .pingIntervalMs(0)
            .feed("chat"));
    }

    /**
     * A chat output as the engine's output ring presents it.
     */
    private static final class Output implements OutputEvent
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        private final MessageHeaderEncoder header = new MessageHeaderEncoder();
        private final ChatLineEncoder line = new ChatLineEncoder();
        private final ChatStateEncoder state = new ChatStateEncoder();
        private long sequence;
        private int templateId;
        private int length;

        Output line(final long sequence, final long messageId)
        {
            line.wrapAndApplyHeader(buffer, 0, header).lineId(sequence).messageId(messageId)
                .atEpochMs(1_764_640_000_000L).amountSats(0).kind(ChatLineKind.MESSAGE).role(ChatRole.VIEWER)
                .history(BooleanType.FALSE).channel("main").user("loadposter1")
                .text("load message " + messageId + " of the chat harness");
            this.sequence = sequence;
            templateId = ChatLineEncoder.TEMPLATE_ID;
            length = MessageHeaderEncoder.ENCODED_LENGTH + line.encodedLength();
            return this;
        }

        Output state(final long sequence)
        {
            state.wrapAndApplyHeader(buffer, 0, header).slowModeMs(0).maxGraphemes(300).historyLines(50)
                .channel("main");
            this.sequence = sequence;
            templateId = ChatStateEncoder.TEMPLATE_ID;
            length = MessageHeaderEncoder.ENCODED_LENGTH + state.encodedLength();
            return this;
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
            return TimeUnit.MILLISECONDS.toNanos(1_764_640_000_000L) + sequence;
        }

        public String pluginId()
        {
            return "chat";
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
            return length;
        }
    }
}
