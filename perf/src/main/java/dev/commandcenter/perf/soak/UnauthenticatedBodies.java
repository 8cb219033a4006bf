package dev.commandcenter.perf.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * POSTs of a large JSON body to {@code /api/events} without a token, a few connections at a time, up to a total
 * count: a server should refuse them from the headers alone, without buffering the bodies.
 */
final class UnauthenticatedBodies extends AbstractAttacker
{
    /** Where the bodies go. */
    static final String PATH = "/api/events";
    private static final int MAX_STATUS_LINE = 256;

    private final int posts;
    private final int concurrency;
    private final byte[] request;
    private final AtomicLong claimed = new AtomicLong();
    private final Map<String, AtomicLong> statuses = new ConcurrentHashMap<>();

    /**
     * @param target      the engine's HTTP address.
     * @param posts       POSTs in all.
     * @param bodyBytes   bytes of each body.
     * @param concurrency connections at a time.
     */
    UnauthenticatedBodies(final InetSocketAddress target, final int posts, final int bodyBytes, final int concurrency)
    {
        super(target);
        this.posts = posts;
        this.concurrency = concurrency;
        final byte[] head = ("POST " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + target.getPort() +
            "\r\nContent-Type: application/json\r\nContent-Length: " + bodyBytes + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        final byte[] body = new byte[bodyBytes];
        Arrays.fill(body, (byte)' ');
        body[0] = '{';
        body[1] = '"';
        body[2] = 'x';
        body[3] = '"';
        body[4] = ':';
        body[5] = '1';
        body[bodyBytes - 1] = '}';
        request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
    }

    public AttackerKind kind()
    {
        return AttackerKind.BODIES;
    }

    public String describe()
    {
        return posts + " POSTs of " + (request.length >> 10) + " KiB to " + PATH + " without a token, " + concurrency +
            " at a time";
    }

    int threadCount()
    {
        return concurrency;
    }

    /**
     * Answers by status code (or {@code none} when the server closed before answering).
     *
     * @return the counts, sorted.
     */
    Map<String, Long> statuses()
    {
        final Map<String, Long> result = new TreeMap<>();
        statuses.forEach((status, count) -> result.put(status, count.get()));
        return result;
    }

    void attack(final int thread)
    {
        while (running && claimed.incrementAndGet() <= posts)
        {
            final Socket socket = connect();
            if (null == socket)
            {
                continue;
            }
            stats.requests.incrementAndGet();
            boolean byServer = false;
            try
            {
                try
                {
                    socket.getOutputStream().write(request);
                    stats.bytesSent.addAndGet(request.length);
                }
                catch (final IOException ex)
                {
                    // The server may answer and close before taking the whole body: read what it said.
                    byServer = byServer(ex);
                }
                final String status = statusLine(socket.getInputStream());
                if (null == status)
                {
                    statuses.computeIfAbsent("none", (key) -> new AtomicLong()).incrementAndGet();
                    byServer = running;
                }
                else
                {
                    stats.answers.incrementAndGet();
                    final String[] parts = status.split(" ");
                    statuses.computeIfAbsent(parts.length > 1 ? parts[1] : status, (key) -> new AtomicLong())
                        .incrementAndGet();
                }
            }
            catch (final IOException ex)
            {
                statuses.computeIfAbsent("none", (key) -> new AtomicLong()).incrementAndGet();
                byServer = byServer || byServer(ex);
            }
            ended(socket, byServer);
        }
    }

    private String statusLine(final InputStream in) throws IOException
    {
        final StringBuilder line = new StringBuilder();
        while (line.length() < MAX_STATUS_LINE)
        {
            final int b = in.read();
            if (b < 0)
            {
                return line.isEmpty() ? null : line.toString();
            }
            stats.bytesReceived.incrementAndGet();
            if ('\n' == b)
            {
                break;
            }
            if ('\r' != b)
            {
                line.append((char)b);
            }
        }
        return line.toString();
    }
}
