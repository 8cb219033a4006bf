package dev.commandcenter.app;

import org.agrona.ErrorHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * The error handler a node gives its components before the engine (owner of the one error path) is launched:
 * errors reported before then are held and passed on, in order, when the engine's handler is attached.
 * <p>
 * <b>Note:</b> thread safe.
 */
final class DeferredErrorHandler implements ErrorHandler
{
    /** Errors held before the engine exists; more than this are dropped (a node reports few while starting). */
    static final int MAX_HELD = 64;

    private final List<Throwable> held = new ArrayList<>();
    private volatile ErrorHandler target;

    public void onError(final Throwable throwable)
    {
        ErrorHandler handler = target;
        if (null == handler)
        {
            synchronized (held)
            {
                handler = target;
                if (null == handler)
                {
                    if (held.size() < MAX_HELD)
                    {
                        held.add(throwable);
                    }
                    return;
                }
            }
        }
        handler.onError(throwable);
    }

    /**
     * Pass the held errors, then every later one, to a handler.
     *
     * @param handler the engine's error handler; when the engine failed to launch, the node's listener or null
     *                (then held and later errors are dropped).
     */
    void attach(final ErrorHandler handler)
    {
        final ErrorHandler resolved = null != handler ? handler : (throwable) -> {};
        synchronized (held)
        {
            for (final Throwable throwable : held)
            {
                resolved.onError(throwable);
            }
            held.clear();
            target = resolved;
        }
    }
}
