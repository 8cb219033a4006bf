package dev.commandcenter.app.chat;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.engine.counters.CounterType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The chat filters file on a running node: read at start, reloaded mid-stream into the journal so the plugin
 * filters with it at once, and a bad file reported in one line with the previous set kept.
 */
@Timeout(90)
class ChatFiltersFileTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldReloadTheFiltersMidStreamAndKeepThePreviousSetOnABadFile() throws Exception
    {
        final Path file = dataDir.resolve(ChatFiltersFile.DEFAULT_FILE_NAME);
        Files.writeString(file, "words:\n  - badword\n");
        try (CommandCenterNode node = CommandCenterNode.start(ChatGatewayTest.config((c) -> c.chat.burstPerConnection = 100),
            dataDir, null);
            HttpClient http = HttpClient.newHttpClient())
        {
            assertThat(post(http, node, "a badword here").statusCode()).isEqualTo(403);
            assertThat(post(http, node, "a newword here").statusCode()).isEqualTo(200);

            write(file, "words:\n  - newword\n", 1);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                node.engine().readCounter(CounterType.CHAT_FILTER_RELOADS, "") == 2);
            await().atMost(Duration.ofSeconds(20)).until(() -> post(http, node, "the newword again").statusCode() == 403);
            assertThat(post(http, node, "a badword now").statusCode()).isEqualTo(200);

            write(file, "links: block\n\nwords: 5\n", 2);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                node.engine().readCounter(CounterType.CHAT_FILTER_ERRORS, "") == 1);
            assertThat(post(http, node, "still newword").statusCode()).isEqualTo(403);
            assertThat(node.engine().readCounter(CounterType.CHAT_FILTER_RELOADS, "")).isEqualTo(2);
        }
    }

    @Test
    void shouldReportABadFileInOneLineNamingTheLine() throws Exception
    {
        final Path file = dataDir.resolve(ChatFiltersFile.DEFAULT_FILE_NAME);
        Files.writeString(file, "links: block\n\nwords: 5\n");
        final List<String> warnings = new CopyOnWriteArrayList<>();
        final List<Long> published = new CopyOnWriteArrayList<>();
        try (CommandCenterNode node = CommandCenterNode.start(ChatGatewayTest.config((c) -> {}), dataDir.resolve("node"), null))
        {
            final ChatFiltersFile filters = new ChatFiltersFile(file, node.engine().publisher(), node.engine().counters(),
                warnings::add);
            published.add(filters.publishInitial());
            assertThat(warnings).containsExactly(
                "chat-filters.yaml line 3: words: expected a list of strings, got 5 (the previous chat filters stay)");
            assertThat(published.get(0)).isNotNegative();

            Files.writeString(file, "words: [a\n");
            warnings.clear();
            filters.publishInitial();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0)).startsWith("chat-filters.yaml line ").doesNotContain("\n");

            Files.write(file, new byte[(int)ChatFiltersFile.MAX_FILE_BYTES + 1]);
            warnings.clear();
            filters.publishInitial();
            assertThat(warnings).containsExactly("chat-filters.yaml: the file is " + (ChatFiltersFile.MAX_FILE_BYTES + 1) +
                " bytes, expected at most " + ChatFiltersFile.MAX_FILE_BYTES + " (the previous chat filters stay)");
        }
        assertThatThrownBy(() -> ChatFiltersFile.resolve(dataDir.resolve("nope.yaml").toString(), dataDir))
            .hasMessageStartingWith("chat.filtersFile: expected an existing YAML file, got '");
    }

    private static void write(final Path file, final String text, final int generation) throws Exception
    {
        // Written beside it and moved over it, as editors save: the watcher never reads a half-written file.
        final Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text);
        // A new modification time even on a file system with coarse timestamps.
        Files.setLastModifiedTime(next, FileTime.fromMillis(System.currentTimeMillis() + generation * 10_000L));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static HttpResponse<String> post(final HttpClient http, final CommandCenterNode node, final String text)
        throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + "/api/chat/messages"))
            .header("Authorization", "Bearer " + node.chatToken())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"ann\",\"text\":\"" + text + "\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
    }
}
