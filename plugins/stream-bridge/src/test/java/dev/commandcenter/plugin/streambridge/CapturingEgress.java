package dev.commandcenter.plugin.streambridge;

import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.OverlayAlertDecoder;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps a copy of every output the engine's egress sees, for tests.
 */
final class CapturingEgress implements EgressHandler
{
    private final List<Output> outputs = new CopyOnWriteArrayList<>();

    public void onOutput(final OutputEvent event, final boolean endOfBatch)
    {
        final byte[] bytes = new byte[event.length()];
        event.buffer().getBytes(event.offset(), bytes);
        outputs.add(new Output(event.pluginId(), event.inputSequence(), event.timestampNs(), event.templateId(), bytes));
    }

    /**
     * The alerts captured so far.
     *
     * @return how many.
     */
    int size()
    {
        return outputs().size();
    }

    /**
     * The captured {@code OverlayAlert} outputs, leaving out the queue states ({@code OverlayQueue}).
     *
     * @return them in order.
     */
    List<Output> outputs()
    {
        return outputs.stream().filter((output) -> OverlayAlertDecoder.TEMPLATE_ID == output.templateId()).toList();
    }

    /**
     * Every captured output.
     *
     * @return them in order.
     */
    List<Output> all()
    {
        return List.copyOf(outputs);
    }

    List<Alert> alerts()
    {
        return outputs().stream().map(Output::alert).toList();
    }

    /**
     * One captured output.
     *
     * @param pluginId      that emitted it.
     * @param inputSequence of the event being handled.
     * @param timestampNs   of that event.
     * @param templateId    of the message.
     * @param bytes         the message, header included.
     */
    record Output(String pluginId, long inputSequence, long timestampNs, int templateId, byte[] bytes)
    {
        Alert alert()
        {
            final OverlayAlertDecoder decoder = new OverlayAlertDecoder()
                .wrapAndApplyHeader(new UnsafeBuffer(bytes), 0, new MessageHeaderDecoder());
            final byte[] txid = new byte[32];
            decoder.getTxid(txid, 0, txid.length);
            return new Alert(decoder.alertId(), decoder.amountSats(), decoder.showAtEpochMs(), decoder.durationMs(),
                decoder.queued(), decoder.kind().name(), HexFormat.of().formatHex(txid),
                decoder.title(), decoder.message());
        }
    }

    /**
     * A decoded {@code OverlayAlert}.
     *
     * @param alertId       engine sequence of the payment event.
     * @param amountSats    satoshis.
     * @param showAtEpochMs scheduled start.
     * @param durationMs    how long it shows.
     * @param queued        alerts before it still pending or showing.
     * @param kind          alert kind name.
     * @param txidHex       txid as hex.
     * @param title         rendered title.
     * @param message       rendered message.
     */
    record Alert(long alertId, long amountSats, long showAtEpochMs, int durationMs, int queued, String kind,
        String txidHex, String title, String message)
    {
    }
}
