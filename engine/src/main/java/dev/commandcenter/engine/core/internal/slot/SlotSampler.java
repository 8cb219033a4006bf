package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.core.PluginSpec;
import org.HdrHistogram.Histogram;

/**
 * The sampler's view of one plugin slot: updates the lag and latency gauges and fires the monitoring
 * transitions of its health: {@link HealthTransition#STALL} when the plugin made no progress for its stall
 * timeout while events waited, {@link HealthTransition#DEGRADE} when a detached plugin dropped events or a
 * blocking one is beyond its lag limit, and their way back.
 * <p>
 * <b>Note:</b> called by the sampler thread only; its fields are that thread's. It reads the slot's
 * delivery and sequences (volatile, acquire) and never writes anything the slot thread reads.
 */
public final class SlotSampler
{
    private final SlotResources res;
    private Histogram interval;
    private Delivery sampledDelivery;
    private long lastProgress = Long.MIN_VALUE;
    private long lastProgressMs;
    private long lastDropped;

    /**
     * A sampler of one slot.
     *
     * @param res what the slot's parts share.
     */
    public SlotSampler(final SlotResources res)
    {
        this.res = res;
    }

    /**
     * Take one sample.
     *
     * @param nowMs           epoch ms of the sample.
     * @param lag             events published but not yet handled by the plugin.
     * @param delivery        the slot's current delivery, null when the slot does not run.
     * @param journalPosition ring position the journaller has passed.
     */
    public void sample(final long nowMs, final long lag, final Delivery delivery, final long journalPosition)
    {
        final SlotCounters counters = res.counters();
        counters.lag.setRelease(lag);
        final Histogram histogram = res.latency().getIntervalHistogram(interval);
        interval = histogram;
        if (histogram.getTotalCount() > 0)
        {
            counters.p50.setRelease(histogram.getValueAtPercentile(50));
            counters.p99.setRelease(histogram.getValueAtPercentile(99));
        }
        final long droppedNow = counters.dropped.get();
        final long newDrops = droppedNow - lastDropped;
        lastDropped = droppedNow;
        if (null == delivery)
        {
            return;
        }
        if (delivery != sampledDelivery)
        {
            // A new activation: its progress starts afresh.
            sampledDelivery = delivery;
            lastProgress = Long.MIN_VALUE;
        }
        final SlotHealth health = res.health();
        final PluginSpec spec = delivery.activation().spec();

        final long progress = delivery.progress();
        final boolean pending = delivery.pending(journalPosition);
        if (progress != lastProgress || !pending)
        {
            lastProgress = progress;
            lastProgressMs = nowMs;
            health.apply(HealthTransition.RECOVER, "");
        }
        else if (spec.stallTimeoutMs() > 0 && nowMs - lastProgressMs >= spec.stallTimeoutMs())
        {
            health.apply(HealthTransition.STALL, "no progress for " + (nowMs - lastProgressMs) + " ms with " + lag +
                " events waiting (stallTimeoutMs " + spec.stallTimeoutMs() + ")");
        }

        if (delivery instanceof DetachedDelivery detached)
        {
            if (newDrops > 0)
            {
                health.apply(HealthTransition.DEGRADE, "fell behind: dropped " + newDrops +
                    " events since the last sample, " + droppedNow + " in all (buffer of " + detached.capacity() +
                    " full, backPressure detach)");
            }
            else if (detached.backlog() <= detached.capacity() / 2)
            {
                health.apply(HealthTransition.CATCH_UP, "");
            }
        }
        else
        {
            final int limit = spec.lagLimit();
            if (lag > limit)
            {
                health.apply(HealthTransition.DEGRADE, "lag " + lag + " exceeds lagLimit " + limit +
                    ": holding the ring back (backPressure block)");
            }
            else
            {
                health.apply(HealthTransition.CATCH_UP, "");
            }
        }
    }
}
