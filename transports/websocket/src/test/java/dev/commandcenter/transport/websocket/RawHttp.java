package dev.commandcenter.transport.websocket;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads HTTP/1.1 responses off a plain socket, for tests that send requests by hand on one kept-alive connection.
 */
final class RawHttp
{
    private RawHttp()
    {
    }

    /**
     * The head of the next response (status line and headers), its body read past by its Content-Length.
     *
     * @param socket  the connection.
     * @param timeout longest wait for a byte.
     * @return the head, with the blank line that ends it; shorter when the server closed the connection first.
     */
    static String readResponseHead(final Socket socket, final Duration timeout) throws IOException
    {
        socket.setSoTimeout((int)timeout.toMillis());
        final InputStream in = socket.getInputStream();
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                break;
            }
            head.append((char)b);
        }
        final String text = head.toString();
        final int at = text.toLowerCase(Locale.ROOT).indexOf("content-length: ");
        if (at >= 0)
        {
            in.readNBytes(Integer.parseInt(text.substring(at + 16, text.indexOf('\r', at)).trim()));
        }
        return text;
    }
}
