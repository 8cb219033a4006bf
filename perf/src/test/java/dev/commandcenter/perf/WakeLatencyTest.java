package dev.commandcenter.perf;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The machine's thread wake-up latency: one sample per unpark, none lost, none overlapping.
 */
@Timeout(60)
class WakeLatencyTest
{
    @Test
    void shouldRecordOneWakeUpPerUnparkWithinTheBound() throws InterruptedException
    {
        final Histogram histogram = WakeLatency.measure(200, 1_000_000L);

        assertThat(histogram.getTotalCount()).isEqualTo(200);
        assertThat(histogram.getMinValue()).isPositive();
        // Each sample waits for its wake-up, so none reaches the timeout on a machine that runs this test.
        assertThat(histogram.getMaxValue()).isLessThan(histogram.getHighestTrackableValue());
        assertThat(WakeLatency.describe(histogram, 1_000))
            .matches("p50 [\\d.]+ (µs|ms), p99 [\\d.]+ (µs|ms), p99\\.9 [\\d.]+ (µs|ms), max [\\d.]+ (µs|ms) " +
                "\\(200 at 1,000/s\\)");
    }

    @Test
    void shouldRefuseNoSamplesOrNoPeriod()
    {
        assertThatThrownBy(() -> WakeLatency.measure(0, 1_000)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("wake latency: expected 1 or more samples and a positive period, got 0 and 1000 ns");
        assertThatThrownBy(() -> WakeLatency.measure(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
