package dev.commandcenter.transport.electrum.sim;

import dev.commandcenter.transport.electrum.client.LineReader;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts the simulator's client connections on a virtual thread, refuses them while the faults say
 * the server is down, and serves each session on its own virtual thread: reads request lines and hands
 * each to the {@link ElectrumRequestHandler} under the simulator's lock.
 * <p>
 * <b>Note:</b> thread safe; {@link #close()} may be called from any thread.
 */
final class SessionAcceptor
{
    private final ServerSocket serverSocket;
    private final Object lock;
    private final SimulatorSessions sessions;
    private final SimulatorFaults faults;
    private final ElectrumRequestHandler handler;
    private final int maxLineLength;
    private final Thread acceptor;
    private final AtomicInteger connectionsAccepted = new AtomicInteger();
    private volatile boolean closed;

    /**
     * An acceptor on a bound server socket; {@link #start()} starts accepting.
     *
     * @param serverSocket  bound socket it owns.
     * @param lock          the simulator's lock, held while a request is handled.
     * @param sessions      connected clients.
     * @param faults        faults armed by tests.
     * @param handler       answers requests.
     * @param maxLineLength longest request line accepted.
     */
    SessionAcceptor(
        final ServerSocket serverSocket,
        final Object lock,
        final SimulatorSessions sessions,
        final SimulatorFaults faults,
        final ElectrumRequestHandler handler,
        final int maxLineLength)
    {
        this.serverSocket = serverSocket;
        this.lock = lock;
        this.sessions = sessions;
        this.faults = faults;
        this.handler = handler;
        this.maxLineLength = maxLineLength;
        this.acceptor = Thread.ofVirtual().name("electrum-sim-accept").unstarted(this::acceptLoop);
    }

    /**
     * Start accepting connections.
     */
    void start()
    {
        acceptor.start();
    }

    /**
     * Port the server listens on.
     *
     * @return the bound port.
     */
    int port()
    {
        return serverSocket.getLocalPort();
    }

    /**
     * Connections accepted since start, refused ones included.
     *
     * @return the count.
     */
    int connectionsAccepted()
    {
        return connectionsAccepted.get();
    }

    /**
     * Stop listening; connected sessions are left to the caller.
     */
    void close()
    {
        closed = true;
        try
        {
            serverSocket.close();
        }
        catch (final IOException ignore)
        {
        }
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            final Socket socket;
            try
            {
                socket = serverSocket.accept();
            }
            catch (final IOException ex)
            {
                return;
            }
            connectionsAccepted.incrementAndGet();
            final SimulatorSession session;
            synchronized (lock)
            {
                if (faults.rejectConnections() || closed)
                {
                    SimulatorSession.closeQuietly(socket);
                    continue;
                }
                try
                {
                    socket.setTcpNoDelay(true);
                    session = new SimulatorSession(socket);
                }
                catch (final IOException ex)
                {
                    SimulatorSession.closeQuietly(socket);
                    continue;
                }
                sessions.add(session);
            }
            Thread.ofVirtual().name("electrum-sim-session").start(() -> serve(session));
        }
    }

    private void serve(final SimulatorSession session)
    {
        try
        {
            final LineReader lines = new LineReader(session.socket.getInputStream(), maxLineLength);
            String line;
            while (null != (line = lines.readLine()))
            {
                if (!line.isBlank())
                {
                    synchronized (lock)
                    {
                        if (!sessions.contains(session))
                        {
                            return;
                        }
                        handler.onRequest(session, line);
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // the client went away or broke the protocol: drop it
        }
        finally
        {
            sessions.drop(session);
        }
    }
}
