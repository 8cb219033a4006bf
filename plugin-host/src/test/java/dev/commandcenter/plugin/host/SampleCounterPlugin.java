package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;

import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.OverlayAlertEncoder;
import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.MessageWriter;
import org.agrona.MutableDirectBuffer;

/**
 * A built-in plugin of the engine's tests (registered with the service loader): every tenth event of any
 * type becomes an overlay alert carrying the count.
 */
public final class SampleCounterPlugin implements Plugin
{
    private static final MessageWriter<SampleCounterPlugin> ALERT = SampleCounterPlugin::write;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final OverlayAlertEncoder alert = new OverlayAlertEncoder();
    private PluginContext context;
    private long count;
    private long timestampNs;

    public String id()
    {
        return "sample-counter";
    }

    public String version()
    {
        return "2.1.0";
    }

    public void onStart(final PluginContext context)
    {
        this.context = context;
        context.config().requireOnly(java.util.List.of());
    }

    public void onEvent(final Event event)
    {
        count++;
        timestampNs = event.timestampNs();
        if (count % 10 == 0)
        {
            context.emitter().emit(ALERT, this);
        }
    }

    private static int write(final MutableDirectBuffer buffer, final int offset, final SampleCounterPlugin plugin)
    {
        plugin.alert.wrapAndApplyHeader(buffer, offset, plugin.header).alertId(plugin.count).amountSats(0)
            .showAtEpochMs(plugin.timestampNs / 1_000_000).durationMs(1000).queued(0).delayMs(0).title("count").message("").sound("").image("");
        return MessageHeaderEncoder.ENCODED_LENGTH + plugin.alert.encodedLength();
    }
}
