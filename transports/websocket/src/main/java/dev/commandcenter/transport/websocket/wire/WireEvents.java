package dev.commandcenter.transport.websocket.wire;

import java.util.function.BooleanSupplier;

/**
 * A transport's events read on a thread of the server's choosing (an event loop that does other work between
 * reads) instead of a thread of the transport's own: the server calls {@link #poll()} and
 * {@link #await(long, BooleanSupplier)} on that one thread, and {@link #wake()} from any thread. The listener given
 * to {@link WireTransport#start(WireSettings, WireListener)} is then called on that thread, inside {@link #poll()}.
 */
public interface WireEvents
{
    /**
     * Read the events waiting, up to a batch, telling the listener of each; what the listener throws goes to the
     * transport's error handler.
     *
     * @return how many were read, 0 when none was waiting, or -1 when the transport is not running (not started
     *         yet, or closed): the thread then has to wait by other means, as {@link #await} returns at once.
     */
    int poll();

    /**
     * Wait until an event may be waiting, {@link #wake()} is called, or the time is up. The transport may first look
     * for an event a few times without blocking; then it records that this thread waits and asks {@code idle} (the
     * caller's own work: say, tasks queued for it) once more. It returns at once when an event is waiting or
     * {@code idle} answers false. A {@link #wake()} after that record ends the wait, so work queued for the thread
     * just before it waits is never left until the timeout.
     *
     * @param timeoutNs longest wait, rounded up to a millisecond; 0 or less returns at once.
     * @param idle      whether the caller has nothing else to do; asked on this thread, the last time after the
     *                  wait is recorded.
     */
    void await(long timeoutNs, BooleanSupplier idle);

    /**
     * End the current wait, or the next when the thread has recorded that it waits and not yet begun; from any
     * thread.
     */
    void wake();
}
