package dev.commandcenter.engine;

import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.counters.CountersFile;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sampler is an agent: on its own thread with the context's idle strategy, or on an invoker the caller drives.
 */
@Timeout(60)
class EngineSamplerTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldIdleTheSamplerThreadWithTheContextsIdleStrategy()
    {
        final AtomicLong idles = new AtomicLong();
        final IdleStrategy counting = new IdleStrategy()
        {
            public void idle(final int workCount)
            {
                if (0 == workCount)
                {
                    idles.incrementAndGet();
                }
                LockSupport.parkNanos(1_000_000);
            }

            public void idle()
            {
                idles.incrementAndGet();
            }

            public void reset()
            {
            }
        };

        try (Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir).samplerIdleStrategy(counting)))
        {
            assertThat(engine.samplerAgentInvoker()).isNull();
            await().atMost(Duration.ofSeconds(10)).until(() -> idles.get() > 0);
        }
    }

    @Test
    void shouldSampleOnlyWhenTheInvokerRunsAndTheIntervalHasPassed()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(5_000);
        try (Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir).epochClock(clock)
            .sampleIntervalMs(1_000).useSamplerAgentInvoker(true));
            CountersFile file = CountersFile.open(dataDir.resolve(CountersFile.FILE_NAME)))
        {
            assertThat(file.heartbeatMs()).as("sampled once at launch").isEqualTo(5_000);

            clock.advance(999);
            assertThat(engine.samplerAgentInvoker().invoke()).isZero();
            assertThat(file.heartbeatMs()).isEqualTo(5_000);

            clock.advance(1);
            assertThat(engine.samplerAgentInvoker().invoke()).isEqualTo(1);
            assertThat(file.heartbeatMs()).isEqualTo(6_000);
        }
    }
}
