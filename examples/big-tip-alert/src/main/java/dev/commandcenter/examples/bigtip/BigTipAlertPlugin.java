package dev.commandcenter.examples.bigtip;

import dev.commandcenter.codecs.sbe.AlertKind;
import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayAlertEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.Subscription;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns each big payment into an overlay alert carrying the payer's memo. The descriptor's filter
 * ({@code amountSats >= 10000}) means only big payments arrive here. Settings: {@code title} (default
 * "Big tip!") and {@code durationMs} (default 8000).
 * <p>
 * Allocation-free per event: decoders, encoder and buffers are made once; the alert is written straight
 * into the output slot.
 */
public final class BigTipAlertPlugin implements Plugin
{
    /** Plugin id, as in plugin.yaml. */
    public static final String ID = "big-tip-alert";

    private static final MessageWriter<BigTipAlertPlugin> ALERT = BigTipAlertPlugin::writeAlert;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionReceivedDecoder payment = new TransactionReceivedDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final OverlayAlertEncoder alert = new OverlayAlertEncoder();
    private final UnsafeBuffer txid = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer memo = new UnsafeBuffer(0, 0);
    private Emitter emitter;
    private byte[] title;
    private int durationMs;
    private long sequence;
    private long timestampNs;

    public String id()
    {
        return ID;
    }

    public String version()
    {
        return "1.0.0";
    }

    public Subscription subscription()
    {
        return Subscription.of(TransactionReceivedDecoder.TEMPLATE_ID);
    }

    public void onStart(final PluginContext context)
    {
        context.config().requireOnly(List.of("title", "durationMs"));
        title = context.config().getString("title", "Big tip!").getBytes(StandardCharsets.UTF_8);
        final long duration = context.config().getLong("durationMs", 8_000);
        if (duration < 1 || duration > 600_000)
        {
            throw new IllegalArgumentException("plugins." + ID + ".durationMs: expected 1 to 600000, got " + duration);
        }
        durationMs = (int)duration;
        emitter = context.emitter();
    }

    public void onEvent(final Event event)
    {
        payment.wrapAndApplyHeader(event.buffer(), event.offset(), headerDecoder);
        sequence = event.sequence();
        timestampNs = event.timestampNs();
        emitter.emit(ALERT, this);
    }

    private static int writeAlert(final MutableDirectBuffer buffer, final int offset, final BigTipAlertPlugin plugin)
    {
        final TransactionReceivedDecoder payment = plugin.payment;
        payment.wrapTxid(plugin.txid);
        payment.skipAddress();
        payment.wrapMemo(plugin.memo);
        final OverlayAlertEncoder alert = plugin.alert.wrapAndApplyHeader(buffer, offset, plugin.headerEncoder)
            .alertId(plugin.sequence)
            .amountSats(payment.amountSats())
            .showAtEpochMs(plugin.timestampNs / 1_000_000L)
            .durationMs(plugin.durationMs)
            .queued(0)
            .kind(AlertKind.PAYMENT)
            .putTxid(plugin.txid, 0, OverlayAlertEncoder.txidLength())
            .verified(BooleanType.NULL_VAL)
            .delayMs(0)
            .putTitle(plugin.title, 0, plugin.title.length)
            .putMessage(plugin.memo, 0, plugin.memo.capacity())
            .putSound(plugin.title, 0, 0)
            .putImage(plugin.title, 0, 0);
        return MessageHeaderEncoder.ENCODED_LENGTH + alert.encodedLength();
    }
}
