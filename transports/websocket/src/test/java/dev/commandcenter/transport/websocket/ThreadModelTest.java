package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import dev.commandcenter.engine.EngineCycle;
import dev.commandcenter.engine.ThreadingMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class ThreadModelTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    private Fixture fixture;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void after()
    {
        release.countDown();
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldMoveUpgradedConnectionsToTheFanoutEventLoops() throws Exception
    {
        fixture = new Fixture(dataDir, 0, (ctx) -> {}, (ctx) -> ctx.httpThreads(1).fanoutThreads(2));
        final TestClient first = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN);
        final TestClient second = fixture.subscribe("/ws/alerts?token=" + Fixture.TOKEN);

        final WebSocketSession[] all = fixture.egress.sessions(WebSocketEgress.ALL_FEED);
        final WebSocketSession[] alerts = fixture.egress.sessions(AlertPlugin.ID);
        assertThat(all).hasSize(1);
        assertThat(alerts).hasSize(1);
        final EventLoop firstLoop = all[0].channel().eventLoop();
        final EventLoop secondLoop = alerts[0].channel().eventLoop();
        assertThat(isIn(firstLoop, fixture.server.fanoutGroup())).isTrue();
        assertThat(isIn(secondLoop, fixture.server.fanoutGroup())).isTrue();
        assertThat(isIn(firstLoop, fixture.server.httpGroup())).isFalse();
        assertThat(firstLoop).isNotSameAs(secondLoop);

        final long sequence = fixture.publishPayment(7000);
        assertThat(MAPPER.readTree(first.nextText()).get("sequence").asLong()).isEqualTo(sequence);
        assertThat(MAPPER.readTree(second.nextText()).get("sequence").asLong()).isEqualTo(sequence);
        first.webSocket.sendText("ping", true);
        assertThat(first.nextText()).isEqualTo("pong");
    }

    @Test
    void shouldKeepTheFirstClientsOnTheHttpLoopMoveTheRestAndGiveASeatBackWhenItsClientGoes() throws Exception
    {
        fixture = new Fixture(dataDir, 0, (ctx) -> {}, (ctx) -> ctx.httpThreads(1).fanoutThreads(1).httpLoopClients(2));
        final List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            clients.add(fixture.subscribe("/ws/all?token=" + Fixture.TOKEN));
        }
        final WebSocketSession[] sessions = fixture.egress.sessions(WebSocketEgress.ALL_FEED);
        assertThat(sessions).hasSize(3);
        assertThat(isIn(sessions[0].channel().eventLoop(), fixture.server.httpGroup())).isTrue();
        assertThat(isIn(sessions[1].channel().eventLoop(), fixture.server.httpGroup())).isTrue();
        assertThat(isIn(sessions[2].channel().eventLoop(), fixture.server.fanoutGroup())).as("no seat left").isTrue();
        final long sequence = fixture.publishPayment(7000);
        for (final TestClient client : clients)
        {
            assertThat(MAPPER.readTree(client.nextText()).get("sequence").asLong()).isEqualTo(sequence);
        }

        clients.getFirst().webSocket.abort();
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.egress.connectedClients() == 2);
        final TestClient fourth = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN);
        final WebSocketSession[] after = fixture.egress.sessions(WebSocketEgress.ALL_FEED);
        assertThat(after).hasSize(3);
        assertThat(isIn(after[2].channel().eventLoop(), fixture.server.httpGroup())).as("the seat given back").isTrue();
        final long next = fixture.publishPayment(7001);
        assertThat(MAPPER.readTree(fourth.nextText()).get("sequence").asLong()).isEqualTo(next);
        assertThat(MAPPER.readTree(clients.get(2).nextText()).get("sequence").asLong()).isEqualTo(next);
        assertThat(fixture.egress.drops()).isZero();
    }

    @Test
    void shouldAnswerPostWhileFanoutIsFloodedAndItsEventLoopIsBusy() throws Exception
    {
        fixture = new Fixture(dataDir, 0, (ctx) -> {}, (ctx) -> ctx
            .writeBufferHighWaterMark(64 * 1024)
            .writeBufferLowWaterMark(32 * 1024)
            .socketSendBufferLength(8 * 1024));
        try (Socket stalled = new Socket())
        {
            SlowConsumerTest.connectWithoutReading(stalled, fixture.server.port());
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.egress.connectedClients() == 1);

            // Occupy every fan-out event loop: a fan-out write queued there now waits, and so would a POST on the same thread.
            for (final EventExecutor loop : fixture.server.fanoutGroup())
            {
                loop.execute(() -> awaitQuietly(release));
            }
            for (int i = 0; i < 2000; i++)
            {
                fixture.publishPayment(1000 + i);
            }

            final HttpResponse<String> response = fixture.http.sendAsync(HttpRequest.newBuilder(
                fixture.http("/api/events?token=" + Fixture.TOKEN))
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"TransactionReceived\",\"amountSats\":42}"))
                .build(), HttpResponse.BodyHandlers.ofString()).get(20, TimeUnit.SECONDS);

            assertThat(response.statusCode()).isEqualTo(202);
            final long receipt = MAPPER.readTree(response.body()).get("receipt").asLong();
            release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> fixture.plugin.seen.stream()
                .anyMatch((node) -> node.get("sequence").asLong() == receipt));
        }
    }

    @Test
    void shouldRunTheEngineOnTheHttpLoopWhenLentItsCycleAndGiveItBackWhenTheServerCloses() throws Exception
    {
        // A loop that blocked without a wake-up for an hour: only the cycle's waker brings it back for an event.
        fixture = new Fixture(dataDir, new WebSocketEgress(0),
            (ctx) -> ctx.threadingMode(ThreadingMode.SHARED).waitStrategy("blocking"),
            (engine, ctx) -> ctx.engineCycle(engine.lendableCycle(), TimeUnit.HOURS.toNanos(1)));
        final EngineCycle cycle = fixture.engine.lendableCycle();
        await().atMost(Duration.ofSeconds(10)).until(cycle::isLent);
        final TestClient client = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN);
        assertThat(isIn(fixture.egress.sessions(WebSocketEgress.ALL_FEED)[0].channel().eventLoop(),
            fixture.server.httpGroup())).as("a few clients stay on the loop that runs the engine").isTrue();

        final HttpResponse<String> posted = fixture.http.send(HttpRequest.newBuilder(
            fixture.http("/api/events?token=" + Fixture.TOKEN))
            .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"TransactionReceived\",\"amountSats\":42}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(202);
        final long receipt = MAPPER.readTree(posted.body()).get("receipt").asLong();
        assertThat(MAPPER.readTree(client.nextText()).get("sequence").asLong()).isEqualTo(receipt);
        // Published from this thread while the loop is blocked: the waker brings the loop back.
        for (int i = 0; i < 20; i++)
        {
            final long sequence = fixture.publishPayment(1000 + i);
            assertThat(MAPPER.readTree(client.nextText()).get("sequence").asLong()).isEqualTo(sequence);
        }
        assertThat(fixture.plugin.threads).hasSize(21).allMatch((name) -> name.startsWith("cc-web-http"));

        fixture.server.close();
        assertThat(cycle.isLent()).as("given back when the loop stopped").isFalse();
        final long sequence = fixture.publishPayment(7);
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.plugin.seen.stream()
            .anyMatch((node) -> node.get("sequence").asLong() == sequence));
        assertThat(fixture.plugin.threads.get(fixture.plugin.threads.size() - 1)).startsWith("cc-engine");
    }

    @Test
    void shouldReadHandleAndWriteAPostedEventOnOneLoopWithNoFanoutThreadsAndDrainAFullRingThere() throws Exception
    {
        fixture = new Fixture(dataDir, new WebSocketEgress(0),
            (ctx) -> ctx.threadingMode(ThreadingMode.SHARED).waitStrategy("blocking").inputRingSize(32 * 1024)
                .outputRingSize(32 * 1024),
            (engine, ctx) -> ctx.httpThreads(1).fanoutThreads(0).maxConnections(1000).maxConnectionsPerAddress(1000)
                // Room for every frame in each connection's buffer: the slow-client policy is not under test.
                .writeBufferHighWaterMark(1 << 20).writeBufferLowWaterMark(512 << 10)
                .engineCycle(engine.lendableCycle(), TimeUnit.HOURS.toNanos(1)));
        await().atMost(Duration.ofSeconds(10)).until(fixture.engine.lendableCycle()::isLent);
        final List<TestClient> clients = new ArrayList<>();
        // More clients than a fan-out ring holds frames of one duty cycle's outputs (256 per plugin).
        final int clientCount = FanoutLoop.CAPACITY / 256 + 44;
        for (int i = 0; i < clientCount; i++)
        {
            clients.add(fixture.connect("/ws/all?token=" + Fixture.TOKEN));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.egress.connectedClients() == clientCount);
        final EventLoop loop = fixture.egress.sessions(WebSocketEgress.ALL_FEED)[0].channel().eventLoop();
        assertThat(isIn(loop, fixture.server.httpGroup())).as("stays on the HTTP loop").isTrue();

        // Hold the loop, then publish: the engine's cycle then fills the fan-out ring on the thread that drains it,
        // and must drain it there to lose nothing.
        final CountDownLatch held = new CountDownLatch(1);
        loop.execute(() ->
        {
            held.countDown();
            awaitQuietly(release);
        });
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        final int events = 300;
        final long[] sequences = new long[events];
        for (int i = 0; i < events; i++)
        {
            sequences[i] = fixture.publishPayment(1 + i);
        }
        release.countDown();
        for (final TestClient client : clients)
        {
            for (int i = 0; i < events; i++)
            {
                assertThat(MAPPER.readTree(client.nextText()).get("sequence").asLong()).isEqualTo(sequences[i]);
            }
        }
        assertThat(fixture.egress.drops()).isZero();
        assertThat(Set.copyOf(fixture.plugin.threads)).singleElement().asString().startsWith("cc-web-http");
    }

    private static boolean isIn(final EventLoop loop, final EventLoopGroup group)
    {
        for (final EventExecutor executor : group)
        {
            if (executor == loop)
            {
                return true;
            }
        }
        return false;
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
