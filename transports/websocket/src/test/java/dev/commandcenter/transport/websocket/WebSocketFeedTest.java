package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class WebSocketFeedTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String UNAUTHORIZED = "unauthorized: missing or invalid token";

    @TempDir
    Path dataDir;

    private Fixture fixture;

    @AfterEach
    void after()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldDeliverJsonTextAndSbeBinaryWhenPluginEmits() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient json = fixture.subscribe("/ws/alerts?token=" + Fixture.TOKEN + "&format=json");
        final TestClient sbe = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN + "&format=sbe");

        final long sequence = fixture.publishPayment(5000);
        assertThat(sequence).isGreaterThanOrEqualTo(0);

        final String text = json.nextText();
        assertThat(text).startsWith("{\"sequence\":" + sequence + ",\"timestamp\":\"");
        final JsonNode node = MAPPER.readTree(text);
        assertThat(node.get("plugin").asText()).isEqualTo(AlertPlugin.ID);
        assertThat(node.get("type").asText()).isEqualTo("OverlayAlert");
        assertThat(node.get("amountSats").asLong()).isEqualTo(5000);
        assertThat(node.get("alertId").asLong()).isEqualTo(sequence);
        assertThat(node.get("message").asText()).isEqualTo("5000 sats");
        assertThat(Instant.parse(node.get("timestamp").asText()))
            .isBetween(Instant.now().minus(Duration.ofMinutes(1)), Instant.now().plus(Duration.ofMinutes(1)));

        final byte[] bytes = sbe.nextBinary();
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        assertThat(MessageSchema.validate(buffer, 0, bytes.length)).isNull();
        assertThat(MessageSchema.templateId(buffer, 0)).isEqualTo(JsonView.instance().templateId("OverlayAlert"));
        assertThat(MAPPER.readTree(JsonView.instance().toJson(buffer, 0)).get("amountSats").asLong()).isEqualTo(5000);

        assertThat(fixture.egress.outputs()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.egress.messagesSent() == 2);
        final CountersReader counters = fixture.engine.countersReader();
        assertThat(TestCounters.value(counters, CounterType.WS_FRAMES_SENT, "")).isEqualTo(2);
        assertThat(TestCounters.value(counters, CounterType.WS_BYTES_SENT, ""))
            .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length + bytes.length);
        assertThat(TestCounters.value(counters, CounterType.WS_CLIENTS, "")).isEqualTo(2);
    }

    @Test
    void shouldDeliverOnlyTheRequestedTypes() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient chatOnly = fixture.subscribe("/ws/alerts?token=" + Fixture.TOKEN + "&types=ChatMessage");
        final TestClient alertsOnly = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN + "&types=OverlayAlert");

        fixture.publishPayment(700);
        fixture.publish("{\"type\":\"ChatMessage\",\"messageId\":9,\"channel\":\"main\",\"user\":\"ann\",\"text\":\"hi\"}");
        fixture.publishPayment(800);

        final JsonNode chat = MAPPER.readTree(chatOnly.nextText());
        assertThat(chat.get("type").asText()).isEqualTo("ChatMessage");
        assertThat(chat.get("text").asText()).isEqualTo("hi");

        assertThat(MAPPER.readTree(alertsOnly.nextText()).get("amountSats").asLong()).isEqualTo(700);
        assertThat(MAPPER.readTree(alertsOnly.nextText()).get("amountSats").asLong()).isEqualTo(800);
        fixture.awaitDrained();
        assertThat(chatOnly.texts).isEmpty();
    }

    @Test
    void shouldCloseWith1008WhenTokenIsMissingOrWrong() throws Exception
    {
        fixture = new Fixture(dataDir);

        final TestClient missing = fixture.connect("/ws/alerts");
        final TestClient wrong = fixture.connect("/ws/alerts?token=not-the-token");
        final TestClient almost = fixture.connect("/ws/alerts?token=" + Fixture.TOKEN + "x");

        assertThat(missing.awaitClose()).isEqualTo(new TestClient.Close(1008, UNAUTHORIZED));
        assertThat(wrong.awaitClose()).isEqualTo(new TestClient.Close(1008, UNAUTHORIZED));
        assertThat(almost.awaitClose()).isEqualTo(new TestClient.Close(1008, UNAUTHORIZED));
        assertThat(fixture.egress.connectedClients()).isZero();
    }

    @Test
    void shouldCloseWith1008ForForbiddenOriginAndAcceptSameAndAllowedOrigins() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.allowedOrigins(List.of("http://localhost:5173/")));
        final String query = "/ws/alerts?token=" + Fixture.TOKEN;

        final TestClient evil = TestClient.connect(fixture.http, fixture.ws(query), "http://evil.example");
        assertThat(evil.awaitClose()).isEqualTo(new TestClient.Close(1008, "forbidden origin: http://evil.example"));

        final TestClient same = TestClient.connect(fixture.http, fixture.ws(query), fixture.origin());
        final TestClient allowed = TestClient.connect(fixture.http, fixture.ws(query), "http://localhost:5173");
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.egress.connectedClients() == 2);

        fixture.publishPayment(42);
        assertThat(MAPPER.readTree(same.nextText()).get("amountSats").asLong()).isEqualTo(42);
        assertThat(MAPPER.readTree(allowed.nextText()).get("amountSats").asLong()).isEqualTo(42);
    }

    @Test
    void shouldCloseWith1008ForUnknownFeedFormatOrType() throws Exception
    {
        fixture = new Fixture(dataDir);

        final TestClient feed = fixture.connect("/ws/nope?token=" + Fixture.TOKEN);
        final TestClient format = fixture.connect("/ws/all?token=" + Fixture.TOKEN + "&format=xml");
        final TestClient type = fixture.connect("/ws/all?token=" + Fixture.TOKEN + "&types=OverlayAlert,Bogus");

        assertThat(feed.awaitClose()).isEqualTo(new TestClient.Close(1008, "unknown feed 'nope', expected one of all, alerts"));
        assertThat(format.awaitClose()).isEqualTo(new TestClient.Close(1008, "unknown format 'xml', expected json or sbe"));
        final TestClient.Close typeClose = type.awaitClose();
        assertThat(typeClose.code()).isEqualTo(1008);
        assertThat(typeClose.reason()).isEqualTo("unknown type 'Bogus', expected message names such as OverlayAlert,ChatMessage");
    }

    @Test
    void shouldReplayRetainedMessagesToLateSubscriberThenDeliverLiveOnes() throws Exception
    {
        fixture = new Fixture(dataDir, 2, (ctx) -> {}, (ctx) -> {});
        fixture.publishPayment(1);
        fixture.publishPayment(2);
        fixture.publishPayment(3);
        fixture.awaitDrained();

        final TestClient late = fixture.subscribe("/ws/alerts?token=" + Fixture.TOKEN);
        assertThat(MAPPER.readTree(late.nextText()).get("amountSats").asLong()).isEqualTo(2);
        assertThat(MAPPER.readTree(late.nextText()).get("amountSats").asLong()).isEqualTo(3);

        fixture.publishPayment(4);
        assertThat(MAPPER.readTree(late.nextText()).get("amountSats").asLong()).isEqualTo(4);

        final TestClient sbeLate = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN + "&format=sbe");
        final byte[] first = sbeLate.nextBinary();
        assertThat(MAPPER.readTree(JsonView.instance().toJson(new UnsafeBuffer(first), 0)).get("amountSats").asLong())
            .isEqualTo(3);
    }

    @Test
    void shouldAnswerPingAndCloseOnOversizeFrame() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.maxFrameLength(1024));
        final TestClient client = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN);

        client.webSocket.sendText("ping", true).get();
        assertThat(client.nextText()).isEqualTo("pong");

        client.webSocket.sendText("x".repeat(2000), true).get();
        assertThat(client.awaitClose().code()).isEqualTo(1009);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.egress.connectedClients() == 0);
    }

    @Test
    void shouldTruncateLongCloseReasonsToAControlFrame()
    {
        final String reason = WebSocketSession.truncate("unknown feed '" + "é".repeat(100) + "'");

        assertThat(reason.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(123);
        assertThat(reason).startsWith("unknown feed 'éé").endsWith("...");
        assertThat(WebSocketSession.truncate("short")).isEqualTo("short");
    }
}
