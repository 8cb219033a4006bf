package dev.commandcenter.transport.websocket.wire;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * An HTTP request as a {@link WireTransport} parsed it: method, request target (path and query, undecoded),
 * headers in the order received, body and the peer's address.
 */
public final class WireRequest
{
    private final String method;
    private final String uri;
    private final String[] headers;
    private final byte[] body;
    private final InetSocketAddress remoteAddress;

    /**
     * A parsed request.
     *
     * @param method        e.g. {@code GET}.
     * @param uri           request target, e.g. {@code /ws/all?token=...}.
     * @param headers       names and values, alternating; names in any case.
     * @param body          the body, empty for none.
     * @param remoteAddress the peer.
     */
    public WireRequest(
        final String method, final String uri, final String[] headers, final byte[] body, final InetSocketAddress remoteAddress)
    {
        this.method = Objects.requireNonNull(method, "method");
        this.uri = Objects.requireNonNull(uri, "uri");
        this.headers = Objects.requireNonNull(headers, "headers");
        if ((headers.length & 1) != 0)
        {
            throw new IllegalArgumentException("headers: expected names and values in pairs, got " + headers.length);
        }
        this.body = Objects.requireNonNull(body, "body");
        this.remoteAddress = remoteAddress;
    }

    /**
     * @return the method, e.g. {@code GET}.
     */
    public String method()
    {
        return method;
    }

    /**
     * @return the request target: path and query, as received.
     */
    public String uri()
    {
        return uri;
    }

    /**
     * @return header names and values, alternating, in the order received (do not modify).
     */
    public String[] headers()
    {
        return headers;
    }

    /**
     * The first value of a header.
     *
     * @param name header name, any case.
     * @return the value, or null when absent.
     */
    public String header(final String name)
    {
        for (int i = 0; i < headers.length; i += 2)
        {
            if (headers[i].equalsIgnoreCase(name))
            {
                return headers[i + 1];
            }
        }
        return null;
    }

    /**
     * @return the body (do not modify), empty for none.
     */
    public byte[] body()
    {
        return body;
    }

    /**
     * @return the peer's address, or null when the transport does not know it.
     */
    public InetSocketAddress remoteAddress()
    {
        return remoteAddress;
    }

    @Override
    public String toString()
    {
        return method + " " + uri;
    }
}
