package dev.commandcenter.transport.electrum;

import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Electrum daemon's notify callback as a trigger to reconcile an address.
 */
@Timeout(60)
class NotifyEndpointTest
{
    private static final String TOKEN = "s3cret-token";

    private final WalletHarness harness = new WalletHarness();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String address = WalletHarness.address(0);

    @AfterEach
    void tearDown()
    {
        http.close();
        harness.close();
    }

    @Test
    void shouldReconcileANotifiedAddressAndRejectBadRequests() throws Exception
    {
        final ElectrumSimulator simulator = harness.simulator();
        simulator.muteNotifications(true);
        harness.start(harness.context().addresses(List.of(address))
            .notifyEnabled(true).notifyPort(0).notifyToken(TOKEN));
        harness.awaitConnected(1);
        final int port = harness.source.notifyPort();
        assertThat(harness.source.notifyUrl()).isEqualTo("http://127.0.0.1:" + port + "/notify?token=" + TOKEN);

        final ElectrumSimulator.Payment payment = simulator.pay(address, 4_321, null);
        harness.awaitUntil(() -> simulator.status(payment.scriptHash()) != null);
        final int historyRequests = simulator.requestCount("blockchain.scripthash.get_history");

        final String body = "{\"address\": \"" + address + "\", \"status\": \"" + simulator.status(payment.scriptHash()) + "\"}";
        assertResponse(post(port, "wrong", body), 401, "missing or wrong token: expected the token configured in wallet.notify.token");
        assertResponse(post(port, null, body), 401, "missing or wrong token");
        assertResponse(post(port, TOKEN, "{not json"), 400, "body is not JSON: expected {\"address\": \"...\", \"status\": \"...\"}");
        assertResponse(post(port, TOKEN, "{\"status\": \"x\"}"), 400, "body lacks a string 'address'");
        assertResponse(post(port, TOKEN, "{\"address\": \"" + WalletHarness.address(9) + "\", \"status\": null}"), 404,
            "address '" + WalletHarness.address(9) + "' is not watched");
        final HttpResponse<String> get = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/notify?token=" + TOKEN)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(simulator.requestCount("blockchain.scripthash.get_history")).isEqualTo(historyRequests);
        assertThat(harness.publisher.received()).isEmpty();

        assertResponse(post(port, TOKEN, body), 200, "ok");

        harness.awaitReceived(payment.txid());
        assertThat(harness.publisher.received().getFirst().amountSats()).isEqualTo(4_321);
        assertResponse(post(port, TOKEN, body), 200, "ok");
        harness.awaitUntil(() -> simulator.requestCount("blockchain.scripthash.get_history") >= historyRequests + 2);
        assertThat(harness.publisher.receivedCount(payment.txid())).isEqualTo(1);
    }

    private HttpResponse<String> post(final int port, final String token, final String body) throws Exception
    {
        final String query = null == token ? "" : "?token=" + token;
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/notify" + query))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertResponse(final HttpResponse<String> response, final int status, final String bodyPrefix)
    {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.body()).startsWith(bodyPrefix).endsWith("\n");
        assertThat(response.body().strip()).doesNotContain("\n");
    }
}
