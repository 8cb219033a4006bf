package dev.commandcenter.engine.plugin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotCadenceTest
{
    private static final long MS = 1_000_000L;

    @Test
    void shouldTakeTheFirstSnapshotAfterEveryEventsWhateverTheTime()
    {
        final SnapshotCadence cadence = new SnapshotCadence(3, 1000);
        assertThat(cadence.onEvent(0)).isFalse();
        assertThat(cadence.onEvent(0)).isFalse();
        assertThat(cadence.onEvent(0)).isTrue();
    }

    @Test
    void shouldHoldTheNextSnapshotUntilTheIntervalHasPassedInEventTime()
    {
        final SnapshotCadence cadence = new SnapshotCadence(2, 1000);
        cadence.onEvent(10 * MS);
        assertThat(cadence.onEvent(10 * MS)).isTrue();
        cadence.taken();

        for (int i = 0; i < 100; i++)
        {
            assertThat(cadence.onEvent((11 + i) * MS)).isFalse();
        }
        assertThat(cadence.sinceSnapshot()).isEqualTo(100);
        assertThat(cadence.onEvent(1009 * MS)).isFalse();
        assertThat(cadence.onEvent(1010 * MS)).isTrue();
        cadence.taken();
        assertThat(cadence.sinceSnapshot()).isZero();
        assertThat(cadence.onEvent(5000 * MS)).isFalse();
        assertThat(cadence.onEvent(5000 * MS)).isTrue();
    }

    @Test
    void shouldSnapshotEveryEventsWithAZeroInterval()
    {
        final SnapshotCadence cadence = new SnapshotCadence(2, 0);
        for (int round = 0; round < 5; round++)
        {
            assertThat(cadence.onEvent(0)).isFalse();
            assertThat(cadence.onEvent(0)).isTrue();
            cadence.taken();
        }
    }

    @Test
    void shouldNotLetMoreThanMaxEventsApartPassWithoutASnapshotWhenEventsComeFasterThanTheInterval()
    {
        final SnapshotCadence cadence = new SnapshotCadence(1000, SnapshotCadence.MIN_INTERVAL_MS_MAX);
        assertThat(cadence.maxEventsApart()).isEqualTo(SnapshotCadence.MAX_EVENTS_APART_DEFAULT);
        for (int i = 0; i < 1000; i++)
        {
            cadence.onEvent(0);
        }
        cadence.taken();

        long due = 0;
        for (long i = 1; i <= SnapshotCadence.MAX_EVENTS_APART_DEFAULT; i++)
        {
            if (cadence.onEvent(i))
            {
                due = i;
                break;
            }
        }
        assertThat(due).isEqualTo(SnapshotCadence.MAX_EVENTS_APART_DEFAULT);
    }

    @Test
    void shouldKeepALargerEveryEventsAsItsOwnBound()
    {
        assertThat(new SnapshotCadence(200_000, 1000).maxEventsApart()).isEqualTo(200_000);
    }

    @Test
    void shouldStartAgainAfterReset()
    {
        final SnapshotCadence cadence = new SnapshotCadence(1, 1000);
        assertThat(cadence.onEvent(0)).isTrue();
        cadence.taken();
        assertThat(cadence.onEvent(1)).isFalse();
        cadence.reset();
        assertThat(cadence.onEvent(2)).isTrue();
    }

    @Test
    void shouldRefuseAnIntervalOutOfRangeNamingTheKey()
    {
        assertThat(SnapshotCadence.intervalProblem("plugins.x.snapshotMinIntervalMs", 0)).isNull();
        assertThat(SnapshotCadence.intervalProblem("plugins.x.snapshotMinIntervalMs", 60_001))
            .isEqualTo("plugins.x.snapshotMinIntervalMs: expected 0 to 60000 milliseconds, got 60001");
        assertThatThrownBy(() -> new SnapshotCadence(1, -1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("snapshotMinIntervalMs: expected 0 to 60000 milliseconds, got -1");
        assertThatThrownBy(() -> new SnapshotCadence(0, 0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("everyEvents: expected at least 1, got 0");
    }
}
