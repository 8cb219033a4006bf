package dev.commandcenter.transport.electrum.internal;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ReconnectBackoffTest
{
    @Test
    void shouldGrowExponentiallyWithJitterUpToTheCap()
    {
        final ReconnectBackoff backoff = new ReconnectBackoff(1_000, 8_000, new SplittableRandom(3));
        final long[] ceilings = { 1_000, 2_000, 4_000, 8_000, 8_000, 8_000 };
        for (final long ceiling : ceilings)
        {
            assertThat(backoff.nextDelayMs()).isBetween(ceiling / 2, ceiling);
        }
        assertThat(backoff.failures()).isEqualTo(6);

        backoff.reset();
        assertThat(backoff.nextDelayMs()).isBetween(500L, 1_000L);
    }

    @Test
    void shouldBeReproducibleWithTheSameRandomAndNotAllEqual()
    {
        final ReconnectBackoff a = new ReconnectBackoff(1_000, 60_000, new SplittableRandom(11));
        final ReconnectBackoff b = new ReconnectBackoff(1_000, 60_000, new SplittableRandom(11));
        final long[] delays = new long[20];
        for (int i = 0; i < delays.length; i++)
        {
            delays[i] = a.nextDelayMs();
            assertThat(b.nextDelayMs()).isEqualTo(delays[i]);
        }
        assertThat(delays[19]).isBetween(30_000L, 60_000L);

        final ReconnectBackoff c = new ReconnectBackoff(60_000, 60_000, new SplittableRandom(1));
        final long first = c.nextDelayMs();
        boolean varied = false;
        for (int i = 0; i < 10; i++)
        {
            varied |= c.nextDelayMs() != first;
        }
        assertThat(varied).isTrue();
    }

    @Test
    void shouldNotOverflowAfterManyFailures()
    {
        final ReconnectBackoff backoff = new ReconnectBackoff(1_000, 60_000, new SplittableRandom(5));
        for (int i = 0; i < 200; i++)
        {
            assertThat(backoff.nextDelayMs()).isBetween(0L, 60_000L);
        }
        assertThat(new ReconnectBackoff(0, 0, new SplittableRandom(5)).nextDelayMs()).isZero();
    }
}
