package dev.commandcenter.perf.soak;

/**
 * One kind of hostile client (or server), bounded in sockets and bytes, running until stopped.
 */
public interface Attacker extends AutoCloseable
{
    /**
     * Which attacker this is.
     *
     * @return the kind.
     */
    AttackerKind kind();

    /**
     * Start attacking on threads of its own; returns at once.
     */
    void start();

    /**
     * Stop: close every socket and wait a bounded time for the threads to end. Safe to call more than once.
     */
    void close();

    /**
     * What it did so far.
     *
     * @return the live counts.
     */
    AttackStats stats();

    /**
     * One line on how it attacks and its bounds, for the report.
     *
     * @return the description.
     */
    String describe();
}
