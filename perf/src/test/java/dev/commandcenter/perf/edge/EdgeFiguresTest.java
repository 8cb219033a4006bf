package dev.commandcenter.perf.edge;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Reading a bench summary into the edge table's figures: the maximum, the CPU of several server processes, lost and
 * duplicate frames.
 */
class EdgeFiguresTest
{
    static final String TWO_EDGES = String.join("\n",
        "commandcenter bench  2026-12-02T00:10:00Z",
        "target     http://127.0.0.1:42189, clients on [http://127.0.0.1:41001, http://127.0.0.1:41002]",
        "transport  rest, 20 WebSocket client(s) receiving",
        "sent       500 events in 5.00 s (100.0 events/s), 0 send errors",
        "received   10,003 of 10,000 alerts (1995.2 alerts/s), 0 timeouts, 377.0 bytes per frame",
        "server     pid 101+102+103: 1500.0 ms CPU over the run, 149.96 us per frame received",
        "",
        "latency, ms                                p50       p90       p99     p99.9       max     count",
        "end to end (intended send -> frame)      1.200     2.500     8.750    12.000    31.250    10,003",
        "POST -> 202 (from intended send)         0.900     1.500     4.000     6.000     9.000       500",
        "");

    static final String ONE_LOST = String.join("\n",
        "commandcenter bench  2026-12-02T00:10:00Z",
        "sent       100 events in 1.00 s (100.0 events/s), 0 send errors",
        "received   99 of 100 alerts (99.0 alerts/s), 1 timeouts, 377.0 bytes per frame",
        "server     pid 101: 50.0 ms CPU over the run, 505.05 us per frame received",
        "",
        "latency, ms                                p50       p90       p99     p99.9       max     count",
        "end to end (intended send -> frame)      0.700     0.900     2.000     2.100     2.200        99",
        "");

    @Test
    void shouldReadTheMaximumTheCpuOfSeveralProcessesAndFramesBeyondThoseExpectedAsDuplicates()
    {
        final EdgeFigures figures = EdgeFigures.parse(TWO_EDGES, Map.of("engine", 800.0));

        assertThat(figures.measured()).isTrue();
        assertThat(figures.bench().received()).isEqualTo(10_003);
        assertThat(figures.bench().p50Ms()).isCloseTo(1.2, within(1e-9));
        assertThat(figures.bench().p99Ms()).isCloseTo(8.75, within(1e-9));
        assertThat(figures.maxMs()).isCloseTo(31.25, within(1e-9));
        assertThat(figures.cpuUsPerFrame()).isCloseTo(149.96, within(1e-9));
        assertThat(figures.duplicates()).isEqualTo(3);
        assertThat(figures.lost()).isZero();
        assertThat(figures.cpuMs()).containsEntry("engine", 800.0);
    }

    @Test
    void shouldCountMissingFramesAsLostAndNoneAsDuplicate()
    {
        final EdgeFigures figures = EdgeFigures.parse(ONE_LOST, Map.of());

        assertThat(figures.lost()).isEqualTo(1);
        assertThat(figures.duplicates()).isZero();
        assertThat(figures.cpuUsPerFrame()).isCloseTo(505.05, within(1e-9));
        assertThat(figures.maxMs()).isCloseTo(2.2, within(1e-9));
    }

    @Test
    void shouldCountEveryExpectedFrameAsLostWhenNotMeasured()
    {
        final EdgeFigures figures = EdgeFigures.failed(4000, "edge-1: Unknown subcommand 'edge'");

        assertThat(figures.measured()).isFalse();
        assertThat(figures.lost()).isEqualTo(4000);
        assertThat(figures.bench().firstError()).isEqualTo("edge-1: Unknown subcommand 'edge'");
    }
}
