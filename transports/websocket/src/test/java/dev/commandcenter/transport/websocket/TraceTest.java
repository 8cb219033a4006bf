package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.egress.OutputEvent;
import io.netty.buffer.PooledByteBufAllocator;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class TraceTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long EGRESS_NS = 1_700_000_000_500_000_000L;

    @Test
    void shouldAppendTheStageStampsForTracedClientsOnly() throws Exception
    {
        final WebSocketEgress egress = new WebSocketEgress(1, PooledByteBufAllocator.DEFAULT, () -> EGRESS_NS);
        final TestCounters counters = new TestCounters();
        try (HttpClient http = HttpClient.newHttpClient();
            WebServer server = WebServer.launch(counters.apply(new WebServer.Context())
                .port(0)
                .token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN)
                .egress(egress)
                .feed("bot")))
        {
            final String base = "ws://127.0.0.1:" + server.port() + "/ws/";
            final TestClient traced = TestClient.connect(http, URI.create(base + "all?trace=1&token=" + Fixture.TOKEN), null);
            final TestClient plain = TestClient.connect(http, URI.create(base + "bot?token=" + Fixture.TOKEN), null);
            final TestClient tracedSbe = TestClient.connect(
                http, URI.create(base + "bot?format=sbe&trace=1&token=" + Fixture.TOKEN), null);
            await().atMost(Duration.ofSeconds(10)).until(() -> egress.connectedClients() == 3);

            final Output output = new Output();
            egress.onOutput(output, true);

            final String tracedText = traced.nextText();
            final String plainText = plain.nextText();
            assertThat(tracedText).startsWith(plainText.substring(0, plainText.length() - 1) + ",\"trace\":{");
            final JsonNode trace = MAPPER.readTree(tracedText).get("trace");
            assertThat(List.of(trace.fieldNames().next())).containsExactly("ingressNs");
            assertThat(trace.get("ingressNs").asLong()).isEqualTo(output.timestampNs());
            assertThat(trace.get("journaledNs").asLong()).isEqualTo(output.journaledNs());
            assertThat(trace.get("handledNs").asLong()).isEqualTo(output.handledNs());
            assertThat(trace.get("emittedNs").asLong()).isEqualTo(output.emittedNs());
            assertThat(trace.get("egressNs").asLong()).isEqualTo(EGRESS_NS);
            assertThat(trace.size()).isEqualTo(5);
            assertThat(MAPPER.readTree(plainText).has("trace")).isFalse();
            assertThat(tracedSbe.nextBinary()).hasSize(output.length());

            plain.webSocket.sendClose(1000, "bye");
            traced.webSocket.sendClose(1000, "bye");
            await().atMost(Duration.ofSeconds(10)).until(() -> egress.connectedClients() == 1);
            final TestClient late = TestClient.connect(http, URI.create(base + "all?trace=1&token=" + Fixture.TOKEN), null);
            assertThat(MAPPER.readTree(late.nextText()).has("trace")).as("retained messages are replayed untraced").isFalse();
        }
    }

    @Test
    void shouldSendQueuedFramesWhenTheEnginesRunEndsOnAnOutputNotForThisEgress() throws Exception
    {
        final WebSocketEgress egress = new WebSocketEgress(1, PooledByteBufAllocator.DEFAULT, () -> EGRESS_NS);
        final TestCounters counters = new TestCounters();
        try (HttpClient http = HttpClient.newHttpClient();
            WebServer server = WebServer.launch(counters.apply(new WebServer.Context())
                .port(0)
                .token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN)
                .egress(egress)))
        {
            final TestClient client = TestClient.connect(
                http, URI.create("ws://127.0.0.1:" + server.port() + "/ws/all?token=" + Fixture.TOKEN), null);
            await().atMost(Duration.ofSeconds(10)).until(() -> egress.connectedClients() == 1);

            egress.onOutput(new Output(), false);
            egress.onBatchEnd();

            assertThat(MAPPER.readTree(client.nextText()).get("amountSats").asLong()).isEqualTo(21);
        }
    }

    @Test
    void shouldRefuseAnUnknownTraceValue() throws Exception
    {
        final TestCounters counters = new TestCounters();
        try (HttpClient http = HttpClient.newHttpClient();
            WebServer server = WebServer.launch(counters.apply(new WebServer.Context()).port(0).token(Fixture.OVERLAY_TOKEN).adminToken(Fixture.TOKEN)))
        {
            final TestClient client = TestClient.connect(http, URI.create(
                "ws://127.0.0.1:" + server.port() + "/ws/all?trace=yes&token=" + Fixture.TOKEN), null);
            final TestClient.Close close = client.awaitClose();
            assertThat(close.code()).isEqualTo(WebSocketSession.POLICY_VIOLATION);
            assertThat(close.reason()).isEqualTo("unknown trace 'yes', expected 0 or 1");
        }
    }

    /**
     * An output with every stage stamped.
     */
    private static final class Output implements OutputEvent
    {
        private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
        private final int length = JsonView.instance().fromJson(
            "{\"type\":\"OverlayAlert\",\"kind\":\"PAYMENT\",\"amountSats\":21,\"message\":\"hi\"}", buffer, 0);

        public long outputSequence()
        {
            return 3;
        }

        public long inputSequence()
        {
            return 7;
        }

        public long timestampNs()
        {
            return 1_700_000_000_100_000_000L;
        }

        public long journaledNs()
        {
            return 1_700_000_000_200_000_000L;
        }

        public long handledNs()
        {
            return 1_700_000_000_300_000_000L;
        }

        public long emittedNs()
        {
            return 1_700_000_000_400_000_000L;
        }

        public String pluginId()
        {
            return "bot";
        }

        public int templateId()
        {
            return JsonView.instance().templateId("OverlayAlert");
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
