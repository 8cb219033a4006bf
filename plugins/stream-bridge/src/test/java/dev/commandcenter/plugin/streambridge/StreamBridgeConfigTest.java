package dev.commandcenter.plugin.streambridge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class StreamBridgeConfigTest
{
    static Stream<Arguments> badConfigurations()
    {
        return Stream.of(
            arguments(Map.of("alertDurationMs", -1),
                "plugins.stream-bridge.alertDurationMs: expected 1 to 3600000 milliseconds, got -1"),
            arguments(Map.of("alertDurationMs", 0),
                "plugins.stream-bridge.alertDurationMs: expected 1 to 3600000 milliseconds, got 0"),
            arguments(Map.of("alertDurationMs", 3_600_001),
                "plugins.stream-bridge.alertDurationMs: expected 1 to 3600000 milliseconds, got 3600001"),
            arguments(Map.of("alertDurationMs", "long"),
                "plugins.stream-bridge.alertDurationMs: expected a whole number, got 'long'"),
            arguments(Map.of("minAmountSats", -5),
                "plugins.stream-bridge.minAmountSats: expected 0 or more satoshis, got -5"),
            arguments(Map.of("minAmountSats", 1.5),
                "plugins.stream-bridge.minAmountSats: expected a whole number, got '1.5'"),
            arguments(Map.of("message", "{amount} from {who}"),
                "plugins.stream-bridge.message: unknown placeholder '{who}', " +
                "expected one of {amount}, {sats}, {address}, {memo}, {txid}, {name}, {message}"),
            arguments(Map.of("title", "{AMOUNT}"),
                "plugins.stream-bridge.title: unknown placeholder '{AMOUNT}', " +
                "expected one of {amount}, {sats}, {address}, {memo}, {txid}, {name}, {message}"),
            arguments(Map.of("title", "Tip {amount"),
                "plugins.stream-bridge.title: unclosed '{' at position 4 in 'Tip {amount', " +
                "expected a placeholder such as {amount} (write {{ for a literal brace)"),
            arguments(Map.of("title", 42),
                "plugins.stream-bridge.title: expected a string, got '42'"),
            arguments(Map.of("colour", "red"),
                "plugins.stream-bridge: unknown key 'colour', expected one of " +
                "[acceptControlsFrom, acceptMemosFrom, acceptPaymentsFrom, alertDurationMs, alertOn, maxQueuedAlerts, message, minAmountSats, snapshotEveryEvents, snapshotMinIntervalMs, testMessage, testTitle, tipMessage, tipTitle, title]"),
            arguments(Map.of("snapshotMinIntervalMs", 60_001),
                "plugins.stream-bridge.snapshotMinIntervalMs: expected 0 to 60000 milliseconds, got 60001"),
            arguments(Map.of("snapshotMinIntervalMs", -1),
                "plugins.stream-bridge.snapshotMinIntervalMs: expected 0 to 60000 milliseconds, got -1"),
            arguments(Map.of("snapshotEveryEvents", 10_000_001),
                "plugins.stream-bridge.snapshotEveryEvents: expected 1 to 10000000 events, got 10000001"),
            arguments(Map.of("snapshotEveryEvents", "often"),
                "plugins.stream-bridge.snapshotEveryEvents: expected a whole number, got 'often'"),
            arguments(Map.of("alertOn", "blocks"),
                "plugins.stream-bridge.alertOn: expected mempool or confirmed, got 'blocks'"),
            arguments(Map.of("acceptPaymentsFrom", "wallet, bank"),
                "plugins.stream-bridge.acceptPaymentsFrom: unknown source 'bank', expected wallet, websocket, aeron, " +
                "timer, cli, rest or engine"),
            arguments(Map.of("acceptPaymentsFrom", 42),
                "plugins.stream-bridge.acceptPaymentsFrom: expected source names such as wallet or [wallet, rest], got '42'"));
    }

    @ParameterizedTest
    @MethodSource("badConfigurations")
    void shouldRejectBadConfigurationWithOneLineNamingKeyAndExpectation(
        final Map<String, ?> config, final String expected)
    {
        final StreamBridgePlugin plugin = new StreamBridgePlugin();

        assertThatIllegalArgumentException()
            .isThrownBy(() -> plugin.onStart(new DirectPluginContext(config)))
            .withMessage(expected)
            .satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldAcceptEveryKnownKeyAtItsLimits()
    {
        final StreamBridgePlugin plugin = new StreamBridgePlugin();
        final DirectPluginContext context = new DirectPluginContext(Map.of(
            "minAmountSats", 0, "alertDurationMs", 3_600_000, "title", "", "message", "{{literal}} {sats}"));

        plugin.onStart(context);
        plugin.onEvent(context.event(TestPayment.of(1, 1), 7, 5_000_000_000L));

        assertThat(context.emitted).isOne();
        assertThat(context.lastAlert()).satisfies((alert) ->
        {
            assertThat(alert.title()).isEmpty();
            assertThat(alert.message()).isEqualTo("{literal} 1");
            assertThat(alert.durationMs()).isEqualTo(3_600_000);
            assertThat(alert.alertId()).isEqualTo(7);
            assertThat(alert.showAtEpochMs()).isEqualTo(5000);
        });
    }
}
