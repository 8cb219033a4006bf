package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(90)
class WebSocketBatchTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String FEED = "/ws/all?token=" + Fixture.TOKEN;

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
    void shouldSendTheOutputsOfOneWindowAsOneFrameInOrderWhileANonBatchingClientGetsEachAlone() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 0);
        final TestClient plain = fixture.subscribe(FEED);
        final TestClient batching = fixture.subscribe(FEED + "&batch=1000");

        for (int i = 1; i <= 5; i++)
        {
            fixture.publishPayment(i);
        }

        final List<Long> seqs = new ArrayList<>();
        for (int i = 1; i <= 5; i++)
        {
            final JsonNode message = MAPPER.readTree(plain.nextText());
            assertThat(message.get("type").asText()).isEqualTo("OverlayAlert");
            seqs.add(message.get("seq").asLong());
        }
        final JsonNode batch = MAPPER.readTree(batching.nextText());
        assertThat(batch.get("type").asText()).isEqualTo("batch");
        assertThat(batch.get("count").asInt()).isEqualTo(5);
        assertThat(batch.get("seq").asLong()).isEqualTo(seqs.get(4));
        final JsonNode messages = batch.get("messages");
        assertThat(messages.size()).isEqualTo(5);
        for (int i = 0; i < 5; i++)
        {
            assertThat(messages.get(i).get("type").asText()).isEqualTo("OverlayAlert");
            assertThat(messages.get(i).get("seq").asLong()).isEqualTo(seqs.get(i));
            assertThat(messages.get(i).get("amountSats").asLong()).isEqualTo(i + 1);
        }
        fixture.awaitDrained();
        assertThat(batching.texts).isEmpty();
        assertThat(plain.texts).isEmpty();
        assertThat(fixture.egress.batchesSent()).isEqualTo(1);
        assertThat(fixture.egress.messagesBatched()).isEqualTo(5);
        assertThat(fixture.egress.messagesSent()).isEqualTo(6);

        final HttpResponse<String> scrape = fixture.get("/metrics?token=" + Fixture.TOKEN);
        assertThat(scrape.body()).contains("commandcenter_websocket_batches_sent_total 1\n");
        assertThat(scrape.body()).contains("commandcenter_websocket_batched_messages_total 5\n");
    }

    @Test
    void shouldSendOutputsOfSeparateWindowsAsSeparateFrames() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 0);
        final TestClient batching = fixture.subscribe(FEED + "&batch=20");

        fixture.publishPayment(1);
        final JsonNode first = MAPPER.readTree(batching.nextText());
        fixture.publishPayment(2);
        final JsonNode second = MAPPER.readTree(batching.nextText());

        assertThat(first.get("count").asInt()).isEqualTo(1);
        assertThat(first.get("messages").get(0).get("amountSats").asLong()).isEqualTo(1);
        assertThat(second.get("count").asInt()).isEqualTo(1);
        assertThat(second.get("messages").get(0).get("amountSats").asLong()).isEqualTo(2);
        assertThat(second.get("seq").asLong()).isGreaterThan(first.get("seq").asLong());
        assertThat(fixture.egress.batchesSent()).isEqualTo(2);
    }

    @Test
    void shouldCloseABatchEarlyAtTheMostMessagesAndLoseNone() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 0);
        final TestClient batching = fixture.subscribe(FEED + "&batch=1000&types=OverlayAlert");
        final int payments = SessionBatch.MAX_MESSAGES + 44;

        for (int i = 1; i <= payments; i++)
        {
            fixture.publishPayment(i);
        }

        final List<Long> amounts = new ArrayList<>();
        int largest = 0;
        while (amounts.size() < payments)
        {
            final String text = batching.nextText();
            assertThat(text.length()).as("a payload with a 16-bit length").isLessThan(64 * 1024);
            final JsonNode batch = MAPPER.readTree(text);
            final int count = batch.get("count").asInt();
            largest = Math.max(largest, count);
            assertThat(batch.get("messages").size()).isEqualTo(count);
            for (final JsonNode message : batch.get("messages"))
            {
                amounts.add(message.get("amountSats").asLong());
            }
        }
        assertThat(largest).isLessThanOrEqualTo(SessionBatch.MAX_MESSAGES);
        assertThat(fixture.egress.batchesSent()).isGreaterThanOrEqualTo(2);
        for (int i = 0; i < payments; i++)
        {
            assertThat(amounts.get(i)).isEqualTo(i + 1);
        }
    }

    @Test
    void shouldSendAnSbeBatchThatDecodesIntoEachMessageWithTheLastSeq() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 0);
        final TestClient json = fixture.subscribe(FEED);
        final TestClient sbe = fixture.subscribe(FEED + "&batch=1000", WebSocketUpgrade.SBE_V1);

        for (int i = 1; i <= 3; i++)
        {
            fixture.publishPayment(i);
        }

        final List<JsonNode> expected = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            expected.add(MAPPER.readTree(json.nextText()));
        }
        final byte[] bytes = sbe.nextBinary();
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        assertThat(buffer.getLong(SessionBatch.SBE_SEQ_OFFSET, ByteOrder.LITTLE_ENDIAN))
            .isEqualTo(expected.get(2).get("seq").asLong());
        assertThat(buffer.getInt(SessionBatch.SBE_COUNT_OFFSET, ByteOrder.LITTLE_ENDIAN)).isEqualTo(3);
        final List<String> messages = SessionBatchTest.walk(buffer, SessionBatch.SBE_HEADER_LENGTH, bytes.length);
        assertThat(messages).hasSize(3);
        for (int i = 0; i < 3; i++)
        {
            final JsonNode message = MAPPER.readTree(messages.get(i));
            assertThat(message.get("type").asText()).isEqualTo("OverlayAlert");
            assertThat(message.get("amountSats").asLong()).isEqualTo(expected.get(i).get("amountSats").asLong());
        }
        fixture.awaitDrained();
        assertThat(sbe.binaries).isEmpty();
    }

    @Test
    void shouldBatchClientsOfAFeedWithAWindowUnlessTheyOptOut() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 0);
        fixture.egress.batchWindows(Map.of(WebSocketEgress.ALL_FEED, 1000));
        assertThat(fixture.egress.batchWindowMs(WebSocketEgress.ALL_FEED)).isEqualTo(1000);
        final TestClient byFeed = fixture.subscribe(FEED);
        final TestClient optedOut = fixture.subscribe(FEED + "&batch=0");

        fixture.publishPayment(1);
        fixture.publishPayment(2);

        final JsonNode batch = MAPPER.readTree(byFeed.nextText());
        assertThat(batch.get("type").asText()).isEqualTo("batch");
        assertThat(batch.get("count").asInt()).isEqualTo(2);
        assertThat(MAPPER.readTree(optedOut.nextText()).get("amountSats").asLong()).isEqualTo(1);
        assertThat(MAPPER.readTree(optedOut.nextText()).get("amountSats").asLong()).isEqualTo(2);
        fixture.awaitDrained();
        assertThat(optedOut.texts).isEmpty();
    }

    @Test
    void shouldResumeWithTheHistoryThenBatch() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 1024);
        final TestClient observer = fixture.subscribe(FEED);
        for (int i = 1; i <= 5; i++)
        {
            fixture.publishPayment(i);
        }
        final long[] seqs = new long[5];
        for (int i = 0; i < 5; i++)
        {
            seqs[i] = MAPPER.readTree(observer.nextText()).get("seq").asLong();
        }

        final TestClient resumed = fixture.subscribe(FEED + "&since=" + seqs[1] + "&batch=1000");
        for (int i = 2; i < 5; i++)
        {
            assertThat(MAPPER.readTree(resumed.nextText()).get("seq").asLong()).isEqualTo(seqs[i]);
        }
        fixture.publishPayment(6);
        fixture.publishPayment(7);
        final JsonNode batch = MAPPER.readTree(resumed.nextText());
        assertThat(batch.get("type").asText()).isEqualTo("batch");
        assertThat(batch.get("count").asInt()).isEqualTo(2);
        assertThat(batch.get("messages").get(0).get("amountSats").asLong()).isEqualTo(6);
        assertThat(batch.get("messages").get(1).get("amountSats").asLong()).isEqualTo(7);
        assertThat(batch.get("messages").get(0).get("seq").asLong()).isGreaterThan(seqs[4]);
        assertThat(fixture.egress.resumesServed()).isEqualTo(1);
    }

    @Test
    void shouldCloseWith1008ForABadBatchWindow() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 0);

        final TestClient letters = fixture.connect(FEED + "&batch=abc");
        final TestClient tooLong = fixture.connect(FEED + "&batch=1001");
        final TestClient negative = fixture.connect(FEED + "&batch=-5");

        for (final String value : new String[] {"abc", "1001", "-5"})
        {
            final TestClient client = "abc".equals(value) ? letters : "1001".equals(value) ? tooLong : negative;
            assertThat(client.awaitClose()).isEqualTo(new TestClient.Close(1008,
                "invalid batch '" + value + "', expected a window of 1 to 1000 ms (0: no batching)"));
        }
        assertThat(fixture.egress.connectedClients()).isZero();
    }

    @Test
    void shouldRefuseAFeedWindowOutOfRangeNamingTheFeed()
    {
        final WebSocketEgress egress = new WebSocketEgress(0);

        assertThatThrownBy(() -> egress.batchWindows(Map.of("stream-bridge", 1001)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("websocket.batching.stream-bridge: expected a window of 1 to 1000 ms (0: none), got 1001");
        assertThatThrownBy(() -> egress.batchWindows(Map.of("all", -1)))
            .hasMessage("websocket.batching.all: expected a window of 1 to 1000 ms (0: none), got -1");
        assertThat(egress.batchWindowMs("stream-bridge")).isZero();
    }
}
