package dev.commandcenter.perf.soak;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What attackers share: a running flag, their threads, every socket they hold (closed on {@link #close()}, which
 * also ends any blocked write), and their statistics.
 */
abstract class AbstractAttacker implements Attacker
{
    /**
     * Where attackers connect from: 127.0.0.2 (Linux routes all of 127/8 to loopback), so that, as on a real
     * network, they have an address of their own, apart from the honest clients and the health probe on 127.0.0.1.
     */
    static final InetSocketAddress ATTACKER_ADDRESS = new InetSocketAddress("127.0.0.2", 0);

    /** Longest wait to establish a connection. */
    static final int CONNECT_TIMEOUT_MS = 2_000;
    /** Longest wait for a read. */
    static final int READ_TIMEOUT_MS = 5_000;
    private static final long JOIN_MS = 3_000;

    protected final InetSocketAddress target;
    protected final AttackStats stats = new AttackStats();
    protected volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();
    private final Set<Closeable> resources = ConcurrentHashMap.newKeySet();

    /**
     * @param target the engine's HTTP address.
     */
    AbstractAttacker(final InetSocketAddress target)
    {
        this.target = target;
    }

    public final AttackStats stats()
    {
        return stats;
    }

    public final void start()
    {
        running = true;
        for (int i = 0; i < threadCount(); i++)
        {
            final int index = i;
            threads.add(Thread.ofPlatform().daemon().name("soak-" + kind().label() + "-" + i).start(() ->
            {
                try
                {
                    attack(index);
                }
                catch (final RuntimeException ex)
                {
                    if (running) // not the selector or socket close() closed under it
                    {
                        stats.note(ex.getClass().getSimpleName() + ": " + message(ex));
                    }
                }
            }));
        }
    }

    public final void close()
    {
        running = false;
        for (final Closeable resource : resources)
        {
            quietClose(resource);
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_MS);
        for (final Thread thread : threads)
        {
            try
            {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive())
            {
                thread.interrupt();
            }
        }
        for (final Closeable resource : resources)
        {
            quietClose(resource);
        }
    }

    /**
     * How many threads run {@link #attack(int)}.
     *
     * @return 1 unless overridden.
     */
    int threadCount()
    {
        return 1;
    }

    /**
     * The attack of one thread: returns when {@link #running} turns false or a bound is reached.
     *
     * @param thread its number.
     */
    abstract void attack(int thread);

    /**
     * Connect a blocking socket with the connect and read timeouts, held until {@link #close()}.
     *
     * @return the socket, or null when refused (counted).
     */
    final Socket connect()
    {
        final Socket socket = new Socket();
        hold(socket);
        try
        {
            socket.bind(ATTACKER_ADDRESS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.connect(target, CONNECT_TIMEOUT_MS);
            stats.onConnected();
            return socket;
        }
        catch (final IOException ex)
        {
            stats.refused.incrementAndGet();
            stats.note("connect: " + message(ex));
            release(socket);
            return null;
        }
    }

    /**
     * Write the same chunk to a socket, never reading, until the phase ends or the attacker's byte bound is reached;
     * at the bound the socket is held open until the phase ends.
     *
     * @param socket   connected socket.
     * @param chunk    bytes written each time.
     * @param perChunk requests or frames in one chunk, for the statistics.
     * @param maxBytes the attacker's byte bound.
     * @return true when the bound was reached (the attacker stops), false when the phase ended first.
     * @throws IOException when the engine closes the connection.
     */
    final boolean flood(final Socket socket, final byte[] chunk, final int perChunk, final long maxBytes)
        throws IOException
    {
        final OutputStream out = socket.getOutputStream();
        while (running && stats.bytesSent.get() < maxBytes)
        {
            out.write(chunk);
            stats.bytesSent.addAndGet(chunk.length);
            stats.requests.addAndGet(perChunk);
        }
        if (stats.bytesSent.get() >= maxBytes)
        {
            stats.note("byte bound reached; holding the socket until the phase ends");
            hold(socket);
            return true;
        }
        return false;
    }

    /**
     * An open socket ended: close it and count who ended it.
     *
     * @param socket   the socket.
     * @param byServer whether the server ended it (an error while this attacker was still running).
     */
    final void ended(final Socket socket, final boolean byServer)
    {
        release(socket);
        stats.onClosed(byServer);
    }

    /**
     * Whether an exception on an open socket means the server ended it (not our own close at the end).
     *
     * @param ex the exception.
     * @return true while running, for anything but a read timeout.
     */
    final boolean byServer(final IOException ex)
    {
        return running && !(ex instanceof SocketTimeoutException);
    }

    /**
     * Close this on {@link #close()}.
     *
     * @param resource a socket or channel.
     */
    final void hold(final Closeable resource)
    {
        resources.add(resource);
    }

    /**
     * Close it now.
     *
     * @param resource a socket or channel.
     */
    final void release(final Closeable resource)
    {
        resources.remove(resource);
        quietClose(resource);
    }

    static String message(final Throwable ex)
    {
        final String text = ex.getMessage();
        return null == text || text.isBlank() ? ex.getClass().getSimpleName() : text.lines().findFirst().orElse(text);
    }

    private static void quietClose(final Closeable resource)
    {
        try
        {
            resource.close();
        }
        catch (final IOException ignore)
        {
            // closing at the end: nothing left to do
        }
    }
}
