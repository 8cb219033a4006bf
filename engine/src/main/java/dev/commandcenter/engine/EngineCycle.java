package dev.commandcenter.engine;

/**
 * The engine's duty cycle in the {@link ThreadingMode#SHARED} mode (journaller, plugins and egress on one thread),
 * lent to a host that already runs a loop of its own, such as the event loop that reads the REST requests: an event
 * then wakes one thread on its way in instead of two. It is the idea of Aeron's agent invoker, with a way back: the
 * engine's thread stays, idle, while the cycle is lent, and takes it back when the host stops, so the engine's
 * start, drain and close work the same whoever runs the cycle.
 * <pre>
 *   host thread                                   any thread
 *   lend(waker)                                   publish, then waker.run() (the host's poll returns)
 *   loop: work = doWork()
 *         block only if !hasWork()  (checked after the host announced that it will block)
 *   on stop: giveBack()
 * </pre>
 * The hand-over happens between two duty cycles of the engine's thread, and the hand-back on the host's thread, so
 * the cycle never runs on two threads at once. {@link #doWork()} and {@link #hasWork()} do nothing until the hand-over
 * is done and after the hand-back.
 * <p>
 * <b>Note:</b> one host at a time. {@link #doWork()}, {@link #hasWork()} and {@link #giveBack()} on the host's thread
 * only; {@link #lend} on any thread.
 */
public interface EngineCycle
{
    /**
     * Ask the engine's thread to hand the cycle over to the caller's host at the end of its current duty cycle.
     *
     * @param waker called by any thread when the cycle has work while the host may be blocked: it must make the host's
     *              poll return (an event loop's wake-up), be cheap when the host is awake, and allocate nothing.
     * @return false when the cycle cannot be lent: already lent, or the engine is closing.
     */
    boolean lend(Runnable waker);

    /**
     * Run one duty cycle if the cycle is lent to the caller's host (host thread).
     *
     * @return the work done, 0 when not lent (yet, or any more).
     */
    int doWork();

    /**
     * Whether a duty cycle would find work now; the host asks after announcing that it will block, and does not
     * block when the answer is yes (host thread).
     *
     * @return true when there is work and the cycle is lent.
     */
    boolean hasWork();

    /**
     * Give the cycle back to the engine's thread, when the host stops before the engine (host thread). After it
     * returns the host runs the cycle no more.
     */
    void giveBack();

    /**
     * Whether the cycle runs on a host now.
     *
     * @return true while lent.
     */
    boolean isLent();
}
