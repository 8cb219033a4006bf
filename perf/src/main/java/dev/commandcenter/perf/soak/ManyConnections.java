package dev.commandcenter.perf.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Many connections on one thread (non-blocking channels and a selector): keeps up to a number of them open,
 * optionally sends some bytes on connecting and then one byte at an interval, and counts what the server does.
 * The base of the slowloris and the connection hog.
 */
abstract class ManyConnections extends AbstractAttacker
{
    private static final long CONNECT_TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MS * 2L);
    private static final long SELECT_MS = 50;
    private static final int MAX_PENDING = 512;
    private static final int FAILURES_TO_STOP = 200;

    private final int openTarget;
    private final long maxAttempts;
    private final boolean reopen;
    private final byte[] opening;
    private final long dripIntervalNs;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16 * 1024);
    private final ByteBuffer dripByte = ByteBuffer.wrap("a".getBytes(StandardCharsets.US_ASCII));
    private long attempts;
    private int pending;
    private int failuresInARow;
    private boolean openingStopped;

    /**
     * @param target         the engine's HTTP address.
     * @param openTarget     connections to hold open at once.
     * @param maxAttempts    most connection attempts over the run.
     * @param reopen         whether to replace connections the server closes.
     * @param opening        bytes sent once connected, or null.
     * @param dripIntervalNs interval of one more byte per connection, or 0 for none.
     */
    ManyConnections(
        final InetSocketAddress target,
        final int openTarget,
        final long maxAttempts,
        final boolean reopen,
        final String opening,
        final long dripIntervalNs)
    {
        super(target);
        this.openTarget = openTarget;
        this.maxAttempts = maxAttempts;
        this.reopen = reopen;
        this.opening = null == opening ? null : opening.getBytes(StandardCharsets.US_ASCII);
        this.dripIntervalNs = dripIntervalNs;
    }

    private static final class Connection
    {
        final SocketChannel channel;
        final long connectDeadlineNs;
        long nextDripNs;
        boolean connected;
        boolean answered;

        Connection(final SocketChannel channel, final long connectDeadlineNs)
        {
            this.channel = channel;
            this.connectDeadlineNs = connectDeadlineNs;
        }
    }

    /**
     * Connections to hold open at once.
     *
     * @return the target.
     */
    final int openTarget()
    {
        return openTarget;
    }

    void attack(final int thread)
    {
        final List<Connection> connections = new ArrayList<>();
        try (Selector selector = Selector.open())
        {
            hold(selector);
            while (running)
            {
                openMore(selector, connections);
                selector.select(SELECT_MS);
                final long nowNs = System.nanoTime();
                final Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext())
                {
                    final SelectionKey key = keys.next();
                    keys.remove();
                    final Connection connection = (Connection)key.attachment();
                    try
                    {
                        if (key.isConnectable())
                        {
                            finishConnect(key, connection, nowNs);
                        }
                        else if (key.isReadable())
                        {
                            read(connection);
                        }
                    }
                    catch (final CancelledKeyException ignore)
                    {
                        // closed below
                    }
                }
                sweep(connections, nowNs);
            }
        }
        catch (final IOException ex)
        {
            stats.note("selector: " + message(ex));
        }
        finally
        {
            for (final Connection connection : connections)
            {
                release(connection.channel);
            }
        }
    }

    private void openMore(final Selector selector, final List<Connection> connections)
    {
        if (openingStopped)
        {
            return;
        }
        while (running && stats.open.get() + pending < openTarget && pending < MAX_PENDING)
        {
            if (attempts >= maxAttempts || (!reopen && attempts >= openTarget))
            {
                return;
            }
            if (failuresInARow >= FAILURES_TO_STOP)
            {
                openingStopped = true;
                stats.note("stopped opening after " + FAILURES_TO_STOP + " failed connects in a row, " +
                    stats.open.get() + " open");
                return;
            }
            attempts++;
            SocketChannel channel = null;
            try
            {
                channel = SocketChannel.open();
                channel.bind(ATTACKER_ADDRESS);
                channel.configureBlocking(false);
                final Connection connection = new Connection(channel, System.nanoTime() + CONNECT_TIMEOUT_NS);
                hold(channel);
                connections.add(connection);
                if (channel.connect(target))
                {
                    onConnected(connection, selector, System.nanoTime());
                }
                else
                {
                    pending++;
                    channel.register(selector, SelectionKey.OP_CONNECT, connection);
                }
            }
            catch (final IOException ex)
            {
                // Out of file descriptors, or the address is gone: stop opening rather than spin.
                stats.refused.incrementAndGet();
                stats.note("stopped opening at " + stats.open.get() + " open: " + message(ex));
                openingStopped = true;
                if (null != channel)
                {
                    release(channel);
                }
                return;
            }
        }
    }

    private void finishConnect(final SelectionKey key, final Connection connection, final long nowNs)
    {
        pending--;
        try
        {
            if (connection.channel.finishConnect())
            {
                onConnected(connection, key.selector(), nowNs);
            }
        }
        catch (final IOException ex)
        {
            failed(connection, ex);
        }
    }

    private void onConnected(final Connection connection, final Selector selector, final long nowNs)
        throws IOException
    {
        connection.connected = true;
        failuresInARow = 0;
        stats.onConnected();
        connection.channel.register(selector, SelectionKey.OP_READ, connection);
        connection.nextDripNs = nowNs + dripIntervalNs;
        if (null != opening)
        {
            write(connection, ByteBuffer.wrap(opening));
        }
    }

    private void failed(final Connection connection, final IOException ex)
    {
        failuresInARow++;
        stats.refused.incrementAndGet();
        stats.note("connect: " + message(ex));
        release(connection.channel);
    }

    private void read(final Connection connection)
    {
        readBuffer.clear();
        try
        {
            final int read = connection.channel.read(readBuffer);
            if (read < 0)
            {
                closed(connection, true);
            }
            else if (read > 0)
            {
                stats.bytesReceived.addAndGet(read);
                if (!connection.answered)
                {
                    connection.answered = true;
                    stats.answers.incrementAndGet();
                }
            }
        }
        catch (final IOException ex)
        {
            closed(connection, running);
        }
    }

    private void write(final Connection connection, final ByteBuffer bytes)
    {
        try
        {
            final int written = connection.channel.write(bytes);
            stats.bytesSent.addAndGet(written);
            stats.requests.incrementAndGet();
        }
        catch (final IOException ex)
        {
            closed(connection, running);
        }
    }

    private void closed(final Connection connection, final boolean byServer)
    {
        if (connection.connected)
        {
            connection.connected = false;
            stats.onClosed(byServer);
        }
        release(connection.channel);
    }

    private void sweep(final List<Connection> connections, final long nowNs)
    {
        final Iterator<Connection> it = connections.iterator();
        while (it.hasNext())
        {
            final Connection connection = it.next();
            if (!connection.channel.isOpen())
            {
                it.remove();
            }
            else if (!connection.connected && nowNs - connection.connectDeadlineNs > 0)
            {
                pending--;
                failed(connection, new IOException("no connection in " + CONNECT_TIMEOUT_MS * 2 + " ms"));
                it.remove();
            }
            else if (connection.connected && dripIntervalNs > 0 && nowNs - connection.nextDripNs >= 0)
            {
                connection.nextDripNs = nowNs + dripIntervalNs;
                write(connection, dripByte.clear());
            }
        }
    }
}
