package dev.commandcenter.app.tip;

import dev.commandcenter.transport.electrum.PaymentMemos;

/**
 * The tip page's reservations of the creator's receive addresses (docs/tips.md): each viewer who asks gets the
 * lowest index of the tip key's receive chain that has no history and no live reservation, never more than the
 * wallet's gap limit past the last used index (so the creator's own wallet, scanning with that gap limit, finds
 * every payment). Each reservation is journaled as a {@code TipReserved} event before the viewer sees the address;
 * at start the book is rebuilt from the journal's {@code TipReserved} events that can still be live. An unpaid
 * reservation lapses at its expiry and its index is given out again, lowest first. The first payment to a reserved
 * address takes the reservation's name and message ({@link #memoFor}), once.
 * <p>
 * <b>Note:</b> thread safe: HTTP threads reserve and poll, the wallet's thread asks for memos.
 */
public interface TipBook extends PaymentMemos
{
    /** Length of a reservation id: 32 hex characters (128 random bits). */
    int RESERVATION_ID_LENGTH = 32;

    /**
     * A viewer's reservation.
     *
     * @param id               32 hex characters, random.
     * @param index            child index on the receive chain.
     * @param address          the address of that index.
     * @param amountSats       the amount the viewer chose.
     * @param expiresAtEpochMs when it lapses unpaid.
     * @param name             display name, as journaled.
     * @param message          message, as journaled.
     */
    record Reservation(
        String id, int index, String address, long amountSats, long expiresAtEpochMs, String name, String message)
    {
    }

    /** Where a reservation stands, for the viewer's page. */
    enum State
    {
        /** Not paid yet, not expired. */
        WAITING,
        /** A payment to the address was seen (mempool or confirmed). */
        SEEN,
        /** Lapsed unpaid. */
        EXPIRED
    }

    /**
     * What the viewer's page polls.
     *
     * @param state           where it stands.
     * @param txid            SEEN: the payment's txid, hex; null otherwise.
     * @param paidSats        SEEN: what the address received; 0 otherwise.
     * @param expiresAtEpochMs when it lapses (or lapsed) unpaid.
     */
    record Status(State state, String txid, long paidSats, long expiresAtEpochMs)
    {
    }

    /**
     * The outcome of asking for a reservation: the reservation, or why not, with the HTTP status a gateway answers
     * and how long until asking again may succeed.
     *
     * @param reservation  the reservation, or null when refused.
     * @param httpStatus   201 when reserved; 503 when the book is off, the wallet is not synced yet or every
     *                     address in the gap is reserved; 400 for an amount out of bounds.
     * @param reason       one line naming what is wrong and what was expected; null when reserved.
     * @param retryAfterMs when refused for a while (503): how long until it may succeed; 0 otherwise.
     */
    record Outcome(Reservation reservation, int httpStatus, String reason, long retryAfterMs)
    {
    }

    /**
     * Why the tip page is off, or null when it is on: no extended key watched, tips disabled, a replay.
     *
     * @return one line for the page, naming the setting that turns it on.
     */
    String offReason();

    /**
     * Reserve an address for a viewer and journal it ({@code TipReserved}, source rest) before returning it.
     *
     * @param name       display name, already validated, neutralised and filtered.
     * @param message    message, already validated, neutralised and filtered (may be empty).
     * @param amountSats the amount the viewer chose.
     * @return the reservation, or why not.
     */
    Outcome reserve(String name, String message, long amountSats);

    /**
     * Where a reservation stands.
     *
     * @param reservationId 32 hex characters.
     * @return its status, or null when no such reservation is known (never made, or forgotten after its expiry).
     */
    Status status(String reservationId);

    /**
     * Reservations waiting now (not paid, not expired).
     *
     * @return the count.
     */
    int openReservations();

    /**
     * Sum of what reserved addresses received, for payments seen since a time: the tip page's goal.
     *
     * @param sinceEpochMs from when.
     * @return satoshis.
     */
    long raisedSats(long sinceEpochMs);

    /**
     * Be told of each new reservation, after it is journaled (the demo's simulated viewer pays it).
     *
     * @param listener called on the reserving thread; must not block.
     */
    void onReserved(java.util.function.Consumer<Reservation> listener);

    /**
     * Addresses that can be reserved at once: the gap limit.
     *
     * @return the capacity.
     */
    int capacity();
}
