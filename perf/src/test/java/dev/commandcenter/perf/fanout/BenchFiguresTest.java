package dev.commandcenter.perf.fanout;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Reading {@code commandcenter bench}'s summary: the figures the fan-out table is made of.
 */
class BenchFiguresTest
{
    static final String SATURATED = String.join("\n",
        "commandcenter bench  2026-12-01T21:28:28Z",
        "target     http://127.0.0.1:42189",
        "transport  rest, 10 WebSocket client(s) receiving",
        "load       as fast as accepted, at most 128 events in flight for 3.0 s after a 1.0 s warm-up, 1 sender " +
            "thread(s), latency from the actual send time",
        "machine    2 cores, Linux amd64, Java 25.0.3+9-LTS, load average 15.47 at the end",
        "sent       1,481 events in 3.00 s (493.6 events/s), 0 send errors",
        "received   14,800 of 14,810 alerts (4618.3 alerts/s), 10 timeouts, 377.6 bytes per frame",
        "stalled    the window of 128 events in flight did not move for 10000 ms: sending ended early",
        "server     pid 25881: 320.0 ms CPU over the run (120.0 ms in the kernel), 21.61 us per frame received " +
            "(8.11 in the kernel)",
        "threads    cc-web-http-4-1 12.00 (kernel 5.00), cc-engine 6.50 (kernel 1.00) us per frame received (the server's busiest, each with its part in the kernel)",
        "generator  this process: 250.0 ms CPU over the run (90.0 ms in the kernel), 16.89 us per frame received " +
            "(6.08 in the kernel)",
        "",
        "latency, ms                                p50       p90       p99     p99.9       max     count",
        "end to end (intended send -> frame)    169.345   467.665  1302.331  1737.490  2039.480    14,800",
        "POST -> 202 (from intended send)       156.238   466.878  1288.700  1716.519  1783.628     1,481",
        "  (no stage stamps in the frames: per-stage latency needs a server that traces)",
        "");

    static final String PACED_WITHOUT_CPU = String.join("\n",
        "commandcenter bench  2026-12-01T21:28:28Z",
        "sent       5,000 events in 10.00 s (500.0 events/s), 2 send errors (first: POST /api/events answered 503 busy)",
        "received   4,998 of 5,000 alerts (499.8 alerts/s), 2 timeouts",
        "",
        "latency, ms                                p50       p90       p99     p99.9       max     count",
        "end to end (intended send -> frame)          -         -         -         -         -         0",
        "");

    @Test
    void shouldReadEveryFigureOfASaturatedRun()
    {
        final BenchFigures figures = BenchFigures.parse(SATURATED);

        assertThat(figures.sent()).isEqualTo(1_481);
        assertThat(figures.sendErrors()).isZero();
        assertThat(figures.firstError()).isEmpty();
        assertThat(figures.received()).isEqualTo(14_800);
        assertThat(figures.expected()).isEqualTo(14_810);
        assertThat(figures.lost()).isEqualTo(10);
        assertThat(figures.framesPerSecond()).isCloseTo(4618.3, within(1e-9));
        assertThat(figures.bytesPerFrame()).isCloseTo(377.6, within(1e-9));
        assertThat(figures.p50Ms()).isCloseTo(169.345, within(1e-9));
        assertThat(figures.p99Ms()).isCloseTo(1302.331, within(1e-9));
        assertThat(figures.p999Ms()).isCloseTo(1737.490, within(1e-9));
        assertThat(figures.cpuUsPerFrame()).isCloseTo(21.61, within(1e-9));
        assertThat(figures.kernelUsPerFrame()).isCloseTo(8.11, within(1e-9));
        assertThat(figures.generatorUsPerFrame()).isCloseTo(16.89, within(1e-9));
        assertThat(figures.stalled()).isTrue();
        assertThat(figures.measured()).isTrue();
    }

    @Test
    void shouldReadTheServersTotalWhereTheSystemDoesNotTellTheKernelsPart()
    {
        final BenchFigures figures = BenchFigures.parse(SATURATED.replaceAll("(?m)^(server|generator) .*$", "")
            + "server     pid 25881: 320.0 ms CPU over the run, 21.61 us per frame received\n"
            + "generator  this process: 250.0 ms CPU over the run, 16.89 us per frame received\n");

        assertThat(figures.cpuUsPerFrame()).isCloseTo(21.61, within(1e-9));
        assertThat(figures.kernelUsPerFrame()).isNaN();
        assertThat(figures.generatorUsPerFrame()).isCloseTo(16.89, within(1e-9));
    }

    @Test
    void shouldReadARunWithoutCpuStagesOrLatency()
    {
        final BenchFigures figures = BenchFigures.parse(PACED_WITHOUT_CPU);

        assertThat(figures.sendErrors()).isEqualTo(2);
        assertThat(figures.firstError()).isEqualTo("POST /api/events answered 503 busy");
        assertThat(figures.lost()).isEqualTo(2);
        assertThat(figures.bytesPerFrame()).isNaN();
        assertThat(figures.cpuUsPerFrame()).isNaN();
        assertThat(figures.kernelUsPerFrame()).isNaN();
        assertThat(figures.generatorUsPerFrame()).isNaN();
        assertThat(figures.p99Ms()).isNaN();
        assertThat(figures.stalled()).isFalse();
    }

    @Test
    void shouldCountEveryExpectedFrameLostWhenTheRunFailed()
    {
        final BenchFigures figures = BenchFigures.failed(5_000, "the bench exited with 1: cannot connect");

        assertThat(figures.lost()).isEqualTo(5_000);
        assertThat(figures.measured()).isFalse();
        assertThat(figures.firstError()).isEqualTo("the bench exited with 1: cannot connect");
    }

    @Test
    void shouldRefuseTextThatIsNotABenchSummary()
    {
        assertThatThrownBy(() -> BenchFigures.parse("Exception in thread main\n"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("not a bench summary")
            .hasMessageEndingWith(": Exception in thread main");
    }
}
