package dev.commandcenter.app.bench;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The saturating schedule on an injected clock: never more than the window in flight, latency from the actual
 * send time, and an end when the window stops moving.
 */
@Timeout(30)
class WindowedScheduleTest
{
    private static final int WINDOW = 4;
    private static final int CLIENTS = 3;
    private static final long STEP_NS = 1_000;
    private static final long DURATION_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final CachedNanoClock clock = new CachedNanoClock();

    @Test
    void shouldKeepAtMostTheWindowInFlightAndSendAsFastAsItMoves()
    {
        final WindowedSchedule schedule = new WindowedSchedule(0, DURATION_NS, WINDOW, 1 << 16, DURATION_NS);
        final LatencyRecorder recorder = new LatencyRecorder(7, schedule, CLIENTS);
        schedule.receivers(CLIENTS);
        final ArrayDeque<Long> inFlight = new ArrayDeque<>();
        final long[] mostInFlight = new long[1];

        // A server that delivers the oldest event in flight to every client each time the sender waits.
        final long sent = schedule.run(0, 1, clock, delivering(inFlight, recorder), (index, sentNs) ->
        {
            recorder.onSent();
            inFlight.add(index);
            mostInFlight[0] = Math.max(mostInFlight[0], schedule.inFlight());
        });

        assertThat(mostInFlight[0]).isEqualTo(WINDOW);
        assertThat(sent).isEqualTo(recorder.sent()).isGreaterThan(WINDOW);
        assertThat(schedule.stalled()).isFalse();
        assertThat(recorder.expectedReceives()).isEqualTo(sent * CLIENTS);
        final Histogram latency = recorder.sampleInterval(null);
        // Each event waits for the WINDOW - 1 ahead of it and then its own delivery: measured from its send time.
        assertThat(latency.getMaxValue()).isLessThanOrEqualTo((WINDOW + 1) * STEP_NS);
    }

    @Test
    void shouldHoldTheWindowForTheSlowestClientEvenWhenTheOthersAreAhead()
    {
        final WindowedSchedule schedule = new WindowedSchedule(0, DURATION_NS, WINDOW, 1 << 16,
            TimeUnit.MILLISECONDS.toNanos(1));
        final LatencyRecorder recorder = new LatencyRecorder(7, schedule, CLIENTS);
        schedule.receivers(CLIENTS);

        // Every client but one receives each event at once; the last one never does.
        final long sent = schedule.run(0, 1, clock, advancing(), (index, sentNs) ->
        {
            recorder.onSent();
            for (int i = 0; i < CLIENTS - 1; i++)
            {
                recorder.onReceived(index, sentNs, null);
            }
        });

        assertThat(sent).isEqualTo(WINDOW);
        assertThat(schedule.stalled()).isTrue();
    }

    @Test
    void shouldEndWhenTheWindowStopsMoving()
    {
        final long stallNs = TimeUnit.MILLISECONDS.toNanos(1);
        final WindowedSchedule schedule = new WindowedSchedule(0, DURATION_NS, WINDOW, 1 << 16, stallNs);
        final LatencyRecorder recorder = new LatencyRecorder(7, schedule, CLIENTS);
        schedule.receivers(CLIENTS);

        final long sent = schedule.run(0, 1, clock, advancing(), (index, sentNs) -> recorder.onSent());

        assertThat(sent).isEqualTo(WINDOW);
        assertThat(schedule.stalled()).isTrue();
        assertThat(clock.nanoTime()).isLessThan(DURATION_NS);
    }

    @Test
    void shouldCountRefusedEventsOutOfTheWindow()
    {
        final WindowedSchedule schedule = new WindowedSchedule(0, DURATION_NS, WINDOW, 100, DURATION_NS);
        final LatencyRecorder recorder = new LatencyRecorder(7, schedule, CLIENTS);
        schedule.receivers(CLIENTS);

        final long sent = schedule.run(0, 1, clock, advancing(), (index, sentNs) ->
        {
            recorder.onSent();
            recorder.onSendError(index, "refused");
        });

        assertThat(sent).isEqualTo(100);
        assertThat(schedule.stalled()).isFalse();
    }

    @Test
    void shouldRefuseAnEmptyWindow()
    {
        assertThatThrownBy(() -> new WindowedSchedule(0, DURATION_NS, 0, 1, DURATION_NS))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("window must be 1 or more events in flight, got 0");
    }

    private IdleStrategy delivering(final ArrayDeque<Long> inFlight, final LatencyRecorder recorder)
    {
        return new IdleStrategy()
        {
            public void idle(final int workCount)
            {
                idle();
            }

            public void idle()
            {
                clock.advance(STEP_NS);
                final Long index = inFlight.poll();
                if (null != index)
                {
                    for (int i = 0; i < CLIENTS; i++)
                    {
                        recorder.onReceived(index, clock.nanoTime(), null);
                    }
                }
            }

            public void reset()
            {
            }
        };
    }

    private IdleStrategy advancing()
    {
        return new IdleStrategy()
        {
            public void idle(final int workCount)
            {
                idle();
            }

            public void idle()
            {
                clock.advance(STEP_NS);
            }

            public void reset()
            {
            }
        };
    }
}
