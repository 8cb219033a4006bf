package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.Event;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * Records the sequences it sees and its lifecycle; optionally throws, or runs a hook, per event.
 */
class RecordingPlugin implements Plugin
{
    final List<Long> seen = new CopyOnWriteArrayList<>();
    final String id;
    volatile boolean started;
    volatile boolean stopped;
    volatile boolean fail;
    volatile LongConsumer onSequence = (sequence) -> {};

    RecordingPlugin(final String id)
    {
        this.id = id;
    }

    public String id()
    {
        return id;
    }

    public void onStart(final PluginContext context)
    {
        started = true;
    }

    public void onEvent(final Event event)
    {
        seen.add(event.sequence());
        onSequence.accept(event.sequence());
        if (fail)
        {
            throw new IllegalStateException("boom at " + event.sequence());
        }
    }

    public void onStop()
    {
        stopped = true;
    }
}
