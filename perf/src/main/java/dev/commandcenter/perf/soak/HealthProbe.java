package dev.commandcenter.perf.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/health} on a fresh connection, with a deadline on the whole exchange.
 */
final class HealthProbe
{
    private static final int MAX_STATUS_LINE = 256;

    private final InetSocketAddress target;
    private final byte[] request;

    /**
     * @param target the engine's HTTP address.
     * @param token  its access token, sent as a bearer token.
     */
    HealthProbe(final InetSocketAddress target, final String token)
    {
        this.target = target;
        this.request = ("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:" + target.getPort() + "\r\nAuthorization: Bearer " +
            token + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * One probe.
     *
     * @param timeoutMs deadline of connect, request and status line together.
     * @return the time to a 200 status line in nanoseconds, or -1 when it failed or took longer.
     */
    long probe(final int timeoutMs)
    {
        final long startNs = System.nanoTime();
        final long deadlineNs = startNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try (Socket socket = new Socket())
        {
            socket.connect(target, timeoutMs);
            socket.getOutputStream().write(request);
            final InputStream in = socket.getInputStream();
            final StringBuilder status = new StringBuilder();
            while (status.length() < MAX_STATUS_LINE)
            {
                final long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (leftMs <= 0)
                {
                    return -1;
                }
                socket.setSoTimeout((int)leftMs);
                final int b = in.read();
                if (b < 0 || '\n' == b)
                {
                    break;
                }
                status.append((char)b);
            }
            final long tookNs = System.nanoTime() - startNs;
            return status.toString().startsWith("HTTP/1.1 200") && tookNs <= deadlineNs - startNs ? tookNs : -1;
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }
}
