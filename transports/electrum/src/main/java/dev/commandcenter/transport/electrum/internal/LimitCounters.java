package dev.commandcenter.transport.electrum.internal;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.HashMap;
import java.util.Map;

/**
 * The counters of the wallet's bounds against Electrum servers, one {@link CounterType#WALLET_LIMIT_TRIPS}
 * counter per bound, labelled with its name; allocated up front so counting a trip allocates nothing.
 * <p>
 * <b>Note:</b> {@link #trip(String)} is thread safe (the connection readers and the conductor both count).
 */
final class LimitCounters
{
    /** A server line over {@code wallet.electrum.maxLineLength}. */
    static final String MAX_LINE_LENGTH = "maxLineLength";
    /** A history over {@code wallet.electrum.maxHistoryItems}. */
    static final String MAX_HISTORY_ITEMS = "maxHistoryItems";
    /** A transaction over {@code wallet.electrum.maxTransactionBytes}. */
    static final String MAX_TRANSACTION_BYTES = "maxTransactionBytes";
    /** A request held back until one in flight was answered ({@code wallet.electrum.maxRequestsInFlight}). */
    static final String MAX_REQUESTS_IN_FLIGHT = "maxRequestsInFlight";
    /** A response to a request id never sent (or already answered). */
    static final String UNKNOWN_REPLY_ID = "unknownReplyId";
    /** A header notification whose header is not 80 bytes of hex. */
    static final String HEADER_SIZE = "headerSize";
    /** A script hash notification for a script not watched: ignored. */
    static final String UNKNOWN_SCRIPT_HASH = "unknownScriptHash";
    /** A notification replaced by a newer one of the same tip or script before the conductor took it. */
    static final String NOTIFICATIONS_COALESCED = "notificationsCoalesced";

    private static final String[] NAMES =
    {
        MAX_LINE_LENGTH, MAX_HISTORY_ITEMS, MAX_TRANSACTION_BYTES, MAX_REQUESTS_IN_FLIGHT, UNKNOWN_REPLY_ID,
        HEADER_SIZE, UNKNOWN_SCRIPT_HASH, NOTIFICATIONS_COALESCED
    };

    private final Map<String, AtomicCounter> counters = new HashMap<>();

    /**
     * Allocate one counter per bound.
     *
     * @param allocator the wallet's counter allocator.
     */
    LimitCounters(final CounterAllocator allocator)
    {
        for (final String name : NAMES)
        {
            counters.put(name, allocator.allocate(CounterType.WALLET_LIMIT_TRIPS, name));
        }
    }

    /**
     * Count a trip of a bound; an unknown name is ignored.
     *
     * @param limit name of the bound.
     */
    void trip(final String limit)
    {
        final AtomicCounter counter = counters.get(limit);
        if (null != counter)
        {
            counter.increment();
        }
    }

    /**
     * Trips of a bound since start.
     *
     * @param limit name of the bound.
     * @return the count, 0 for an unknown name.
     */
    long trips(final String limit)
    {
        final AtomicCounter counter = counters.get(limit);
        return null == counter ? 0 : counter.get();
    }
}
