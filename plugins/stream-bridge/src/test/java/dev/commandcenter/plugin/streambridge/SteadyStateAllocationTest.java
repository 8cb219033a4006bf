package dev.commandcenter.plugin.streambridge;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SteadyStateAllocationTest
{
    private static final int PAYMENTS = 20_000;

    @Test
    void shouldAllocateNothingPerPaymentOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final StreamBridgePlugin plugin = new StreamBridgePlugin(1024);
        final DirectPluginContext context = new DirectPluginContext(Map.of(
            "title", "{sats} sats!", "message", "{amount} from {address}: {memo} {txid}", "alertDurationMs", 1000));
        plugin.onStart(context);
        final UnsafeBuffer[] encoded = new UnsafeBuffer[2 * PAYMENTS];
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[512]);
        for (int i = 0; i < encoded.length; i++)
        {
            final byte[] bytes = new byte[TestPayment.of(10_000 + i, i).withMemo("memo " + i).encode(scratch, 0)];
            scratch.getBytes(0, bytes);
            encoded[i] = new UnsafeBuffer(bytes);
        }

        run(plugin, context, encoded, 0);
        final long before = threads.getCurrentThreadAllocatedBytes();
        run(plugin, context, encoded, PAYMENTS);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(context.emitted).isEqualTo(2L * PAYMENTS);
        // one object per payment would be at least 16 bytes each; allow only one-off noise (JIT, MXBean)
        assertThat(allocated).as("bytes allocated handling %d payments", PAYMENTS).isLessThan(PAYMENTS);
    }

    private static void run(
        final StreamBridgePlugin plugin, final DirectPluginContext context, final UnsafeBuffer[] encoded, final int first)
    {
        final DirectPluginContext.TestEvent event = context.event;
        for (int i = first; i < first + PAYMENTS; i++)
        {
            event.sequence = i;
            event.timestampNs = i * 2_000_000_000L;
            event.length = encoded[i].capacity();
            event.buffer.putBytes(0, encoded[i], 0, event.length);
            plugin.onEvent(event);
        }
    }
}
