package dev.commandcenter.transport.websocket;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.EnumMap;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what the access checks refuse, one {@link CounterType#WEB_REQUESTS_REFUSED} counter per {@link Reason}
 * (label suffix), and logs a WARNING naming the remote address and what was wrong: the first refusal of each
 * reason, then at most one line per reason every {@value #LOG_INTERVAL_MS} ms with the count since, so a flood
 * cannot flood the log. Never logs a token.
 * <p>
 * <b>Note:</b> shared by every connection; thread safe.
 */
final class Refusals
{
    /** Shortest time between two log lines of one reason. */
    static final long LOG_INTERVAL_MS = 10_000;

    private static final System.Logger LOGGER = System.getLogger("dev.commandcenter.transport.websocket.access");

    /** Why a request or session was refused. */
    enum Reason
    {
        /** Host header not a loopback name, IP literal, bind address or allowed host (DNS rebinding guard). */
        UNKNOWN_HOST,
        /** Missing Host header. */
        MISSING_HOST,
        /** Origin header of a site that is not allowed. */
        FORBIDDEN_ORIGIN,
        /** Missing or invalid token. */
        UNAUTHORIZED,
        /** A valid token of too narrow a scope (overlay where admin is needed). */
        FORBIDDEN_SCOPE,
        /** A wallet event posted over REST. */
        WALLET_EVENT_OVER_REST,
        /** A WebSocket session closed because its token was rotated out. */
        TOKEN_ROTATED;

        String label()
        {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final EnumMap<Reason, AtomicCounter> counters = new EnumMap<>(Reason.class);
    private final EnumMap<Reason, AtomicLong> lastLogMs = new EnumMap<>(Reason.class);
    private final EnumMap<Reason, AtomicLong> sinceLog = new EnumMap<>(Reason.class);

    /**
     * @param allocator of the engine's counters; one counter per reason is allocated here.
     */
    Refusals(final CounterAllocator allocator)
    {
        for (final Reason reason : Reason.values())
        {
            counters.put(reason, allocator.allocate(CounterType.WEB_REQUESTS_REFUSED, reason.label()));
            lastLogMs.put(reason, new AtomicLong(Long.MIN_VALUE));
            sinceLog.put(reason, new AtomicLong());
        }
    }

    /**
     * Count one refusal and maybe log it.
     *
     * @param reason why.
     * @param remote the client's address, or null.
     * @param detail what was wrong, from {@link HttpResponses#clientText(String)}; never a token.
     */
    void refused(final Reason reason, final SocketAddress remote, final String detail)
    {
        counters.get(reason).increment();
        final AtomicLong since = sinceLog.get(reason);
        final long count = since.incrementAndGet();
        final AtomicLong last = lastLogMs.get(reason);
        final long nowMs = System.currentTimeMillis();
        final long lastMs = last.get();
        if ((Long.MIN_VALUE == lastMs || nowMs - lastMs >= LOG_INTERVAL_MS) && last.compareAndSet(lastMs, nowMs))
        {
            since.addAndGet(-count);
            LOGGER.log(Level.WARNING, "refused " + reason.label() + " from " + remote + ": " + detail +
                (count > 1 ? " (" + count + " refusals of this kind since the last report)" : ""));
        }
    }

    /**
     * Refusals of a reason so far.
     *
     * @param reason why.
     * @return the counter's value.
     */
    long count(final Reason reason)
    {
        return counters.get(reason).get();
    }
}
