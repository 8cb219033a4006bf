package dev.commandcenter.persistence;

import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeArgsTest
{
    private static final long NOW_MS = Instant.parse("2026-11-22T12:00:00Z").toEpochMilli();
    private final CachedEpochClock clock = new CachedEpochClock();

    TimeArgsTest()
    {
        clock.update(NOW_MS);
    }

    @Test
    void shouldParseIsoInstants()
    {
        assertThat(TimeArgs.parseEpochNs("2026-11-22T10:00:00Z", clock))
            .isEqualTo(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli() * 1_000_000L);
        assertThat(TimeArgs.parseEpochNs("2026-11-22T10:00:00.000000123Z", clock))
            .isEqualTo(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli() * 1_000_000L + 123);
        assertThat(TimeArgs.parseEpochNs("2026-11-22T11:00:00+01:00", clock))
            .isEqualTo(Instant.parse("2026-11-22T10:00:00Z").toEpochMilli() * 1_000_000L);
    }

    @Test
    void shouldParseDatesAsMidnightUtc()
    {
        assertThat(TimeArgs.parseEpochNs("2026-11-22", clock))
            .isEqualTo(Instant.parse("2026-11-22T00:00:00Z").toEpochMilli() * 1_000_000L);
    }

    @Test
    void shouldParseRelativeDurationsAsNowMinusThem()
    {
        final long nowNs = NOW_MS * 1_000_000L;
        assertThat(TimeArgs.parseEpochNs("10m", clock)).isEqualTo(nowNs - Duration.ofMinutes(10).toNanos());
        assertThat(TimeArgs.parseEpochNs("2h", clock)).isEqualTo(nowNs - Duration.ofHours(2).toNanos());
        assertThat(TimeArgs.parseEpochNs("1d", clock)).isEqualTo(nowNs - Duration.ofDays(1).toNanos());
        assertThat(TimeArgs.parseEpochNs("30s", clock)).isEqualTo(nowNs - Duration.ofSeconds(30).toNanos());
        assertThat(TimeArgs.parseEpochNs("now", clock)).isEqualTo(nowNs);
        clock.advance(60_000);
        assertThat(TimeArgs.parseEpochNs("1m", clock)).isEqualTo(nowNs);
    }

    @Test
    void shouldNameUnparseableTimeAndAcceptedForms()
    {
        for (final String bad : new String[]{ "yesterday", "10 minutes", "2026-13-40", "2026-11-22T25:00:00Z", "5y", "-3h", "" })
        {
            assertThatThrownBy(() -> TimeArgs.parseEpochNs(bad, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(TimeArgs.ACCEPTED_FORMS)
                .hasMessageContaining(bad.isEmpty() ? "missing time" : "unparseable time '" + bad + "'");
        }
        assertThatThrownBy(() -> TimeArgs.parseEpochNs("yesterday", clock))
            .hasMessage("unparseable time 'yesterday': expected an ISO-8601 instant (2026-11-22T10:00:00Z), " +
                "a date (2026-11-22, midnight UTC), a duration ago (30s, 10m, 2h, 1d, 1w) or now");
    }

    @Test
    void shouldBuildRanges()
    {
        assertThat(TimeArgs.range(null, null, null, clock)).isEqualTo(TimeRange.ALL);
        final TimeRange since = TimeArgs.range(null, null, "1h", clock);
        assertThat(since.fromNs()).isEqualTo((NOW_MS - 3_600_000L) * 1_000_000L);
        assertThat(since.toNs()).isEqualTo(Long.MAX_VALUE);
        final TimeRange between = TimeArgs.range("2026-11-22T10:00:00Z", "2026-11-22T11:00:00Z", null, clock);
        assertThat(between.contains(between.fromNs())).isTrue();
        assertThat(between.contains(between.toNs())).isFalse();
        assertThat(between.describe()).isEqualTo("from 2026-11-22T10:00:00Z to 2026-11-22T11:00:00Z");

        assertThatThrownBy(() -> TimeArgs.range("1h", null, "2h", clock))
            .hasMessage("give either --since or --from, not both (got --since '2h' and --from '1h')");
        assertThatThrownBy(() -> TimeArgs.range("2026-11-22T11:00:00Z", "2026-11-22T10:00:00Z", null, clock))
            .hasMessage("time range is empty: from 2026-11-22T11:00:00Z is not before to 2026-11-22T10:00:00Z");
    }

    @Test
    void shouldParseDurationsAndRetentions()
    {
        assertThat(TimeArgs.parseDuration("4w")).isEqualTo(Duration.ofDays(28));
        assertThatThrownBy(() -> TimeArgs.parseDuration("4 weeks"))
            .hasMessage("unparseable duration '4 weeks': expected a whole number followed by s, m, h, d or w (30s, 10m, 2h, 1d, 1w)");
        assertThat(Retention.parse("forever").isForever()).isTrue();
        assertThat(Retention.parse("10 cycles").keepCycles()).isEqualTo(10);
        assertThat(Retention.parse("7d").keepFor()).isEqualTo(Duration.ofDays(7));
        assertThat(Retention.parse(Retention.parse("7d").toString()).keepFor()).isEqualTo(Duration.ofDays(7));
        assertThatThrownBy(() -> Retention.parse("0 cycles")).hasMessageStartingWith("unparseable retention '0 cycles'");
    }
}
