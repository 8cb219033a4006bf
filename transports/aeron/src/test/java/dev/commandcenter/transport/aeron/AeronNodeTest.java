package dev.commandcenter.transport.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class AeronNodeTest
{
    @TempDir
    Path dir;

    private static AeronSettings small()
    {
        final AeronSettings settings = new AeronSettings();
        settings.termLength = 64 * 1024;
        return settings;
    }

    @Test
    void shouldEmbedADriverInTheDataDirAndCarryIpcBetweenItsClientAndAnExternalConnection()
    {
        try (AeronNode engineSide = AeronNode.launch(small(), dir, Throwable::printStackTrace))
        {
            assertThat(engineSide.embedded()).isTrue();
            assertThat(Path.of(engineSide.directory())).isEqualTo(dir.resolve(AeronNode.EMBEDDED_DIR_NAME).toAbsolutePath());
            assertThat(Files.isDirectory(Path.of(engineSide.directory()))).isTrue();

            final AeronSettings external = small();
            external.dir = engineSide.directory();
            try (AeronNode otherProcess = AeronNode.launch(external, dir.resolve("elsewhere"), Throwable::printStackTrace);
                Subscription subscription = engineSide.aeron().addSubscription("aeron:ipc", 77);
                ExclusivePublication publication = otherProcess.aeron().addExclusivePublication("aeron:ipc", 77))
            {
                assertThat(otherProcess.embedded()).isFalse();
                assertThat(otherProcess.driverContext()).isNull();
                assertThat(Files.exists(dir.resolve("elsewhere"))).as("no driver of its own").isFalse();

                final UnsafeBuffer message = new UnsafeBuffer(new byte[] { 1, 2, 3, 4 });
                await().atMost(Duration.ofSeconds(20)).until(() -> publication.offer(message) > 0);
                final List<Integer> received = new ArrayList<>();
                await().atMost(Duration.ofSeconds(20)).until(() ->
                {
                    subscription.poll((buffer, offset, length, header) -> received.add(length), 10);
                    return !received.isEmpty();
                });
                assertThat(received).containsExactly(4);
            }
        }
    }

    @Test
    void shouldDefaultToASharedBackOffDriverAndOfferTheDedicatedBusySpinLatencyProfile()
    {
        try (AeronNode node = AeronNode.embed(small(), dir.resolve("default").toString(), Throwable::printStackTrace))
        {
            final MediaDriver.Context ctx = node.driverContext();
            assertThat(ctx.threadingMode()).isEqualTo(ThreadingMode.SHARED);
            assertThat(ctx.sharedIdleStrategy()).isInstanceOf(BackoffIdleStrategy.class);
            assertThat(ctx.ipcTermBufferLength()).isEqualTo(64 * 1024);
        }

        final AeronSettings latency = small();
        latency.threading = ThreadingMode.DEDICATED;
        latency.idle = AeronSettings.Idle.BUSY_SPIN;
        try (AeronNode node = AeronNode.embed(latency, dir.resolve("latency").toString(), Throwable::printStackTrace))
        {
            final MediaDriver.Context ctx = node.driverContext();
            assertThat(ctx.threadingMode()).isEqualTo(ThreadingMode.DEDICATED);
            assertThat(ctx.senderIdleStrategy()).isInstanceOf(BusySpinIdleStrategy.class);
            assertThat(ctx.receiverIdleStrategy()).isInstanceOf(BusySpinIdleStrategy.class);
            assertThat(ctx.conductorIdleStrategy()).isInstanceOf(BusySpinIdleStrategy.class);
        }
    }
}
