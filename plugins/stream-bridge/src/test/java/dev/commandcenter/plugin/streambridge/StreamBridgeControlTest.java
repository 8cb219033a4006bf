package dev.commandcenter.plugin.streambridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Recovery;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.commandcenter.codecs.sbe.OverlayControlAction.PAUSE;
import static dev.commandcenter.codecs.sbe.OverlayControlAction.REPLAY_LAST;
import static dev.commandcenter.codecs.sbe.OverlayControlAction.RESUME;
import static dev.commandcenter.codecs.sbe.OverlayControlAction.SKIP;
import static dev.commandcenter.codecs.sbe.OverlayControlAction.TEST_ALERT;
import static dev.commandcenter.plugin.streambridge.BridgeFixture.T0_MS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert queue's controls: pause holds, resume releases from its own time, skip ends the alert showing and pulls
 * the schedule forward, replay-last and test alerts are scheduled like any other, and each control reports the
 * queue's state; controls from sources not accepted change nothing.
 */
class StreamBridgeControlTest
{
    private static final int DURATION_MS = 8000;
    private static final Map<String, Object> CONFIG = Map.of("alertDurationMs", DURATION_MS);

    @Test
    void shouldHoldAlertsWhilePausedAndReleaseThemOneAfterAnotherFromTheResume() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            bridge.control(0, PAUSE);
            assertQueue(single(bridge.take()), "PAUSE", true, 0, 0, 0);

            final long first = bridge.pay(1_000, TestPayment.of(5_000, 1));
            final long second = bridge.pay(2_000, TestPayment.of(6_000, 2));
            final List<JsonNode> held = bridge.take();
            assertThat(held).extracting(BridgeFixture::type).containsExactly("OverlayQueue", "OverlayQueue");
            assertQueue(held.get(1), "PAUSE", true, 2, 0, 0);

            bridge.control(30_000, RESUME);
            final List<JsonNode> released = bridge.take();
            assertThat(released).extracting(BridgeFixture::type)
                .containsExactly("OverlayAlert", "OverlayAlert", "OverlayQueue");
            assertAlert(released.get(0), first, 30_000, 0);
            assertAlert(released.get(1), second, 30_000 + DURATION_MS, 1);
            assertQueue(released.get(2), "RESUME", false, 2, 0, second);

