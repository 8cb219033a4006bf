package dev.commandcenter.transport.electrum.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * The faults a test has armed on the simulator: the next requests of a method left unanswered or
 * answered with an error, refused connections and muted script notifications.
 * <p>
 * <b>Note:</b> not thread safe; the {@link ElectrumSimulator} and its sessions use it only while
 * holding the simulator's lock.
 */
final class SimulatorFaults
{
    private final Map<String, Integer> stallNext = new HashMap<>();
    private final Map<String, Fault> failNext = new HashMap<>();
    private boolean rejectConnections;
    private boolean muteNotifications;
    private boolean lieAboutProofs;
    private final java.util.Set<String> invented = new java.util.HashSet<>();

    /**
     * A JSON-RPC error to answer a request with.
     *
     * @param code    error code.
     * @param message error message.
     */
    record Fault(int code, String message)
    {
    }

    /**
     * Answer the next request of a method with a JSON-RPC error.
     *
     * @param method  JSON-RPC method.
     * @param code    error code.
     * @param message error message.
     */
    void failNext(final String method, final int code, final String message)
    {
        failNext.put(method, new Fault(code, message));
    }

    /**
     * Take the error armed for a method, if any; it applies once.
     *
     * @param method JSON-RPC method.
     * @return the fault, or null.
     */
    Fault takeFailure(final String method)
    {
        return failNext.remove(method);
    }

    /**
     * Leave one more request of a method unanswered.
     *
     * @param method JSON-RPC method.
     */
    void stallNext(final String method)
    {
        stallNext.merge(method, 1, Integer::sum);
    }

    /**
     * Use up one armed stall of a method, if any.
     *
     * @param method JSON-RPC method.
     * @return true when the request must go unanswered.
     */
    boolean takeStall(final String method)
    {
        final Integer stalls = stallNext.get(method);
        if (null == stalls)
        {
            return false;
        }
        if (stalls <= 1)
        {
            stallNext.remove(method);
        }
        else
        {
            stallNext.put(method, stalls - 1);
        }
        return true;
    }

    /**
     * Refuse new connections or not.
     *
     * @param reject true to refuse.
     */
    void rejectConnections(final boolean reject)
    {
        this.rejectConnections = reject;
    }

    /**
     * Whether new connections are refused.
     *
     * @return true while refused.
     */
    boolean rejectConnections()
    {
        return rejectConnections;
    }

    /**
     * Mute script status notifications or not.
     *
     * @param mute true to mute.
     */
    void muteNotifications(final boolean mute)
    {
        this.muteNotifications = mute;
    }

    /**
     * Whether script status notifications are muted.
     *
     * @return true while muted.
     */
    boolean muteNotifications()
    {
        return muteNotifications;
    }

    /**
     * Answer merkle proof requests with a corrupted branch or not (a lying server).
     *
     * @param lie true to lie.
     */
    void lieAboutProofs(final boolean lie)
    {
        this.lieAboutProofs = lie;
    }

    /**
     * Whether merkle proofs are corrupted.
     *
     * @return true while lying.
     */
    boolean lieAboutProofs()
    {
        return lieAboutProofs;
    }

    /**
     * Remember a transaction the server claims confirmed although no block holds it.
     *
     * @param txid display hex.
     */
    void invent(final String txid)
    {
        invented.add(txid);
    }

    /**
     * Whether a transaction's confirmation was invented.
     *
     * @param txid display hex.
     * @return true when invented.
     */
    boolean invented(final String txid)
    {
        return invented.contains(txid);
    }
}
