package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.MessageSchema;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(90)
class WebSocketResumeTest
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
    void shouldResumeAfterDisconnectWithNoGapAndNoDuplicateWhileEventsKeepFlowing() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 1024);
        final int payments = 120;
        final TestClient observer = fixture.subscribe(FEED);
        final TestClient first = fixture.subscribe(FEED);

        final CompletableFuture<Void> publisher = CompletableFuture.runAsync(() ->
        {
            for (int i = 1; i <= payments; i++)
            {
                fixture.publishPayment(i);
            }
        });

        final List<Long> received = new ArrayList<>();
        for (int i = 0; i < 10; i++)
        {
            received.add(seq(first.nextText()));
        }
        first.webSocket.abort();

        final TestClient resumed = fixture.connect(FEED + "&since=" + received.get(received.size() - 1));
        while (received.size() < payments)
        {
            received.add(seq(resumed.nextText()));
        }
        publisher.get();

        final List<Long> all = new ArrayList<>();
        for (int i = 0; i < payments; i++)
        {
            all.add(seq(observer.nextText()));
        }
        assertThat(received).isEqualTo(all);
        assertThat(all).doesNotHaveDuplicates().isSorted();
        assertThat(fixture.egress.resumesServed()).isEqualTo(1);
        assertThat(fixture.egress.gapsSent()).isZero();
        fixture.awaitDrained();
        assertThat(resumed.texts).isEmpty();
    }

    @Test
    void shouldSendOneGapThenTheOldestKeptWhenSinceIsOlderThanTheHistory() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 4);
        final TestClient observer = fixture.subscribe(FEED);
        for (int i = 1; i <= 10; i++)
        {
            fixture.publishPayment(i);
        }
        final long[] seqs = new long[10];
        for (int i = 0; i < 10; i++)
        {
            seqs[i] = seq(observer.nextText());
        }

        final TestClient json = fixture.connect(FEED + "&since=" + seqs[0]);
        final TestClient sbe = fixture.connect(FEED + "&format=sbe&since=" + seqs[0]);

        final String gap = "{\"type\":\"gap\",\"missed\":" + (seqs[6] - seqs[0] - 1) + ",\"from\":" + seqs[6] + "}";
        assertThat(json.nextText()).isEqualTo(gap);
        for (int i = 6; i < 10; i++)
        {
            final JsonNode node = MAPPER.readTree(json.nextText());
            assertThat(node.get("seq").asLong()).isEqualTo(seqs[i]);
            assertThat(node.get("amountSats").asLong()).isEqualTo(i + 1);
        }
        assertThat(sbe.nextText()).isEqualTo(gap);
        for (int i = 6; i < 10; i++)
        {
            final byte[] bytes = sbe.nextBinary();
            assertThat(MessageSchema.validate(new UnsafeBuffer(bytes), 0, bytes.length)).isNull();
        }

        fixture.publishPayment(11);
        assertThat(MAPPER.readTree(json.nextText()).get("amountSats").asLong()).isEqualTo(11);
        assertThat(sbe.nextBinary()).isNotEmpty();
        assertThat(json.texts).isEmpty();
        assertThat(sbe.texts).isEmpty();
        assertThat(sbe.binaries).isEmpty();
        assertThat(fixture.egress.gapsSent()).isEqualTo(2);
        assertThat(fixture.egress.resumesServed()).isEqualTo(2);
    }

    @Test
    void shouldSendTheGapWhenNoHistoryIsKept() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 0);
        for (int i = 1; i <= 3; i++)
        {
            fixture.publishPayment(i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.egress.outputs() == 3);

        final TestClient client = fixture.subscribe(FEED + "&since=0");

        assertThat(client.nextText()).isEqualTo("{\"type\":\"gap\",\"missed\":2,\"from\":3}");
        fixture.publishPayment(4);
        assertThat(seq(client.nextText())).isEqualTo(3);
    }

    @Test
    void shouldReplayOnlyTheRetainedMessagesToAClientThatDoesNotResume() throws Exception
    {
        fixture = new Fixture(dataDir, 2, 8);
        for (int i = 1; i <= 5; i++)
        {
            fixture.publishPayment(i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.egress.outputs() == 5);

        final TestClient late = fixture.connect(FEED);
        final TestClient resumed = fixture.connect(FEED + "&since=0");

        assertThat(MAPPER.readTree(late.nextText()).get("amountSats").asLong()).isEqualTo(4);
        assertThat(MAPPER.readTree(late.nextText()).get("amountSats").asLong()).isEqualTo(5);
        for (int i = 2; i <= 5; i++)
        {
            assertThat(MAPPER.readTree(resumed.nextText()).get("amountSats").asLong()).isEqualTo(i);
        }
        fixture.publishPayment(6);
        assertThat(MAPPER.readTree(late.nextText()).get("amountSats").asLong()).isEqualTo(6);
        assertThat(MAPPER.readTree(resumed.nextText()).get("amountSats").asLong()).isEqualTo(6);
        assertThat(late.texts).isEmpty();
        assertThat(resumed.texts).isEmpty();
    }

    @Test
    void shouldRenderTheJsonOfOutputsNoLiveClientTookInJsonWhenAClientResumes() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 8);
        // Only a binary client while the first three are published: the egress keeps their SBE frames and no JSON.
        final TestClient sbe = fixture.subscribe(FEED + "&format=sbe");
        final long startMs = System.currentTimeMillis();
        final long[] inputs = new long[4];
        for (int i = 0; i < 3; i++)
        {
            inputs[i] = fixture.publishPayment(i + 1);
        }
        for (int i = 0; i < 3; i++)
        {
            assertThat(sbe.nextBinary()).isNotEmpty();
        }
        // One rendered live, for the shape late ones must have.
        final TestClient live = fixture.subscribe(FEED);
        inputs[3] = fixture.publishPayment(4);
        final JsonNode rendered = MAPPER.readTree(live.nextText());
        final long endMs = System.currentTimeMillis();

        // Output 0 is the first payment: since=0 asks for the second to the fourth.
        final TestClient first = fixture.connect(FEED + "&since=0");
        final TestClient second = fixture.connect(FEED + "&since=0");

        final List<String> firstTexts = new ArrayList<>();
        final List<String> secondTexts = new ArrayList<>();
        for (int i = 1; i < 4; i++)
        {
            firstTexts.add(first.nextText());
            secondTexts.add(second.nextText());
        }
        assertThat(secondTexts).isEqualTo(firstTexts);
        for (int i = 1; i < 4; i++)
        {
            final JsonNode node = MAPPER.readTree(firstTexts.get(i - 1));
            assertThat(node.properties().stream().map(java.util.Map.Entry::getKey).toList())
                .isEqualTo(rendered.properties().stream().map(java.util.Map.Entry::getKey).toList());
            assertThat(node.get("seq").asLong()).isEqualTo(i);
            assertThat(node.get("amountSats").asLong()).isEqualTo(i + 1);
            assertThat(node.get("sequence").asLong()).isEqualTo(inputs[i]);
            assertThat(node.get("plugin").asText()).isEqualTo(rendered.get("plugin").asText());
            assertThat(java.time.Instant.parse(node.get("timestamp").asText()).toEpochMilli())
                .isBetween(startMs - 1_000, endMs + 1_000);
        }
        // The fourth was rendered live and kept as it was sent.
        assertThat(firstTexts.get(2)).isEqualTo(MAPPER.writeValueAsString(rendered));
    }

    @Test
    void shouldCloseWith1008ForInvalidOrFutureSince() throws Exception
    {
        fixture = new Fixture(dataDir, 0, 8);
        fixture.publishPayment(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.egress.outputs() == 1);

        final TestClient letters = fixture.connect(FEED + "&since=abc");
        final TestClient negative = fixture.connect(FEED + "&since=-1");
        final TestClient future = fixture.connect(FEED + "&since=1000");

        assertThat(letters.awaitClose()).isEqualTo(new TestClient.Close(1008,
            "invalid since 'abc', expected the seq of the last output received (0 or more)"));
        assertThat(negative.awaitClose()).isEqualTo(new TestClient.Close(1008,
            "invalid since '-1', expected the seq of the last output received (0 or more)"));
        assertThat(future.awaitClose()).isEqualTo(new TestClient.Close(1008,
            "since 1000 is ahead of the newest output 0: reconnect without since (the server may have restarted)"));
        assertThat(fixture.egress.connectedClients()).isZero();
        assertThat(fixture.egress.resumesServed()).isZero();
    }

    private static long seq(final String text) throws Exception
    {
        final JsonNode node = MAPPER.readTree(text);
        assertThat(node.has("seq")).as("seq in %s", text).isTrue();
        return node.get("seq").asLong();
    }
}