            bridge.pay(31_000, TestPayment.of(7_000, 3));
            assertAlert(single(bridge.take()), 0, 30_000 + 2 * DURATION_MS, 2);
        }
    }

    @Test
    void shouldDropAPaymentAlertWhileTheLineOfAlertsIsFullAndAlertAgainOnceItMoves() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(Map.of("alertDurationMs", DURATION_MS, "maxQueuedAlerts", 2)))
        {
            final long first = bridge.pay(0, TestPayment.of(5_000, 1));
            final long second = bridge.pay(10, TestPayment.of(5_000, 2));
            assertThat(bridge.take()).hasSize(2);

            // a flood: the line holds two alerts (16 s of them), so the third payment raises none and is counted
            bridge.pay(20, TestPayment.of(5_000, 3));
            assertThat(bridge.take()).isEmpty();
            assertThat(bridge.plugin().droppedQueuedAlerts()).isEqualTo(1);

            // the dropped payment stays seen: reported again later, it still raises nothing
            bridge.pay(DURATION_MS + 1, TestPayment.of(5_000, 3));
            // once the first alert has finished there is room again, after the second
            final long fourth = bridge.pay(DURATION_MS + 2, TestPayment.of(5_000, 4));
            final List<JsonNode> after = bridge.take();
            assertThat(after).hasSize(1);
            assertAlert(after.get(0), fourth, 2 * DURATION_MS, 1);
            assertThat(bridge.plugin().droppedQueuedAlerts()).isEqualTo(1);
            assertThat(first).isLessThan(second);
        }
    }

    @Test
    void shouldRefuseAMaxQueuedAlertsOutOfRange()
    {
        final StreamBridgePlugin plugin = new StreamBridgePlugin();
        org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> plugin.onStart(new DirectPluginContext(Map.of("maxQueuedAlerts", 0))))
            .hasMessage("plugins.stream-bridge.maxQueuedAlerts: expected 1 to 1000000 alerts, got 0");
    }

    @Test
    void shouldSkipTheAlertShowingAndBringTheNextForward() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            final long first = bridge.pay(0, TestPayment.of(5_000, 1));
            final long second = bridge.pay(1_000, TestPayment.of(5_000, 2));
            bridge.take();

            bridge.control(3_000, SKIP);
            assertQueue(single(bridge.take()), "SKIP", false, 1, first, second);

            // the second alert now runs from 3 s to 11 s, so the next one follows at 11 s
            final long third = bridge.pay(4_000, TestPayment.of(5_000, 3));
            assertAlert(single(bridge.take()), third, 3_000 + DURATION_MS, 1);

            bridge.control(4_500, SKIP);
            assertQueue(single(bridge.take()), "SKIP", false, 1, second, third);
        }
    }

    @Test
    void shouldSkipNothingWhenNoAlertShows() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            final long paid = bridge.pay(0, TestPayment.of(5_000, 1));
            bridge.take();

            bridge.control(DURATION_MS, SKIP);
            assertQueue(single(bridge.take()), "SKIP", false, 0, 0, paid);

            bridge.pay(DURATION_MS + 500, TestPayment.of(5_000, 2));
            assertAlert(single(bridge.take()), 0, DURATION_MS + 500, 0);
        }
    }

    @Test
    void shouldReplayTheLastPaymentAlertAfterTheQueueWithTheControlsSequence() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(Map.of("alertDurationMs", DURATION_MS,
            "tipTitle", "{name}!")))
        {
            bridge.control(0, REPLAY_LAST);
            assertQueue(single(bridge.take()), "REPLAY_LAST", false, 0, 0, 0);

            final TestPayment payment = TestPayment.of(5_000, 1);
            bridge.memo(500, Sources.WALLET, payment, "ann", "gg");
            final long paid = bridge.pay(1_000, payment);
            final JsonNode original = single(bridge.take());

            final long replay = bridge.control(2_000, REPLAY_LAST);
            final List<JsonNode> outputs = bridge.take();
            assertThat(outputs).extracting(BridgeFixture::type).containsExactly("OverlayAlert", "OverlayQueue");
            final JsonNode again = outputs.get(0);
            assertAlert(again, replay, 1_000 + DURATION_MS, 1);
            assertThat(again.path("title").asText()).isEqualTo("ann!").isEqualTo(original.path("title").asText());
            assertThat(again.path("message").asText()).isEqualTo("gg");
            assertThat(again.path("txid").asText()).isEqualTo(payment.txidHex());
            assertThat(again.path("amountSats").asLong()).isEqualTo(5_000);
            assertQueue(outputs.get(1), "REPLAY_LAST", false, 2, 0, paid);
        }
    }

    @Test
    void shouldScheduleATestAlertLikeAnyOther() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            bridge.pay(0, TestPayment.of(5_000, 1));
            bridge.take();

            final long test = bridge.control(1_000, TEST_ALERT);
            final List<JsonNode> outputs = bridge.take();
            assertThat(outputs).extracting(BridgeFixture::type).containsExactly("OverlayAlert", "OverlayQueue");
            assertAlert(outputs.get(0), test, DURATION_MS, 1);
            assertThat(outputs.get(0).path("kind").asText()).isEqualTo("TEST");
            assertThat(outputs.get(0).path("title").asText()).isEqualTo("Test alert");
            assertThat(outputs.get(0).path("message").asText()).isEqualTo(StreamBridgePlugin.TEST_MESSAGE_DEFAULT);
            assertThat(outputs.get(0).path("amountSats").asLong()).isZero();
            assertQueue(outputs.get(1), "TEST_ALERT", false, 2, 0, 100);
        }
    }

    @Test
    void shouldRenderTheConfiguredTestTemplates() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(Map.of("testTitle", "Testing {sats}", "testMessage", "[{name}]")))
        {
            bridge.control(0, Sources.CLI, TEST_ALERT);

            final JsonNode alert = bridge.take().get(0);
            assertThat(alert.path("title").asText()).isEqualTo("Testing 0");
            assertThat(alert.path("message").asText()).isEqualTo("[]");
        }
    }

    @Test
    void shouldShowTestAlertsWhilePaused() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            bridge.control(0, PAUSE);
            bridge.pay(100, TestPayment.of(5_000, 1));
            bridge.take();

            bridge.control(200, TEST_ALERT);
            final List<JsonNode> outputs = bridge.take();
            assertThat(outputs).extracting(BridgeFixture::type).containsExactly("OverlayAlert", "OverlayQueue");
            assertQueue(outputs.get(1), "TEST_ALERT", true, 2, 0, 0);
        }
    }

    @Test
    void shouldIgnoreAndCountControlsFromSourcesNotAccepted() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            bridge.control(0, Sources.WEBSOCKET, PAUSE);
            bridge.control(0, Sources.WALLET, TEST_ALERT);
            assertThat(bridge.take()).isEmpty();
            assertThat(bridge.plugin().ignoredControls()).isEqualTo(2);

            bridge.pay(100, TestPayment.of(5_000, 1));
            assertThat(single(bridge.take()).path("type").asText()).isEqualTo("OverlayAlert");
        }
        try (BridgeFixture bridge = new BridgeFixture(Map.of("acceptControlsFrom", List.of("websocket"))))
        {
            bridge.control(0, Sources.REST, PAUSE);
            bridge.control(0, Sources.WEBSOCKET, PAUSE);
            assertQueue(single(bridge.take()), "PAUSE", true, 0, 0, 0);
            assertThat(bridge.plugin().ignoredControls()).isEqualTo(1);
        }
    }

    @Test
    void shouldDropTheOldestHeldAlertPastTheBound() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(Map.of("alertDurationMs", 1)))
        {
            bridge.control(0, PAUSE);
            final long first = bridge.pay(1, TestPayment.of(5_000, 0));
            final long secondSequence = bridge.pay(1, TestPayment.of(5_000, 1));
            for (int i = 2; i <= StreamBridgePlugin.HELD_ALERTS_KEPT; i++)
            {
                bridge.pay(1, TestPayment.of(5_000, i));
            }
            bridge.take();
            assertThat(bridge.plugin().droppedHeldAlerts()).isEqualTo(1);

            bridge.control(10, RESUME);
            final List<JsonNode> outputs = bridge.take();
            assertThat(outputs).hasSize(StreamBridgePlugin.HELD_ALERTS_KEPT + 1);
            assertThat(outputs.get(0).path("alertId").asLong()).isEqualTo(secondSequence).isNotEqualTo(first);
            assertQueue(outputs.get(StreamBridgePlugin.HELD_ALERTS_KEPT), "RESUME", false,
                StreamBridgePlugin.HELD_ALERTS_KEPT, 0, first + StreamBridgePlugin.HELD_ALERTS_KEPT);
        }
    }

    @Test
    void shouldContinueAfterARestoreOfPausedHeldMemosAndLastAlertExactlyAsWithoutRestart() throws Exception
    {
        final Map<String, Object> config = Map.of("alertDurationMs", DURATION_MS, "snapshotEveryEvents", 1000);
        try (BridgeFixture uninterrupted = new BridgeFixture(config);
            BridgeFixture before = new BridgeFixture(config))
        {
            for (final BridgeFixture bridge : List.of(uninterrupted, before))
            {
                bridge.pay(0, TestPayment.of(5_000, 1));
                bridge.control(1_000, PAUSE);
                bridge.memo(1_500, Sources.WALLET, TestPayment.of(6_000, 2), "ann", "held tip");
                bridge.pay(2_000, TestPayment.of(6_000, 2));
                bridge.memo(2_500, Sources.WALLET, TestPayment.of(7_000, 3), "bob", "waiting");
            }
            before.harness().stop();
            final byte[] snapshot = before.harness().storage().read(StreamBridgePlugin.SNAPSHOT_ENTRY);
            assertThat(snapshot).isNotNull();

            final StreamBridgePlugin restored = new StreamBridgePlugin();
            try (BridgeFixture after = new BridgeFixture(restored, config))
            {
                after.harness().storage().write(StreamBridgePlugin.SNAPSHOT_ENTRY, snapshot);
                assertThat(restored.restoreSnapshot(after.harness())).isEqualTo(before.nextSequence())
                    .isNotEqualTo(Recovery.NO_SNAPSHOT);
                restored.onRecovered(after.harness());
                final List<JsonNode> recovered = after.take();
                assertThat(recovered).extracting(BridgeFixture::type).containsExactly("OverlayAlert", "OverlayQueue");
                assertQueue(recovered.get(1), "PAUSE", true, 2, 0, 100);
                assertThat(restored.waitingMemos()).isEqualTo(1);

                uninterrupted.take();
                after.nextSequence(uninterrupted.nextSequence());
                for (final BridgeFixture bridge : List.of(uninterrupted, after))
                {
                    bridge.pay(3_000, TestPayment.of(7_000, 3));
                    bridge.pay(3_100, TestPayment.of(5_000, 1));
                    bridge.control(4_000, RESUME);
                    bridge.control(5_000, SKIP);
                    bridge.control(6_000, REPLAY_LAST);
                    bridge.control(7_000, TEST_ALERT);
                }
                final List<byte[]> expected = uninterrupted.emitted();
                final List<byte[]> actual = after.emitted();
                assertThat(actual).hasSameSizeAs(expected).hasSize(9);
                for (int i = 0; i < expected.size(); i++)
                {
                    assertThat(actual.get(i)).as("output %d", i).isEqualTo(expected.get(i));
                }
                final List<JsonNode> alerts = after.take().stream()
                    .filter((node) -> "OverlayAlert".equals(node.path("type").asText())).toList();
                assertThat(alerts).extracting((alert) -> alert.path("title").asText()).containsExactly(
                    "ann tipped 0.00006000 BTC", "bob tipped 0.00007000 BTC", "bob tipped 0.00007000 BTC", "Test alert");
            }
        }
    }

    @Test
    void shouldAnnounceTheQueueAtStartOnlyWhenItIsNotAsNew() throws Exception
    {
        try (BridgeFixture bridge = new BridgeFixture(CONFIG))
        {
            bridge.plugin().onRecovered(bridge.harness());
            assertThat(bridge.take()).isEmpty();

            final long paid = bridge.pay(0, TestPayment.of(5_000, 1));
            bridge.take();
            bridge.plugin().onRecovered(bridge.harness());
            final List<JsonNode> outputs = bridge.take();
            assertThat(outputs).extracting(BridgeFixture::type).containsExactly("OverlayAlert", "OverlayQueue");
            assertQueue(outputs.get(1), "RESUME", false, 1, 0, paid);
        }
    }

    @Test
    void shouldGiveTheSameOutputsForTheSameEvents() throws Exception
    {
        try (BridgeFixture first = new BridgeFixture(CONFIG);
            BridgeFixture second = new BridgeFixture(CONFIG))
        {
            for (final BridgeFixture bridge : List.of(first, second))
            {
                bridge.memo(0, Sources.WALLET, TestPayment.of(9_000, 1), "ann", "hi");
                bridge.pay(100, TestPayment.of(9_000, 1));
                bridge.pay(200, TestPayment.of(9_000, 2));
                bridge.control(300, PAUSE);
                bridge.pay(400, TestPayment.of(9_000, 3));
                bridge.control(500, SKIP);
                bridge.control(600, RESUME);
                bridge.control(700, REPLAY_LAST);
                bridge.control(800, TEST_ALERT);
            }
            final List<byte[]> expected = first.emitted();
            final List<byte[]> actual = second.emitted();
            assertThat(expected).hasSize(11);
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++)
            {
                assertThat(actual.get(i)).as("output %d", i).isEqualTo(expected.get(i));
            }
        }
    }

    @Test
    void shouldReadAVersion1SnapshotAndReplayItsLastAlert() throws Exception
    {
        final byte[] alert;
        try (BridgeFixture old = new BridgeFixture(CONFIG))
        {
            old.pay(0, TestPayment.of(5_000, 1));
            alert = old.emitted().get(0);
        }
        final org.agrona.concurrent.UnsafeBuffer v1 = new org.agrona.concurrent.UnsafeBuffer(
            new byte[32 + 4 + 8 + 4 + 4 + 12 + alert.length]);
        v1.putInt(0, StreamBridgePlugin.SNAPSHOT_MAGIC, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putInt(4, 1, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putLong(8, 101, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putLong(16, T0_MS + DURATION_MS, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putLong(24, T0_MS, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putInt(32, 1, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putLong(36, T0_MS + DURATION_MS, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putInt(44, 0, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putInt(48, 1, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putLong(52, T0_MS + DURATION_MS, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putInt(60, alert.length, java.nio.ByteOrder.LITTLE_ENDIAN);
        v1.putBytes(64, alert);

        final StreamBridgePlugin restored = new StreamBridgePlugin();
        try (BridgeFixture bridge = new BridgeFixture(restored, CONFIG))
        {
            bridge.harness().storage().write(StreamBridgePlugin.SNAPSHOT_ENTRY, v1.byteArray());
            assertThat(restored.restoreSnapshot(bridge.harness())).isEqualTo(101);
            bridge.nextSequence(101);

            bridge.control(1_000, SKIP);
            assertQueue(single(bridge.take()), "SKIP", false, 0, 100, 100);
            final long replay = bridge.control(2_000, REPLAY_LAST);
            final List<JsonNode> outputs = bridge.take();
            assertAlert(outputs.get(0), replay, 2_000, 0);
            assertThat(outputs.get(0).path("title").asText()).isEqualTo("New tip!");
        }
    }

    private static JsonNode single(final List<JsonNode> outputs)
    {
        return StreamBridgeTipMemoTest.single(outputs);
    }

    private static void assertAlert(final JsonNode alert, final long alertId, final long showAtMs, final int queued)
    {
        assertThat(alert.path("type").asText()).isEqualTo("OverlayAlert");
        if (0 != alertId)
        {
            assertThat(alert.path("alertId").asLong()).isEqualTo(alertId);
        }
        assertThat(alert.path("showAtEpochMs").asLong()).as("showAt").isEqualTo(T0_MS + showAtMs);
        assertThat(alert.path("queued").asInt()).as("queued").isEqualTo(queued);
    }

    private static void assertQueue(final JsonNode queue, final String action, final boolean paused, final int pending,
        final long skipAlertId, final long lastAlertId)
    {
        assertThat(queue.path("type").asText()).isEqualTo("OverlayQueue");
        assertThat(queue.path("action").asText()).isEqualTo(action);
        assertThat(queue.path("paused").asText()).isEqualTo(paused ? "TRUE" : "FALSE");
        assertThat(queue.path("pending").asInt()).as("pending").isEqualTo(pending);
        assertThat(queue.path("skipAlertId").asLong()).as("skipAlertId").isEqualTo(skipAlertId);
        assertThat(queue.path("lastAlertId").asLong()).as("lastAlertId").isEqualTo(lastAlertId);
    }
}
