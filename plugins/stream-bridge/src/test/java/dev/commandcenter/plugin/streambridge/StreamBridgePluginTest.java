package dev.commandcenter.plugin.streambridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.codecs.sbe.OverlayAlertDecoder;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginHealth;
import dev.commandcenter.plugin.streambridge.CapturingEgress.Alert;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class StreamBridgePluginTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long T0_MS = 1_767_225_600_000L;

    private final AtomicLong clockNs = new AtomicLong(T0_MS * 1_000_000L);
    private final List<Engine> engines = new ArrayList<>();
    private final Map<Engine, AtomicLong> clocks = new IdentityHashMap<>();

    @TempDir
    Path tempDir;

    @AfterEach
    void closeEngines()
    {
        engines.forEach(Engine::close);
    }

    @Test
    void shouldEmitOneAlertPerPaymentWithRenderedTitleAndMessage() throws Exception
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of(), egress, clockNs);
        final TestPayment payment = TestPayment.of(12_345, 1);

        final long sequence = publish(engine, payment);

        await().atMost(WAIT).until(() -> egress.size() == 1);
        final CapturingEgress.Output output = egress.outputs().get(0);
        assertThat(output.pluginId()).isEqualTo("stream-bridge");
        assertThat(output.templateId()).isEqualTo(OverlayAlertDecoder.TEMPLATE_ID);
        assertThat(output.inputSequence()).isEqualTo(sequence);

        final Alert alert = output.alert();
        assertThat(alert.alertId()).isEqualTo(sequence);
        assertThat(alert.amountSats()).isEqualTo(12_345);
        assertThat(alert.showAtEpochMs()).isEqualTo(T0_MS);
        assertThat(alert.durationMs()).isEqualTo(8000);
        assertThat(alert.queued()).isZero();
        assertThat(alert.kind()).isEqualTo("PAYMENT");
        assertThat(alert.txidHex()).isEqualTo(payment.txidHex());
        assertThat(alert.title()).isEqualTo("New tip!");
        assertThat(alert.message()).isEqualTo("0.00012345 BTC from " + TestPayment.ADDRESS);

        final JsonNode json = new ObjectMapper().readTree(JsonView.instance().toJson(new UnsafeBuffer(output.bytes()), 0));
        assertThat(json.get("type").asText()).isEqualTo("OverlayAlert");
        assertThat(json.get("txid").asText()).isEqualTo(payment.txidHex());
        assertThat(json.get("kind").asText()).isEqualTo("PAYMENT");
        assertThat(json.get("verified").asText()).isEqualTo("FALSE");
        assertThat(json.get("message").asText()).isEqualTo("0.00012345 BTC from " + TestPayment.ADDRESS);
    }

    @Test
    void shouldRenderEveryPlaceholderOfConfiguredTemplates()
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of(
            "title", "{{{sats}}} sats!",
            "message", "{amount} | {address} | {memo} | {txid}",
            "alertDurationMs", 5000), egress, clockNs);
        final TestPayment payment = TestPayment.of(250_000_000, 2).withMemo("gm \u2615 from chat");

        publish(engine, payment);

        await().atMost(WAIT).until(() -> egress.size() == 1);
        final Alert alert = egress.alerts().get(0);
        assertThat(alert.title()).isEqualTo("{250000000} sats!");
        assertThat(alert.message()).isEqualTo(
            "2.50000000 BTC | " + TestPayment.ADDRESS + " | gm \u2615 from chat | " + payment.txidHex());
        assertThat(alert.durationMs()).isEqualTo(5000);
    }

    @Test
    void shouldIgnorePaymentsBelowTheMinimumAmount()
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of("minAmountSats", 5000), egress, clockNs);

        publish(engine, TestPayment.of(4999, 1));
        publish(engine, TestPayment.of(0, 2));
        publish(engine, TestPayment.of(-20_000, 3));
        final long sequence = publish(engine, TestPayment.of(5000, 4));

        await().atMost(WAIT).until(() -> egress.size() >= 1);
        await().atMost(WAIT).until(engine::isDrained);
        assertThat(egress.alerts()).singleElement().satisfies((alert) ->
        {
            assertThat(alert.amountSats()).isEqualTo(5000);
            assertThat(alert.alertId()).isEqualTo(sequence);
        });
    }

    @Test
    void shouldIgnoreAPaymentFromAnotherSourceThanTheWalletByDefault()
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of(), egress, clockNs);

        // A 21M BTC payment posted over REST (a leaked token) or from any other source: no alert.
        publishFrom(engine, Sources.REST, TestPayment.of(2_100_000_000_000_000L, 1));
        publishFrom(engine, Sources.WEBSOCKET, TestPayment.of(50_000, 2));
        final long sequence = publish(engine, TestPayment.of(5000, 3));

        await().atMost(WAIT).until(() -> egress.size() >= 1);
        await().atMost(WAIT).until(engine::isDrained);
        assertThat(egress.alerts()).singleElement().satisfies((alert) -> assertThat(alert.alertId()).isEqualTo(sequence));
    }

    @Test
    void shouldAlertOnPaymentsFromTheConfiguredSources()
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of("acceptPaymentsFrom", List.of("wallet", "rest")), egress, clockNs);

        publishFrom(engine, Sources.REST, TestPayment.of(7000, 1));
        publishFrom(engine, Sources.CLI, TestPayment.of(8000, 2));
        publish(engine, TestPayment.of(9000, 3));

        await().atMost(WAIT).until(() -> egress.size() >= 2);
        await().atMost(WAIT).until(engine::isDrained);
        assertThat(egress.alerts()).extracting(Alert::amountSats).containsExactly(7000L, 9000L);
    }

    @Test
    void shouldApplyTheDefaultMinimumOf1000Sats()
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of(), egress, clockNs);

        publish(engine, TestPayment.of(999, 1));
        publish(engine, TestPayment.of(1000, 2));

        await().atMost(WAIT).until(() -> egress.size() >= 1);
        await().atMost(WAIT).until(engine::isDrained);
        assertThat(egress.alerts()).extracting(Alert::amountSats).containsExactly(1000L);
    }

    @Test
    void shouldScheduleQuickPaymentsOneAfterAnotherFromEventTimestamps()
    {
        final long durationMs = 8000;
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of(), egress, clockNs);

        publishAt(engine, T0_MS, TestPayment.of(10_000, 1));
        publishAt(engine, T0_MS + 100, TestPayment.of(20_000, 2));
        publishAt(engine, T0_MS + 200, TestPayment.of(30_000, 3));
        // while the second shows and the third waits: the first has ended at T0 + d
        publishAt(engine, T0_MS + durationMs + 50, TestPayment.of(40_000, 4));
        // long after everything ended: shows at once, nothing queued
        publishAt(engine, T0_MS + 10 * durationMs, TestPayment.of(50_000, 5));

        await().atMost(WAIT).until(() -> egress.size() == 5);
        final List<Alert> alerts = egress.alerts();
        assertThat(alerts).extracting(Alert::amountSats).containsExactly(10_000L, 20_000L, 30_000L, 40_000L, 50_000L);
        assertThat(alerts).extracting(Alert::showAtEpochMs).containsExactly(
            T0_MS, T0_MS + durationMs, T0_MS + 2 * durationMs, T0_MS + 3 * durationMs, T0_MS + 10 * durationMs);
        assertThat(alerts).extracting(Alert::queued).containsExactly(0, 1, 2, 2, 0);
        assertThat(alerts).extracting(Alert::alertId).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void shouldIgnoreRepeatedReportsOfTheSamePayment()
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of(), egress, clockNs);
        final TestPayment first = TestPayment.of(10_000, 1);
        final TestPayment sameTxOtherScript = first.withScriptHash(TestPayment.hash(77));
        final TestPayment second = TestPayment.of(20_000, 2);

        final long firstSequence = publish(engine, first);
        publish(engine, first);
        publish(engine, first.withMemo("reported again after a reconnect"));
        final long otherScriptSequence = publish(engine, sameTxOtherScript);
        publish(engine, sameTxOtherScript);
        final long secondSequence = publish(engine, second);
        publish(engine, first);

        await().atMost(WAIT).until(() -> egress.size() >= 3);
        await().atMost(WAIT).until(engine::isDrained);
        final List<Alert> alerts = egress.alerts();
        assertThat(alerts).extracting(Alert::alertId).containsExactly(firstSequence, otherScriptSequence, secondSequence);
        assertThat(alerts).extracting(Alert::txidHex).containsExactly(first.txidHex(), first.txidHex(), second.txidHex());
        assertThat(alerts).extracting(Alert::queued).containsExactly(0, 1, 2);
    }

    @Test
    void shouldProduceIdenticalOutputsForTheSameEventsWhateverTheWallClock()
    {
        final CapturingEgress firstEgress = new CapturingEgress();
        final CapturingEgress secondEgress = new CapturingEgress();
        final Engine first = launch("first", Map.of(), firstEgress, new AtomicLong(clockNs.get()), () -> 1L);
        final Engine second = launch("second", Map.of(), secondEgress, new AtomicLong(clockNs.get()),
            () -> T0_MS + 123_456_789L);
        final List<TestPayment> payments = List.of(
            TestPayment.of(10_000, 1), TestPayment.of(500, 2), TestPayment.of(12_000, 3), TestPayment.of(10_000, 1),
            TestPayment.of(99_000, 4).withMemo("hello"));

        for (final Engine engine : List.of(first, second))
        {
            final AtomicLong engineClock = clockOf(engine);
            long timeMs = T0_MS;
            for (final TestPayment payment : payments)
            {
                timeMs += 1500;
                engineClock.set(timeMs * 1_000_000L + 999_999L);
                publish(engine, payment);
            }
        }

        await().atMost(WAIT).until(() -> firstEgress.size() == 3 && secondEgress.size() == 3);
        await().atMost(WAIT).until(() -> first.isDrained() && second.isDrained());
        final List<CapturingEgress.Output> expected = firstEgress.outputs();
        final List<CapturingEgress.Output> actual = secondEgress.outputs();
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++)
        {
            assertThat(actual.get(i).bytes()).as("output %d", i).isEqualTo(expected.get(i).bytes());
        }
        assertThat(firstEgress.alerts()).extracting(Alert::showAtEpochMs)
            .containsExactly(T0_MS + 1500, T0_MS + 9500, T0_MS + 17_500);
    }

    @Test
    void shouldAlertOnlyOnProvenPaymentsWhenAlertOnIsConfirmed() throws Exception
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of("alertOn", "confirmed"), egress, clockNs);
        final TestPayment mempool = TestPayment.of(5_000, 1);
        final TestPayment firstSeenConfirmed = TestPayment.of(6_000, 2).asVerified();

        publish(engine, mempool);
        await().atMost(WAIT).until(engine::isDrained);
        assertThat(egress.size()).isZero();

        final long confirmedSequence = engine.publisher().publish(Sources.WALLET, TestPayment.CONFIRMED_WRITER, mempool);
        publish(engine, firstSeenConfirmed);
        engine.publisher().publish(Sources.WALLET, TestPayment.CONFIRMED_WRITER, firstSeenConfirmed);
        engine.publisher().publish(Sources.WALLET, TestPayment.CONFIRMED_WRITER, mempool);

        await().atMost(WAIT).until(() -> egress.size() >= 2 && engine.isDrained());
        assertThat(egress.outputs()).hasSize(2);
        assertThat(egress.outputs()).extracting((output) -> output.alert().txidHex())
            .containsExactly(mempool.txidHex(), firstSeenConfirmed.txidHex());
        assertThat(egress.outputs().getFirst().alert().alertId()).isEqualTo(confirmedSequence);
        for (final CapturingEgress.Output output : egress.outputs())
        {
            final JsonNode json = new ObjectMapper().readTree(JsonView.instance().toJson(new UnsafeBuffer(output.bytes()), 0));
            assertThat(json.get("verified").asText()).isEqualTo("TRUE");
        }
    }

    @Test
    void shouldAlertOnceOnAMempoolPaymentAndIgnoreItsConfirmationsByDefault()
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of(), egress, clockNs);
        final TestPayment payment = TestPayment.of(5_000, 1);

        publish(engine, payment);
        engine.publisher().publish(Sources.WALLET, TestPayment.CONFIRMED_WRITER, payment);

        await().atMost(WAIT).until(() -> egress.size() >= 1 && engine.isDrained());
        assertThat(egress.outputs()).singleElement()
            .satisfies((output) -> assertThat(output.alert().txidHex()).isEqualTo(payment.txidHex()));
    }

    @Test
    void shouldRefuseAnUnknownAlertOnWithAOneLineReason()
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of("alertOn", "sometimes"), egress, clockNs);

        await().atMost(WAIT).until(() -> engine.pluginState("stream-bridge") == PluginState.FAILED);
        assertThat(engine.pluginHealth().get(0).reason())
            .contains("plugins.stream-bridge.alertOn: expected mempool or confirmed, got 'sometimes'")
            .doesNotContain("\n");
    }

    @Test
    void shouldFailToStartWithAOneLineReasonOnBadConfiguration()
    {
        final CapturingEgress egress = new CapturingEgress();
        final Engine engine = launch("run", Map.of("alertDurationMs", -5), egress, clockNs);

        await().atMost(WAIT).until(() -> engine.pluginState("stream-bridge") == PluginState.FAILED);
        final PluginHealth health = engine.pluginHealth().get(0);
        assertThat(health.reason())
            .contains("plugins.stream-bridge.alertDurationMs: expected 1 to 3600000 milliseconds, got -5")
            .doesNotContain("\n");

        publish(engine, TestPayment.of(10_000, 1));
        await().atMost(WAIT).until(engine::isDrained);
        assertThat(egress.size()).isZero();
    }

    @Test
    void shouldBeFoundByTheServiceLoaderWithItsWebRoot()
    {
        final List<Plugin> plugins = ServiceLoader.load(Plugin.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter((plugin) -> plugin instanceof StreamBridgePlugin)
            .toList();

        assertThat(plugins).singleElement().satisfies((plugin) ->
        {
            assertThat(plugin.id()).isEqualTo("stream-bridge");
            assertThat(plugin.webResourceRoot()).isEqualTo("stream-bridge/web");
            assertThat(plugin.subscription().admitsType(1)).isTrue();
            assertThat(plugin.subscription().admitsType(2)).isTrue();
            assertThat(plugin.subscription().admitsType(3)).isFalse();
        });
    }

    private Engine launch(
        final String name, final Map<String, ?> config, final CapturingEgress egress, final AtomicLong clock)
    {
        return launch(name, config, egress, clock, SystemEpochClock.INSTANCE);
    }

    private Engine launch(
        final String name,
        final Map<String, ?> config,
        final CapturingEgress egress,
        final AtomicLong clock,
        final EpochClock wallClock)
    {
        final Engine engine = Engine.launch(new Engine.Context()
            .dataDir(tempDir.resolve(name))
            .inputRingSize(64)
            .outputRingSize(64)
            .epochNanoClock(clock::get)
            .epochClock(wallClock)
            .plugin(new StreamBridgePlugin(), config)
            .egress("capture", egress));
        engines.add(engine);
        clocks.put(engine, clock);
        return engine;
    }

    private AtomicLong clockOf(final Engine engine)
    {
        return clocks.get(engine);
    }

    private long publishAt(final Engine engine, final long timeMs, final TestPayment payment)
    {
        clockOf(engine).set(timeMs * 1_000_000L);
        return publish(engine, payment);
    }

    private static long publish(final Engine engine, final TestPayment payment)
    {
        return publishFrom(engine, Sources.WALLET, payment);
    }

    private static long publishFrom(final Engine engine, final int source, final TestPayment payment)
    {
        final long sequence = engine.publisher().publish(source, TestPayment.WRITER, payment);
        assertThat(sequence).as("publish %s", payment).isNotIn(EventPublisher.REJECTED, EventPublisher.INVALID);
        return sequence;
    }
}
