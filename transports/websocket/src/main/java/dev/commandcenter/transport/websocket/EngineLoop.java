package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.EngineCycle;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.ThreadAwareExecutor;
import org.agrona.ErrorHandler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the engine's duty cycle ({@link EngineCycle}) on the first event loop of a group, the HTTP loop that reads
 * the REST requests: an event posted there is journaled, handled by the plugins and handed to the fan-out in the same
 * pass of the loop, with no thread woken in between; a publish from another thread wakes the loop as a task would.
 * Each pass runs a duty cycle, the loop's I/O (which does not block while the cycle has work: asked after the loop
 * announced that it will block, so a publish just before is never missed), then a second duty cycle for what that
 * I/O published. A periodic no-op task bounds how long the loop blocks with nothing to wake it, as the engine's own
 * thread bounds its park. The loop gives the cycle back to the engine's thread when it stops.
 * <p>
 * <b>Note:</b> a slow plugin holds this loop, and the REST and page requests it carries, as it holds the engine
 * thread in the {@code shared} threading mode.
 */
final class EngineLoop implements IoHandlerFactory
{
    private final IoHandlerFactory delegate;
    private final EngineCycle cycle;
    private final ErrorHandler errorHandler;
    private final long maxBlockNs;
    private final AtomicBoolean taken = new AtomicBoolean();

    /**
     * @param delegate     the transport's handlers.
     * @param cycle        the engine's cycle, lent to the first loop the group makes.
     * @param errorHandler receives what a duty cycle throws.
     * @param maxBlockNs   longest the loop blocks without a wake-up (the engine's max park).
     */
    EngineLoop(final IoHandlerFactory delegate, final EngineCycle cycle, final ErrorHandler errorHandler,
        final long maxBlockNs)
    {
        this.delegate = delegate;
        this.cycle = cycle;
        this.errorHandler = errorHandler;
        this.maxBlockNs = maxBlockNs;
    }

    /**
     * The HTTP event loops of a server: with the engine's cycle lent ({@link WebServer.Context#engineCycle()}), the
     * first of them runs it and is started at once, not with the first connection it is given.
     *
     * @param ctx the server's settings.
     * @param io  the transport's handlers.
     * @return the group.
     */
    static MultiThreadIoEventLoopGroup httpGroup(final WebServer.Context ctx, final IoHandlerFactory io)
    {
        final EngineCycle cycle = ctx.engineCycle();
        final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(ctx.httpThreads(),
            new DefaultThreadFactory("cc-web-http", true),
            null == cycle ? io : new EngineLoop(io, cycle, ctx.errorHandler(), ctx.engineCycleMaxBlockNs()));
        if (null != cycle)
        {
            group.iterator().next().execute(() -> {});
        }
        return group;
    }

    /**
     * {@inheritDoc}
     */
    public IoHandler newHandler(final ThreadAwareExecutor executor)
    {
        final IoHandler handler = delegate.newHandler(executor);
        return taken.compareAndSet(false, true) ? new Hosting(handler, executor) : handler;
    }

    /**
     * {@inheritDoc}
     */
    public boolean isChangingThreadSupported()
    {
        return delegate.isChangingThreadSupported();
    }

    /** The transport's handler of the loop that runs the cycle. */
    private final class Hosting implements IoHandler
    {
        private final IoHandler handler;
        private final ThreadAwareExecutor executor;
        private final Context context = new Context();
        private ScheduledFuture<?> tick;

        Hosting(final IoHandler handler, final ThreadAwareExecutor executor)
        {
            this.handler = handler;
            this.executor = executor;
        }

        public void initialize()
        {
            handler.initialize();
            if (executor instanceof EventExecutor loop)
            {
                tick = loop.scheduleAtFixedRate(() -> {}, maxBlockNs, maxBlockNs, TimeUnit.NANOSECONDS);
            }
            if (!cycle.lend(handler::wakeup))
            {
                errorHandler.onError(new IllegalStateException("the engine's cycle could not be lent to " +
                    "the HTTP event loop (already lent, or closing): it stays on the engine's thread"));
            }
        }

        public int run(final IoHandlerContext loopContext)
        {
            int work = duty();
            context.loopContext = loopContext;
            context.busy = work > 0;
            final int io = handler.run(context);
            context.loopContext = null;
            work += duty();
            return io + work;
        }

        public void prepareToDestroy()
        {
            cycle.giveBack();
            if (null != tick)
            {
                tick.cancel(false);
            }
            handler.prepareToDestroy();
        }

        public void destroy()
        {
            // Given back in prepareToDestroy; again here in case a loop ends without it.
            cycle.giveBack();
            handler.destroy();
        }

        public IoRegistration register(final IoHandle handle) throws Exception
        {
            return handler.register(handle);
        }

        public void wakeup()
        {
            handler.wakeup();
        }

        public boolean isCompatible(final Class<? extends IoHandle> handleType)
        {
            return handler.isCompatible(handleType);
        }

        private int duty()
        {
            try
            {
                return cycle.doWork();
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
                return 1;
            }
        }
    }

    /** The loop's context, blocking only when the cycle has no work either. */
    private final class Context extends LoopContext
    {
        boolean busy;

        public boolean canBlock()
        {
            return !busy && loopContext.canBlock() && !cycle.hasWork();
        }
    }
}
