package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of outputs larger than a fan-out event loop's ring ({@link FanoutLoop#CAPACITY} writes) while that loop
 * is busy: the egress holds the outputs that do not fit on the engine's output ring until the loop has drained,
 * counts the wait, drops nothing, and every client gets every frame in order once the loop runs again.
 */
@Timeout(120)
class FanoutBackPressureTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int CLIENTS = 16;
    private static final int OUTPUTS = FanoutLoop.CAPACITY / CLIENTS + 256;

    @TempDir
    Path dataDir;

    private final CountDownLatch release = new CountDownLatch(1);
    private Fixture fixture;

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
    void shouldHoldOutputsWhileAFanoutLoopIsFullAndDeliverEveryFrameInOrder() throws Exception
    {
        fixture = new Fixture(dataDir, 0, (ctx) -> {}, (ctx) -> ctx.httpThreads(1).fanoutThreads(1));
        final List<TestClient> viewers = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++)
        {
            viewers.add(fixture.subscribe("/ws/alerts?token=" + Fixture.OVERLAY_TOKEN));
        }
        final EventLoop loop = fixture.egress.sessions(AlertPlugin.ID)[0].channel().eventLoop();
        final CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() ->
        {
            busy.countDown();
            try
            {
                release.await(60, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < OUTPUTS; i++)
        {
            fixture.publishPayment(1_000 + i);
        }
        // The loop's ring is full after CAPACITY / CLIENTS outputs: the next one waits, or (before) was dropped.
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.egress.fanoutWaits() > 0 || fixture.egress.drops() > 0);
        assertThat(fixture.egress.drops()).isZero();
        assertThat(fixture.engine.isDrained()).as("outputs held on the output ring").isFalse();

        release.countDown();
        for (final TestClient viewer : viewers)
        {
            for (int i = 0; i < OUTPUTS; i++)
            {
                assertThat(MAPPER.readTree(viewer.nextText()).get("amountSats").asLong()).isEqualTo(1_000 + i);
            }
        }
        assertThat(fixture.egress.drops()).isZero();
        assertThat(fixture.egress.fanoutWaits()).isPositive();
        fixture.awaitDrained();
    }
}
