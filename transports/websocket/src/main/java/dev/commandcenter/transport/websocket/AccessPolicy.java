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
 * Who may use the server: the overlay, admin, chat, moderator and tip tokens, compared in constant time (as SHA-256 digests, so not
 * even their length leaks), the Host names the server answers to (a guard against DNS rebinding), and the
 * browser origins allowed besides the server's own. The tokens can be replaced while the server runs
 * ({@link #tokens(String, String)}).
 * <p>
 * <b>Note:</b> thread safe; the tokens themselves are not kept, only their digests.
 */
final class AccessPolicy
{
    /** Query parameter carrying the token. */
    static final String TOKEN_PARAM = "token";
    /** Allowed-origins entry that admits every origin. */
    static final String ANY_ORIGIN = "*";
    /** Allowed-hosts entry that admits every Host name (not recommended: it turns the DNS rebinding guard off). */
    static final String ANY_HOST = "*";

    private static final String BEARER = "bearer ";
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(AccessPolicy::newSha256);

    /** Digests of the current tokens, replaced as a whole on rotation. */
    private record Digests(byte[] overlay, byte[] admin, byte[] chat, byte[] moderator, byte[] tip)
    {
    }

    /**
     * One connection's last token check: the token text it presented, the tokens it was checked against and the scope
     * found. The scope is only reused while both are the same, so a rotation is seen at the next request.
     * <p>
     * <b>Note:</b> one per connection, used on its event loop.
     */
    static final class LastCheck
    {
        private String authorization;
        private String candidate;
        private Digests digests;
        private Scope scope;
    }

    private volatile Digests digests;
    private final Set<String> allowedOrigins = new HashSet<>();
    private final boolean anyOrigin;
    private final Set<String> allowedHosts = new HashSet<>();
    private final boolean anyHost;

    AccessPolicy(final String overlayToken, final String adminToken, final List<String> allowedOrigins)
    {
        this(overlayToken, adminToken, allowedOrigins, List.of(), null);
    }

    AccessPolicy(
        final String overlayToken,
        final String adminToken,
        final List<String> allowedOrigins,
        final List<String> allowedHosts,
        final String bindAddress)
    {
        this(overlayToken, adminToken, null, null, allowedOrigins, allowedHosts, bindAddress);
    }

    /**
     * @param overlayToken   secret of the overlay scope.
     * @param adminToken     secret of the admin scope.
     * @param chatToken      secret of the chat scope; null when the scope has no token.
     * @param moderatorToken secret of the moderator scope; null when the scope has no token.
     * @param allowedOrigins browser origins allowed besides the server's own.
     * @param allowedHosts   Host names allowed besides loopback names and IP literals.
     * @param bindAddress    the address the server binds, also allowed as a Host name; may be null.
     */
    AccessPolicy(
        final String overlayToken,
        final String adminToken,
        final String chatToken,
        final String moderatorToken,
        final List<String> allowedOrigins,
        final List<String> allowedHosts,
        final String bindAddress)
    {
        this(overlayToken, adminToken, chatToken, moderatorToken, null, allowedOrigins, allowedHosts, bindAddress);
    }

    /**
     * @param overlayToken   secret of the overlay scope.
     * @param adminToken     secret of the admin scope.
     * @param chatToken      secret of the chat scope; null when the scope has no token.
     * @param moderatorToken secret of the moderator scope; null when the scope has no token.
     * @param tipToken       secret of the tip scope; null when the scope has no token.
     * @param allowedOrigins browser origins allowed besides the server's own.
     * @param allowedHosts   Host names allowed besides loopback names and IP literals.
     * @param bindAddress    the address the server binds, also allowed as a Host name; may be null.
     */
    AccessPolicy(
        final String overlayToken,
        final String adminToken,
        final String chatToken,
        final String moderatorToken,
        final String tipToken,
        final List<String> allowedOrigins,
        final List<String> allowedHosts,
        final String bindAddress)
    {
        tokens(overlayToken, adminToken, chatToken, moderatorToken, tipToken);
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
        boolean anyHostName = false;
        for (final String name : allowedHosts)
        {
            if (ANY_HOST.equals(name.trim()))
            {
                anyHostName = true;
            }
            this.allowedHosts.add(stripBrackets(name.trim().toLowerCase(Locale.ROOT)));
        }
        if (null != bindAddress && !bindAddress.isBlank())
        {
            this.allowedHosts.add(stripBrackets(bindAddress.trim().toLowerCase(Locale.ROOT)));
        }
        this.anyHost = anyHostName;
    }

    /**
     * Replace both tokens; requests and upgrades from now on are checked against the new ones.
     *
     * @param overlayToken secret of the overlay scope.
     * @param adminToken   secret of the admin scope.
     */
    void tokens(final String overlayToken, final String adminToken)
    {
        tokens(overlayToken, adminToken, null, null);
    }

    /**
     * Replace the four tokens; requests and upgrades from now on are checked against the new ones. A scope
     * without a token gets a random digest no token can match, so every check still compares four digests.
     *
     * @param overlayToken   secret of the overlay scope.
     * @param adminToken     secret of the admin scope.
     * @param chatToken      secret of the chat scope, or null for none.
     * @param moderatorToken secret of the moderator scope, or null for none.
     */
    void tokens(final String overlayToken, final String adminToken, final String chatToken, final String moderatorToken)
    {
        tokens(overlayToken, adminToken, chatToken, moderatorToken, null);
    }

    /**
     * Replace the five tokens, as {@link #tokens(String, String, String, String)} does for four.
     *
     * @param overlayToken   secret of the overlay scope.
     * @param adminToken     secret of the admin scope.
     * @param chatToken      secret of the chat scope, or null for none.
     * @param moderatorToken secret of the moderator scope, or null for none.
     * @param tipToken       secret of the tip scope, or null for none.
     */
    void tokens(
        final String overlayToken,
        final String adminToken,
        final String chatToken,
        final String moderatorToken,
        final String tipToken)
    {
        digests = new Digests(digest(overlayToken), digest(adminToken), digestOrUnmatchable(chatToken),
            digestOrUnmatchable(moderatorToken), digestOrUnmatchable(tipToken));
    }

    private static byte[] digestOrUnmatchable(final String token)
    {
        if (null != token)
        {
            return digest(token);
        }
        final byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        // A digest of a value nobody knows: no token hashes to it.
        return digest(java.util.HexFormat.of().formatHex(random) + "\u0000unset");
    }

    /**
     * The token a request carries, in the {@code token} query parameter or an {@code Authorization: Bearer}
     * header, or null.
     */
    static String candidate(final QueryStringDecoder query, final HttpHeaders headers)
    {
        final String fromQuery = queryToken(query);
        return null != fromQuery ? fromQuery : bearer(headers.get(HttpHeaderNames.AUTHORIZATION));
    }

    private static String queryToken(final QueryStringDecoder query)
    {
        final List<String> values = query.parameters().get(TOKEN_PARAM);
        return null == values || values.isEmpty() ? null : values.get(0);
    }

    private static String bearer(final String authorization)
    {
        return null != authorization && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length()) ?
            authorization.substring(BEARER.length()).trim() : null;
    }

    /**
     * The widest scope the request's token grants, or null when it carries no valid token.
     */
    Scope scopeOf(final QueryStringDecoder query, final HttpHeaders headers)
    {
        final String candidate = candidate(query, headers);
        return null == candidate ? null : scopeOfDigest(digest(candidate));
    }

    /**
     * The widest scope the request's token grants, or null when it carries no valid token; the connection's last
     * check is reused while the token's text and the server's tokens are unchanged, so a kept-alive connection posting
     * with one token is hashed once, not on every request.
     *
     * @param query   decoded request line.
     * @param headers request headers.
     * @param last    the connection's last check, updated.
     * @return the scope granted, or null.
     */
    Scope scopeOf(final QueryStringDecoder query, final HttpHeaders headers, final LastCheck last)
    {
        final Digests current = digests;
        final String fromQuery = queryToken(query);
        final String authorization = null == fromQuery ? headers.get(HttpHeaderNames.AUTHORIZATION) : null;
        // The same Authorization header as this connection's last request: the same token, not cut out again.
        if (null != authorization && current == last.digests && authorization.equals(last.authorization))
        {
            return last.scope;
        }
        final String candidate = null != fromQuery ? fromQuery : bearer(authorization);
        if (null == candidate)
        {
            return null;
        }
        // Compared with what this same connection presented before, never with a token of the server's.
        if (current != last.digests || !candidate.equals(last.candidate))
        {
            last.scope = scopeOfDigest(current, digest(candidate));
            last.candidate = candidate;
            last.digests = current;
        }
        last.authorization = authorization;
        return last.scope;
    }

    /**
     * The scope a token digest grants now, or null when it is not a current token.
     */
    Scope scopeOfDigest(final byte[] candidateDigest)
    {
        return scopeOfDigest(digests, candidateDigest);
    }

    private static Scope scopeOfDigest(final Digests current, final byte[] candidateDigest)
    {
        // All five compared, in constant time, so the time taken does not say which one matched.
        final boolean admin = MessageDigest.isEqual(current.admin, candidateDigest);
        final boolean overlay = MessageDigest.isEqual(current.overlay, candidateDigest);
        final boolean moderator = MessageDigest.isEqual(current.moderator, candidateDigest);
        final boolean chat = MessageDigest.isEqual(current.chat, candidateDigest);
        final boolean tip = MessageDigest.isEqual(current.tip, candidateDigest);
        return admin ? Scope.ADMIN : overlay ? Scope.OVERLAY : moderator ? Scope.MODERATOR : chat ? Scope.CHAT :
            tip ? Scope.TIP : null;
    }

    /**
     * Whether the request carries a token of the required scope or a wider one: the check other endpoints
     * (such as plugin control under {@code /api/plugins}, admin) use.
     *
     * @param query    decoded request line.
     * @param headers  request headers.
     * @param required scope the endpoint needs.
     * @return true when allowed.
     */
    boolean allows(final QueryStringDecoder query, final HttpHeaders headers, final Scope required)
    {
        final Scope granted = scopeOf(query, headers);
        return null != granted && granted.includes(required);
    }

    /**
     * Whether the request carries a valid token of any scope.
     */
    boolean hasValidToken(final QueryStringDecoder query, final HttpHeaders headers)
    {
        return null != scopeOf(query, headers);
    }

    /**
     * Whether the server answers to a Host header: a loopback name ({@code localhost}, {@code *.localhost}), an IP
     * literal (a rebinding attack needs a DNS name), the bind address, or an allowed host; any port.
     *
     * @param host value of the Host header, or null.
     */
    boolean isHostAllowed(final String host)
    {
        if (anyHost)
        {
            return true;
        }
        final String name = hostName(host);
        if (null == name || name.isEmpty())
        {
            return false;
        }
        return "localhost".equals(name) || name.endsWith(".localhost") || isIpLiteral(name) || allowedHosts.contains(name);
    }

    /**
     * The name part of a Host header: lower case, without the port and the brackets of an IPv6 literal; null
     * when it cannot be parsed.
     */
    static String hostName(final String host)
    {
        if (null == host)
        {
            return null;
        }
        final String value = host.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("["))
        {
            final int close = value.indexOf(']');
            return close < 0 ? null : value.substring(1, close);
        }
        final int colon = value.indexOf(':');
        String name = colon < 0 ? value : value.substring(0, colon);
        while (name.endsWith("."))
        {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    private static boolean isIpLiteral(final String name)
    {
        if (name.indexOf(':') >= 0)
        {
            for (int i = 0; i < name.length(); i++)
            {
                final char c = name.charAt(i);
                if (Character.digit(c, 16) < 0 && ':' != c && '.' != c)
                {
                    return false;
                }
            }
            return true;
        }
        final String[] parts = name.split("\\.", -1);
        if (4 != parts.length)
        {
            return false;
        }
        for (final String part : parts)
        {
            if (part.isEmpty() || part.length() > 3)
            {
                return false;
            }
            for (int i = 0; i < part.length(); i++)
            {
                if (!Character.isDigit(part.charAt(i)))
                {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255)
            {
                return false;
            }
        }
        return true;
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

    /**
     * SHA-256 of a token, as compared. Each thread keeps its own {@link MessageDigest}: looking one up through the
     * security providers for every request cost more than the digest itself.
     */
    static byte[] digest(final String value)
    {
        return SHA_256.get().digest(value.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest newSha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }
}
