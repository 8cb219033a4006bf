package dev.commandcenter.transport.electrum;

import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Electrum daemon's notify callback as a trigger to reconcile an address, as the web server hands it over.
 */
@Timeout(60)
class NotifyEndpointTest
{
    private static final String TOKEN = "s3cret-token";

    private final WalletHarness harness = new WalletHarness();
    private final String address = WalletHarness.address(0);

    @AfterEach
    void tearDown()
    {
        harness.close();
    }

    @Test
    void shouldReconcileANotifiedAddressAndRejectBadRequests() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        simulator.muteNotifications(true);
        harness.start(harness.context().addresses(List.of(address)).notifyEnabled(true).notifyToken(TOKEN));
        harness.awaitConnected(1);
        assertThat(harness.source.notifyUrl("http://127.0.0.1:7300", "/api/wallet/notify"))
            .isEqualTo("http://127.0.0.1:7300/api/wallet/notify?token=" + TOKEN);

        final ElectrumSimulator.Payment payment = simulator.pay(address, 4_321, null);
        harness.awaitUntil(() -> simulator.status(payment.scriptHash()) != null);
        final int historyRequests = simulator.requestCount("blockchain.scripthash.get_history");

        final String body = "{\"address\": \"" + address + "\", \"status\": \"" + simulator.status(payment.scriptHash()) + "\"}";
        assertReply(post("wrong", body), 401, "missing or wrong token: expected the token configured in wallet.notify.token");
        assertReply(post(null, body), 401, "missing or wrong token");
        assertReply(post(TOKEN, "{not json"), 400, "body is not JSON: expected {\"address\": \"...\", \"status\": \"...\"}");
        assertReply(post(TOKEN, "{\"status\": \"x\"}"), 400, "body lacks a string 'address'");
        assertReply(post(TOKEN, "{\"address\": \"" + WalletHarness.address(9) + "\", \"status\": null}"), 404,
            "address '" + WalletHarness.address(9) + "' is not watched");
        assertReply(post(TOKEN, "{\"address\": \"" + "x".repeat(20_000) + "\"}"), 413,
            "body of 20015 bytes larger than 16384 bytes");
        assertReply(harness.source.onNotifyRequest("GET", TOKEN, new byte[0]), 405, "method GET not allowed: expected POST");
        assertThat(simulator.requestCount("blockchain.scripthash.get_history")).isEqualTo(historyRequests);
        assertThat(harness.publisher.received()).isEmpty();

        assertReply(post(TOKEN, body), 200, "ok");

        harness.awaitReceived(payment.txid());
        assertThat(harness.publisher.received().getFirst().amountSats()).isEqualTo(4_321);
        assertReply(post(TOKEN, body), 200, "ok");
        harness.awaitUntil(() -> simulator.requestCount("blockchain.scripthash.get_history") >= historyRequests + 2);
        assertThat(harness.publisher.receivedCount(payment.txid())).isEqualTo(1);

        harness.source.close();
        assertReply(post(TOKEN, body), 404, "the wallet notify callback is disabled");
    }

    private ElectrumWalletSource.NotifyReply post(final String token, final String body)
    {
        return harness.source.onNotifyRequest("POST", token, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertReply(final ElectrumWalletSource.NotifyReply reply, final int status, final String prefix)
    {
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.message()).startsWith(prefix).doesNotContain("\n").doesNotContain(TOKEN);
    }
}
