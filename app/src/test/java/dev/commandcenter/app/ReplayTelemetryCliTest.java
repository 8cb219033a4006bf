package dev.commandcenter.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.Sources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The journal tools, replay and telemetry through the CLI, against what a live node recorded.
 */
@Timeout(180)
class ReplayTelemetryCliTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void shouldReplayToTheSameOverlayAlertsTheLiveRunSent() throws Exception
    {
        final Path configFile = dataDir.resolveSibling(dataDir.getFileName() + "-config.yaml");
        Files.writeString(configFile, """
            wallet: { source: none }
            websocket: { port: 0 }
            engine: { sampleIntervalMs: 20, outputRingSize: 512 }
            telemetry: { intervalMs: 100 }
            plugins:
              stream-bridge: { alertDurationMs: 3000, message: "{sats} sats from {address}: {memo}" }
            """);
        final AppConfig config = dev.commandcenter.app.config.ConfigLoader.load(configFile);
        final List<JsonNode> live = new ArrayList<>();
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
            TestWebSocket client = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            for (int i = 0; i < 5; i++)
            {
                node.engine().publisher().publish(Sources.WALLET, Payments.WRITER,
                    new Payments.Payment(Payments.txid(i), 2_000 + i * 1_000L, "bcrt1qaddr" + i, "memo " + i));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> client.messages.size() == 5);
            for (final String message : client.messages)
            {
                live.add(MAPPER.readTree(message));
            }

            final CliTest.Result stat = CliTest.run("stat", "--data-dir", dataDir.toString());
            assertThat(stat.code()).isZero();
            assertThat(stat.out()).containsPattern("events in\\s+5").containsPattern("plugin processed: stream-bridge\\s+5")
                .containsPattern("plugin state: stream-bridge\\s+RUNNING").doesNotContain("NOT RUNNING");

            await().atMost(Duration.ofSeconds(20)).until(() -> Files.isDirectory(dataDir.resolve("telemetry")) &&
                CliTest.run("telemetry", "--data-dir", dataDir.toString()).code() == 0);
        }

        final CliTest.Result replay = CliTest.run("replay", "--data-dir", dataDir.toString(), "--speed", "max", "--outputs",
            "--config", configFile.toString());
        assertThat(replay.code()).isZero();
        assertThat(replay.err()).contains("replayed 5 events").contains("sandboxed");
        final List<JsonNode> replayed = new ArrayList<>();
        for (final String line : replay.out().split("\n"))
        {
            // The chat plugin shows the payments' memos as paid lines too; the alerts are compared here.
            if (!line.isBlank() && "stream-bridge".equals(MAPPER.readTree(line).path("plugin").asText()))
            {
                replayed.add(MAPPER.readTree(line));
            }
        }
        assertThat(replayed).hasSize(5);
        assertThat(replayed.get(0).get("message").asText()).isEqualTo("2000 sats from bcrt1qaddr0: memo 0");
        for (int i = 0; i < 5; i++)
        {
            for (final String field : List.of("type", "alertId", "amountSats", "showAtEpochMs", "durationMs", "queued",
                "kind", "txid", "title", "message"))
            {
                assertThat(replayed.get(i).get(field)).as(field).isEqualTo(live.get(i).get(field));
            }
        }

        // The replay engine was built from the same configuration: its output ring has the configured size.
        final CliTest.Result replayStat = CliTest.run("stat", "--data-dir",
            dataDir.resolve(CommandCenterNode.REPLAY_DIR_NAME).toString());
        assertThat(replayStat.code()).isZero();
        final Matcher remaining = Pattern.compile("output ring remaining capacity\\s+(\\d+)").matcher(replayStat.out());
        assertThat(remaining.find()).as(replayStat.out()).isTrue();
        assertThat(Long.parseLong(remaining.group(1))).isBetween(512L - 5, 512L);
        assertThat(replayStat.out()).containsPattern("events in\\s+5");

        final CliTest.Result telemetry = CliTest.run("telemetry", "--data-dir", dataDir.toString(), "--metric", "events in");
        assertThat(telemetry.code()).isZero();
        assertThat(telemetry.out()).contains("events in");

        final CliTest.Result stats = CliTest.run("journal", "stats", "--data-dir", dataDir.toString());
        assertThat(stats.code()).isZero();
        assertThat(stats.out()).containsPattern("TransactionReceived\\s+5");

        final CliTest.Result verify = CliTest.run("journal", "verify", "--data-dir", dataDir.toString());
        assertThat(verify.code()).isZero();

        final CliTest.Result empty = CliTest.run("replay", "--data-dir", dataDir.toString(), "--from", "2099-01-01");
        assertThat(empty.code()).isNotZero();
        assertThat(empty.err().strip()).doesNotContain("\n").contains("no events");

        final CliTest.Result badSpeed = CliTest.run("replay", "--data-dir", dataDir.toString(), "--speed", "fast");
        assertThat(badSpeed.code()).isNotZero();
        assertThat(badSpeed.err()).contains("fast");

        final CliTest.Result dump = CliTest.run("journal", "dump", "--data-dir", dataDir.toString());
        final List<String> lines = dump.out().lines().collect(Collectors.toList());
        assertThat(lines).hasSize(5);
        final JsonNode first = MAPPER.readTree(lines.get(0));
        assertThat(first.get("sequence").asLong()).isZero();
        assertThat(first.get("type").asText()).isEqualTo("TransactionReceived");
        assertThat(first.get("source").asText()).isEqualTo("wallet");
        assertThat(first.has("timestamp")).isTrue();
        assertThat(first.get("txid").asText()).isEqualTo(Payments.txid(0));
        assertThat(first.get("amountSats").asLong()).isEqualTo(2_000);
    }
}
