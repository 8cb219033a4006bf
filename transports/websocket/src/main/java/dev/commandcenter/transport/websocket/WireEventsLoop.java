package dev.commandcenter.transport.websocket;

import dev.commandcenter.transport.websocket.wire.WireEvents;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Reads a transport's events ({@link WireEvents}) on the first event loop of a group, the HTTP loop that also runs
 * the engine when its cycle is lent ({@link EngineLoop}): a request goes from the transport's thread to the loop
 * that answers it in one wake-up, with no poller thread handing it over. Each pass of the loop reads the events
 * waiting, then runs the loop's own handler without blocking; with nothing read and nothing else to do, the loop
 * waits on the transport ({@link WireEvents#await}) until an event, a task ({@link IoHandler#wakeup()}) or its next
 * scheduled task. Before the transport starts and after it stops, the loop waits as its own handler does.
 * <p>
 * <b>Note:</b> a scheduled task may run up to a millisecond late while the loop waits on the transport, which
 * counts its timeout in milliseconds.
 */
final class WireEventsLoop implements IoHandlerFactory
{
    private final IoHandlerFactory delegate;
    private final WireEvents events;
    private final AtomicBoolean taken = new AtomicBoolean();

    /**
     * @param delegate the handlers of the group's loops ({@code LocalIoHandler}s: the loops do no socket I/O).
     * @param events   the transport's events, read by the first loop the group makes.
     */
    WireEventsLoop(final IoHandlerFactory delegate, final WireEvents events)
    {
        this.delegate = delegate;
        this.events = events;
    }

    /**
     * {@inheritDoc}
     */
    public IoHandler newHandler(final ThreadAwareExecutor executor)
    {
        final IoHandler handler = delegate.newHandler(executor);
        return taken.compareAndSet(false, true) ? new Reading(handler) : handler;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isChangingThreadSupported()
    {
        return delegate.isChangingThreadSupported();
    }

    /** The handler of the loop that reads the events. */
    final class Reading implements IoHandler, BooleanSupplier
    {
        private final IoHandler handler;
        private final NonBlocking nonBlocking = new NonBlocking();
        private IoHandlerContext context;

        Reading(final IoHandler handler)
        {
            this.handler = handler;
        }

        public void initialize()
        {
            handler.initialize();
        }

        public int run(final IoHandlerContext loopContext)
        {
            int read = events.poll();
            if (read < 0)
            {
                return handler.run(loopContext);
            }
            if (0 == read && loopContext.canBlock())
            {
                context = loopContext;
                events.await(loopContext.delayNanos(System.nanoTime()), this);
                context = null;
                read = Math.max(0, events.poll());
            }
            nonBlocking.loopContext = loopContext;
            final int io = handler.run(nonBlocking);
            nonBlocking.loopContext = null;
            return read + io;
        }

        /**
         * Whether the loop still has nothing to do: asked by the transport while it spins and yields before a wait,
         * and once more after it recorded that the loop waits.
         */
        public boolean getAsBoolean()
        {
            return context.canBlock();
        }

        public void prepareToDestroy()
        {
            handler.prepareToDestroy();
        }

        public void destroy()
        {
            handler.destroy();
        }

        public IoRegistration register(final IoHandle handle) throws Exception
        {
            return handler.register(handle);
        }

        public void wakeup()
        {
            events.wake();
            handler.wakeup(); // the loop waits as its own handler does before the transport starts
        }

        public boolean isCompatible(final Class<? extends IoHandle> handleType)
        {
            return handler.isCompatible(handleType);
        }
    }

    /** The loop's context for its own handler, which must not block: the loop waits on the transport. */
    private static final class NonBlocking extends LoopContext
    {
        public boolean canBlock()
        {
            return false;
        }
    }
}
