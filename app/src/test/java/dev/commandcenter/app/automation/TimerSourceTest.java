package dev.commandcenter.app.automation;

import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.TimerFiredDecoder;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.plugin.automation.rules.TimerSpec;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timer source on an injected clock: each timer publishes a TimerFired event (source timer, its count since the
 * load, when it was due) when due; a late timer fires once and waits for its next due time; a reload restarts the
 * counts; a refused event is tried again.
 */
class TimerSourceTest
{
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private final RecordingPublisher publisher = new RecordingPublisher();
    private final AtomicLong now = new AtomicLong(at("2026-03-10T10:07:00+01:00[Europe/Berlin]"));
    private final TimerSource source = new TimerSource(publisher, publisher.counters, now::get);

    @Test
    void shouldFireEveryTimersWhenDueWithTheirCountAndScheduledTime()
    {
        source.timers(List.of(every("ad-break", 30 * 60_000L, 0)));
        source.doWork();
        assertThat(publisher.events).isEmpty();
        assertThat(source.nextDue("ad-break")).isEqualTo(at("2026-03-10T10:30:00+01:00[Europe/Berlin]"));

        now.set(at("2026-03-10T10:29:59.999+01:00[Europe/Berlin]"));
        source.doWork();
        assertThat(publisher.events).isEmpty();

        now.set(at("2026-03-10T10:30:00.020+01:00[Europe/Berlin]"));
        source.doWork();
        source.doWork();
        now.set(at("2026-03-10T11:00:00+01:00[Europe/Berlin]"));
        source.doWork();

        assertThat(publisher.events).hasSize(2);
        assertThat(publisher.events).allMatch((event) -> event.source() == Sources.TIMER);
        assertFired(0, "ad-break", 1, at("2026-03-10T10:30:00+01:00[Europe/Berlin]"));
        assertFired(1, "ad-break", 2, at("2026-03-10T11:00:00+01:00[Europe/Berlin]"));
        assertThat(publisher.counter(CounterType.AUTOMATION_TIMERS_FIRED)).isEqualTo(2);
    }

    @Test
    void shouldNotMakeUpFiringsMissedWhileHeldUp()
    {
        source.timers(List.of(every("ad-break", 30 * 60_000L, 0)));
        source.doWork();

        now.set(at("2026-03-10T13:10:00+01:00[Europe/Berlin]"));
        source.doWork();
        source.doWork();

        assertThat(publisher.events).hasSize(1);
        assertFired(0, "ad-break", 1, at("2026-03-10T10:30:00+01:00[Europe/Berlin]"));
        assertThat(source.nextDue("ad-break")).isEqualTo(at("2026-03-10T13:30:00+01:00[Europe/Berlin]"));
    }

    @Test
    void shouldFireAtTimersOnTheirDaysAcrossADaylightSavingChange()
    {
        now.set(at("2026-03-28T12:00:00+01:00[Europe/Berlin]"));
        source.timers(List.of(new TimerSpec("go-live", 0, 0, List.of(LocalTime.of(19, 55)),
            Set.of(DayOfWeek.SUNDAY), BERLIN)));
        source.doWork();

        // Saturday 19:55: not its day.
        now.set(at("2026-03-28T19:55:00+01:00[Europe/Berlin]"));
        source.doWork();
        assertThat(publisher.events).isEmpty();

        // Sunday, after the clocks went forward: 19:55 local is 17:55 UTC now.
        now.set(at("2026-03-29T19:55:00+02:00[Europe/Berlin]"));
        source.doWork();
        assertThat(publisher.events).hasSize(1);
        assertFired(0, "go-live", 1, at("2026-03-29T17:55:00Z[UTC]"));
    }

    @Test
    void shouldRestartCountsOnAReloadAndRetryARefusedEvent()
    {
        source.timers(List.of(every("tick", 60_000L, 0)));
        source.doWork();
        now.set(at("2026-03-10T10:08:00+01:00[Europe/Berlin]"));
        source.doWork();
        assertFired(0, "tick", 1, at("2026-03-10T10:08:00+01:00[Europe/Berlin]"));

        publisher.refusing = true;
        now.set(at("2026-03-10T10:09:00.010+01:00[Europe/Berlin]"));
        source.doWork();
        assertThat(publisher.events).hasSize(1);
        publisher.refusing = false;
        source.doWork();
        assertFired(1, "tick", 2, at("2026-03-10T10:09:00+01:00[Europe/Berlin]"));

        source.timers(List.of(every("tick", 60_000L, 0), every("other", 120_000L, 0)));
        source.doWork();
        now.set(at("2026-03-10T10:10:00+01:00[Europe/Berlin]"));
        source.doWork();
        assertThat(publisher.events).hasSize(4);
        assertFired(2, "tick", 1, at("2026-03-10T10:10:00+01:00[Europe/Berlin]"));
        assertFired(3, "other", 1, at("2026-03-10T10:10:00+01:00[Europe/Berlin]"));

        source.timers(List.of());
        source.doWork();
        now.set(at("2026-03-10T12:00:00+01:00[Europe/Berlin]"));
        source.doWork();
        assertThat(publisher.events).hasSize(4);
        assertThat(source.nextDue("tick")).isEqualTo(-1);
    }

    private void assertFired(final int index, final String name, final long count, final long scheduledAt)
    {
        final TimerFiredDecoder decoder = new TimerFiredDecoder().wrapAndApplyHeader(
            publisher.events.get(index).buffer(), 0, new MessageHeaderDecoder());
        assertThat(decoder.scheduledAtEpochMs()).isEqualTo(scheduledAt);
        assertThat(decoder.count()).isEqualTo(count);
        assertThat(decoder.name()).isEqualTo(name);
    }

    private static TimerSpec every(final String name, final long everyMs, final long offsetMs)
    {
        return new TimerSpec(name, everyMs, offsetMs, List.of(), Set.of(), BERLIN);
    }

    private static long at(final String time)
    {
        return ZonedDateTime.parse(time).toInstant().toEpochMilli();
    }
}
