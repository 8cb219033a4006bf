package dev.commandcenter.transport.websocket;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The socket transport under the Netty backend: Netty's native epoll ({@link EpollIoHandler},
 * {@link EpollServerSocketChannel}) when it loads, else the JDK's NIO ({@link NioIoHandler}). Epoll writes a
 * frame's pooled direct buffer by its address ({@code writev} of the buffers queued for a socket), where NIO wraps
 * each buffer in {@code ByteBuffer} views, and it waits in edge-triggered {@code epoll_wait} without the JDK
 * selector's key sets: less CPU per fan-out frame. Netty's io_uring ({@link IoUringIoHandler}) is there to be chosen,
 * never taken by {@code auto}: it submits a loop turn's receives and sends in one system call, which halves the HTTP
 * loop's cost per REST post, but it costs more per frame than epoll once a fan-out loop writes to many sockets
 * (measured in {@code perf/README.md}, "io_uring").
 * <p>
 * Chosen by {@link WebServer.Context#transport(String)} ({@code auto}, {@code epoll}, {@code io_uring} or
 * {@code nio}, default from
 * the system property {@value WebServer.Context#TRANSPORT_PROP_NAME}): {@code auto} takes epoll when it is
 * available and falls back to NIO otherwise, with the reason in the backend's start line; {@code epoll} is one
 * clear error when epoll cannot load, {@code io_uring} when io_uring cannot; {@code nio} forces NIO. Every event
 * loop of one server (accept, HTTP, fan-out) uses the same transport, since an upgraded connection moves from an HTTP
 * loop to a fan-out loop.
 * <p>
 * <b>Note:</b> immutable, thread safe.
 */
final class NettyTransport
{
    /** Transport choice: epoll when available, else NIO. */
    static final String AUTO = "auto";
    /** Transport choice: epoll, or an error. */
    static final String EPOLL = "epoll";
    /** Transport choice: NIO. */
    static final String NIO = "nio";
    /** Transport choice: io_uring, or an error. */
    static final String IO_URING = "io_uring";

    private static final NettyTransport NIO_TRANSPORT = new NettyTransport(NIO, null);

    private final String name;
    private final String fallbackReason;

    private NettyTransport(final String name, final String fallbackReason)
    {
        this.name = name;
        this.fallbackReason = fallbackReason;
    }

    /**
     * The transport for a choice.
     *
     * @param choice {@link #AUTO}, {@link #EPOLL}, {@link #IO_URING} or {@link #NIO}, as validated by the context.
     * @return the transport.
     * @throws IllegalStateException with the reason when {@link #EPOLL} or {@link #IO_URING} is asked for and cannot
     *                               load.
     */
    static NettyTransport select(final String choice)
    {
        return select(choice, epollUnavailability(), IO_URING.equals(choice) ? ioUringUnavailability() : null);
    }

    /**
     * The transport for a choice, given whether epoll loads.
     *
     * @param choice             {@link #AUTO}, {@link #EPOLL}, {@link #IO_URING} or {@link #NIO}.
     * @param epollUnavailable why epoll cannot load, or null when it can.
     * @return the transport.
     * @throws IllegalStateException with the reason when {@link #EPOLL} is asked for and cannot load.
     * @throws IllegalArgumentException when the choice is none of the three.
     */
    static NettyTransport select(final String choice, final String epollUnavailable)
    {
        return select(choice, epollUnavailable, null);
    }

    /**
     * The transport for a choice, given whether epoll and io_uring load.
     *
     * @param choice             {@link #AUTO}, {@link #EPOLL}, {@link #IO_URING} or {@link #NIO}.
     * @param epollUnavailable   why epoll cannot load, or null when it can.
     * @param ioUringUnavailable why io_uring cannot load, or null when it can (or was not asked for).
     * @return the transport.
     * @throws IllegalStateException with the reason when {@link #EPOLL} or {@link #IO_URING} is asked for and
     *                               cannot load.
     * @throws IllegalArgumentException when the choice is none of the four.
     */
    static NettyTransport select(final String choice, final String epollUnavailable, final String ioUringUnavailable)
    {
        switch (choice)
        {
            case NIO:
                return NIO_TRANSPORT;
            case EPOLL:
                if (null != epollUnavailable)
                {
                    throw new IllegalStateException("websocket.transport epoll: the native epoll transport cannot load: " +
                        epollUnavailable + " (set websocket transport to auto or nio)");
                }
                return new NettyTransport(EPOLL, null);
            case IO_URING:
                if (null != ioUringUnavailable)
                {
                    throw new IllegalStateException("websocket.transport io_uring: the native io_uring transport " +
                        "cannot load: " + ioUringUnavailable + " (set websocket transport to auto, epoll or nio)");
                }
                return new NettyTransport(IO_URING, null);
            case AUTO:
                return null == epollUnavailable ?
                    new NettyTransport(EPOLL, null) : new NettyTransport(NIO, "epoll unavailable: " + epollUnavailable);
            default:
                throw new IllegalArgumentException(invalidChoice(choice));
        }
    }

    /**
     * One line saying a transport choice is none of those known, or null when it is one of them.
     *
     * @param choice as configured.
     * @return the problem, or null.
     */
    static String problem(final String choice)
    {
        if (AUTO.equals(choice) || EPOLL.equals(choice) || IO_URING.equals(choice) || NIO.equals(choice))
        {
            return null;
        }
        return invalidChoice(choice);
    }

    private static String invalidChoice(final String choice)
    {
        return "websocket transport (" + WebServer.Context.TRANSPORT_PROP_NAME +
            "): expected auto, epoll, io_uring or nio, got '" +
            HttpResponses.clientText(String.valueOf(choice)) + "'";
    }

    /**
     * Why Netty's native epoll transport cannot be used here, or null when it can.
     *
     * @return the reason, one line.
     */
    static String epollUnavailability()
    {
        // Lambdas, not method references: a missing class then fails inside unavailability's try.
        return unavailability(() -> Epoll.isAvailable(), () -> Epoll.unavailabilityCause());
    }

    /**
     * Why a native transport cannot be used, from its own checks.
     *
     * @param available whether it loaded.
     * @param cause     why not, when it did not.
     * @return the reason, one line, or null when it can be used.
     */
    private static String unavailability(
        final java.util.function.BooleanSupplier available, final java.util.function.Supplier<Throwable> cause)
    {
        try
        {
            if (available.getAsBoolean())
            {
                return null;
            }
            final Throwable why = cause.get();
            return null == why ? "unknown reason" : oneLine(why);
        }
        catch (final LinkageError ex)
        {
            // The transport's classes themselves are missing or do not match the netty-transport on the class path.
            return oneLine(ex);
        }
    }

    private static String oneLine(final Throwable failure)
    {
        Throwable cause = failure;
        while (null != cause.getCause() && cause.getCause() != cause)
        {
            cause = cause.getCause();
        }
        final String message = null == cause.getMessage() ? "" : ": " + cause.getMessage();
        return HttpResponses.oneLine(cause.getClass().getSimpleName() + message);
    }

    /**
     * {@code epoll}, {@code io_uring} or {@code nio}.
     *
     * @return the name.
     */
    String name()
    {
        return name;
    }

    /**
     * Why Netty's native io_uring transport cannot be used here (a kernel without io_uring, or with it disabled
     * by {@code kernel.io_uring_disabled}), or null when it can.
     *
     * @return the reason, one line.
     */
    static String ioUringUnavailability()
    {
        return unavailability(() -> IoUring.isAvailable(), () -> IoUring.unavailabilityCause());
    }

    /**
     * Whether this is the native epoll transport.
     *
     * @return true for epoll.
     */
    boolean isEpoll()
    {
        return EPOLL.equals(name);
    }

    /**
     * Why {@code auto} fell back to NIO, or null when it did not.
     *
     * @return the reason.
     */
    String fallbackReason()
    {
        return fallbackReason;
    }

    /**
     * The I/O handler of this transport's event loops.
     *
     * @return a new factory.
     */
    IoHandlerFactory ioHandlerFactory()
    {
        if (IO_URING.equals(name))
        {
            return IoUringIoHandler.newFactory();
        }
        return isEpoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /**
     * The listening channel type of this transport.
     *
     * @return the class.
     */
    Class<? extends ServerChannel> serverChannelClass()
    {
        if (IO_URING.equals(name))
        {
            return IoUringServerSocketChannel.class;
        }
        return isEpoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * What the start line says of the transport: {@code epoll}, {@code io_uring}, {@code nio}, or
     * {@code nio, epoll unavailable: ...}.
     *
     * @return the text.
     */
    String description()
    {
        return null == fallbackReason ? name : name + ", " + fallbackReason;
    }

    public String toString()
    {
        return description();
    }
}
