package dev.commandcenter.transport.electrum.internal;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter between reconnect attempts: the n-th consecutive failure waits a
 * random time between half and all of {@code min(max, min * 2^n)}, so many clients of one server do
 * not reconnect in step.
 * <p>
 * <b>Note:</b> not thread safe.
 */
public final class ReconnectBackoff
{
    private final long minMs;
    private final long maxMs;
    private final RandomGenerator random;
    private int failures;

    /**
     * A backoff.
     *
     * @param minMs  delay after the first failure (upper end of its range).
     * @param maxMs  cap on the delay.
     * @param random source of jitter, injectable for tests.
     */
    public ReconnectBackoff(final long minMs, final long maxMs, final RandomGenerator random)
    {
        this.minMs = minMs;
        this.maxMs = Math.max(minMs, maxMs);
        this.random = random;
    }

    /**
     * Count a failure and return how long to wait before the next attempt.
     *
     * @return delay in milliseconds.
     */
    public long nextDelayMs()
    {
        final int exponent = Math.min(failures, 40);
        failures++;
        final long ceiling = Math.min(maxMs, minMs << Math.min(exponent, Long.numberOfLeadingZeros(Math.max(1, minMs)) - 1));
        if (ceiling <= 1)
        {
            return ceiling;
        }
        final long half = ceiling / 2;
        return half + random.nextLong(ceiling - half + 1);
    }

    /**
     * Consecutive failures counted since the last reset.
     *
     * @return the count.
     */
    public int failures()
    {
        return failures;
    }

    /**
     * Forget the failures after a successful connection.
     */
    public void reset()
    {
        failures = 0;
    }
}
