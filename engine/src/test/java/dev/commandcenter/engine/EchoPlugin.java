package dev.commandcenter.engine;

import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;

import java.util.function.Consumer;

/**
 * A plugin with id {@code echo} that emits every event it is given as its output, after showing it to a consumer,
 * and says when it stops.
 */
final class EchoPlugin implements Plugin
{
    private final Consumer<Event> seen;
    private final Runnable stopped;
    private PluginContext context;

    EchoPlugin(final Consumer<Event> seen, final Runnable stopped)
    {
        this.seen = seen;
        this.stopped = stopped;
    }

    EchoPlugin(final Consumer<Event> seen)
    {
        this(seen, () -> {});
    }

    public String id()
    {
        return "echo";
    }

    public void onStart(final PluginContext context)
    {
        this.context = context;
    }

    public void onEvent(final Event event)
    {
        seen.accept(event);
        context.emitter().emit(event.buffer(), event.offset(), event.length());
    }

    public void onStop()
    {
        stopped.run();
    }
}
