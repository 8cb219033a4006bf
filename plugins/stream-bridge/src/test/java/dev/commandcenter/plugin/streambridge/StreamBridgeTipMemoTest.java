package dev.commandcenter.plugin.streambridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.engine.Sources;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tip memos in alerts: a memo waiting for its payment turns the payment's alert into a tip alert with the viewer's
 * name and message; without one, or for another txid, or from a source not accepted, the alert is as before.
 */
class StreamBridgeTipMemoTest
{
    private static final Map<String, Object> CONFIG = Map.of("alertDurationMs", 5000);

    @Test
    void shouldRenderTheTipTemplatesWhenAMemoWaitsForThePayment() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            final TestPayment payment = TestPayment.of(50_000, 1);
            bridge.memo(0, Sources.WALLET, payment, "ann", "gg \u2615 well played");
            assertThat(bridge.take()).isEmpty();
            assertThat(bridge.plugin().waitingMemos()).isEqualTo(1);

            final long sequence = bridge.pay(1, payment);

            final JsonNode alert = single(bridge.take());
            assertThat(alert.path("alertId").asLong()).isEqualTo(sequence);
            assertThat(alert.path("kind").asText()).isEqualTo("PAYMENT");
            assertThat(alert.path("title").asText()).isEqualTo("ann tipped 0.00050000 BTC");
            assertThat(alert.path("message").asText()).isEqualTo("gg \u2615 well played");
            assertThat(bridge.plugin().waitingMemos()).isZero();
        }
    }

    @Test
    void shouldKeepTheOldTemplatesForAPaymentWithoutAMemo() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            bridge.pay(0, TestPayment.of(50_000, 1));

            final JsonNode alert = single(bridge.take());
            assertThat(alert.path("title").asText()).isEqualTo("New tip!");
            assertThat(alert.path("message").asText()).isEqualTo("0.00050000 BTC from " + TestPayment.ADDRESS);
        }
    }

    @Test
    void shouldIgnoreAMemoForAnotherTxid() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            bridge.memo(0, Sources.WALLET, TestPayment.of(50_000, 2), "ann", "gg");
            bridge.pay(1, TestPayment.of(50_000, 1));

            assertThat(single(bridge.take()).path("title").asText()).isEqualTo("New tip!");
            assertThat(bridge.plugin().waitingMemos()).isEqualTo(1);
        }
    }

    @Test
    void shouldNotChangeAnAlertAlreadyMadeWhenItsMemoComesLate() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            final TestPayment payment = TestPayment.of(50_000, 1);
            bridge.pay(0, payment);
            bridge.memo(1, Sources.REST, payment, "ann", "late");
            bridge.pay(2, payment);

            assertThat(single(bridge.take()).path("title").asText()).isEqualTo("New tip!");
        }
    }

    @Test
    void shouldTakeMemosFromTheWalletAndRestOnlyByDefault() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            bridge.memo(0, Sources.WEBSOCKET, TestPayment.of(50_000, 1), "mallory", "fake");
            bridge.memo(0, Sources.REST, TestPayment.of(50_000, 2), "bob", "from the admin");
            bridge.pay(1, TestPayment.of(50_000, 1));
            bridge.pay(2, TestPayment.of(50_000, 2));

            final List<JsonNode> alerts = bridge.take();
            assertThat(alerts).extracting((alert) -> alert.path("title").asText())
                .containsExactly("New tip!", "bob tipped 0.00050000 BTC");
            assertThat(bridge.plugin().ignoredMemos()).isEqualTo(1);
        }
    }

    @Test
    void shouldTakeMemosFromTheConfiguredSources() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(Map.of("acceptMemosFrom", "wallet")))
        {
            bridge.memo(0, Sources.REST, TestPayment.of(50_000, 1), "bob", "from the admin");
            bridge.pay(1, TestPayment.of(50_000, 1));

            assertThat(single(bridge.take()).path("title").asText()).isEqualTo("New tip!");
            assertThat(bridge.plugin().ignoredMemos()).isEqualTo(1);
        }
    }

    @Test
    void shouldKeepTheFirstMemoForATxid() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            final TestPayment payment = TestPayment.of(50_000, 1);
            bridge.memo(0, Sources.WALLET, payment, "ann", "first");
            bridge.memo(1, Sources.REST, payment, "bob", "second");
            bridge.pay(2, payment);

            assertThat(single(bridge.take()).path("message").asText()).isEqualTo("first");
            assertThat(bridge.plugin().ignoredMemos()).isEqualTo(1);
        }
    }

    @Test
    void shouldFillNameAndMessagePlaceholdersInEveryTemplate() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(Map.of(
            "title", "[{name}] {sats}", "message", "<{message}>", "tipTitle", "{name}: {sats} sats",
            "tipMessage", "{message} ({address})")))
        {
            final TestPayment tipped = TestPayment.of(7_000, 1);
            bridge.memo(0, Sources.WALLET, tipped, "", "no name given");
            bridge.pay(1, tipped);
            bridge.pay(2, TestPayment.of(8_000, 2));

            final List<JsonNode> alerts = bridge.take();
            assertThat(alerts.get(0).path("title").asText()).isEqualTo("Anonymous: 7000 sats");
            assertThat(alerts.get(0).path("message").asText()).isEqualTo("no name given (" + TestPayment.ADDRESS + ")");
            assertThat(alerts.get(1).path("title").asText()).isEqualTo("[] 8000");
            assertThat(alerts.get(1).path("message").asText()).isEqualTo("<>");
        }
    }

    @Test
    void shouldForgetTheOldestMemoPastTheBound() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            for (int i = 0; i <= StreamBridgePlugin.MEMOS_KEPT; i++)
            {
                bridge.memo(i, Sources.WALLET, TestPayment.of(50_000, i), "viewer" + i, "hi");
            }
            assertThat(bridge.plugin().waitingMemos()).isEqualTo(StreamBridgePlugin.MEMOS_KEPT);

            bridge.pay(5_000, TestPayment.of(50_000, 0));
            bridge.pay(5_001, TestPayment.of(50_000, 1));
            bridge.pay(5_002, TestPayment.of(50_000, StreamBridgePlugin.MEMOS_KEPT));

            assertThat(bridge.take()).extracting((alert) -> alert.path("title").asText()).containsExactly(
                "New tip!", "viewer1 tipped 0.00050000 BTC", "viewer" + StreamBridgePlugin.MEMOS_KEPT +
                " tipped 0.00050000 BTC");
        }
    }

    @Test
    void shouldForgetAMemoAfterAnHourOfEventTime() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            bridge.memo(0, Sources.WALLET, TestPayment.of(50_000, 1), "ann", "hi");
            bridge.memo(1, Sources.WALLET, TestPayment.of(50_000, 2), "bob", "hi");

            bridge.pay(StreamBridgePlugin.MEMO_MAX_AGE_MS - 1, TestPayment.of(50_000, 2));
            bridge.pay(StreamBridgePlugin.MEMO_MAX_AGE_MS, TestPayment.of(50_000, 1));

            assertThat(bridge.take()).extracting((alert) -> alert.path("title").asText())
                .containsExactly("bob tipped 0.00050000 BTC", "New tip!");
            assertThat(bridge.plugin().waitingMemos()).isZero();
        }
    }

    @Test
    void shouldUseTheMemoWhenAConfirmedPaymentAlerts() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(Map.of("alertOn", "confirmed")))
        {
            final TestPayment payment = TestPayment.of(50_000, 1);
            bridge.memo(0, Sources.WALLET, payment, "ann", "gg");
            bridge.pay(1, payment);
            assertThat(bridge.take()).isEmpty();

            bridge.pay(2, payment.asVerified());

            assertThat(single(bridge.take()).path("title").asText()).isEqualTo("ann tipped 0.00050000 BTC");
        }
    }

    @Test
    void shouldCutALongNameAtACharacterBoundary() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(Map.of("tipTitle", "{name}")))
        {
            final TestPayment payment = TestPayment.of(50_000, 1);
            bridge.memo(0, Sources.WALLET, payment, "\u00e9".repeat(200), "hi");
            bridge.pay(1, payment);

            assertThat(single(bridge.take()).path("title").asText()).isEqualTo("\u00e9".repeat(TipMemos.NAME_MAX_BYTES / 2));
        }
    }

    static JsonNode single(final List<JsonNode> outputs)
    {
        assertThat(outputs).hasSize(1);
        return outputs.get(0);
    }
}
