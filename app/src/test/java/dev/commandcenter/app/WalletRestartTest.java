package dev.commandcenter.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.transport.electrum.WalletLedgerFile;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Restarts of a node watching the project's Electrum simulator over TCP: the wallet's own ledger file
 * keeps payments announced once when the journal no longer holds them (retention) or never did
 * (journal off), and what happened on the chain while the node was stopped (a reorg, a double spend)
 * is reported on the next start with balances corrected.
 */
@Timeout(180)
class WalletRestartTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private ElectrumSimulator simulator;
    private Path dataDir;

    @BeforeEach
    void startSimulator() throws IOException
    {
        simulator = ElectrumSimulator.start(new ElectrumSimulator.Context().network(WalletNetwork.REGTEST));
        simulator.mine(101);
        dataDir = dir.resolve("data");
    }

    @AfterEach
    void stopSimulator()
    {
        simulator.close();
    }

    @Test
    void shouldNotAnnounceAPaymentAgainAfterItsJournalCyclesWereDeleted() throws Exception
    {
        final AppConfig config = config("""
            journal:
              rollCycle: MINUTELY
              retention: 1 cycle
            """);
        final ElectrumSimulator.Payment first;
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null))
        {
            first = simulator.pay(ADDRESS, 21_000, "first");
            simulator.mine(1);
            await().atMost(WAIT).until(() -> journaled(isType("TransactionConfirmed")).size() == 1);
        }

        // What retention does once the cycle has rolled: the cycle holding the payment is gone.
        deleteJournalCycles();
        assertThat(journaled(isType("TransactionReceived"))).isEmpty();

        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null))
        {
            final ElectrumSimulator.Payment second = simulator.pay(ADDRESS, 50_000, "second");
            await().atMost(WAIT).until(() -> !journaled(isReceived(second.txid())).isEmpty());
        }

        assertThat(journaled(isType("TransactionReceived"))).extracting((event) -> event.get("txid").asText())
            .doesNotContain(first.txid()).hasSize(1);
        assertThat(journaled(isType("TransactionReorged"))).isEmpty();
    }

    @Test
    void shouldNotAnnounceAPaymentAgainWithTheJournalOff() throws Exception
    {
        final AppConfig config = config("""
            journal:
              enabled: false
            """);
        final ElectrumSimulator.Payment first;
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
            TestWebSocket overlay = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            first = simulator.pay(ADDRESS, 21_000, "first");
            await().atMost(WAIT).until(() -> mentions(overlay, first.txid()));
        }
        assertThat(dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME)).doesNotExist();
        assertThat(WalletLedgerFile.in(dataDir)).exists();

        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
            TestWebSocket overlay = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            // The start-up reconcile of the address (which holds the first payment) precedes this payment.
            final ElectrumSimulator.Payment second = simulator.pay(ADDRESS, 50_000, "second");
            await().atMost(WAIT).until(() -> mentions(overlay, second.txid()));

            assertThat(mentions(overlay, first.txid())).isFalse();
        }
    }

    @Test
    void shouldReportAReorgAndADoubleSpendThatHappenedWhileStopped() throws Exception
    {
        final AppConfig config = config("");
        final ElectrumSimulator.Payment confirmed;
        final ElectrumSimulator.Payment pending;
        final int firstHeight;
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null))
        {
            confirmed = simulator.pay(ADDRESS, 10_000, "mined");
            firstHeight = simulator.mine(1);
            pending = simulator.pay(ADDRESS, 20_000, "pending");
            await().atMost(WAIT).until(() -> journaled(isReceived(pending.txid())).size() == 1 &&
                journaled(isType("TransactionConfirmed")).size() == 1 &&
                lastBalance("").get("unconfirmedSats").asLong() == 20_000);
        }

        // While stopped: the pending payment is double-spent, and the block of the confirmed one is
        // replaced; it returns to the mempool and is mined again at another height.
        simulator.doubleSpend(pending.txid());
        simulator.reorg(1, true);
        final int secondHeight = simulator.mine(1);
        assertThat(simulator.heightOf(confirmed.txid())).isEqualTo(secondHeight).isNotEqualTo(firstHeight);

        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null))
        {
            await().atMost(WAIT).until(() -> journaled(isType("TransactionReorged")).size() == 2 &&
                journaled(isType("TransactionConfirmed")).size() == 2 &&
                lastBalance("").get("unconfirmedSats").asLong() == 0);
        }

        assertThat(journaled(isType("TransactionReorged")))
            .extracting((event) -> event.get("txid").asText() + "@" + event.get("previousHeight").asInt())
            .containsExactlyInAnyOrder(pending.txid() + "@0", confirmed.txid() + "@" + firstHeight);
        assertThat(journaled(isType("TransactionConfirmed")))
            .extracting((event) -> event.get("txid").asText() + "@" + event.get("height").asInt() + ":" +
                event.get("confirmations").asInt())
            .containsExactly(confirmed.txid() + "@" + firstHeight + ":1", confirmed.txid() + "@" + secondHeight + ":1");
        assertThat(journaled(isType("TransactionReceived"))).hasSize(2);
        assertThat(lastBalance(ADDRESS).get("confirmedSats").asLong()).isEqualTo(10_000);
        assertThat(lastBalance(ADDRESS).get("unconfirmedSats").asLong()).isZero();
        assertThat(lastBalance("").get("confirmedSats").asLong()).isEqualTo(10_000);
    }

    @Test
    void shouldReportAConfirmedPaymentThatADeeperChainDropped() throws Exception
    {
        final AppConfig config = config("");
        final ElectrumSimulator.Payment payment;
        final int height;
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null))
        {
            payment = simulator.pay(ADDRESS, 30_000, null);
            height = simulator.mine(1);
            await().atMost(WAIT).until(() -> journaled(isType("TransactionConfirmed")).size() == 1 &&
                lastBalance("").get("confirmedSats").asLong() == 30_000);
        }

        simulator.reorg(1, false);

        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null))
        {
            await().atMost(WAIT).until(() -> journaled(isType("TransactionReorged")).size() == 1 &&
                lastBalance("").get("confirmedSats").asLong() == 0);
        }

        assertThat(journaled(isType("TransactionReorged"))).singleElement()
            .satisfies((event) -> assertThat(event.get("txid").asText()).isEqualTo(payment.txid()))
            .satisfies((event) -> assertThat(event.get("previousHeight").asInt()).isEqualTo(height));
        assertThat(lastBalance(ADDRESS).get("confirmedSats").asLong()).isZero();
        assertThat(journaled(isType("TransactionReceived"))).hasSize(1);
    }

    @Test
    void shouldRefuseToStartOnAnUnreadableLedgerFile() throws Exception
    {
        final AppConfig config = config("");
        Files.createDirectories(dataDir);
        Files.writeString(WalletLedgerFile.in(dataDir), "{\"format\": \"commandcenter-wallet-ledger\", \"ver");

        assertThatThrownBy(() -> CommandCenterNode.start(config, dataDir, null).close())
            .hasMessageStartingWith("wallet ledger " + WalletLedgerFile.in(dataDir) + " is unreadable: it is not JSON");
    }

    private AppConfig config(final String extra) throws IOException
    {
        return RegtestWalletConfig.load(
            dir.resolve("wallet.yaml"), RegtestWalletConfig.yaml(simulator.url(), ADDRESS, 1) + extra);
    }

    private void deleteJournalCycles() throws IOException
    {
        try (Stream<Path> files = Files.list(dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME)))
        {
            for (final Path file : files.filter((path) -> path.toString().endsWith(".cq4")).toList())
            {
                Files.delete(file);
            }
        }
    }

    private JsonNode lastBalance(final String address) throws Exception
    {
        final List<JsonNode> balances = journaled((event) ->
            "WalletBalance".equals(event.path("type").asText()) && address.equals(event.path("address").asText()));
        return balances.isEmpty() ? MAPPER.createObjectNode().put("confirmedSats", -1).put("unconfirmedSats", -1) :
            balances.getLast();
    }

    private static Predicate<JsonNode> isType(final String type)
    {
        return (event) -> type.equals(event.path("type").asText());
    }

    private static Predicate<JsonNode> isReceived(final String txid)
    {
        return (event) -> "TransactionReceived".equals(event.path("type").asText()) &&
            txid.equals(event.path("txid").asText());
    }

    private static boolean mentions(final TestWebSocket overlay, final String txid)
    {
        return overlay.messages.stream().anyMatch((message) -> message.contains(txid));
    }

    private List<JsonNode> journaled(final Predicate<JsonNode> filter) throws Exception
    {
        final CliTest.Result result = CliTest.run("journal", "dump", "--data-dir", dataDir.toString());
        final List<JsonNode> events = new ArrayList<>();
        for (final String line : result.out().split("\n"))
        {
            if (!line.isBlank())
            {
                final JsonNode event = MAPPER.readTree(line);
                if (filter.test(event))
                {
                    events.add(event);
                }
            }
        }
        return events;
    }
}
