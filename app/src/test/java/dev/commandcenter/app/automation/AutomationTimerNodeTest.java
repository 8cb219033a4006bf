package dev.commandcenter.app.automation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.CommandRun;
import dev.commandcenter.engine.counters.CounterType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A timer of the rules file in a running node: its firings enter the journal as TimerFired events, the rule on it
 * fires a chat line the chat plugin shows, and a dry run over that journal fires the rule once per journaled firing,
 * so a replay fires exactly what the live run fired.
 */
@Timeout(120)
class AutomationTimerNodeTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldFireARuleOnEachJournaledTimerFiringLiveAndInADryRun() throws Exception
    {
        final Path data = dir.resolve("data");
        final Path rules = Files.writeString(dir.resolve("rules.yaml"), """
            version: 1
            timers:
              tick: { every: 1s }
            rules:
              - id: ticker
                on: { timer: tick }
                actions:
                  - chat: { text: "tick {count} of {timer}" }
            """);
        try (CommandCenterNode node = CommandCenterNode.start(AutomationNodeTest.config(rules, (c) -> { }), data, null))
        {
            assertThat(node.startLines()).contains("automation: 1 rules, 1 timers, 0 errors");
            final AutomationNodeTest.Feed chat =
                AutomationNodeTest.Feed.open(node.webServer().baseUrl(), "/ws/chat?token=" + node.chatToken());

            final JsonNode second = chat.await((message) -> "ChatLine".equals(message.path("type").asText()) &&
                "tick 2 of tick".equals(message.path("text").asText()));
            assertThat(second.path("role").asText()).isEqualTo("BOT");
            assertThat(node.engine().readCounter(CounterType.AUTOMATION_TIMERS_FIRED, "")).isGreaterThanOrEqualTo(2);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                node.engine().readCounter(CounterType.AUTOMATION_ACTIONS_DONE, "") >= 2);
        }
        final CommandRun journal = CommandRun.run("journal", "dump", "--type", "TimerFired", "--data-dir",
            data.toString());
        assertThat(journal.code()).as(journal.err()).isZero();
        final long fired = journal.out().lines().filter((line) -> line.contains("\"tick\"")).count();
        assertThat(fired).isGreaterThanOrEqualTo(2);

        final CommandRun dryRun = CommandRun.run("rules", "test", "--rules", rules.toString(), "--data-dir",
            data.toString(), "--json");

        assertThat(dryRun.code()).as(dryRun.err()).isZero();
        final List<JsonNode> fires = dryRun.out().lines().map(AutomationTimerNodeTest::json)
            .filter((node) -> "AutomationFired".equals(node.path("type").asText())).toList();
        assertThat(fires).hasSize((int)fired)
            .allMatch((fire) -> "ticker".equals(fire.path("ruleId").asText()) &&
                "FIRED".equals(fire.path("outcome").asText()));
    }

    private static JsonNode json(final String line)
    {
        try
        {
            return JSON.readTree(line);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("not a JSON line: " + line, ex);
        }
    }
}
