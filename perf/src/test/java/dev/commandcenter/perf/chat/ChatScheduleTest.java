package dev.commandcenter.perf.chat;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chat load's fixed schedule: each message is due at start + index / rate, posted in order no earlier than due,
 * and a late message keeps its intended time (coordinated omission).
 */
class ChatScheduleTest
{
    @Test
    void shouldDueEachMessageAtTheStartPlusItsIndexOverTheRate()
    {
        final ChatSchedule schedule = new ChatSchedule(1_000, 200, 10, 30);

        assertThat(schedule.intendedNs(0)).isEqualTo(1_000);
        assertThat(schedule.intendedNs(1)).isEqualTo(1_000 + 5_000_000);
        assertThat(schedule.intendedNs(200)).isEqualTo(1_000 + 1_000_000_000);
        assertThat(schedule.measuredStartNs()).isEqualTo(1_000 + 50_000_000);
        assertThat(schedule.endNs()).isEqualTo(1_000 + 150_000_000);
        assertThat(schedule.measured(9)).isFalse();
        assertThat(schedule.measured(10)).isTrue();
        assertThat(schedule.measured(29)).isTrue();
        assertThat(schedule.measured(30)).isFalse();
        assertThat(schedule.contains(-1)).isFalse();
        assertThat(schedule.contains(0)).isTrue();
    }

    @Test
    void shouldPostEveryMessageInOrderNoEarlierThanDueAndLateOnesAtOnceWithTheirIntendedTime()
    {
        final ChatSchedule schedule = new ChatSchedule(0, 1_000, 0, 5);
        final long[] now = { 0 };
        final List<long[]> posts = new ArrayList<>();
        // The clock steps 0.4 ms a reading; message 2's post takes 3 ms, so 3 and 4 are late.
        final long posted = schedule.run(() -> now[0] += 400_000, (index, intendedNs) ->
        {
            posts.add(new long[] { index, intendedNs, now[0] });
            if (2 == index)
            {
                now[0] += 3_000_000;
            }
        });

        assertThat(posted).isEqualTo(5);
        for (int i = 0; i < posts.size(); i++)
        {
            final long[] post = posts.get(i);
            assertThat(post[0]).isEqualTo(i);
            assertThat(post[1]).isEqualTo(i * 1_000_000L);
            assertThat(post[2]).isGreaterThanOrEqualTo(post[1]);
        }
        assertThat(posts.get(3)[2] - posts.get(3)[1]).isGreaterThan(1_000_000);
    }

    @Test
    void shouldRefuseABadRateOrWarmUp()
    {
        assertThatThrownBy(() -> new ChatSchedule(0, 0, 0, 10)).hasMessage(
            "rate must be more than 0 messages per second, got 0");
        assertThatThrownBy(() -> new ChatSchedule(0, 10, 10, 10)).hasMessage(
            "warm-up messages must be 0 or more and fewer than the 10 of the schedule, got 10");
    }
}
