package dev.commandcenter.transport.websocket;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seats on the HTTP loop for upgraded WebSocket clients ({@link WebServer.Context#httpLoopClients(int)}): a client
 * that takes one stays on the loop that upgraded it, where the engine's cycle may run, instead of moving to a fan-out
 * loop; it gives the seat back when its connection closes.
 * <p>
 * <b>Note:</b> thread safe: the HTTP loops take and give seats.
 */
final class HttpLoopSeats
{
    private final int seats;
    private final AtomicInteger taken = new AtomicInteger();

    /**
     * @param seats clients that may stay at once, 1 or more.
     */
    HttpLoopSeats(final int seats)
    {
        if (seats < 1)
        {
            throw new IllegalArgumentException("seats: expected 1 or more, got " + seats);
        }
        this.seats = seats;
    }

    /**
     * Take a seat if one is free.
     *
     * @return whether one was taken.
     */
    boolean take()
    {
        int current;
        do
        {
            current = taken.get();
            if (current >= seats)
            {
                return false;
            }
        }
        while (!taken.compareAndSet(current, current + 1));
        return true;
    }

    /**
     * Give a taken seat back.
     */
    void give()
    {
        taken.decrementAndGet();
    }
}
