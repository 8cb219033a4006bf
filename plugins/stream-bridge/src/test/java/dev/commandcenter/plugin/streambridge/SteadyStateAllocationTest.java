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

    @Test
    void shouldAllocateNothingPerTipMemoPaymentOrControlOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final StreamBridgePlugin plugin = new StreamBridgePlugin(1024);
        final DirectPluginContext context = new DirectPluginContext(Map.of("alertDurationMs", 1000));
        plugin.onStart(context);
        // per round: a memo, its payment, a pause, a held payment, a resume, a skip, a test alert and a replay
        final UnsafeBuffer[] encoded = new UnsafeBuffer[2 * ROUNDS * 8];
        final int[] sources = new int[encoded.length];
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[512]);
        final dev.commandcenter.codecs.sbe.MessageHeaderEncoder header = new dev.commandcenter.codecs.sbe.MessageHeaderEncoder();
        for (int round = 0; round < 2 * ROUNDS; round++)
        {
            final TestPayment tipped = TestPayment.of(10_000 + round, 2 * round);
            final TestPayment held = TestPayment.of(10_000 + round, 2 * round + 1);
            final int at = round * 8;
            final dev.commandcenter.codecs.sbe.TipMemoEncoder memo = new dev.commandcenter.codecs.sbe.TipMemoEncoder()
                .wrapAndApplyHeader(scratch, 0, header).putTxid(tipped.txid(), 0, 32);
            memo.channel("").user("viewer " + round).text("message " + round);
            encoded[at] = copy(scratch, dev.commandcenter.codecs.sbe.MessageHeaderEncoder.ENCODED_LENGTH + memo.encodedLength());
            sources[at] = dev.commandcenter.engine.Sources.WALLET;
            encoded[at + 1] = copy(scratch, tipped.encode(scratch, 0));
            sources[at + 1] = dev.commandcenter.engine.Sources.WALLET;
            encoded[at + 2] = control(scratch, header, dev.commandcenter.codecs.sbe.OverlayControlAction.PAUSE);
            encoded[at + 3] = copy(scratch, held.encode(scratch, 0));
            sources[at + 3] = dev.commandcenter.engine.Sources.WALLET;
            encoded[at + 4] = control(scratch, header, dev.commandcenter.codecs.sbe.OverlayControlAction.RESUME);
            encoded[at + 5] = control(scratch, header, dev.commandcenter.codecs.sbe.OverlayControlAction.SKIP);
            encoded[at + 6] = control(scratch, header, dev.commandcenter.codecs.sbe.OverlayControlAction.TEST_ALERT);
            encoded[at + 7] = control(scratch, header, dev.commandcenter.codecs.sbe.OverlayControlAction.REPLAY_LAST);
            for (int i = 2; i < 8; i++)
            {
                if (0 == sources[at + i])
                {
                    sources[at + i] = dev.commandcenter.engine.Sources.REST;
                }
            }
        }

        runMixed(plugin, context, encoded, sources, 0);
        final long emittedWarm = context.emitted;
        final long before = threads.getCurrentThreadAllocatedBytes();
        runMixed(plugin, context, encoded, sources, ROUNDS * 8);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        // per round: the tip alert; queue states for the pause, the held payment and the skip; alert and queue state
        // for the resume, the test alert and the replay
        assertThat(context.emitted - emittedWarm).isEqualTo(ROUNDS * 10L);
        assertThat(plugin.waitingMemos()).isZero();
        assertThat(allocated).as("bytes allocated handling %d rounds", ROUNDS).isLessThan(ROUNDS * 8L);
    }

    private static final int ROUNDS = 5_000;

    private static UnsafeBuffer copy(final UnsafeBuffer scratch, final int length)
    {
        final byte[] bytes = new byte[length];
        scratch.getBytes(0, bytes);
        return new UnsafeBuffer(bytes);
    }

    private static UnsafeBuffer control(final UnsafeBuffer scratch,
        final dev.commandcenter.codecs.sbe.MessageHeaderEncoder header, final dev.commandcenter.codecs.sbe.OverlayControlAction action)
    {
        final dev.commandcenter.codecs.sbe.OverlayControlEncoder encoder = new dev.commandcenter.codecs.sbe.OverlayControlEncoder()
            .wrapAndApplyHeader(scratch, 0, header).action(action);
        encoder.actor("test");
        return copy(scratch, dev.commandcenter.codecs.sbe.MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }

    private static void runMixed(final StreamBridgePlugin plugin, final DirectPluginContext context,
        final UnsafeBuffer[] encoded, final int[] sources, final int first)
    {
        final DirectPluginContext.TestEvent event = context.event;
        for (int i = first; i < first + ROUNDS * 8; i++)
        {
            event.sequence = i;
            event.timestampNs = i * 500_000_000L;
            event.source = sources[i];
            event.length = encoded[i].capacity();
            event.buffer.putBytes(0, encoded[i], 0, event.length);
            plugin.onEvent(event);
        }
        event.source = dev.commandcenter.engine.Sources.WALLET;
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
