package dev.commandcenter.app;

import dev.commandcenter.transport.websocket.wire.WireListener;
import dev.commandcenter.transport.websocket.wire.WireSettings;
import dev.commandcenter.transport.websocket.wire.WireTransport;
import dev.commandcenter.transport.websocket.wire.WireTransportProvider;
import org.agrona.DirectBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A backend named {@code native} registered in the test class path's {@code META-INF/services}, standing in for the
 * libwebsockets one: unavailable with a reason unless a test makes it available (then restores it), so every other
 * test of the module runs on Netty as {@code auto} chooses. Its transport binds a real socket and serves nothing: it
 * proves which backend the node started and with what settings.
 */
public final class TestNativeProvider implements WireTransportProvider
{
    /** The reason given while unavailable. */
    public static final String REASON = "libwebsockets.so.17: cannot open shared object file (test backend)";

    static volatile String unavailableReason = REASON;
    static final List<StubTransport> CREATED = new CopyOnWriteArrayList<>();

    /**
     * For {@link java.util.ServiceLoader}.
     */
    public TestNativeProvider()
    {
    }

    public String name()
    {
        return WebSocketBackend.NATIVE;
    }

    public String unavailableReason()
    {
        return unavailableReason;
    }

    public String version()
    {
        return "libwebsockets 0.0-test";
    }

    public WireTransport create()
    {
        final String reason = unavailableReason;
        if (null != reason)
        {
            throw new IllegalStateException(reason);
        }
        final StubTransport transport = new StubTransport();
        CREATED.add(transport);
        return transport;
    }

    /**
     * Binds the settings' address and answers nothing.
     */
    static final class StubTransport implements WireTransport
    {
        volatile WireSettings settings;
        volatile boolean closed;
        private ServerSocket socket;

        public String name()
        {
            return WebSocketBackend.NATIVE;
        }

        public String version()
        {
            return "libwebsockets 0.0-test";
        }

        public InetSocketAddress start(final WireSettings settings, final WireListener listener) throws IOException
        {
            this.settings = settings;
            socket = new ServerSocket(settings.port(), 16, InetAddress.getByName(settings.bindAddress()));
            return (InetSocketAddress)socket.getLocalSocketAddress();
        }

        public int respond(
            final long connection, final int status, final String[] headers, final DirectBuffer body, final int offset,
            final int length, final boolean closeAfter)
        {
            return GONE;
        }

        public int send(final long connection, final boolean binary, final DirectBuffer buffer, final int offset, final int length)
        {
            return GONE;
        }

        public int ping(final long connection)
        {
            return GONE;
        }

        public void close(final long connection, final int code, final String reason)
        {
        }

        public void abort(final long connection)
        {
        }

        public void read(final long connection, final boolean read)
        {
        }

        public void close()
        {
            closed = true;
            if (null != socket)
            {
                try
                {
                    socket.close();
                }
                catch (final IOException ex)
                {
                    // closing a listening socket of a test
                }
            }
        }
    }
}
