package dev.commandcenter.perf.chat;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat load's report maths: expected and lost lines, percentiles in ms, CPU per delivered frame, and what counts
 * as a complete run.
 */
class ChatLoadReportTest
{
    @Test
    void shouldReportACompleteRunWithItsPercentilesAndCpuPerFrame()
    {
        final Histogram latency = latency(1_000, 2_000_000, 1, 20_000_000);
        final ChatLoadReport report = report(10, viewers(10, latency, 1_000, 0, 0, 0), posters(Map.of(), 0), 100, 100,
            5_000_000L);

        assertThat(report.expected()).isEqualTo(1_000);
        assertThat(report.lost()).isZero();
        assertThat(report.complete()).isTrue();
        assertThat(report.serverCpuUsPerFrame()).isEqualTo(5.0);
        assertThat(ChatLoadReport.ms(latency, 50)).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(ChatLoadReport.maxMs(latency)).isCloseTo(20.0, org.assertj.core.data.Offset.offset(0.02));
        assertThat(report.p99Met()).isTrue();
        assertThat(report.row()).isEqualTo("| 10 | 200 | 1,000 / 1,000 | 0 | 0 | 2.00 | 2.00 | 2.00 | 20.0 | 0 | " +
            "5.00 | 2.00 |");
        assertThat(report.summary()).contains("delivered 1,000 / 1,000 expected").contains("result: 0 lost")
            .doesNotContain("PROBLEM");
        assertThat(report.markdown()).contains("| clients | messages/s |").contains(report.row())
            .contains("Machine: machine line");
    }

    @Test
    void shouldCountLinesOwedToViewersThatNeverConnectedAsLost()
    {
        final ChatLoadReport report = report(10, viewers(8, latency(800, 1_000_000, 0, 0), 800, 0, 0, 0),
            posters(Map.of(), 0), 100, 100, 1_000);

        assertThat(report.lost()).isEqualTo(200);
        assertThat(report.complete()).isFalse();
        assertThat(report.problems()).contains("8 of 10 viewers connected",
            "200 lines lost (owed to a viewer and never received)");
    }

    @Test
    void shouldTakeRefusedPostsOutOfWhatIsOwedYetFailTheRun()
    {
        final ChatLoadReport report = report(10, viewers(10, latency(970, 1_000_000, 0, 0), 970, 0, 0, 0),
            posters(Map.of("SLOW_MODE", 3L), 0), 100, 97, 1_000);

        assertThat(report.notOwed()).isEqualTo(30);
        assertThat(report.lost()).isZero();
        assertThat(report.complete()).isFalse();
        assertThat(report.summary()).contains("refused 3 {SLOW_MODE=3}").contains("result: INCOMPLETE");
    }

    @Test
    void shouldFailARunWithDuplicatesOrDroppedViewersAndMissTheTargetAboveTenMilliseconds()
    {
        final ChatLoadReport report = report(10, viewers(10, latency(1_000, 12_000_000, 0, 0), 1_000, 0, 4, 1),
            posters(Map.of(), 0), 100, 100, 1_000);

        assertThat(report.complete()).isFalse();
        assertThat(report.p99Met()).isFalse();
        assertThat(report.problems()).contains("4 duplicate lines",
            "1 viewers disconnected; first: closed by the server with 1013 slow consumer");
        assertThat(report.summary()).contains("target p99 <= 10.0: missed");
    }

    @Test
    void shouldSayUnknownWhenNothingWasDeliveredOrCpuIsUnreadable()
    {
        assertThat(ChatLoadReport.perFrameUs(-1, 10)).isNaN();
        assertThat(ChatLoadReport.perFrameUs(10, 0)).isNaN();
        assertThat(ChatLoadReport.ms(new Histogram(3), 99)).isNaN();
        assertThat(ChatLoadReport.number(Double.NaN)).isEqualTo("-");
        assertThat(ChatLoadReport.number(1234.5)).isEqualTo("1,235");
    }

    private static ChatLoadReport report(final int clients, final ChatViewers.ViewerFigures viewers,
        final ChatPosters.PosterFigures posters, final long measured, final long owed, final long serverCpuNs)
    {
        return new ChatLoadReport("settings line", "machine line", clients, 200, viewers, posters, measured, owed,
            serverCpuNs, 2_000_000L, 0, 0);
    }

    private static Histogram latency(final long count, final long valueNs, final long outliers, final long outlierNs)
    {
        final Histogram latency = new Histogram(3);
        latency.recordValueWithCount(valueNs, count - outliers);
        if (outliers > 0)
        {
            latency.recordValueWithCount(outlierNs, outliers);
        }
        return latency;
    }

    private static ChatViewers.ViewerFigures viewers(final long viewers, final Histogram latency, final long measured,
        final long lost, final long duplicates, final long disconnected)
    {
        return new ChatViewers.ViewerFigures(viewers, latency, measured, 50, lost, duplicates, 3, measured * 300,
            disconnected, disconnected > 0 ? "closed by the server with 1013 slow consumer" : "");
    }

    private static ChatPosters.PosterFigures posters(final Map<String, Long> refusals, final long failed)
    {
        final long refused = refusals.values().stream().mapToLong(Long::longValue).sum();
        return new ChatPosters.PosterFigures(100, 100, 100 - refused - failed, 0, refusals, failed,
            refused > 0 ? "POST /api/chat/messages answered 429 slow mode: wait 7 s" : "", new ConcurrentHistogram(3));
    }
}
