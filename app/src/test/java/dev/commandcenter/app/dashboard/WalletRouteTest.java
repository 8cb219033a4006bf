package dev.commandcenter.app.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.RegtestWalletConfig;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/wallet} and {@code /ws/wallet} on a node watching the Electrum simulator over TCP: a payment shows in
 * the snapshot and on the feed, a feed resuming with {@code since} gets what it missed, the failover history follows
 * the wallet's connection, and only the admin token reads the route.
 */
@Timeout(180)
class WalletRouteTest
{
    private static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void shouldShowAPaymentInTheSnapshotAndOnTheFeedAndResumeWhatTheFeedMissed() throws Exception
    {
        try (ElectrumSimulator simulator = ElectrumSimulator.start(new ElectrumSimulator.Context()
            .network(WalletNetwork.REGTEST)))
        {
            simulator.mine(101);
            final AppConfig config = RegtestWalletConfig.load(dir.resolve("wallet.yaml"),
                RegtestWalletConfig.yaml(simulator.url(), ADDRESS, 0));
            try (CommandCenterNode node = CommandCenterNode.start(config, dir.resolve("data"), null);
                DashboardClient client = new DashboardClient(node.webServer().baseUrl()))
            {
                final String admin = node.adminToken();
                await().atMost(WAIT).until(() ->
                    "CONNECTED".equals(client.json("/api/wallet", admin).path("state").asText()));
                final DashboardClient.Feed live = client.feed("/ws/wallet?token=" + node.token());

                final ElectrumSimulator.Payment first = simulator.pay(ADDRESS, 21_000, "first");
                await().atMost(WAIT).until(() -> client.json("/api/wallet", admin).path("payments").size() == 1 &&
                    21_000 == client.json("/api/wallet", admin).path("balance").path("unconfirmedSats").asLong());
                final JsonNode wallet = client.json("/api/wallet", admin);
                assertThat(wallet.path("enabled").asBoolean()).isTrue();
                assertThat(wallet.path("network").asText()).isEqualTo("regtest");
                assertThat(wallet.path("server").asText()).isEqualTo(simulator.url());
                assertThat(wallet.path("tipHeight").asInt()).isEqualTo(simulator.height());
                final JsonNode payment = wallet.path("payments").get(0);
                assertThat(payment.path("txid").asText()).isEqualTo(first.txid());
                assertThat(payment.path("address").asText()).isEqualTo(ADDRESS);
                assertThat(payment.path("amountSats").asLong()).isEqualTo(21_000);
                assertThat(payment.path("height").asInt()).isZero();
                assertThat(payment.path("confirmations").asInt()).isZero();
                assertThat(wallet.path("failovers").get(0).path("state").asText()).isEqualTo("CONNECTED");
                assertThat(wallet.path("failovers").get(0).path("server").asText()).isEqualTo(simulator.url());

                await().atMost(WAIT).until(() -> live.ofType("TransactionReceived").size() == 1);
                final JsonNode received = live.ofType("TransactionReceived").get(0);
                assertThat(received.path("plugin").asText()).isEqualTo(WalletFeedPlugin.ID);
                assertThat(received.path("txid").asText()).isEqualTo(first.txid());
                assertThat(received.path("amountSats").asLong()).isEqualTo(21_000);
                await().atMost(WAIT).until(() -> !live.ofType("WalletBalance").isEmpty());
                final long lastSeen = live.messages.get(live.messages.size() - 1).path("seq").asLong();
                live.close();

                // While the feed is away: a second payment, then a block confirming both.
                final ElectrumSimulator.Payment second = simulator.pay(ADDRESS, 50_000, "second");
                simulator.mine(1);
                final int tip = simulator.height();
                await().atMost(WAIT).until(() -> {
                    final JsonNode now = client.json("/api/wallet", admin);
                    return now.path("payments").size() == 2 && now.path("tipHeight").asInt() == tip &&
                        now.path("payments").get(0).path("confirmations").asInt() == 1 &&
                        now.path("payments").get(1).path("confirmations").asInt() == 1;
                });
                final JsonNode after = client.json("/api/wallet", admin);
                assertThat(after.path("balance").path("confirmedSats").asLong()).isEqualTo(71_000);
                assertThat(after.path("payments").findValuesAsText("txid"))
                    .containsExactlyInAnyOrder(first.txid(), second.txid());
                assertThat(after.path("payments").get(0).path("height").asInt()).isEqualTo(tip);

                try (DashboardClient.Feed resumed = client.feed("/ws/wallet?token=" + node.token() + "&since=" + lastSeen))
                {
                    await().atMost(WAIT).until(() -> resumed.ofType("TransactionConfirmed").size() == 2);
                    assertThat(resumed.messages).allMatch((message) -> message.path("seq").asLong() > lastSeen);
                    assertThat(resumed.ofType("TransactionReceived")).extracting((message) -> message.path("txid").asText())
                        .containsExactly(second.txid());
                    assertThat(resumed.ofType("TransactionConfirmed")).extracting((message) -> message.path("txid").asText())
                        .containsExactlyInAnyOrder(first.txid(), second.txid());
                }

                // The wallet loses its server, then gets it back: both changes are in the failover history.
                simulator.rejectConnections(true);
                simulator.dropClients();
                await().atMost(WAIT).until(() ->
                    !"CONNECTED".equals(client.json("/api/wallet", admin).path("failovers").get(0).path("state").asText()));
                simulator.rejectConnections(false);
                await().atMost(WAIT).until(() ->
                    "CONNECTED".equals(client.json("/api/wallet", admin).path("failovers").get(0).path("state").asText()));
                final JsonNode failovers = client.json("/api/wallet", admin).path("failovers");
                assertThat(failovers.size()).isBetween(3, WalletFeedPlugin.FAILOVERS_KEPT);
                assertThat(failovers.get(1).path("state").asText()).isIn("DISCONNECTED", "DEGRADED");
                assertThat(failovers.get(0).path("atEpochMs").asLong())
                    .isGreaterThanOrEqualTo(failovers.get(1).path("atEpochMs").asLong());
            }
        }
    }

    @Test
    void shouldAnswerTheAdminTokenOnlyAndOnlyGet() throws Exception
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        try (CommandCenterNode node = CommandCenterNode.start(config, dir.resolve("data"), null);
            DashboardClient client = new DashboardClient(node.webServer().baseUrl()))
        {
            assertThat(client.get(WalletRoute.PATH, null).statusCode()).isEqualTo(401);
            final HttpResponse<String> overlay = client.get(WalletRoute.PATH, node.token());
            assertThat(overlay.statusCode()).isEqualTo(403);
            final HttpResponse<String> post = client.post(WalletRoute.PATH, node.adminToken(), "{}");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET");
            assertThat(post.body()).isEqualTo("{\"error\":\"GET /api/wallet expected, got POST\"}");
            assertThat(client.get(WalletRoute.PATH + "/nope", node.adminToken()).statusCode()).isEqualTo(404);
            assertThat(client.get(WalletRoute.PATH, node.adminToken()).body())
                .isEqualTo("{\"enabled\":false,\"reason\":\"no wallet is configured (wallet.source: none)\"}");
        }
    }
}
