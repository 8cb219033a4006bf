package dev.commandcenter.transport.electrum.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where an Electrum server listens: {@code tcp://host:port} for plain TCP or {@code ssl://host:port}
 * for TLS (the two schemes Electrum clients use).
 *
 * @param host of the server.
 * @param port of the server.
 * @param tls  whether to speak TLS.
 */
public record ServerAddress(String host, int port, boolean tls)
{
    /**
     * Parse a server URL.
     *
     * @param url such as {@code ssl://electrum.example.org:50002}.
     * @return the address.
     * @throws IllegalArgumentException naming the value and the expected form.
     */
    public static ServerAddress parse(final String url)
    {
        final String expected = "expected tcp://host:port or ssl://host:port";
        if (null == url || url.isBlank())
        {
            throw new IllegalArgumentException("electrum server URL is empty: " + expected);
        }
        // Quoted in messages with control characters (line breaks inside the value) shown as '?', so they stay one line.
        final String shown = url.replaceAll("\\p{Cntrl}", "?");
        final URI uri;
        try
        {
            uri = new URI(url.trim());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalArgumentException("electrum server '" + shown + "' is not a URL: " + expected);
        }
        final String scheme = null == uri.getScheme() ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("tcp") && !scheme.equals("ssl"))
        {
            throw new IllegalArgumentException("electrum server '" + shown + "' has scheme '" + scheme + "': " + expected);
        }
        if (null == uri.getHost() || uri.getPort() < 1 || uri.getPort() > 65535)
        {
            throw new IllegalArgumentException("electrum server '" + shown + "' lacks a host or port: " + expected);
        }
        if (null != uri.getRawPath() && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
        {
            throw new IllegalArgumentException("electrum server '" + shown + "' has a path: " + expected);
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        return new ServerAddress(host, uri.getPort(), scheme.equals("ssl"));
    }

    /**
     * The URL form, as configured.
     *
     * @return {@code tcp://host:port} or {@code ssl://host:port}.
     */
    public String toString()
    {
        final String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (tls ? "ssl://" : "tcp://") + hostPart + ":" + port;
    }
}
