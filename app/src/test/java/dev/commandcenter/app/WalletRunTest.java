package dev.commandcenter.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code run --config} against an Electrum server (the project's simulator over TCP): payments are
 * journaled with txid and amountSats, each exactly once, including one that arrives while the engine
 * is down and the ones already journaled before a restart.
 */
@Timeout(180)
class WalletRunTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";

    @TempDir
    Path dir;

    @Test
    void shouldJournalEachPaymentOnceAcrossARestart() throws Exception
    {
        try (ElectrumSimulator simulator = ElectrumSimulator.start(new ElectrumSimulator.Context()
            .network(WalletNetwork.REGTEST)))
        {
            simulator.mine(101);
            final AppConfig appConfig = RegtestWalletConfig.load(
                dir.resolve("wallet.yaml"), RegtestWalletConfig.yaml(simulator.url(), ADDRESS, 2));
            final Path dataDir = dir.resolve("data");

            final ElectrumSimulator.Payment first;
            try (CommandCenterNode node = CommandCenterNode.start(appConfig, dataDir, null))
            {
                first = simulator.pay(ADDRESS, 21_000, "first");
                await().atMost(Duration.ofSeconds(30)).until(() -> received(dataDir).size() == 1);
                simulator.mine(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> confirmed(dataDir).contains(first.txid() + ":1"));
            }

            // While the engine is down: another payment and another block.
            final ElectrumSimulator.Payment second = simulator.pay(ADDRESS, 50_000, "while away");
            simulator.mine(1);

            try (CommandCenterNode node = CommandCenterNode.start(appConfig, dataDir, null))
            {
                await().atMost(Duration.ofSeconds(30)).until(() -> received(dataDir).size() == 2 &&
                    confirmed(dataDir).contains(first.txid() + ":2") && confirmed(dataDir).contains(second.txid() + ":1"));
                // The reconcile after the restart has settled: nothing more arrives.
                await().atMost(Duration.ofSeconds(30)).until(() -> node.wallet().status().toString().contains("CONNECTED"));
            }

            final List<String> received = received(dataDir);
            assertThat(received).containsExactly(first.txid() + ":21000", second.txid() + ":50000");
            assertThat(confirmed(dataDir)).containsExactly(first.txid() + ":1", first.txid() + ":2", second.txid() + ":1");
        }
    }

    private static List<String> received(final Path dataDir) throws Exception
    {
        final List<String> result = new ArrayList<>();
        for (final JsonNode event : dump(dataDir, "TransactionReceived"))
        {
            assertThat(event.get("address").asText()).isEqualTo(ADDRESS);
            result.add(event.get("txid").asText() + ":" + event.get("amountSats").asLong());
        }
        return result;
    }

    private static List<String> confirmed(final Path dataDir) throws Exception
    {
        final List<String> result = new ArrayList<>();
        for (final JsonNode event : dump(dataDir, "TransactionConfirmed"))
        {
            result.add(event.get("txid").asText() + ":" + event.get("confirmations").asInt());
        }
        return result;
    }

    private static List<JsonNode> dump(final Path dataDir, final String type) throws Exception
    {
        final CliTest.Result result = CliTest.run("journal", "dump", "--data-dir", dataDir.toString(), "--type", type);
        final List<JsonNode> events = new ArrayList<>();
        for (final String line : result.out().split("\n"))
        {
            if (!line.isBlank())
            {
                events.add(MAPPER.readTree(line));
            }
        }
        return events;
    }
}
