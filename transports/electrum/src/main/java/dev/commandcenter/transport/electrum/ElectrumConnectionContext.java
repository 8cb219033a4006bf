package dev.commandcenter.transport.electrum;

import dev.commandcenter.transport.electrum.client.ServerAddress;
import dev.commandcenter.transport.electrum.client.TlsOptions;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The settings of the wallet source's links with Electrum, as a base of {@link ElectrumWalletSource.Context}:
 * the servers it connects to ({@code wallet.electrum.*}: addresses, timeouts, keepalive, backoff, bounds on what a server
 * may send, TLS) and the endpoint the Electrum daemon's notify callback reaches ({@code wallet.notify.*}). Setters return
 * the concrete Context, so a chain of settings keeps its type; the Context's {@code conclude()} runs the checks
 * here in its own order.
 * <p>
 * <b>Note:</b> fill in on one thread and hand over once concluded.
 *
 * @param <T> the concrete Context.
 */
public abstract class ElectrumConnectionContext<T extends ElectrumConnectionContext<T>>
{
    /** Default request timeout ({@code wallet.electrum.requestTimeoutMs}). */
    public static final long REQUEST_TIMEOUT_MS_DEFAULT = 30_000;
    /** Default keepalive ping interval ({@code wallet.electrum.keepaliveIntervalMs}). */
    public static final long KEEPALIVE_INTERVAL_MS_DEFAULT = 60_000;
    /** Default first reconnect delay ({@code wallet.electrum.backoff.minMs}). */
    public static final long BACKOFF_MIN_MS_DEFAULT = 1_000;
    /** Default longest reconnect delay ({@code wallet.electrum.backoff.maxMs}). */
    public static final long BACKOFF_MAX_MS_DEFAULT = 60_000;
    /** Default longest line accepted from a server ({@code wallet.electrum.maxLineLength}). */
    public static final int MAX_LINE_LENGTH_DEFAULT = 1024 * 1024;
    /** Default longest script history accepted ({@code wallet.electrum.maxHistoryItems}). */
    public static final int MAX_HISTORY_ITEMS_DEFAULT = 10_000;
    /** Default requests awaiting an answer at once ({@code wallet.electrum.maxRequestsInFlight}). */
    public static final int MAX_REQUESTS_IN_FLIGHT_DEFAULT = 32;
    /**
     * Default largest transaction accepted, raw bytes ({@code wallet.electrum.maxTransactionBytes}): a standard
     * transaction weighs at most 400,000 units, so it is at most 400,000 bytes (800,000 hex characters, which fit
     * the default line length).
     */
    public static final int MAX_TRANSACTION_BYTES_DEFAULT = 400_000;
    /** Default raw bytes of fetched transactions kept for reuse ({@code wallet.electrum.txCacheBytes}). */
    public static final long TX_CACHE_BYTES_DEFAULT = 16L * 1024 * 1024;

    private List<String> servers = new ArrayList<>();
    private long requestTimeoutMs = REQUEST_TIMEOUT_MS_DEFAULT;
    private long keepaliveIntervalMs = KEEPALIVE_INTERVAL_MS_DEFAULT;
    private long backoffMinMs = BACKOFF_MIN_MS_DEFAULT;
    private long backoffMaxMs = BACKOFF_MAX_MS_DEFAULT;
    private int maxLineLength = MAX_LINE_LENGTH_DEFAULT;
    private int maxHistoryItems = MAX_HISTORY_ITEMS_DEFAULT;
    private int maxRequestsInFlight = MAX_REQUESTS_IN_FLIGHT_DEFAULT;
    private int maxTransactionBytes = MAX_TRANSACTION_BYTES_DEFAULT;
    private long txCacheBytes = TX_CACHE_BYTES_DEFAULT;
    private Path trustStore;
    private String trustStorePassword;
    private List<String> pinnedCertSha256 = new ArrayList<>();
    private boolean allowInsecureTls;
    private boolean notifyEnabled;
    private String notifyToken;
    private List<ServerAddress> serverAddresses;
    private TlsOptions tlsOptions;

    /**
     * Check and parse the server list ({@code wallet.electrum.servers}).
     *
     * @throws IllegalArgumentException naming a missing or malformed server URL.
     */
    protected final void concludeServers()
    {
        if (null == servers || servers.isEmpty())
        {
            throw new IllegalArgumentException("wallet.electrum.servers: expected at least one tcp://host:port or ssl://host:port");
        }
        final List<ServerAddress> parsed = new ArrayList<>();
        for (final String server : servers)
        {
            try
            {
                parsed.add(ServerAddress.parse(server));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("wallet.electrum.servers: " + ex.getMessage());
            }
        }
        serverAddresses = List.copyOf(parsed);
    }

