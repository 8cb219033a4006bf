package dev.commandcenter.plugin.streambridge;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.OverlayAlertDecoder;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.MutableEvent;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.PluginStorage;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a plugin on the test's own thread: a configuration, an emitter that encodes into one reusable
 * buffer and counts, and a reusable input event. For tests that need no threads, such as measuring
 * allocation per event.
 */
final class DirectPluginContext implements PluginContext, Emitter
{
    final UnsafeBuffer output = new UnsafeBuffer(new byte[4096]);
    final UnsafeBuffer alertOutput = new UnsafeBuffer(new byte[4096]);
    int alertLength;
    final TestEvent event = new TestEvent();
    int outputLength;
    long emitted;
    final List<byte[]> kept = new ArrayList<>();
    boolean keepOutputs;
    boolean recovering;
    private final PluginConfig config;

    DirectPluginContext(final Map<String, ?> config)
    {
        this.config = new PluginConfig(StreamBridgePlugin.ID, config);
    }

    DirectPluginContext(final Map<String, ?> config, final PluginStorage storage)
    {
        this.config = new PluginConfig(StreamBridgePlugin.ID, config, storage);
    }

    public boolean recovering()
    {
        return recovering;
    }

    /**
     * Put a payment into the reusable input event.
     *
     * @return the event.
     */
    TestEvent event(final TestPayment payment, final long sequence, final long timestampNs)
    {
        event.length = payment.encode(event.buffer, 0);
        event.sequence = sequence;
        event.timestampNs = timestampNs;
        return event;
    }

    /**
     * Decode the last output.
     *
     * @return the alert.
     */
    CapturingEgress.Alert lastAlert()
    {
        final byte[] bytes = new byte[alertLength];
        alertOutput.getBytes(0, bytes);
        return new CapturingEgress.Output(StreamBridgePlugin.ID, event.sequence, event.timestampNs,
            MessageSchema.templateId(output, 0), bytes).alert();
    }

    public PluginConfig config()
    {
        return config;
    }

    public Emitter emitter()
    {
        return this;
    }

    public EpochClock epochClock()
    {
        return () ->
        {
            throw new AssertionError("the wall clock must not be read");
        };
    }

    public boolean emit(final DirectBuffer buffer, final int offset, final int length)
    {
        output.putBytes(0, buffer, offset, length);
        outputLength = length;
        emitted++;
        keep();
        return true;
    }

    public <A> boolean emit(final MessageWriter<A> writer, final A arg)
    {
        outputLength = writer.write(output, 0, arg);
        emitted++;
        keep();
        return true;
    }

    /**
     * The kept outputs that are alerts, leaving out the queue states.
     *
     * @return the alerts' bytes in emit order.
     */
    List<byte[]> keptAlerts()
    {
        return kept.stream().filter((bytes) -> OverlayAlertDecoder.TEMPLATE_ID ==
            MessageSchema.templateId(new UnsafeBuffer(bytes), 0)).toList();
    }

    private void keep()
    {
        if (OverlayAlertDecoder.TEMPLATE_ID == MessageSchema.templateId(output, 0))
        {
            alertOutput.putBytes(0, output, 0, outputLength);
            alertLength = outputLength;
        }
        if (keepOutputs)
        {
            final byte[] bytes = new byte[outputLength];
            output.getBytes(0, bytes);
            kept.add(bytes);
        }
    }

    /** A reusable input event over one buffer. */
    static final class TestEvent extends MutableEvent
    {
        {
            source = Sources.WALLET;
        }
    }
}
