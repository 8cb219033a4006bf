package dev.commandcenter.perf.soak;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchSummaryTest
{
    private static final String SUMMARY = """
        commandcenter bench  2026-12-01T18:30:00Z
        target     http://127.0.0.1:41234
        transport  rest, 200 WebSocket client(s) receiving
        load       100 events/s for 20.0 s after a 5.0 s warm-up, 1 sender thread(s)
        machine    2 cores, Linux amd64, Java 25.0.3, load average 1.90 at the end
        sent       2,000 events in 19.99 s (100.0 events/s), 3 send errors (first: POST /api/events answered 503 busy)
        received   399,000 of 400,000 alerts (19950.0 alerts/s), 1,000 timeouts

        latency, ms                                p50       p90       p99     p99.9       max     count
        end to end (intended send -> frame)      1.250     2.500    10.125    50.000    75.500   399,000
        POST -> 202 (from intended send)         0.900     1.100     4.750     9.000    12.000     1,997
          ingress -> journaled                   0.010     0.020     0.300     0.500     0.700   399,000
        """;

    @Test
    void shouldReadCountsAndPercentilesOfABenchSummary()
    {
        final BenchSummary summary = BenchSummary.parse(SUMMARY, 400_000);

        assertThat(summary.sent()).isEqualTo(2_000);
        assertThat(summary.sendErrors()).isEqualTo(3);
        assertThat(summary.firstError()).isEqualTo("POST /api/events answered 503 busy");
        assertThat(summary.received()).isEqualTo(399_000);
        assertThat(summary.expected()).isEqualTo(400_000);
        assertThat(summary.lost()).isEqualTo(1_000);
        assertThat(summary.p50Ms()).isEqualTo(1.25);
        assertThat(summary.p99Ms()).isEqualTo(10.125);
        assertThat(summary.p999Ms()).isEqualTo(50.0);
        assertThat(summary.maxMs()).isEqualTo(75.5);
        assertThat(summary.post202P99Ms()).isEqualTo(4.75);
    }

    @Test
    void shouldCountEveryFrameLostWhenTheBenchGaveNoSummary()
    {
        final BenchSummary summary = BenchSummary.failed(400_000, "the bench exited with 1");

        assertThat(summary.lost()).isEqualTo(400_000);
        assertThat(summary.firstError()).isEqualTo("the bench exited with 1");
    }

    @Test
    void shouldRefuseTextThatIsNotABenchSummary()
    {
        assertThatThrownBy(() -> BenchSummary.parse("Exception in thread main", 10))
            .hasMessageStartingWith("not a bench summary");
    }
}
