package dev.commandcenter.transport.electrum.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.WatchList;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.agrona.concurrent.CachedEpochClock;
import org.bitcoinj.core.Transaction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(30)
class ElectrumClientTest
{
    private static final String ADDRESS = "bcrt1qn7d2x7272lznt5hhk9s07q3cqnrqljnwladrd3";

    private final CachedEpochClock clock = new CachedEpochClock();
    private final List<String> notifications = new CopyOnWriteArrayList<>();
    private final List<ElectrumException> closures = new CopyOnWriteArrayList<>();
    private ElectrumSimulator simulator;
    private ElectrumClient client;

    @BeforeEach
    void setUp() throws Exception
    {
        clock.update(1_700_000_000_000L);
        simulator = ElectrumSimulator.start(new ElectrumSimulator.Context().clock(clock));
        client = ElectrumClient.connect(ServerAddress.parse(simulator.url()),
            new ElectrumClient.Options(5_000, 4096, clock, TlsOptions.DEFAULT), new ElectrumClient.Listener()
            {
                public void onNotification(final ElectrumClient from, final String method, final JsonNode params)
                {
                    notifications.add(method + " " + params);
                }

                public void onClosed(final ElectrumClient from, final ElectrumException reason)
                {
                    closures.add(reason);
                }
            });
    }

    @AfterEach
    void tearDown()
    {
        client.close();
        simulator.close();
    }

    @Test
    void shouldNegotiateVersionSubscribeAndReadHistoryBalanceAndTransactions() throws Exception
    {
        final JsonNode version = client.call("server.version", "commandcenter", "1.4");
        assertThat(version.get(1).asText()).isEqualTo("1.4");
        assertThat(client.call("server.ping").isNull()).isTrue();
        assertThat(client.call("blockchain.headers.subscribe").get("height").asInt()).isEqualTo(100);

        final String scriptHash = WatchList.parseAddress(ADDRESS, WalletNetwork.REGTEST).scriptHash();
        assertThat(client.call("blockchain.scripthash.subscribe", scriptHash).isNull()).isTrue();

        final ElectrumSimulator.Payment payment = simulator.pay(ADDRESS, 12_345, "gg");
        await().atMost(Duration.ofSeconds(5)).until(() -> notifications.stream()
            .anyMatch((n) -> n.startsWith("blockchain.scripthash.subscribe") && n.contains(scriptHash)));
        simulator.mine(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> notifications.stream()
            .anyMatch((n) -> n.startsWith("blockchain.headers.subscribe") && n.contains("\"height\":101")));

        final JsonNode history = client.call("blockchain.scripthash.get_history", scriptHash);
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("tx_hash").asText()).isEqualTo(payment.txid());
        assertThat(history.get(0).get("height").asInt()).isEqualTo(101);
        assertThat(client.call("blockchain.scripthash.get_balance", scriptHash).get("confirmed").asLong()).isEqualTo(12_345);

