package dev.commandcenter.app.chat;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets by key (a connection or a client address): each key may take {@code ratePerSecond} tokens a second
 * with bursts of up to {@code burst}. At most {@code maxKeys} buckets are kept; a new key beyond that evicts the
 * idlest (least recently used) one, so a flood of distinct addresses cannot grow the map. An evicted key starts
 * again with a full bucket, the price of a bounded map.
 * <p>
 * <b>Note:</b> thread safe (one lock); time is passed in, in nanoseconds of a monotonic clock.
 */
public final class TokenBuckets
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final class Bucket
    {
        double tokens;
        long lastNs;
    }

    private final double ratePerSecond;
    private final int burst;
    private final int maxKeys;
    private final LinkedHashMap<String, Bucket> buckets;
    private long evictions;

    /**
     * @param ratePerSecond tokens added a second, more than 0.
     * @param burst         tokens a full bucket holds, 1 or more.
     * @param maxKeys       buckets kept, 1 or more.
     */
    public TokenBuckets(final double ratePerSecond, final int burst, final int maxKeys)
    {
        if (!(ratePerSecond > 0) || burst < 1 || maxKeys < 1)
        {
            throw new IllegalArgumentException("token buckets: expected a rate above 0, a burst and a size of 1 or more, " +
                "got " + ratePerSecond + ", " + burst + ", " + maxKeys);
        }
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.maxKeys = maxKeys;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true);
    }

    /**
     * Take one token for a key.
     *
     * @param key   the connection or address.
     * @param nowNs monotonic time.
     * @return 0 when taken, else the milliseconds until a token is there (1 or more).
     */
    public synchronized long tryTake(final String key, final long nowNs)
    {
        Bucket bucket = buckets.get(key);
        if (null == bucket)
        {
            if (buckets.size() >= maxKeys)
            {
                final Iterator<Map.Entry<String, Bucket>> idlest = buckets.entrySet().iterator();
                idlest.next();
                idlest.remove();
                evictions++;
            }
            bucket = new Bucket();
            bucket.tokens = burst;
            bucket.lastNs = nowNs;
            buckets.put(key, bucket);
        }
        else
        {
            final long elapsedNs = Math.max(0, nowNs - bucket.lastNs);
            bucket.tokens = Math.min(burst, bucket.tokens + elapsedNs * ratePerSecond / NANOS_PER_SECOND);
            bucket.lastNs = nowNs;
        }
        if (bucket.tokens >= 1)
        {
            bucket.tokens -= 1;
            return 0;
        }
        final double missing = 1 - bucket.tokens;
        return Math.max(1, (long)Math.ceil(missing * 1000 / ratePerSecond));
    }

    /**
     * Give back a token taken for a request that was then refused for another reason.
     *
     * @param key the key.
     */
    public synchronized void giveBack(final String key)
    {
        final Bucket bucket = buckets.get(key);
        if (null != bucket)
        {
            bucket.tokens = Math.min(burst, bucket.tokens + 1);
        }
    }

    /**
     * Buckets kept now.
     *
     * @return at most the size given.
     */
    public synchronized int size()
    {
        return buckets.size();
    }

    /**
     * Buckets evicted to keep the bound.
     *
     * @return the count.
     */
    public synchronized long evictions()
    {
        return evictions;
    }
}
