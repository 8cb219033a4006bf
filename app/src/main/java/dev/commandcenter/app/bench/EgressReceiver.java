package dev.commandcenter.app.bench;

import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.OverlayAlertDecoder;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;

import java.nio.ByteOrder;

/**
 * Takes overlay alerts off the output ring for the in-process transport: the receive time is when this egress
 * handler sees the alert, and the stage stamps are the output's own.
 * <p>
 * <b>Note:</b> runs on its egress thread; nothing is allocated per output.
 */
final class EgressReceiver implements EgressHandler
{
    private final AlertSink sink;
    private final NanoClock clock;
    private final EpochNanoClock epochClock;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final OverlayAlertDecoder decoder = new OverlayAlertDecoder();
    private final TraceStamps trace = new TraceStamps();

    /**
     * @param sink       where alerts go.
     * @param clock      the schedule's clock.
     * @param epochClock the clock of the engine's stamps.
     */
    EgressReceiver(final AlertSink sink, final NanoClock clock, final EpochNanoClock epochClock)
    {
        this.sink = sink;
        this.clock = clock;
        this.epochClock = epochClock;
    }

    public void onOutput(final OutputEvent event, final boolean endOfBatch)
    {
        if (OverlayAlertDecoder.TEMPLATE_ID != event.templateId())
        {
            return;
        }
        final long nowNs = clock.nanoTime();
        final long egressNs = epochClock.nanoTime();
        decoder.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        final int txidOffset = decoder.offset() + OverlayAlertDecoder.txidEncodingOffset();
        final long tag = event.buffer().getLong(txidOffset, ByteOrder.BIG_ENDIAN);
        trace.clear().engine(event.timestampNs(), event.journaledNs(), event.handledNs(), event.emittedNs(), egressNs);
        sink.onAlert(PaymentIds.index(event.buffer(), txidOffset, tag), tag, nowNs, trace);
    }
}