        final Transaction tx = Transaction.read(ByteBuffer.wrap(HexFormat.of().parseHex(
            client.call("blockchain.transaction.get", payment.txid()).asText())));
        assertThat(tx.getTxId().toString()).isEqualTo(payment.txid());
        assertThat(tx.getOutputs().getFirst().getValue().value).isEqualTo(12_345);
    }

    @Test
    void shouldMatchPipelinedResponsesById() throws Exception
    {
        client.call("server.version", "commandcenter", "1.4");
        final CompletableFuture<JsonNode> header = client.send("blockchain.block.header", 7);
        final CompletableFuture<JsonNode> ping = client.send("server.ping");
        final CompletableFuture<JsonNode> tip = client.send("blockchain.headers.subscribe");

        assertThat(client.await("blockchain.headers.subscribe", tip).get("height").asInt()).isEqualTo(100);
        assertThat(client.await("server.ping", ping).isNull()).isTrue();
        assertThat(client.await("blockchain.block.header", header).asText()).hasSize(160);
    }

    @Test
    void shouldReportAnErrorResponseAndKeepTheConnection() throws Exception
    {
        client.call("server.version", "commandcenter", "1.4");
        simulator.failNext("blockchain.scripthash.get_history", 1, "history too large");

        assertThatThrownBy(() -> client.call("blockchain.scripthash.get_history", "00".repeat(32)))
            .isInstanceOfSatisfying(ElectrumException.class, (ex) ->
            {
                assertThat(ex.kind()).isEqualTo(ElectrumException.Kind.SERVER_ERROR);
                assertThat(ex.getMessage()).isEqualTo(simulator.url() +
                    " answered blockchain.scripthash.get_history with an error (code 1: history too large)");
            });
        assertThat(client.isOpen()).isTrue();
        assertThat(client.call("server.ping").isNull()).isTrue();
    }

    @Test
    void shouldCloseOnAResponseToAnIdNeverSent() throws Exception
    {
        client.call("server.version", "commandcenter", "1.4");
        simulator.sendResponseToUnknownId(9999);

        await().atMost(Duration.ofSeconds(5)).until(() -> !closures.isEmpty());
        assertThat(closures.getFirst().kind()).isEqualTo(ElectrumException.Kind.PROTOCOL);
        assertThat(closures.getFirst().getMessage()).isEqualTo(simulator.url() + " sent a response to id 9999 which was never sent");
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void shouldCloseOnMalformedJson() throws Exception
    {
        client.call("server.version", "commandcenter", "1.4");
        simulator.sendMalformedJson();

        await().atMost(Duration.ofSeconds(5)).until(() -> !closures.isEmpty());
        assertThat(closures.getFirst().kind()).isEqualTo(ElectrumException.Kind.PROTOCOL);
        assertThat(closures.getFirst().getMessage()).startsWith(simulator.url() + " sent malformed JSON: {\"jsonrpc\"");
    }

    @Test
    void shouldCloseOnALineOverTheLimitAndFailPendingRequests() throws Exception
    {
        client.call("server.version", "commandcenter", "1.4");
        simulator.stallNext("server.ping");
        final CompletableFuture<JsonNode> pending = client.send("server.ping");
        await().atMost(Duration.ofSeconds(5)).until(() -> simulator.requestCount("server.ping") == 1);
        simulator.sendOverlongLine(10_000);

        await().atMost(Duration.ofSeconds(5)).until(() -> !closures.isEmpty());
        assertThat(closures.getFirst().getMessage())
            .isEqualTo(simulator.url() + " sent a line longer than the 4096-byte limit (wallet.electrum.maxLineLength)");
        assertThat(pending).isCompletedExceptionally();
    }

    @Test
    void shouldTimeOutARequestByTheInjectedClockAndClose() throws Exception
    {
        client.call("server.version", "commandcenter", "1.4");
        simulator.stallNext("server.ping");
        final CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                client.call("server.ping");
                return null;
            }
            catch (final Exception ex)
            {
                return ex;
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> simulator.requestCount("server.ping") == 1);
        assertThat(failure).isNotDone();

        clock.advance(5_000);

        assertThat(failure.get()).isInstanceOfSatisfying(ElectrumException.class, (ex) ->
        {
            assertThat(ex.kind()).isEqualTo(ElectrumException.Kind.TIMEOUT);
            assertThat(ex.getMessage()).isEqualTo(simulator.url() + " did not answer server.ping within 5000 ms");
        });
        assertThat(client.isOpen()).isFalse();
    }

    @Test
    void shouldParseServerUrlsAndRejectOthersInOneLine()
    {
        assertThat(ServerAddress.parse("ssl://electrum.example.org:50002"))
            .isEqualTo(new ServerAddress("electrum.example.org", 50002, true));
        assertThat(ServerAddress.parse("tcp://[::1]:50001").toString()).isEqualTo("tcp://[::1]:50001");
        assertThatThrownBy(() -> ServerAddress.parse("http://host:1"))
            .hasMessage("electrum server 'http://host:1' has scheme 'http': expected tcp://host:port or ssl://host:port");
        assertThatThrownBy(() -> ServerAddress.parse("tcp://host"))
            .hasMessage("electrum server 'tcp://host' lacks a host or port: expected tcp://host:port or ssl://host:port");
    }
}
