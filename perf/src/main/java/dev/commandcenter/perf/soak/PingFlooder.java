package dev.commandcenter.perf.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client holding the overlay token that sends ping frames and text {@code ping} frames as fast as it
 * can and never reads (so the server's pongs pile up). Frames are written by hand, masked as a client must: the
 * point is a client that does what no library client does. Reconnects when the server closes, up to a bound.
 */
final class PingFlooder extends AbstractAttacker
{
    /** The overlay feed. */
    static final String FEED = "/ws/stream-bridge";
    private static final int FRAMES_PER_WRITE = 1_000;
    private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;

    private final String token;
    private final long maxBytes;
    private final int maxConnections;
    private final byte[] chunk;

    /**
     * @param target         the engine's HTTP address.
     * @param token          the overlay token.
     * @param maxBytes       most bytes written over the run.
     * @param maxConnections most connections over the run.
     */
    PingFlooder(final InetSocketAddress target, final String token, final long maxBytes, final int maxConnections)
    {
        super(target);
        this.token = token;
        this.maxBytes = maxBytes;
        this.maxConnections = maxConnections;
        this.chunk = frames(FRAMES_PER_WRITE);
    }

    public AttackerKind kind()
    {
        return AttackerKind.PINGER;
    }

    public String describe()
    {
        return "1 WebSocket client on " + FEED + " with the overlay token, ping + text 'ping' frames, never reading; " +
            "at most " + (maxBytes >> 20) + " MiB and " + maxConnections + " connections";
    }

    /**
     * Alternating masked ping and text frames, each with the payload {@code ping}.
     *
     * @param count frames.
     * @return the bytes.
     */
    static byte[] frames(final int count)
    {
        final byte[] payload = "ping".getBytes(StandardCharsets.US_ASCII);
        final int frameLength = 2 + 4 + payload.length;
        final byte[] bytes = new byte[count * frameLength];
        final byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        for (int i = 0; i < count; i++)
        {
            final int at = i * frameLength;
            bytes[at] = (byte)(0 == (i & 1) ? 0x89 : 0x81); // FIN + ping, FIN + text
            bytes[at + 1] = (byte)(0x80 | payload.length); // masked, short length
            System.arraycopy(mask, 0, bytes, at + 2, 4);
            for (int j = 0; j < payload.length; j++)
            {
                bytes[at + 6 + j] = (byte)(payload[j] ^ mask[j & 3]);
            }
        }
        return bytes;
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
                if (!handshake(socket))
                {
                    ended(socket, true);
                    continue;
                }
                if (flood(socket, chunk, FRAMES_PER_WRITE, maxBytes))
                {
                    return;
                }
                ended(socket, false);
            }
            catch (final IOException ex)
            {
                if (ex instanceof SocketTimeoutException)
                {
                    // Writes never time out: only the upgrade's answer can.
                    stats.note("upgrade not answered within " + READ_TIMEOUT_MS + " ms");
                }
                ended(socket, byServer(ex));
            }
        }
    }

    private boolean handshake(final Socket socket) throws IOException
    {
        final byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        final String request = "GET " + FEED + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) +
            " HTTP/1.1\r\nHost: 127.0.0.1:" + target.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        final byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(bytes);
        stats.bytesSent.addAndGet(bytes.length);
        final String head = readHead(socket.getInputStream());
        stats.bytesReceived.addAndGet(head.length());
        if (head.startsWith("HTTP/1.1 101"))
        {
            stats.answers.incrementAndGet();
            return true;
        }
        stats.note("upgrade refused: " + head.lines().findFirst().orElse("(no answer)"));
        return false;
    }

    private static String readHead(final InputStream in) throws IOException
    {
        final StringBuilder head = new StringBuilder();
        while (head.length() < MAX_HANDSHAKE_BYTES)
        {
            final int b = in.read();
            if (b < 0)
            {
                break;
            }
            head.append((char)b);
            if (head.length() >= 4 && "\r\n\r\n".contentEquals(head.subSequence(head.length() - 4, head.length())))
            {
                break;
            }
        }
        return head.toString();
    }
}
