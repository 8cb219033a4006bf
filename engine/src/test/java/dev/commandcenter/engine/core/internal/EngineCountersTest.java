package dev.commandcenter.engine.core.internal;

import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class EngineCountersTest
{
    private static final int THREADS = 4;
    private static final int ROUNDS = 2_000;

    @TempDir
    Path dataDir;

    @Test
    void shouldAllocateAndFreeFromManyThreadsAtOnce() throws Exception
    {
        try (EngineCounters counters = new EngineCounters(dataDir, 1024, 64 * 1024, SystemEpochClock.INSTANCE, null))
        {
            final CyclicBarrier start = new CyclicBarrier(THREADS);
            final List<CompletableFuture<List<AtomicCounter>>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final String suffix = "worker-" + t;
                workers.add(CompletableFuture.supplyAsync(() ->
                {
                    await(start);
                    final List<AtomicCounter> kept = new ArrayList<>();
                    for (int i = 0; i < ROUNDS; i++)
                    {
                        final AtomicCounter counter = counters.allocate(CounterType.WS_CLIENTS, suffix);
                        counter.set(i);
                        if (0 == i % 100)
                        {
                            kept.add(counter);
                        }
                        else
                        {
                            counter.close();
                        }
                    }
                    return kept;
                }));
            }

            final Set<Integer> ids = new HashSet<>();
            for (int t = 0; t < THREADS; t++)
            {
                for (final AtomicCounter counter : workers.get(t).get())
                {
                    assertThat(ids.add(counter.id())).as("counter id %d given twice", counter.id()).isTrue();
                    assertThat(counters.reader().getCounterLabel(counter.id()))
                        .isEqualTo(CounterType.WS_CLIENTS.label() + ": worker-" + t);
                }
            }
            assertThat(ids).hasSize(THREADS * ROUNDS / 100);
        }
    }

    private static void await(final CyclicBarrier barrier)
    {
        try
        {
            barrier.await();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
