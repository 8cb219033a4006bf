package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.Subscription;

import dev.commandcenter.codecs.sbe.ChatMessageDecoder;
import dev.commandcenter.engine.Event;

/**
 * A built-in plugin of the engine's tests (registered with the service loader): echoes chat messages.
 */
public final class SampleEchoPlugin implements Plugin
{
    private PluginContext context;

    public String id()
    {
        return "sample-echo";
    }

    public String version()
    {
        return "1.0.0";
    }

    public Subscription subscription()
    {
        return Subscription.of(ChatMessageDecoder.TEMPLATE_ID);
    }

    public void onStart(final PluginContext context)
    {
        this.context = context;
    }

    public void onEvent(final Event event)
    {
        context.emitter().emit(event.buffer(), event.offset(), event.length());
    }
}
