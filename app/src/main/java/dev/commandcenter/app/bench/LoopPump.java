package dev.commandcenter.app.bench;

import io.netty.channel.EventLoop;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends a saturating schedule's events from the event loop that carries the posts, at the moments the window can
 * move: when an event is complete at every client or refused ({@link WindowedSchedule#onMove}), when an answer frees
 * a connection, and on a tick of {@value #TICK_MS} ms that also ends the phase at its end time and notices a stall.
 * <p>
 * A sender thread polling the window instead (what {@link WindowedSchedule#run} does) spins, yields and parks in turn
 * while the window is full, and hands each post to the event loop as a task that may have to wake it: at 1 client a
 * profile of the load generator showed about 1.2 futex calls per post on that thread alone, CPU the server under
 * test does not get on a shared machine. When the WebSocket clients share the loop (one client thread), a frame
 * that completes an event leads to the next post in the same pass of the loop, with no thread woken at all.
 * <p>
 * <b>Note:</b> the window may move on another thread (clients on other event loops): that thread queues one pump on
 * the loop, however many moves it sees before the loop runs it.
 */
final class LoopPump
{
    /** Period of the tick, ms. */
    static final long TICK_MS = 1;

    private final WindowedSchedule schedule;
    private final RestConnections connections;
    private final RestSender sender;
    private final EventLoop loop;
    private final NanoClock clock;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Runnable queuedPump = this::queuedPump;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final long tickMs;

    /** Loop only: the phase has ended. */
    private boolean done;
    /** Loop only: in {@link #pump}, which a failed write can re-enter. */
    private boolean pumping;
    /** Loop only: re-entered while pumping; the pump goes round again. */
    private boolean again;
    /** Loop only: the window was full at the last look, since {@link #fullSinceNs}. */
    private boolean full;
    private long fullSinceNs;
    private ScheduledFuture<?> tick;
    /** Written by the loop before {@link #finished} counts down. */
    private long sent;

    /**
     * @param schedule    the phase's schedule.
     * @param connections the client, whose event loop sends.
     * @param recorder    of this phase.
     * @param clock       the schedule's clock.
     */
    LoopPump(final WindowedSchedule schedule, final RestConnections connections, final LatencyRecorder recorder,
        final NanoClock clock)
    {
        this(schedule, connections, recorder, clock, TICK_MS);
    }

    /**
     * @param schedule    the phase's schedule.
     * @param connections the client, whose event loop sends.
     * @param recorder    of this phase.
     * @param clock       the schedule's clock.
     * @param tickMs      period of the tick, ms (tests lengthen it to show what the other moments do alone).
     */
    LoopPump(final WindowedSchedule schedule, final RestConnections connections, final LatencyRecorder recorder,
        final NanoClock clock, final long tickMs)
    {
        this.tickMs = tickMs;
        this.schedule = schedule;
        this.connections = connections;
        this.loop = connections.loop();
        this.clock = clock;
        this.sender = new RestSender(connections, recorder, this::moved);
    }

    /**
     * Send until the end time, a stall or the schedule's capacity, and wait for the loop to finish.
     *
     * @return events sent, or those sent until the wait was interrupted.
     */
    long run()
    {
        schedule.onMove(this::moved);
        loop.execute(() -> tick = loop.scheduleAtFixedRate(this::pump, 0, tickMs, TimeUnit.MILLISECONDS));
        try
        {
            finished.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            loop.execute(this::finish);
        }
        return sent;
    }

    /**
     * The window may have moved: pump now when on the loop, else queue one pump there.
     */
    void moved()
    {
        if (loop.inEventLoop())
        {
            pump();
        }
        else if (queued.compareAndSet(false, true))
        {
            loop.execute(queuedPump);
        }
    }

    private void queuedPump()
    {
        queued.set(false);
        pump();
    }

    /**
     * Send events while the window has room and a connection is free, on the loop.
     */
    void pump()
    {
        if (done)
        {
            return;
        }
        if (pumping)
        {
            again = true;
            return;
        }
        pumping = true;
        try
        {
            do
            {
                again = false;
                pumpOnce();
            }
            while (again && !done);
            connections.flush();
        }
        finally
        {
            pumping = false;
        }
    }

    private void pumpOnce()
    {
        long nowNs = clock.nanoTime();
        if (nowNs - schedule.startNs() < 0)
        {
            return;
        }
        while (true)
        {
            if (nowNs - schedule.endNs() >= 0)
            {
                finish();
                return;
            }
            if (!connections.hasFreeConnection())
            {
                return; // an answer frees one and pumps again
            }
            final long index = schedule.claim(nowNs);
            if (WindowedSchedule.NO_MORE == index)
            {
                finish();
                return;
            }
            if (WindowedSchedule.WINDOW_FULL == index)
            {
                break;
            }
            full = false;
            if (sender.offer(index))
            {
                sent++;
            }
            nowNs = clock.nanoTime();
        }
        if (!full)
        {
            full = true;
            fullSinceNs = nowNs;
        }
        else if (nowNs - fullSinceNs > schedule.stallTimeoutNs())
        {
            schedule.stall();
            finish();
        }
    }

    private void finish()
    {
        if (done)
        {
            return;
        }
        done = true;
        schedule.onMove(null);
        if (null != tick)
        {
            tick.cancel(false);
        }
        finished.countDown();
    }
}
