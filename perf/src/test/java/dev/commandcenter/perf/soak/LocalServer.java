package dev.commandcenter.perf.soak;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback server for the attackers' tests: each accepted connection runs a handler on a thread of its own.
 */
final class LocalServer implements AutoCloseable
{
    @FunctionalInterface
    interface Handler
    {
        void handle(Socket socket) throws IOException;
    }

    final AtomicInteger accepted = new AtomicInteger();
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean open = true;

    LocalServer(final Handler handler) throws IOException
    {
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("test-server").start(() ->
        {
            while (open)
            {
                try
                {
                    final Socket socket = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(socket);
                    Thread.ofVirtual().start(() ->
                    {
                        try
                        {
                            handler.handle(socket);
                        }
                        catch (final IOException ignore)
                        {
                            // the client went away
                        }
                    });
                }
                catch (final IOException ex)
                {
                    return;
                }
            }
        });
    }

    InetSocketAddress address()
    {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    void closeConnections() throws IOException
    {
        for (final Socket socket : sockets)
        {
            socket.close();
        }
        sockets.clear();
    }

    static void drain(final Socket socket) throws IOException
    {
        final byte[] buffer = new byte[64 * 1024];
        while (socket.getInputStream().read(buffer) >= 0)
        {
            // discard
        }
    }

    public void close() throws IOException
    {
        open = false;
        server.close();
        closeConnections();
    }
}
