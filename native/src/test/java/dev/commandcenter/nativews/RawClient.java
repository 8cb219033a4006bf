package dev.commandcenter.nativews;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A plain socket speaking just enough HTTP and WebSocket framing to send what well-behaved clients never send.
 */
final class RawClient implements AutoCloseable
{
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawClient(final InetSocketAddress address) throws IOException
    {
        this(address, 0);
    }

    RawClient(final InetSocketAddress address, final int receiveBuffer) throws IOException
    {
        socket = new Socket();
        if (receiveBuffer > 0)
        {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(address, 5_000);
        socket.setSoTimeout(15_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void write(final String text) throws IOException
    {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Read a response head (through the blank line). */
    String readHead() throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4)
        {
            final int b = in.read();
            if (b < 0)
            {
                break;
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ?
                matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    String readBody(final String head) throws IOException
    {
        int length = 0;
        for (final String line : head.split("\r\n"))
        {
            if (line.toLowerCase().startsWith("content-length:"))
            {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Read until the peer closes; returns what arrived. */
    byte[] readToEnd() throws IOException
    {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        final byte[] buffer = new byte[8192];
        int n;
        try
        {
            while ((n = in.read(buffer)) >= 0)
            {
                all.write(buffer, 0, n);
            }
        }
        catch (final java.net.SocketException ignore)
        {
            // a reset ends the stream too
        }
        return all.toByteArray();
    }

    String upgrade(final String path, final String protocols) throws IOException
    {
        write("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
            (null == protocols ? "" : "Sec-WebSocket-Protocol: " + protocols + "\r\n") + "\r\n");
        return readHead();
    }

    /** Send one masked client frame. */
    void frame(final int opcode, final boolean fin, final byte[] payload) throws IOException
    {
        final ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126)
        {
            frame.write(0x80 | payload.length);
        }
        else if (payload.length < 65536)
        {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        }
        else
        {
            frame.write(0x80 | 127);
            for (int i = 7; i >= 0; i--)
            {
                frame.write((int)(((long)payload.length >>> (8 * i)) & 0xff));
            }
        }
        final byte[] mask = {1, 2, 3, 4};
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++)
        {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Read one server frame: returns opcode in [0] and the payload after it. */
    byte[] readFrame() throws IOException
    {
        final int b0 = in.read();
        final int b1 = in.read();
        if (b0 < 0 || b1 < 0)
        {
            return null;
        }
        long length = b1 & 0x7f;
        if (length == 126)
        {
            length = (in.read() << 8) | in.read();
        }
        else if (length == 127)
        {
            length = 0;
            for (int i = 0; i < 8; i++)
            {
                length = (length << 8) | in.read();
            }
        }
        final byte[] payload = in.readNBytes((int)length);
        final byte[] result = new byte[payload.length + 1];
        result[0] = (byte)(b0 & 0x0f);
        System.arraycopy(payload, 0, result, 1, payload.length);
        return result;
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
