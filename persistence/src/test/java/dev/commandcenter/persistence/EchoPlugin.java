package dev.commandcenter.persistence;

import dev.commandcenter.codecs.sbe.AlertKind;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayAlertEncoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A deterministic plugin: for each event it emits an OverlayAlert derived from the event's envelope,
 * its own state (a running count) and the event's type, then echoes the event's message unchanged.
 */
final class EchoPlugin implements Plugin
{
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final OverlayAlertEncoder alert = new OverlayAlertEncoder();
    private Emitter emitter;
    private int seen;

    public String id()
    {
        return "echo";
    }

    public void onStart(final PluginContext context)
    {
        emitter = context.emitter();
    }

    public void onEvent(final Event event)
    {
        final int count = seen++;
        emitter.emit((buffer, offset, ignore) ->
        {
            alert.wrapAndApplyHeader(buffer, offset, header)
                .alertId(event.sequence())
                .amountSats(event.timestampNs() % 1_000_000_007L)
                .showAtEpochMs(event.timestampNs() / 1_000_000L)
                .durationMs(event.source())
                .queued(count)
                .kind(AlertKind.CUSTOM)
                .delayMs(0)
                .title("type " + event.templateId())
                .message("length " + event.length()).sound("").image("");
            return MessageHeaderEncoder.ENCODED_LENGTH + alert.encodedLength();
        }, null);
        emitter.emit(event.buffer(), event.offset(), event.length());
    }

    /** Keeps a copy of every output: plugin id, input sequence, timestamp and SBE bytes. */
    static final class Capture implements EgressHandler
    {
        private final List<String> outputs = new ArrayList<>();

        public void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            final byte[] bytes = new byte[event.length()];
            event.buffer().getBytes(event.offset(), bytes);
            final String output = event.pluginId() + " " + event.inputSequence() + " " + event.timestampNs() + " " +
                HexFormat.of().formatHex(bytes);
            synchronized (outputs)
            {
                outputs.add(output);
            }
        }

        List<String> outputs()
        {
            synchronized (outputs)
            {
                return List.copyOf(outputs);
            }
        }

        int size()
        {
            synchronized (outputs)
            {
                return outputs.size();
            }
        }
    }
}