    /**
     * Check the limits and the TLS settings, and make a random notify token when the
     * endpoint is enabled without one.
     *
     * @throws IllegalArgumentException naming the first wrong setting and what was expected.
     */
    protected final void concludeConnection()
    {
        requireRange("wallet.electrum.requestTimeoutMs", requestTimeoutMs, 1, 3_600_000);
        requireRange("wallet.electrum.keepaliveIntervalMs", keepaliveIntervalMs, 1, 3_600_000);
        requireRange("wallet.electrum.backoff.minMs", backoffMinMs, 0, 3_600_000);
        requireRange("wallet.electrum.backoff.maxMs", backoffMaxMs, backoffMinMs, 3_600_000);
        requireRange("wallet.electrum.maxLineLength", maxLineLength, 1024, 64 * 1024 * 1024);
        requireRange("wallet.electrum.maxHistoryItems", maxHistoryItems, 1, 10_000_000);
        requireRange("wallet.electrum.maxRequestsInFlight", maxRequestsInFlight, 1, 1024);
        requireRange("wallet.electrum.maxTransactionBytes", maxTransactionBytes, 100, 4_000_000);
        requireRange("wallet.electrum.txCacheBytes", txCacheBytes, 0, 1024L * 1024 * 1024);
        try
        {
            tlsOptions = new TlsOptions(trustStore, trustStorePassword, pinnedCertSha256, allowInsecureTls);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("wallet.electrum.tls.pinnedCertSha256: " + ex.getMessage());
        }
        if (notifyEnabled && (null == notifyToken || notifyToken.isBlank()))
        {
            final byte[] bytes = new byte[16];
            new SecureRandom().nextBytes(bytes);
            notifyToken = HexFormat.of().formatHex(bytes);
        }
    }

