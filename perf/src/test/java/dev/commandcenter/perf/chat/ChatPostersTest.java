package dev.commandcenter.perf.chat;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The posters' side of the contract: each message's body (its index as messageId, a text of its own), and how the
 * gateway's answers are counted (200 shown, 202 pending, a refusal by its name, anything else failed).
 */
class ChatPostersTest
{
    @Test
    void shouldPostEachMessageWithItsIndexAsMessageIdAndATextOfItsOwn()
    {
        assertThat(ChatPosters.body(1, 17)).isEqualTo("{\"name\":\"loadposter2\",\"text\":\"load message 17 of the " +
            "chat harness\",\"room\":\"main\",\"messageId\":17}");
        assertThat(ChatPosters.body(1, 18)).isNotEqualTo(ChatPosters.body(1, 17).replace("17", "18").replace("x", ""))
            .contains("\"messageId\":18");
    }

    @Test
    void shouldCountShownPendingRefusedAndFailedAnswersAndOweNoRefusedLine()
    {
        final ChatSchedule schedule = new ChatSchedule(0, 100, 0, 4);
        try (ChatPosters posters = new ChatPosters(URI.create("http://127.0.0.1:1/api/chat/messages"), "t", 2,
            schedule, Duration.ofSeconds(1)))
        {
            posters.onAnswer(0, System.nanoTime(), 200, "{\"receipt\":5,\"lineId\":5}");
            posters.onAnswer(1, System.nanoTime(), 202, "{\"receipt\":6,\"pending\":true}");
            posters.onAnswer(2, System.nanoTime(), 429, "{\"error\":\"slow mode: wait 7 s\",\"refusal\":\"SLOW_MODE\"," +
                "\"retryAfterMs\":7000,\"receipt\":7}");
            posters.onAnswer(3, System.nanoTime(), 503, "ring full\nsecond line");

            final ChatPosters.PosterFigures figures = posters.figures();
            assertThat(figures.accepted()).isEqualTo(1);
            assertThat(figures.pending()).isEqualTo(1);
            assertThat(figures.refusals()).isEqualTo(Map.of("SLOW_MODE", 1L));
            assertThat(figures.refused()).isEqualTo(1);
            assertThat(figures.failed()).isEqualTo(1);
            assertThat(figures.firstError()).isEqualTo("POST /api/chat/messages answered 429 slow mode: wait 7 s");
            assertThat(figures.shown().getTotalCount()).isEqualTo(1);
            // nothing was posted through post(), so every message is also not owed as unposted
            assertThat(posters.notOwed().cardinality()).isEqualTo(4);
        }
    }
}
