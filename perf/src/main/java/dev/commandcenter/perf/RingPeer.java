package dev.commandcenter.perf;

/**
 * One implementation of the ring peers' topology: one producer, three consumers doing the same work
 * ({@link PeerConsumer}) on every event. The producer publishes as fast as the implementation accepts
 * (back-pressure, never dropping) and the run ends when every consumer has seen the last event.
 * <p>
 * <b>Note:</b> {@link #publish()} and {@link #awaitSeen(long)} are called from one producer thread.
 */
public interface RingPeer extends AutoCloseable
{
    /** Consumers in every peer. */
    int CONSUMERS = 3;

    /** Slots in every ring and elements in every queue. */
    int CAPACITY = 8192;

    /** Longest {@link #awaitSeen(long)} waits before it reports the consumers stuck. */
    long AWAIT_TIMEOUT_NS = 60_000_000_000L;

    /**
     * Publish one {@link PeerMessage}, waiting for room when the consumers are behind.
     */
    void publish();

    /**
     * Wait until every consumer has seen a number of events since the peer started.
     *
     * @param events to wait for.
     */
    void awaitSeen(long events);

    /**
     * Sum of every consumer's amounts, to check the work was done (and keep it from being optimised away).
     *
     * @return the sum over the consumers.
     */
    long checksum();

    /**
     * Stop the consumer threads and release resources.
     */
    void close();

    /**
     * Wait for every consumer of a list to reach a count, yielding the producer's core while waiting.
     *
     * @param consumers to wait for.
     * @param events    the count.
     * @throws IllegalStateException when a consumer has not reached the count within {@link #AWAIT_TIMEOUT_NS}.
     */
    static void awaitSeen(final PeerConsumer[] consumers, final long events)
    {
        final long deadlineNs = System.nanoTime() + AWAIT_TIMEOUT_NS;
        for (int i = 0; i < consumers.length; i++)
        {
            while (consumers[i].seen() < events)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    throw new IllegalStateException("consumer " + i + " has seen " + consumers[i].seen() +
                        " events, expected " + events + " within " + AWAIT_TIMEOUT_NS / 1_000_000_000L + " s");
                }
                Thread.yield();
            }
        }
    }

    /**
     * Sum of the sums of a list of consumers.
     *
     * @param consumers to add up.
     * @return the total.
     */
    static long checksum(final PeerConsumer[] consumers)
    {
        long total = 0;
        for (final PeerConsumer consumer : consumers)
        {
            total += consumer.sum();
        }
        return total;
    }
}
