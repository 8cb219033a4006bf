package dev.commandcenter.transport.websocket;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may use the server: the shared token, compared in constant time (as SHA-256 digests, so not
 * even its length leaks), and the browser origins allowed besides the server's own.
 * <p>
 * <b>Note:</b> immutable and thread safe; the token itself is not kept.
 */
final class AccessPolicy
{
    /** Query parameter carrying the token. */
    static final String TOKEN_PARAM = "token";
    /** Allowed-origins entry that admits every origin. */
    static final String ANY_ORIGIN = "*";

    private static final String BEARER = "bearer ";

    private final byte[] tokenDigest;
    private final Set<String> allowedOrigins = new HashSet<>();
    private final boolean anyOrigin;

    AccessPolicy(final String token, final List<String> allowedOrigins)
    {
        this.tokenDigest = digest(token);
        boolean any = false;
        for (final String origin : allowedOrigins)
        {
            if (ANY_ORIGIN.equals(origin))
            {
                any = true;
            }
            this.allowedOrigins.add(normaliseOrigin(origin));
        }
        this.anyOrigin = any;
    }

    /**
     * Whether the request carries the right token, in the {@code token} query parameter or an
     * {@code Authorization: Bearer} header.
     */
    boolean hasValidToken(final QueryStringDecoder query, final HttpHeaders headers)
    {
        final List<String> values = query.parameters().get(TOKEN_PARAM);
        String candidate = null == values || values.isEmpty() ? null : values.get(0);
        if (null == candidate)
        {
            final String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
            if (null != authorization && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length()))
            {
                candidate = authorization.substring(BEARER.length()).trim();
            }
        }
        return null != candidate && MessageDigest.isEqual(tokenDigest, digest(candidate));
    }

    /**
     * Whether a request may come from an origin: no Origin header (not a browser), the server's own
     * origin, or a configured one.
     *
     * @param origin value of the Origin header, or null.
     * @param host   value of the Host header, or null.
     */
    boolean isOriginAllowed(final String origin, final String host)
    {
        return null == origin || anyOrigin || isSameOrigin(origin, host) || allowedOrigins.contains(normaliseOrigin(origin));
    }

    /**
     * Whether a browser request comes from another origin than the server's, so responses need CORS headers.
     */
    static boolean isCrossOrigin(final String origin, final String host)
    {
        return null != origin && !isSameOrigin(origin, host);
    }

    /**
     * Whether the Origin's host and port are the Host header's.
     */
    static boolean isSameOrigin(final String origin, final String host)
    {
        if (null == origin || null == host)
        {
            return false;
        }
        final URI uri;
        try
        {
            uri = new URI(origin.trim());
        }
        catch (final Exception ex)
        {
            return false;
        }
        final String scheme = uri.getScheme();
        final String originHost = uri.getHost();
        if (null == scheme || null == originHost)
        {
            return false;
        }
        final int defaultPort = "https".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme) ? 443 : 80;
        final int originPort = -1 == uri.getPort() ? defaultPort : uri.getPort();

        final String hostHeader = host.trim();
        final String hostName;
        int hostPort = defaultPort;
        final int portColon;
        if (hostHeader.startsWith("["))
        {
            final int close = hostHeader.indexOf(']');
            if (close < 0)
            {
                return false;
            }
            hostName = hostHeader.substring(0, close + 1);
            portColon = hostHeader.indexOf(':', close);
        }
        else
        {
            portColon = hostHeader.lastIndexOf(':');
            hostName = portColon < 0 ? hostHeader : hostHeader.substring(0, portColon);
        }
        if (portColon >= 0)
        {
            try
            {
                hostPort = Integer.parseInt(hostHeader.substring(portColon + 1));
            }
            catch (final NumberFormatException ex)
            {
                return false;
            }
        }
        return originPort == hostPort && stripBrackets(originHost).equalsIgnoreCase(stripBrackets(hostName));
    }

    /**
     * Origin as compared: trimmed, lower case, without a trailing slash.
     */
    static String normaliseOrigin(final String origin)
    {
        String value = origin.trim().toLowerCase(Locale.ROOT);
        while (value.endsWith("/"))
        {
            value = value.substring(0, value.length() - 1);
        }
        return value;
    }

    private static String stripBrackets(final String host)
    {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static byte[] digest(final String value)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }
}
