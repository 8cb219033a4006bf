package dev.commandcenter.engine.core.internal;

import com.lmax.disruptor.EventHandler;
import dev.commandcenter.engine.egress.EgressHandler;
import org.agrona.ErrorHandler;

/**
 * Runs an {@link EgressHandler} on the output ring; a throw is logged and does not stop the egress.
 */
public final class EgressAdapter implements EventHandler<OutputSlot>
{
    private final String name;
    private final EgressHandler handler;
    private final ErrorHandler errorHandler;

    /**
     * Wrap a handler.
     *
     * @param name         of the egress, for counters.
     * @param handler      to run.
     * @param errorHandler for its failures.
     */
    public EgressAdapter(final String name, final EgressHandler handler, final ErrorHandler errorHandler)
    {
        this.name = name;
        this.handler = handler;
        this.errorHandler = errorHandler;
    }

    /**
     * Name of the egress.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    public void onEvent(final OutputSlot slot, final long sequence, final boolean endOfBatch)
    {
        if (0 == slot.length)
        {
            return;
        }
        try
        {
            handler.onOutput(slot, endOfBatch);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }
    }

    public void onStart()
    {
        handler.onStart();
    }

    public void onShutdown()
    {
        handler.onShutdown();
    }
}
