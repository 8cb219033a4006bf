package dev.commandcenter.app.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.main.CommandCenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chat across a restart and in a replay: a viewer joining after a restart gets the lines from before it, and
 * replaying the journal reproduces the chat plugin's outputs as the live chat feed carried them.
 */
@Timeout(120)
class ChatRestartReplayTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepTheHistoryAcrossARestartAndReplayTheChatFeedAlike() throws Exception
    {
        final Path configFile = dataDir.resolve("cc.yaml");
        Files.writeString(configFile, """
            wallet: { source: none }
            websocket: { port: 0 }
            telemetry: { enabled: false }
            plugins:
              chat: { streamerName: jane }
            """);
        final Path data = dataDir.resolve("data");
        final List<String> live = new ArrayList<>();
        try (CommandCenterNode node = CommandCenterNode.start(
            dev.commandcenter.app.config.ConfigLoader.load(configFile), data, null);
            HttpClient http = HttpClient.newHttpClient())
        {
            final ChatGatewayTest.Feed feed = ChatGatewayTest.Feed.open(node.webServer().baseUrl(),
                "/ws/chat?token=" + node.chatToken());
            assertThat(post(http, node, node.chatToken(), "/api/chat/messages", "{\"name\":\"ann\",\"text\":\"one\"}"))
                .isEqualTo(200);
            assertThat(post(http, node, node.chatToken(), "/api/chat/messages", "{\"name\":\"bob\",\"text\":\"two\"}"))
                .isEqualTo(200);
            assertThat(post(http, node, node.moderatorToken(), "/api/chat/moderation",
                "{\"action\":\"ban\",\"target\":\"troll\"}")).isEqualTo(202);
            assertThat(post(http, node, node.chatToken(), "/api/chat/messages", "{\"name\":\"troll\",\"text\":\"x\"}"))
                .isEqualTo(403);
            assertThat(post(http, node, node.adminToken(), "/api/chat/messages", "{\"name\":\"jane\",\"text\":\"three\"}"))
                .isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> feed.ofType("ChatLine").size() == 3 &&
                feed.ofType("ChatRefused").size() == 1 && !feed.ofType("ChatRemoved").isEmpty());
            feed.raw.forEach((frame) -> live.add(message(frame)));
        }

        try (CommandCenterNode node = CommandCenterNode.start(
            dev.commandcenter.app.config.ConfigLoader.load(configFile), data, null))
        {
            final ChatGatewayTest.Feed late = ChatGatewayTest.Feed.open(node.webServer().baseUrl(),
                "/ws/chat?token=" + node.chatToken());
            await().atMost(Duration.ofSeconds(20)).until(() -> late.ofType("ChatLine").size() >= 3);
            assertThat(late.ofType("ChatLine")).extracting((line) -> line.get("text").asText())
                .containsExactly("one", "two", "three");
        }

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = CommandCenter.execute(new String[]{ "replay", "--data-dir", data.toString(), "--speed", "max",
            "--outputs", "--config", configFile.toString() },
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        final List<String> replayed = new ArrayList<>();
        for (final String line : out.toString(StandardCharsets.UTF_8).split("\n"))
        {
            if (!line.isBlank() && "chat".equals(MAPPER.readTree(line).path("plugin").asText()))
            {
                final JsonNode node = MAPPER.readTree(line);
                // The live run's outputs only: the restart's history lines come after them.
                if (node.path("history").asText().equals("TRUE"))
                {
                    continue;
                }
                replayed.add(message(line));
            }
        }
        assertThat(live).hasSize(6);
        assertThat(replayed.subList(0, Math.min(replayed.size(), live.size()))).containsExactlyElementsOf(live);
    }

    /**
     * The message itself, from its type on, byte for byte: the feed's envelope (sequence, wall-clock timestamp)
     * and the replay's (input sequence, nanosecond timestamp) say when it was sent, not what.
     */
    private static String message(final String json)
    {
        final int type = json.indexOf("\"type\":");
        assertThat(type).as(json).isPositive();
        return json.substring(type);
    }

    private static int post(final HttpClient http, final CommandCenterNode node, final String token, final String path,
        final String json) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
