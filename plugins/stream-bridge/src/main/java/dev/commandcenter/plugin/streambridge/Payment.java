package dev.commandcenter.plugin.streambridge;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The fields of the payment being handled that templates can render: amount, txid, views over
 * the address and memo bytes of the input event, and over the name and message of its tip memo (empty without one),
 * so nothing is copied into Strings.
 * <p>
 * <b>Note:</b> reused for every event; valid only while that event is being handled.
 */
final class Payment
{
    /** Length of a txid in bytes. */
    static final int TXID_LENGTH = 32;

    final UnsafeBuffer address = new UnsafeBuffer(0, 0);
    final UnsafeBuffer memo = new UnsafeBuffer(0, 0);
    final UnsafeBuffer name = new UnsafeBuffer(0, 0);
    final UnsafeBuffer message = new UnsafeBuffer(0, 0);
    long amountSats;
    DirectBuffer txidBuffer;
    int txidOffset;

    /**
     * Point at a payment.
     *
     * @param amountSats satoshis received.
     * @param txidBuffer holding the 32 txid bytes in display order.
     * @param txidOffset of the txid in the buffer.
     * @return this.
     */
    Payment set(final long amountSats, final DirectBuffer txidBuffer, final int txidOffset)
    {
        this.amountSats = amountSats;
        this.txidBuffer = txidBuffer;
        this.txidOffset = txidOffset;
        return this;
    }
}
