package dev.commandcenter.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The stream bridge across restarts of a real node with its Chronicle journal on disk: a payment reported again by the
 * wallet source after a restart raises no second alert, an alert still pending is re-announced with its own alertId,
 * a snapshot older than the journal (as a crash leaves it) is completed from the journal's tail, and a replay of the
 * journal still reproduces the alerts of the live runs.
 */
@Timeout(180)
class RecoveryRestartTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> ALERT_FIELDS = List.of("type", "alertId", "amountSats", "showAtEpochMs",
        "durationMs", "queued", "kind", "txid", "verified", "title", "message");
    private static final Path SNAPSHOT = Path.of("plugins-data", "stream-bridge", "stream-bridge-state.bin");

    @TempDir
    Path dir;

    @Test
    void shouldNotAlertTwiceForAPaymentReportedAgainAfterARestartAndReannounceThePendingAlert() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final AppConfig config = config();
        final Payments.Payment first = payment(1, 21_000);
        final JsonNode alerted;
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
            TestWebSocket overlay = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            publish(node, first);
            await().atMost(WAIT).until(() -> alerts(overlay, first.txid()).size() == 1);
            alerted = alerts(overlay, first.txid()).get(0);
        }
        assertThat(dataDir.resolve(SNAPSHOT)).isRegularFile();

        final Payments.Payment second = payment(2, 30_000);
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
            TestWebSocket overlay = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            // still pending (alerts show for an hour): announced again, as it was
            await().atMost(WAIT).until(() -> alerts(overlay, first.txid()).size() == 1);
            assertSameAlert(alerts(overlay, first.txid()).get(0), alerted);

            publish(node, first);
            publish(node, second);
            await().atMost(WAIT).until(() -> alerts(overlay, second.txid()).size() == 1);
            await().atMost(WAIT).until(() -> node.engine().readCounter(CounterType.PLUGIN_PROCESSED, "stream-bridge") == 2);
            assertThat(alerts(overlay, first.txid())).hasSize(1);
            final JsonNode next = alerts(overlay, second.txid()).get(0);
            assertThat(next.get("queued").asInt()).isEqualTo(1);
            assertThat(next.get("showAtEpochMs").asLong())
                .isEqualTo(alerted.get("showAtEpochMs").asLong() + alerted.get("durationMs").asLong());
        }

        final List<JsonNode> replayed = replay(dataDir);
        assertThat(replayed).extracting((alert) -> alert.get("txid").asText())
            .containsExactly(first.txid(), second.txid());
        assertSameAlert(replayed.get(0), alerted);
    }

    @Test
    void shouldCompleteASnapshotOlderThanTheJournalFromItsTail() throws Exception
    {
        final Path dataDir = dir.resolve("data");
        final AppConfig config = config();
        final Payments.Payment first = payment(1, 21_000);
        final Payments.Payment second = payment(2, 30_000);
        final Payments.Payment third = payment(3, 40_000);
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
            TestWebSocket overlay = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            publish(node, first);
            await().atMost(WAIT).until(() -> alerts(overlay, first.txid()).size() == 1);
        }
        final Path olderSnapshot = dir.resolve("older.bin");
        Files.copy(dataDir.resolve(SNAPSHOT), olderSnapshot);

        final JsonNode alerted;
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
            TestWebSocket overlay = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            publish(node, second);
            await().atMost(WAIT).until(() -> alerts(overlay, second.txid()).size() == 1);
            alerted = alerts(overlay, second.txid()).get(0);
        }
        // as if the node had stopped without writing its last snapshot
        Files.copy(olderSnapshot, dataDir.resolve(SNAPSHOT), StandardCopyOption.REPLACE_EXISTING);

        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
            TestWebSocket overlay = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            await().atMost(WAIT).until(() -> alerts(overlay, second.txid()).size() == 1);
            assertThat(node.engine().readCounter(CounterType.PLUGIN_RECOVERED, "stream-bridge")).isEqualTo(1);
            assertSameAlert(alerts(overlay, second.txid()).get(0), alerted);

            publish(node, second);
            publish(node, third);
            await().atMost(WAIT).until(() -> alerts(overlay, third.txid()).size() == 1);
            assertThat(alerts(overlay, second.txid())).hasSize(1);
            assertThat(alerts(overlay, third.txid()).get(0).get("queued").asInt()).isEqualTo(2);
        }

        assertThat(replay(dataDir)).extracting((alert) -> alert.get("txid").asText())
            .containsExactly(first.txid(), second.txid(), third.txid());
    }

    private static void assertSameAlert(final JsonNode actual, final JsonNode expected)
    {
        for (final String field : ALERT_FIELDS)
        {
            assertThat(actual.get(field)).as(field).isEqualTo(expected.get(field));
        }
    }

    private AppConfig config() throws Exception
    {
        final Path file = dir.resolve("recovery.yaml");
        Files.writeString(file, """
            wallet: { source: none }
            websocket: { port: 0 }
            plugins:
              stream-bridge: { alertDurationMs: 3600000 }
            """);
        return ConfigLoader.load(file);
    }

    private List<JsonNode> replay(final Path dataDir) throws Exception
    {
        final CliTest.Result replay = CliTest.run("replay", "--data-dir", dataDir.toString(), "--speed", "max",
            "--outputs", "--config", dir.resolve("recovery.yaml").toString());
        assertThat(replay.code()).as(replay.err()).isZero();
        final List<JsonNode> alerts = new ArrayList<>();
        for (final String line : replay.out().split("\n"))
        {
            if (!line.isBlank())
            {
                final JsonNode output = MAPPER.readTree(line);
                if ("OverlayAlert".equals(output.path("type").asText()))
                {
                    alerts.add(output);
                }
            }
        }
        return alerts;
    }

    private static Payments.Payment payment(final int n, final long sats)
    {
        return new Payments.Payment(Payments.txid(n), sats, "bcrt1qaddr" + n, "memo " + n);
    }

    private static void publish(final CommandCenterNode node, final Payments.Payment payment)
    {
        assertThat(node.engine().publisher().publish(Sources.WALLET, Payments.WRITER, payment)).isGreaterThanOrEqualTo(0);
    }

    private static List<JsonNode> alerts(final TestWebSocket overlay, final String txid) throws Exception
    {
        final List<JsonNode> alerts = new ArrayList<>();
        for (final String message : overlay.messages)
        {
            final JsonNode json = MAPPER.readTree(message);
            if ("OverlayAlert".equals(json.path("type").asText()) && txid.equals(json.path("txid").asText()))
            {
                alerts.add(json);
            }
        }
        return alerts;
    }
}
