package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
