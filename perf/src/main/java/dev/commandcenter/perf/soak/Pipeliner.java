package dev.commandcenter.perf.soak;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One socket pipelining {@code GET /plugins/stream-bridge/overlay.js} as fast as it can and never reading the
 * answers, so they pile up in the server. When the server closes the socket it connects again, up to a bound.
 */
final class Pipeliner extends AbstractAttacker
{
    /** The page every request asks for. */
    static final String PATH = "/plugins/stream-bridge/overlay.js";
    private static final int REQUESTS_PER_WRITE = 64;

    private final long maxBytes;
    private final int maxConnections;
    private final byte[] chunk;

    /**
     * @param target         the engine's HTTP address.
     * @param maxBytes       most bytes written over the run.
     * @param maxConnections most connections over the run.
     */
    Pipeliner(final InetSocketAddress target, final long maxBytes, final int maxConnections)
    {
        super(target);
        this.maxBytes = maxBytes;
        this.maxConnections = maxConnections;
        final String request = "GET " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + target.getPort() + "\r\n\r\n";
        this.chunk = request.repeat(REQUESTS_PER_WRITE).getBytes(StandardCharsets.US_ASCII);
    }

    public AttackerKind kind()
    {
        return AttackerKind.PIPELINER;
    }

    public String describe()
    {
        return "1 socket pipelining GET " + PATH + ", never reading; at most " + (maxBytes >> 20) + " MiB and " +
            maxConnections + " connections";
    }

    void attack(final int thread)
    {
        while (running && stats.connected.get() + stats.refused.get() < maxConnections &&
            stats.bytesSent.get() < maxBytes)
        {
            final Socket socket = connect();
            if (null == socket)
            {
                continue;
            }
            try
            {
                if (flood(socket, chunk, REQUESTS_PER_WRITE, maxBytes))
                {
                    return;
                }
                ended(socket, false);
            }
            catch (final IOException ex)
            {
                ended(socket, byServer(ex));
            }
        }
    }
}
