package dev.commandcenter.plugin.streambridge;

import dev.commandcenter.engine.plugin.PluginStorage;
import dev.commandcenter.engine.plugin.Recovery;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamBridgeSnapshotTest
{
    private static final long T0_NS = 1_767_225_600_000L * 1_000_000L;
    private static final Map<String, Object> CONFIG =
        Map.of("alertDurationMs", 10_000, "snapshotEveryEvents", 3, "snapshotMinIntervalMs", 0);

    @Test
    void shouldContinueAfterARestoreExactlyAsARunWithoutRestart()
    {
        final MemoryStorage storage = new MemoryStorage();
        final StreamBridgePlugin uninterrupted = new StreamBridgePlugin(4);
        final DirectPluginContext uninterruptedContext = new DirectPluginContext(CONFIG);
        uninterrupted.onStart(uninterruptedContext);
        final StreamBridgePlugin before = new StreamBridgePlugin(4);
        final DirectPluginContext beforeContext = new DirectPluginContext(CONFIG, storage);
        before.onStart(beforeContext);
        beforeContext.keepOutputs = true;

        // six payments one second apart: with a capacity of 4 the first two are forgotten, alerts queue up
        for (int i = 0; i < 6; i++)
        {
            uninterrupted.onEvent(uninterruptedContext.event(TestPayment.of(5_000 + i, i), 10 + i, T0_NS + i * 1_000_000_000L));
            before.onEvent(beforeContext.event(TestPayment.of(5_000 + i, i), 10 + i, T0_NS + i * 1_000_000_000L));
        }
        before.onStop();
        assertThat(storage.entries).containsOnlyKeys(StreamBridgePlugin.SNAPSHOT_ENTRY);

        final StreamBridgePlugin after = new StreamBridgePlugin(4);
        final DirectPluginContext afterContext = new DirectPluginContext(CONFIG, storage);
        after.onStart(afterContext);
        assertThat(after.restoreSnapshot(afterContext)).isEqualTo(16);
        afterContext.keepOutputs = true;
        after.onRecovered(afterContext);

        // every alert still pending at the last event (ends after T0 + 5 s) is re-announced byte for byte
        assertThat(afterContext.keptAlerts()).hasSize(6);
        for (int i = 0; i < 6; i++)
        {
            assertThat(afterContext.keptAlerts().get(i)).isEqualTo(beforeContext.keptAlerts().get(i));
        }

        // then the same events give the same outputs: a remembered payment is ignored, a forgotten one alerts again
        final List<TestPayment> next = List.of(TestPayment.of(5_005, 5), TestPayment.of(5_000, 0),
            TestPayment.of(9_000, 99), TestPayment.of(5_003, 3));
        for (int i = 0; i < next.size(); i++)
        {
            final long timestampNs = T0_NS + (20 + i) * 1_000_000_000L;
            final long emitted = uninterruptedContext.emitted;
            uninterrupted.onEvent(uninterruptedContext.event(next.get(i), 16 + i, timestampNs));
            after.onEvent(afterContext.event(next.get(i), 16 + i, timestampNs));
            if (uninterruptedContext.emitted > emitted)
            {
                assertThat(afterContext.lastAlert()).isEqualTo(uninterruptedContext.lastAlert());
            }
        }
        // payment 0 was forgotten before the restart, payment 3 after it (evicted by 0 and 99): both alert again
        assertThat(uninterruptedContext.emitted).isEqualTo(9);
        assertThat(afterContext.keptAlerts()).hasSize(9);
        assertThat(afterContext.lastAlert().alertId()).isEqualTo(19);
        assertThat(afterContext.lastAlert().queued()).isEqualTo(6);
    }

    @Test
    void shouldReannounceOnlyAlertsStillPendingAtTheLastEvent()
    {
        final MemoryStorage storage = new MemoryStorage();
        final StreamBridgePlugin before = new StreamBridgePlugin(16);
        final DirectPluginContext beforeContext = new DirectPluginContext(CONFIG, storage);
        before.onStart(beforeContext);
        before.onEvent(beforeContext.event(TestPayment.of(5_000, 1), 1, T0_NS));
        before.onEvent(beforeContext.event(TestPayment.of(6_000, 2), 2, T0_NS + 60_000_000_000L));
        before.onStop();

        final StreamBridgePlugin after = new StreamBridgePlugin(16);
        final DirectPluginContext afterContext = new DirectPluginContext(CONFIG, storage);
        after.onStart(afterContext);
        after.restoreSnapshot(afterContext);
        afterContext.keepOutputs = true;
        after.onRecovered(afterContext);

        assertThat(afterContext.keptAlerts()).hasSize(1);
        assertThat(afterContext.lastAlert().alertId()).isEqualTo(2);
    }

    @Test
    void shouldWriteNoTwoSnapshotsCloserThanTheMinimumIntervalOfEventTime()
    {
        final MemoryStorage storage = new MemoryStorage();
        final StreamBridgePlugin plugin = new StreamBridgePlugin(64);
        final DirectPluginContext context = new DirectPluginContext(
            Map.of("alertDurationMs", 10_000, "snapshotEveryEvents", 3, "snapshotMinIntervalMs", 1000), storage);
        plugin.onStart(context);

        // 30 payments within 29 ms: the first snapshot after 3, then none until 1 s of event time has passed
        for (int i = 0; i < 30; i++)
        {
            plugin.onEvent(context.event(TestPayment.of(5_000, i), i, T0_NS + i * 1_000_000L));
        }
        assertThat(storage.latestWrites).isEqualTo(1);
        plugin.onEvent(context.event(TestPayment.of(5_000, 30), 30, T0_NS + 1_002_000_000L));
        assertThat(storage.latestWrites).isEqualTo(2);
        plugin.onStop();
        assertThat(storage.writes).isEqualTo(3);
    }

    @Test
    void shouldWriteASnapshotEveryConfiguredNumberOfEventsButNotWhileRecovering()
    {
        final MemoryStorage storage = new MemoryStorage();
        final StreamBridgePlugin plugin = new StreamBridgePlugin(16);
        final DirectPluginContext context = new DirectPluginContext(CONFIG, storage);
        plugin.onStart(context);

        context.recovering = true;
        for (int i = 0; i < 4; i++)
        {
            plugin.onEvent(context.event(TestPayment.of(5_000, i), i, T0_NS + i));
        }
        assertThat(storage.writes).isZero();
        context.recovering = false;
        plugin.onEvent(context.event(TestPayment.of(5_000, 4), 4, T0_NS + 4));
        assertThat(storage.writes).isEqualTo(1);
        plugin.onEvent(context.event(TestPayment.of(5_000, 5), 5, T0_NS + 5));
        plugin.onEvent(context.event(TestPayment.of(5_000, 6), 6, T0_NS + 6));
        assertThat(storage.writes).isEqualTo(1);
        plugin.onEvent(context.event(TestPayment.of(5_000, 7), 7, T0_NS + 7));
        assertThat(storage.writes).isEqualTo(2);
        // Those go off the event thread (writeLatest); the last one, at stop, has landed when onStop returns.
        assertThat(storage.latestWrites).isEqualTo(2);
        plugin.onStop();
        assertThat(storage.writes).isEqualTo(3);
        assertThat(storage.latestWrites).isEqualTo(2);

        final StreamBridgePlugin restored = new StreamBridgePlugin(16);
        restored.onStart(new DirectPluginContext(CONFIG, storage));
        assertThat(restored.restoreSnapshot(new DirectPluginContext(CONFIG, storage))).isEqualTo(8);
    }

    @Test
    void shouldDeclareSnapshotRecoveryAndFindNoSnapshotInEmptyStorage()
    {
        final StreamBridgePlugin plugin = new StreamBridgePlugin(16);
        final DirectPluginContext context = new DirectPluginContext(CONFIG, new MemoryStorage());
        plugin.onStart(context);

        assertThat(plugin.recovery().mode()).isEqualTo(Recovery.Mode.SNAPSHOT);
        assertThat(plugin.restoreSnapshot(context)).isEqualTo(Recovery.NO_SNAPSHOT);
        assertThat(plugin.restoreSnapshot(new DirectPluginContext(CONFIG))).isEqualTo(Recovery.NO_SNAPSHOT);
    }

    @Test
    void shouldRefuseADamagedSnapshotWithOneLineAndStartEmpty()
    {
        final MemoryStorage storage = new MemoryStorage();
        final StreamBridgePlugin before = new StreamBridgePlugin(16);
        final DirectPluginContext beforeContext = new DirectPluginContext(CONFIG, storage);
        before.onStart(beforeContext);
        before.onEvent(beforeContext.event(TestPayment.of(5_000, 1), 1, T0_NS));
        before.onStop();
        final byte[] good = storage.entries.get(StreamBridgePlugin.SNAPSHOT_ENTRY);

        final StreamBridgePlugin after = new StreamBridgePlugin(16);
        final DirectPluginContext afterContext = new DirectPluginContext(CONFIG, storage);
        after.onStart(afterContext);
        final byte[] truncated = java.util.Arrays.copyOf(good, good.length - 5);
        storage.entries.put(StreamBridgePlugin.SNAPSHOT_ENTRY, truncated);
        assertThatThrownBy(() -> after.restoreSnapshot(afterContext))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("stream-bridge-state.bin of plugin stream-bridge cannot be restored: ")
            .hasMessageNotContaining("\n");
        final byte[] newer = good.clone();
        newer[4] = 9;
        storage.entries.put(StreamBridgePlugin.SNAPSHOT_ENTRY, newer);
        assertThatThrownBy(() -> after.restoreSnapshot(afterContext))
            .hasMessage("stream-bridge-state.bin of plugin stream-bridge cannot be restored: expected snapshot " +
                "version 1 or 2, got 9");

        // nothing of the damaged snapshot stays: the same payment alerts as new, with nothing queued before it
        afterContext.keepOutputs = true;
        after.onRecovered(afterContext);
        assertThat(afterContext.keptAlerts()).isEmpty();
        after.onEvent(afterContext.event(TestPayment.of(5_000, 1), 2, T0_NS + 1));
        assertThat(afterContext.keptAlerts()).hasSize(1);
        assertThat(afterContext.lastAlert().queued()).isZero();
    }

    @Test
    void shouldRefuseAnInvalidSnapshotInterval()
    {
        final StreamBridgePlugin plugin = new StreamBridgePlugin(16);
        assertThatThrownBy(() -> plugin.onStart(new DirectPluginContext(Map.of("snapshotEveryEvents", 0))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("plugins.stream-bridge.snapshotEveryEvents: expected 1 to 10000000 events, got 0");
    }

    /** Storage in memory, counting writes. */
    @Test
    void shouldKeepAlertingAndThePreviousSnapshotWhenTheStorageRefusesALargerOne()
    {
        final MemoryStorage storage = new MemoryStorage();
        final StreamBridgePlugin plugin = new StreamBridgePlugin(64);
        final DirectPluginContext context = new DirectPluginContext(CONFIG, storage);
        plugin.onStart(context);
        for (int i = 0; i < 3; i++)
        {
            plugin.onEvent(context.event(TestPayment.of(5_000 + i, i), 10 + i, T0_NS + i * 1_000_000L));
        }
        final byte[] kept = storage.entries.get(StreamBridgePlugin.SNAPSHOT_ENTRY);
        assertThat(kept).isNotNull();

        // the host's cap is now below the next snapshot, which holds more alerts and payments
        storage.maxEntryBytes = kept.length;
        for (int i = 3; i < 9; i++)
        {
            plugin.onEvent(context.event(TestPayment.of(5_000 + i, i), 10 + i, T0_NS + i * 1_000_000L));
        }
        assertThat(plugin.refusedSnapshots()).isEqualTo(2);
        assertThat(context.emitted).isEqualTo(9);
        assertThat(storage.entries.get(StreamBridgePlugin.SNAPSHOT_ENTRY)).isEqualTo(kept);
    }

    static final class MemoryStorage implements PluginStorage
    {
        final Map<String, byte[]> entries = new TreeMap<>();
        int writes;
        int latestWrites;
        int maxEntryBytes = Integer.MAX_VALUE;

        public byte[] read(final String name)
        {
            final byte[] bytes = entries.get(name);
            return null == bytes ? null : bytes.clone();
        }

        public void write(final String name, final byte[] bytes)
        {
            if (bytes.length > maxEntryBytes)
            {
                throw new IllegalStateException("storage: entry '" + name + "' of " + bytes.length +
                    " bytes refused, expected at most " + maxEntryBytes + " (plugins.storage.maxEntryBytes)");
            }
            writes++;
            entries.put(name, bytes.clone());
        }

        public void writeLatest(final String name, final byte[] bytes, final int length)
        {
            latestWrites++;
            PluginStorage.super.writeLatest(name, bytes, length);
        }

        public boolean delete(final String name)
        {
            return null != entries.remove(name);
        }

        public List<String> list()
        {
            return new ArrayList<>(entries.keySet());
        }
    }
}
