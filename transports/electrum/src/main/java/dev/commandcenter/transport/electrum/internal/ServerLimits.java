package dev.commandcenter.transport.electrum.internal;

/**
 * The bounds the reconciler holds a server to, from {@code wallet.electrum.*}, with the counters of their trips.
 *
 * @param maxHistoryItems     longest script history accepted ({@code maxHistoryItems}); longer: the server is faulty.
 * @param maxRequestsInFlight requests sent before the first of them must be answered ({@code maxRequestsInFlight}).
 * @param maxTransactionBytes largest raw transaction accepted ({@code maxTransactionBytes}); larger: the server is faulty.
 * @param txCacheBytes        raw bytes of fetched transactions kept for reuse ({@code txCacheBytes}).
 * @param counters            counters of the trips.
 */
record ServerLimits(
    int maxHistoryItems, int maxRequestsInFlight, int maxTransactionBytes, long txCacheBytes, LimitCounters counters)
{
}
