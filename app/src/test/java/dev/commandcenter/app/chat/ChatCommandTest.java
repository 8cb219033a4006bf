package dev.commandcenter.app.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.main.CommandCenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code commandcenter chat ...} against a running node: each command reaches the chat plugin as an event, and a
 * failure is one line with exit code 1.
 */
@Timeout(90)
class ChatCommandTest
{
    @TempDir
    Path dataDir;

    record Run(int code, String out, String err)
    {
    }

    @Test
    void shouldModerateAndPostAsTheStreamerFromTheTerminal() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.start(ChatGatewayTest.config((c) -> {}), dataDir, null))
        {
            final ChatGatewayTest.Feed feed = ChatGatewayTest.Feed.open(node.webServer().baseUrl(),
                "/ws/chat?token=" + node.token());

            final Run say = run("chat", "say", "hello", "everyone", "--data-dir", dataDir.toString());
            assertThat(say.code).as(say.err).isZero();
            assertThat(say.out).startsWith("posted as jane (line ");
            final JsonNode line = feed.awaitType("ChatLine");
            assertThat(line.get("user").asText()).isEqualTo("jane");
            assertThat(line.get("role").asText()).isEqualTo("ADMIN");
            assertThat(line.get("text").asText()).isEqualTo("hello everyone");

            final Run ban = run("chat", "ban", "troll", "--reason", "spam", "--data-dir", dataDir.toString());
            assertThat(ban.code).as(ban.err).isZero();
            assertThat(ban.out).startsWith("banned troll (event ");
            final Run timeout = run("chat", "timeout", "loud", "5m", "--data-dir", dataDir.toString());
            assertThat(timeout.out).startsWith("timed out loud for 5m");
            final Run slow = run("chat", "slow", "10s", "--data-dir", dataDir.toString());
            assertThat(slow.code).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> feed.ofType("ChatState").stream()
                .anyMatch((state) -> 10_000 == state.get("slowModeMs").asLong()));
            final Run delete = run("chat", "delete", line.get("lineId").asText(), "--data-dir", dataDir.toString());
            assertThat(delete.code).as(delete.err).isZero();
            assertThat(feed.awaitType("ChatRemoved")).isNotNull();
            assertThat(run("chat", "clear", "--data-dir", dataDir.toString()).code).isZero();
            assertThat(run("chat", "unban", "troll", "--data-dir", dataDir.toString()).code).isZero();
            final List<JsonNode> removed = feed.ofType("ChatRemoved");
            assertThat(removed).extracting((r) -> r.get("action").asText()).contains("BAN", "TIMEOUT", "DELETE");

            final Run badDuration = run("chat", "timeout", "loud", "soon", "--data-dir", dataDir.toString());
            assertThat(badDuration.code).isEqualTo(1);
            assertThat(badDuration.err.strip()).isEqualTo("commandcenter: duration: expected a number with ms, s, m, h or " +
                "d such as 10s, 5m or 1h, got 'soon'");
            final Run badLine = run("chat", "delete", "-5", "--data-dir", dataDir.toString());
            assertThat(badLine.code).isEqualTo(1);
            assertThat(badLine.err.strip()).isEqualTo("commandcenter: lineId: expected a whole number of 0 or more, got -5");
        }
        final Run noEngine = run("chat", "clear", "--data-dir", dataDir.toString());
        assertThat(noEngine.code).isEqualTo(1);
        assertThat(noEngine.err.strip()).startsWith("commandcenter: no engine is running on data dir").doesNotContain("\n");
    }

    @Test
    void shouldPostATipMemoThatShowsWithItsPayment() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.start(ChatGatewayTest.config((c) -> {}), dataDir, null))
        {
            final ChatGatewayTest.Feed feed = ChatGatewayTest.Feed.open(node.webServer().baseUrl(),
                "/ws/chat?token=" + node.token());
            final String txid = "ab".repeat(32);

            final Run tip = run("chat", "tip", txid, "--name", "ann", "--message", "great stream", "--room", "main",
                "--data-dir", dataDir.toString());
            assertThat(tip.code).as(tip.err).isZero();
            assertThat(tip.out).startsWith("tip memo for " + txid + " posted (event ");
            ChatTipsTest.pay(node, txid, 21_000);
            final JsonNode line = feed.awaitType("ChatLine");
            assertThat(line.get("kind").asText()).isEqualTo("PAID");
            assertThat(line.get("amountSats").asLong()).isEqualTo(21_000);
            assertThat(line.get("user").asText()).isEqualTo("ann");
            assertThat(line.get("text").asText()).isEqualTo("great stream");

            final Run bad = run("chat", "tip", "nope", "--name", "ann", "--message", "gg", "--data-dir", dataDir.toString());
            assertThat(bad.code).isEqualTo(1);
            assertThat(bad.err.strip()).isEqualTo("commandcenter: txid: expected 64 hex digits, got 4 characters");
        }
    }

    @Test
    void shouldParseDurations()
    {
        assertThat(ChatClient.parseDuration("10s")).isEqualTo(10_000);
        assertThat(ChatClient.parseDuration("5m")).isEqualTo(300_000);
        assertThat(ChatClient.parseDuration("1h")).isEqualTo(3_600_000);
        assertThat(ChatClient.parseDuration("250ms")).isEqualTo(250);
        assertThat(ChatClient.parseDuration("30")).isEqualTo(30_000);
        assertThatThrownBy(() -> ChatClient.parseDuration("-1s")).hasMessageContaining("got '-1s'");
    }

    private static Run run(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = CommandCenter.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
