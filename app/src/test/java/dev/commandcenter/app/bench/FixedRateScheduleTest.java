package dev.commandcenter.app.bench;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The schedule and the recorder on an injected clock: latency is measured from the intended send time, so a
 * receiver that stalls the sender is charged to every event queued behind the stall (no coordinated omission).
 */
@Timeout(30)
class FixedRateScheduleTest
{
    private static final long RATE = 1_000;
    private static final long EVENTS = 1_000;
    private static final long PERIOD_NS = TimeUnit.SECONDS.toNanos(1) / RATE;
    private static final long STALL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long STALLED_INDEX = 100;

    private final CachedNanoClock clock = new CachedNanoClock();

    @Test
    void shouldSendEachEventWhenItIsDue()
    {
        final FixedRateSchedule schedule = new FixedRateSchedule(1_000, RATE, 5);
        final List<Long> sentAt = new ArrayList<>();

        final long sent = schedule.run(0, 1, clock, advancing(1_000), parking(), (index, intendedNs) ->
        {
            assertThat(intendedNs).isEqualTo(schedule.intendedNs(index));
            sentAt.add((Long)clock.nanoTime());
        });

        assertThat(sent).isEqualTo(5);
        assertThat(sentAt).containsExactly(1_000L, 1_000L + PERIOD_NS, 1_000L + 2 * PERIOD_NS, 1_000L + 3 * PERIOD_NS,
            1_000L + 4 * PERIOD_NS);
        assertThat(schedule.endNs()).isEqualTo(1_000L + 5 * PERIOD_NS);
    }

    @Test
    void shouldShareTheScheduleBetweenThreadsWithoutGapsOrRepeats()
    {
        final FixedRateSchedule schedule = new FixedRateSchedule(0, RATE, 10);
        final List<Long> indices = new ArrayList<>();

        schedule.run(0, 3, clock, advancing(PERIOD_NS), parking(), (index, intendedNs) -> indices.add(index));
        schedule.run(1, 3, clock, advancing(PERIOD_NS), parking(), (index, intendedNs) -> indices.add(index));
        schedule.run(2, 3, clock, advancing(PERIOD_NS), parking(), (index, intendedNs) -> indices.add(index));

        assertThat(indices).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void shouldChargeAStalledReceiverToEveryEventQueuedBehindIt()
    {
        final FixedRateSchedule schedule = new FixedRateSchedule(0, RATE, EVENTS);
        final LatencyRecorder recorder = new LatencyRecorder(7, schedule, 1);

        // A request-response receiver: each send returns with the answer, at once, except one that stalls for
        // STALL_NS, holding the sender (and every event due meanwhile) back.
        schedule.run(0, 1, clock, advancing(PERIOD_NS / 10), parking(), (index, intendedNs) ->
        {
            recorder.onSent();
            if (STALLED_INDEX == index)
            {
                clock.advance(STALL_NS);
            }
            recorder.onReceived(index, clock.nanoTime(), null);
        });

        final Histogram latency = recorder.sampleInterval(null);
        assertThat(latency.getTotalCount()).isEqualTo(EVENTS);
        assertThat(latency.getMaxValue()).isGreaterThanOrEqualTo(STALL_NS);
        // Events due during the stall waited from their due time to its end: 100 ms, 99 ms, ... down to 0.
        final long queuedBehind = STALL_NS / PERIOD_NS;
        assertThat(latency.getCountBetweenValues(STALL_NS / 2, Long.MAX_VALUE)).isGreaterThanOrEqualTo(queuedBehind / 2 - 1);
        assertThat(latency.getValueAtPercentile(96.0)).isGreaterThanOrEqualTo(STALL_NS / 2);
        assertThat(latency.getValueAtPercentile(50.0)).isLessThan(PERIOD_NS);
    }

    @Test
    void shouldParkALongWaitInOneGoAndLeaveTheLastMarginToTheIdleStrategy()
    {
        final long periodNs = TimeUnit.MILLISECONDS.toNanos(2);
        final FixedRateSchedule schedule = new FixedRateSchedule(0, TimeUnit.SECONDS.toNanos(1) / periodNs, 3);
        final List<Long> parks = new ArrayList<>();
        final List<Long> sentAt = new ArrayList<>();
        final long idleStepNs = 10_000;

        schedule.run(0, 1, clock, advancing(idleStepNs), nanos ->
        {
            parks.add(nanos);
            clock.advance(nanos);
        }, (index, intendedNs) -> sentAt.add(clock.nanoTime()));

        // Event 0 is due at once; each later one 2 ms after its predecessor: one park of 2 ms less the margin,
        // then idle steps until due, never after it.
        assertThat(parks).containsExactly(periodNs - FixedRateSchedule.PARK_MARGIN_NS,
            periodNs - FixedRateSchedule.PARK_MARGIN_NS);
        assertThat(sentAt).containsExactly(0L, periodNs, 2 * periodNs);
    }

    private FixedRateSchedule.Parker parking()
    {
        return clock::advance;
    }

    private IdleStrategy advancing(final long stepNs)
    {
        return new IdleStrategy()
        {
            public void idle(final int workCount)
            {
                if (workCount <= 0)
                {
                    idle();
                }
            }

            public void idle()
            {
                clock.advance(stepNs);
            }

            public void reset()
            {
            }
        };
    }

    @Test
    void shouldRefuseARateOfZero()
    {
        assertThatThrownBy(() -> new FixedRateSchedule(0, 0, 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("rate must be more than 0 events per second, got 0");
    }
}
