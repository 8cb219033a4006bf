package dev.commandcenter.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.JournalReader;
import dev.commandcenter.persistence.JournalRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The spine end to end, in process: a payment published into the engine becomes an overlay alert on
 * a real WebSocket client, is journaled in Chronicle Queue, and a restarted engine continues the sequence.
 */
@Timeout(120)
class EndToEndTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dataDir;

    static AppConfig config()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.intervalMs = 1000;
        config.engine.sampleIntervalMs = 100;
        // Long enough that a browser test sees the alert still on screen however long the page takes.
        config.plugins = dev.commandcenter.plugin.host.PluginsSettings.of(
            java.util.Map.of("stream-bridge", java.util.Map.of("alertDurationMs", 600_000)));
        return config;
    }

    @Test
    void shouldTurnAPaymentIntoAnOverlayAlertJournaledAndContinuedAfterRestart() throws Exception
    {
        final long firstSequence;
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null);
            TestWebSocket client = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            final long receipt = node.engine().publisher().publish(Sources.WALLET, Payments.WRITER,
                new Payments.Payment(Payments.txid(1), 25_000, "bcrt1qcreator", "great stream"));
            assertThat(receipt).isGreaterThanOrEqualTo(0);

            await().atMost(Duration.ofSeconds(20)).until(() -> !client.messages.isEmpty());
            final JsonNode alert = MAPPER.readTree(client.messages.get(0));
            assertThat(alert.get("type").asText()).isEqualTo("OverlayAlert");
            assertThat(alert.get("plugin").asText()).isEqualTo("stream-bridge");
            assertThat(alert.get("amountSats").asLong()).isEqualTo(25_000);
            assertThat(alert.get("txid").asText()).isEqualTo(Payments.txid(1));
            assertThat(alert.get("message").asText()).contains("0.00025000 BTC").contains("bcrt1qcreator");
            assertThat(alert.get("kind").asText()).isEqualTo("PAYMENT");
            firstSequence = alert.get("alertId").asLong();
            await().atMost(Duration.ofSeconds(10)).until(() -> node.engine().publisher().isJournaled(receipt));
        }

        final List<Long> sequences = new ArrayList<>();
        final List<String> types = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME)))
        {
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                sequences.add(record.sequence());
                types.add(record.messageName());
                assertThat(record.source()).isEqualTo(Sources.WALLET);
            }
        }
        assertThat(sequences).containsExactly(firstSequence);
        assertThat(types).containsExactly("TransactionReceived");

        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null);
            TestWebSocket client = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            node.engine().publisher().publish(Sources.WALLET, Payments.WRITER,
                new Payments.Payment(Payments.txid(2), 50_000, "bcrt1qcreator", ""));

            await().atMost(Duration.ofSeconds(20)).until(() -> client.messages.stream()
                .anyMatch(text -> text.contains(Payments.txid(2))));
            final JsonNode alert = MAPPER.readTree(client.messages.stream()
                .filter(text -> text.contains(Payments.txid(2))).findFirst().orElseThrow());
            assertThat(alert.get("alertId").asLong()).isEqualTo(firstSequence + 1);
            assertThat(alert.get("sequence").asLong()).isEqualTo(firstSequence + 1);
        }
    }

    @Test
    void shouldRefuseABadTokenWithAClearCloseReason() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null))
        {
            final String url = node.urls().get("stream-bridge feed").replace(node.token(), "wrong-token");
            try (TestWebSocket client = new TestWebSocket(url))
            {
                assertThat(client.closed.get(10, TimeUnit.SECONDS))
                    .isEqualTo("1008 unauthorized: missing or invalid token");
                assertThat(client.messages).isEmpty();
            }
        }
    }

    @Test
    void shouldKeepTheTokenOfADataDirAcrossRestarts()
    {
        final String token;
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null))
        {
            token = node.token();
        }
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null))
        {
            assertThat(node.token()).isEqualTo(token).hasSizeGreaterThanOrEqualTo(32);
            assertThat(node.urls().get("stream-bridge page")).startsWith("http://127.0.0.1:").endsWith("?token=" + token);
        }
    }
}
