package dev.commandcenter.app;

import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.app.main.CommandCenter;

import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node whose journal can no longer be written says so: health turns {@code halted} with the reason, and
 * {@code commandcenter run} exits non-zero with the reason on stderr so a supervisor restarts it. The journal
 * is broken for real: its directory is replaced by a plain file before the first event is appended.
 */
@Timeout(120)
class JournalHaltAppTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TOKEN = "journal-halt-test-token-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void shouldReportHaltedHealthWhenTheJournalCannotBeWritten() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        try (CommandCenterNode node = CommandCenterNode.start(ConfigLoader.load(config()), dataDir, null))
        {
            assertThat(node.health()).containsEntry("status", "running").doesNotContainKey("reason");
            breakJournal(dataDir);

            node.engine().publisher().publish(Sources.WALLET, Payments.WRITER,
                new Payments.Payment(Payments.txid(1), 1_000, "bcrt1qhalt", "lost"));

            await().atMost(WAIT).until(() -> "halted".equals(node.health().get("status")));
            final Map<String, Object> health = node.health();
            assertThat((String)health.get("reason")).startsWith("journal halted: ").doesNotContain("\n");
            assertThat(node.engine().publisher().publish(Sources.WALLET, Payments.WRITER,
                new Payments.Payment(Payments.txid(2), 1_000, "bcrt1qhalt", "refused"))).isEqualTo(EventPublisher.HALTED);
        }
    }

    @Test
    void shouldExitRunNonZeroWithTheReasonWhenTheJournalHalts() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final String config = config().toString();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> CommandCenter.execute(
            new String[] {"run", "--config", config, "--data-dir", dataDir.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        await().atMost(WAIT).until(() -> out.toString(StandardCharsets.UTF_8).contains("Press Ctrl-C to stop."));
        final Matcher events = Pattern.compile("post events\\s+(\\S+)").matcher(out.toString(StandardCharsets.UTF_8));
        assertThat(events.find()).as("events URL in %s", out).isTrue();

        breakJournal(dataDir);
        final HttpResponse<String> posted = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(events.group(1)))
                .header("Authorization", "Bearer " + SecretsStore.load(dataDir).adminToken())
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"ChatMessage\",\"text\":\"hello\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);

        assertThat(run).succeedsWithin(WAIT).isEqualTo(1);
        // One line: the runner's, not also the console's first-error line.
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
            .singleElement().asString().matches("commandcenter: journal halted: .+");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("stopping...");
    }

    private Path config() throws IOException
    {
        final Path config = dir.resolve("node.yaml");
        Files.writeString(config, "wallet:\n  source: none\ntelemetry:\n  enabled: false\nwebsocket:\n  port: 0\n" +
            "  token: " + TOKEN + "\n");
        return config;
    }

    /** Replace the journal directory with a plain file: the next cycle file cannot be created. */
    private static void breakJournal(final Path dataDir) throws IOException
    {
        final Path journal = dataDir.resolve("journal");
        try (Stream<Path> files = Files.walk(journal))
        {
            files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
        }
        Files.writeString(journal, "not a directory");
    }
}
