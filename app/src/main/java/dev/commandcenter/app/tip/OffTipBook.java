package dev.commandcenter.app.tip;

import dev.commandcenter.transport.electrum.WatchedScript;

import java.util.function.Consumer;

/**
 * The tip book of a node whose tip page is off (no extended key watched, tips disabled, a replay): it reserves
 * nothing, says why, and gives no memo.
 * <p>
 * <b>Note:</b> immutable, thread safe.
 */
public final class OffTipBook implements TipBook
{
    private final String reason;
    private final int capacity;

    /**
     * An off book.
     *
     * @param reason   one line naming the setting that turns the page on.
     * @param capacity what {@link #capacity()} answers: the configured gap limit.
     */
    public OffTipBook(final String reason, final int capacity)
    {
        this.reason = reason;
        this.capacity = capacity;
    }

    /**
     * {@inheritDoc}
     */
    public String offReason()
    {
        return reason;
    }

    /**
     * Refused: 503 with the reason.
     *
     * @param name       ignored.
     * @param message    ignored.
     * @param amountSats ignored.
     * @return the refusal.
     */
    public Outcome reserve(final String name, final String message, final long amountSats)
    {
        return new Outcome(null, 503, reason, 0);
    }

    /**
     * {@inheritDoc}
     */
    public Status status(final String reservationId)
    {
        return null;
    }

    /**
     * {@inheritDoc}
     */
    public int openReservations()
    {
        return 0;
    }

    /**
     * {@inheritDoc}
     */
    public long raisedSats(final long sinceEpochMs)
    {
        return 0;
    }

    /**
     * Never called: nothing is reserved.
     *
     * @param listener ignored.
     */
    public void onReserved(final Consumer<Reservation> listener)
    {
    }

    /**
     * {@inheritDoc}
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * No memo.
     *
     * @param script     ignored.
     * @param txid       ignored.
     * @param amountSats ignored.
     * @param nowEpochMs ignored.
     * @return null.
     */
    public Memo memoFor(final WatchedScript script, final String txid, final long amountSats, final long nowEpochMs)
    {
        return null;
    }
}
