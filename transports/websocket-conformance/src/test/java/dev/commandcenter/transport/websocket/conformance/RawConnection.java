package dev.commandcenter.transport.websocket.conformance;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client on a plain socket, for what a well-behaved client library will not send: hand-built (masked) frames,
 * fragments, bad UTF-8, half-sent headers, a handshake after which the client never reads.
 */
final class RawConnection implements AutoCloseable
{
    /** Frame opcodes (RFC 6455, 5.2). */
    static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    /** A frame as the server sent it. */
    record Frame(boolean fin, int opcode, byte[] payload)
    {
        /**
         * @return the status code of a close frame, or -1 when it has none.
         */
        int closeCode()
        {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }

        /**
         * @return the reason of a close frame, or the text of a text frame.
         */
        String text()
        {
            return CLOSE == opcode ?
                new String(payload, Math.min(2, payload.length), Math.max(0, payload.length - 2), StandardCharsets.UTF_8) :
                new String(payload, StandardCharsets.UTF_8);
        }
    }

    private static final byte[] MASK = { 0x37, (byte)0xFA, 0x21, 0x3D };

    final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawConnection(final Socket socket) throws IOException
    {
        this.socket = socket;
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * Connect to the server on loopback.
     *
     * @param port              the server's port.
     * @param localAddress      the client's address (such as 127.0.0.2), or null for any.
     * @param receiveBufferSize the socket's receive buffer, or 0 for the default.
     */
    static RawConnection open(final int port, final InetAddress localAddress, final int receiveBufferSize)
        throws IOException
    {
        final Socket socket = new Socket();
        if (receiveBufferSize > 0)
        {
            socket.setReceiveBufferSize(receiveBufferSize);
        }
        if (null != localAddress)
        {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout((int)ConformanceServer.BOUND.toMillis());
        return new RawConnection(socket);
    }

    static RawConnection open(final int port) throws IOException
    {
        return open(port, null, 0);
    }

    /**
     * Send a WebSocket upgrade request and read the response head.
     *
     * @param pathAndQuery  e.g. {@code /ws/all?token=...}.
     * @param extraHeaders  further header lines, each ending in CRLF.
     * @return the response head.
     */
    String upgrade(final String pathAndQuery, final String extraHeaders) throws IOException
    {
        write(("GET " + pathAndQuery + " HTTP/1.1\r\n" +
            "Host: 127.0.0.1:" + socket.getPort() + "\r\n" +
            "Upgrade: websocket\r\n" +
            "Connection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
            "Sec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        return readHead();
    }

    /**
     * Upgrade to a feed and require the 101 answer.
     */
    RawConnection upgraded(final String pathAndQuery) throws IOException
    {
        final String head = upgrade(pathAndQuery, "");
        if (!head.startsWith("HTTP/1.1 101"))
        {
            throw new AssertionError("expected 101 Switching Protocols, got " + head);
        }
        return this;
    }

    void write(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    /**
     * Send one masked frame, as a client must.
     */
    void sendFrame(final boolean fin, final int opcode, final byte[] payload) throws IOException
    {
        write(frame(fin, opcode, payload));
    }

    /**
     * A masked client frame of any length.
     */
    static byte[] frame(final boolean fin, final int opcode, final byte[] payload)
    {
        final ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126)
        {
            frame.write(0x80 | payload.length);
        }
        else if (payload.length < 65_536)
        {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        }
        else
        {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
            {
                frame.write((int)((long)payload.length >>> shift));
            }
        }
        frame.writeBytes(MASK);
        for (int i = 0; i < payload.length; i++)
        {
            frame.write(payload[i] ^ MASK[i & 3]);
        }
        return frame.toByteArray();
    }

    /**
     * A close frame's payload: status code and reason.
     */
    static byte[] closePayload(final int code, final String reason)
    {
        final byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        final byte[] payload = new byte[2 + text.length];
        payload[0] = (byte)(code >>> 8);
        payload[1] = (byte)code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    /**
     * Read the next frame the server sends.
     *
     * @throws AssertionError when none comes within the bound or the connection ends first.
     */
    Frame readFrame() throws IOException
    {
        try
        {
            final int first = in.readUnsignedByte();
            final int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (126 == length)
            {
                length = in.readUnsignedShort();
            }
            else if (127 == length)
            {
                length = in.readLong();
            }
            if (0 != (second & 0x80))
            {
                throw new AssertionError("the server sent a masked frame");
            }
            final byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            return new Frame(0 != (first & 0x80), first & 0x0F, payload);
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("no frame from the server within " + ConformanceServer.BOUND, ex);
        }
        catch (final EOFException ex)
        {
            throw new AssertionError("the server closed the connection instead of sending a frame", ex);
        }
    }

    /**
     * Read frames until a close frame and return it, skipping pings and data.
     */
    Frame readUntilClose() throws IOException
    {
        for (Frame frame = readFrame(); ; frame = readFrame())
        {
            if (CLOSE == frame.opcode())
            {
                return frame;
            }
        }
    }

    /**
     * Every frame the server sends until it closes the connection (a reset counts as a close).
     */
    List<Frame> readFramesToEnd() throws IOException
    {
        final List<Frame> frames = new ArrayList<>();
        try
        {
            while (true)
            {
                frames.add(readFrame());
            }
        }
        catch (final AssertionError ex)
        {
            if (ex.getCause() instanceof EOFException || ex.getCause() instanceof SocketException)
            {
                return frames;
            }
            throw ex;
        }
        catch (final SocketException ex)
        {
            return frames;
        }
    }

    /**
     * Everything the server sends until it closes the connection (a reset counts as a close).
     *
     * @throws AssertionError when the server keeps the connection open past the bound.
     */
    byte[] readToEnd() throws IOException
    {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final byte[] chunk = new byte[8192];
        try
        {
            for (int n; (n = in.read(chunk)) >= 0; )
            {
                received.write(chunk, 0, n);
            }
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("the server did not close the connection within " + ConformanceServer.BOUND +
                "; got " + received.size() + " bytes", ex);
        }
        catch (final SocketException ex)
        {
            // reset by the server
        }
        return received.toByteArray();
    }

    /**
     * Read an HTTP response head (up to the blank line) and, when it has a content length, its body.
     *
     * @return the head and body as text.
     */
    String readResponse() throws IOException
    {
        final String head = readHead();
        final int at = head.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        if (at < 0)
        {
            return head;
        }
        final int length = Integer.parseInt(head.substring(at + 15, head.indexOf('\r', at)).trim());
        final byte[] body = new byte[length];
        in.readFully(body);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    private String readHead() throws IOException
    {
        final StringBuilder head = new StringBuilder();
        try
        {
            while (head.length() < 4 || !"\r\n\r\n".contentEquals(head.subSequence(head.length() - 4, head.length())))
            {
                final int b = in.read();
                if (b < 0)
                {
                    throw new AssertionError("connection closed before a whole response head: " + head);
                }
                head.append((char)b);
            }
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("no response head within " + ConformanceServer.BOUND + ": " + head, ex);
        }
        return head.toString();
    }

    /**
     * Send a whole raw HTTP request and read until the server closes the connection.
     */
    static String exchange(final int port, final String request) throws IOException
    {
        try (RawConnection connection = open(port))
        {
            connection.write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(connection.readToEnd(), StandardCharsets.ISO_8859_1);
        }
    }

    public void close() throws IOException
    {
        socket.close();
    }
}