    /**
     * Check a numeric setting.
     *
     * @param key   YAML key of the setting.
     * @param value its value.
     * @param min   least value accepted.
     * @param max   greatest value accepted.
     * @throws IllegalArgumentException naming the key, the range expected and the value.
     */
    protected static void requireRange(final String key, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(key + ": expected " + min + " to " + max + ", got " + value);
        }
    }

    /**
     * Electrum servers in order of preference ({@code wallet.electrum.servers}); on failure the next is tried.
     *
     * @param servers URLs such as {@code ssl://host:50002} or {@code tcp://host:50001}.
     * @return this.
     */
    public T servers(final List<String> servers)
    {
        this.servers = new ArrayList<>(servers);
        return self();
    }

    /**
     * Electrum server URLs.
     *
     * @return the configured URLs.
     */
    public List<String> servers()
    {
        return servers;
    }

    /**
     * Parsed server addresses, after conclude.
     *
     * @return the addresses.
     */
    public List<ServerAddress> serverAddresses()
    {
        return serverAddresses;
    }

    /**
     * How long a request (and a connect) may take ({@code wallet.electrum.requestTimeoutMs}).
     *
     * @param timeoutMs milliseconds.
     * @return this.
     */
    public T requestTimeoutMs(final long timeoutMs)
    {
        this.requestTimeoutMs = timeoutMs;
        return self();
    }

    /**
     * Request timeout.
     *
     * @return milliseconds.
     */
    public long requestTimeoutMs()
    {
        return requestTimeoutMs;
    }

    /**
     * Interval of {@code server.ping} keepalives ({@code wallet.electrum.keepaliveIntervalMs}).
     *
     * @param intervalMs milliseconds.
     * @return this.
     */
    public T keepaliveIntervalMs(final long intervalMs)
    {
        this.keepaliveIntervalMs = intervalMs;
        return self();
    }

    /**
     * Keepalive interval.
     *
     * @return milliseconds.
     */
    public long keepaliveIntervalMs()
    {
        return keepaliveIntervalMs;
    }

    /**
     * Reconnect backoff bounds ({@code wallet.electrum.backoff.minMs}, {@code maxMs}).
     *
     * @param minMs first delay.
     * @param maxMs longest delay.
     * @return this.
     */
    public T backoff(final long minMs, final long maxMs)
    {
        this.backoffMinMs = minMs;
        this.backoffMaxMs = maxMs;
        return self();
    }

    /**
     * First reconnect delay.
     *
     * @return milliseconds.
     */
    public long backoffMinMs()
    {
        return backoffMinMs;
    }

    /**
     * Longest reconnect delay.
     *
     * @return milliseconds.
     */
    public long backoffMaxMs()
    {
        return backoffMaxMs;
    }

    /**
     * Longest line accepted from a server ({@code wallet.electrum.maxLineLength}); a longer one drops the connection.
     *
     * @param maxLineLength bytes.
     * @return this.
     */
    public T maxLineLength(final int maxLineLength)
    {
        this.maxLineLength = maxLineLength;
        return self();
    }

    /**
     * Longest line accepted.
     *
     * @return bytes.
     */
    public int maxLineLength()
    {
        return maxLineLength;
    }

    /**
     * Longest script history accepted from a server ({@code wallet.electrum.maxHistoryItems}); a longer one
     * marks the server faulty: the connection is dropped and the next server is tried.
     *
     * @param maxHistoryItems items, 1 or more.
     * @return this.
     */
    public T maxHistoryItems(final int maxHistoryItems)
    {
        this.maxHistoryItems = maxHistoryItems;
        return self();
    }

    /**
     * Longest script history accepted.
     *
     * @return items.
     */
    public int maxHistoryItems()
    {
        return maxHistoryItems;
    }

    /**
     * Requests sent to a server before the first of them must be answered ({@code wallet.electrum.maxRequestsInFlight});
     * the rest wait their turn.
     *
     * @param maxRequestsInFlight requests, 1 to 1024.
     * @return this.
     */
    public T maxRequestsInFlight(final int maxRequestsInFlight)
    {
        this.maxRequestsInFlight = maxRequestsInFlight;
        return self();
    }

    /**
     * Requests awaiting an answer at once.
     *
     * @return requests.
     */
    public int maxRequestsInFlight()
    {
        return maxRequestsInFlight;
    }

    /**
     * Largest transaction accepted from a server, raw bytes ({@code wallet.electrum.maxTransactionBytes}); a larger
     * one marks the server faulty.
     *
     * @param maxTransactionBytes bytes (the hex a server sends is twice as long).
     * @return this.
     */
    public T maxTransactionBytes(final int maxTransactionBytes)
    {
        this.maxTransactionBytes = maxTransactionBytes;
        return self();
    }

    /**
     * Largest transaction accepted.
     *
     * @return bytes.
     */
    public int maxTransactionBytes()
    {
        return maxTransactionBytes;
    }

    /**
     * Raw bytes of fetched transactions kept for reuse ({@code wallet.electrum.txCacheBytes}); the least recently
     * used are evicted past it.
     *
     * @param txCacheBytes bytes, 0 to keep none.
     * @return this.
     */
    public T txCacheBytes(final long txCacheBytes)
    {
        this.txCacheBytes = txCacheBytes;
        return self();
    }

    /**
     * Raw bytes of fetched transactions kept.
     *
     * @return bytes.
     */
    public long txCacheBytes()
    {
        return txCacheBytes;
    }

    /**
     * Trust store for {@code ssl://} servers instead of the JDK's ({@code wallet.electrum.tls.trustStore}, {@code trustStorePassword}).
     *
     * @param path     PKCS12 or JKS file, or null for the JDK's.
     * @param password its password, or null.
     * @return this.
     */
    public T trustStore(final Path path, final String password)
    {
        this.trustStore = path;
        this.trustStorePassword = password;
        return self();
    }

    /**
     * SHA-256 fingerprints of trusted server certificates ({@code wallet.electrum.tls.pinnedCertSha256});
     * when set, exactly these certificates are trusted.
     *
     * @param fingerprints hex, colons allowed.
     * @return this.
     */
    public T pinnedCertSha256(final List<String> fingerprints)
    {
        this.pinnedCertSha256 = new ArrayList<>(fingerprints);
        return self();
    }

    /**
     * Trust any server certificate ({@code wallet.electrum.tls.allowInsecure}, default false).
     *
     * @param allow true to skip verification.
     * @return this.
     */
    public T allowInsecureTls(final boolean allow)
    {
        this.allowInsecureTls = allow;
        return self();
    }

    /**
     * TLS options, after conclude.
     *
     * @return the options.
     */
    public TlsOptions tlsOptions()
    {
        return tlsOptions;
    }

    /**
     * Accept the Electrum daemon's notify callback, routed by the web server ({@code wallet.notify.enabled}, default false).
     *
     * @param enabled true to serve it.
     * @return this.
     */
    public T notifyEnabled(final boolean enabled)
    {
        this.notifyEnabled = enabled;
        return self();
    }

    /**
     * Whether the notify endpoint is served.
     *
     * @return true when enabled.
     */
    public boolean notifyEnabled()
    {
        return notifyEnabled;
    }

    /**
     * Secret the daemon must send as {@code ?token=} ({@code wallet.notify.token}); a random one is made when unset.
     *
     * @param token the secret.
     * @return this.
     */
    public T notifyToken(final String token)
    {
        this.notifyToken = token;
        return self();
    }

    /**
     * Secret of the notify endpoint.
     *
     * @return the token.
     */
    public String notifyToken()
    {
        return notifyToken;
    }

    @SuppressWarnings("unchecked")
    private T self()
    {
        return (T)this;
    }
}
