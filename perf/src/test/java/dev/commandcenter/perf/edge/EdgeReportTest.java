package dev.commandcenter.perf.edge;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge benchmark's summary: both tables, the hop's added latency, setups that could not run, the shared-cores note.
 */
class EdgeReportTest
{
    @Test
    void shouldPutTheFanOutSetupsAndTheHopInTablesOfTheirOwnWithTheAddedLatency()
    {
        final Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("engine", 100.0);
        cpu.put("edge-1", 700.0);
        final List<EdgeRow> rows = List.of(
            new EdgeRow("a", "(a) one node", 20, 100, EdgeFigures.parse(EdgeFiguresTest.ONE_LOST, Map.of("engine", 5.0)),
                null),
            new EdgeRow("b", "(b) engine + 2 edges", 20, 100, EdgeFigures.parse(EdgeFiguresTest.TWO_EDGES, cpu), null),
            new EdgeRow("c-direct", "the engine (direct)", 1, 100, EdgeFigures.parse(EdgeFiguresTest.ONE_LOST, Map.of()),
                null),
            new EdgeRow("c-edge", "an edge", 1, 100, EdgeFigures.parse(EdgeFiguresTest.TWO_EDGES, Map.of()), null));

        final String text = EdgeReport.markdown(rows, "machine line", "settings line", List.of("a note"));

        assertThat(text).contains("machine line").contains("settings line").contains(EdgeReport.SHARED_CORES)
            .contains("| (a) one node | 20 | 100 | 99 / 100 | 1 | 0 | 99 | 0.70 | 2.00 | 2.20 | 505.05 | engine 5 |")
            .contains("| (b) engine + 2 edges | 20 | 100 | 10,003 / 10,000 | 0 | 3 | 1,995 | 1.20 | 8.75 | 31.3 | 149.96 | " +
                "engine 100, edge-1 700 |")
            .contains("| the engine (direct) | 100 | 99 / 100 | 1 | 0 | 0.70 | 2.00 | 2.20 |")
            .contains("| an edge | 100 | 10,003 / 10,000 | 0 | 3 | 1.20 | 8.75 | 31.3 |")
            .contains("Added by the engine -> edge hop: **p50 +0.50 ms, p99 +6.75 ms**")
            .contains("- a note");
        final int hopTable = text.indexOf("## (c)");
        assertThat(text.indexOf("| an edge |")).isGreaterThan(hopTable);
        assertThat(text.indexOf("| (b) engine + 2 edges |")).isLessThan(hopTable);
    }

    @Test
    void shouldSayWhyASetupCouldNotRunAndLeaveTheHopOut()
    {
        final List<EdgeRow> rows = List.of(
            EdgeRow.unavailable("b", "(b) engine + 2 edges", 20, 100, 10_000, "edge-1: Unknown subcommand 'edge' | x"),
            new EdgeRow("c-direct", "the engine (direct)", 1, 100, EdgeFigures.parse(EdgeFiguresTest.ONE_LOST, Map.of()),
                null),
            EdgeRow.unavailable("c-edge", "an edge", 1, 100, 500, "edge-1: Unknown subcommand 'edge'"));

        final String text = EdgeReport.markdown(rows, "m", "s", List.of());

        assertThat(text).contains("| (b) engine + 2 edges | 20 | 100 | not available: edge-1: Unknown subcommand 'edge' / x |")
            .contains("| an edge | 100 | not available: edge-1: Unknown subcommand 'edge' |")
            .doesNotContain("Added by the engine -> edge hop").doesNotContain("## Notes");
        assertThat(rows.getFirst().measured()).isFalse();
        assertThat(EdgeReport.hop(rows)).isEmpty();
    }
}
