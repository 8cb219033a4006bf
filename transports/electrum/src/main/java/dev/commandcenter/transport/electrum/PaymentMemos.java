package dev.commandcenter.transport.electrum;

/**
 * Who a payment is from, when the application knows: the tip page reserves a fresh address for a viewer with
 * their name and message, and the wallet asks here, on its own thread, for each new payment to a watched script
 * before it publishes the payment's {@code TransactionReceived}. A memo it returns is published first, as a
 * {@code TipMemo} event for the payment's txid, so the journal holds both in that order and every plugin (the
 * stream bridge's alert, the chat's paid line) knows the name and message when the payment arrives, in a replay
 * too.
 * <p>
 * <b>Note:</b> called on the wallet's thread: must not block, and must be thread safe against the application's
 * own threads.
 */
@FunctionalInterface
public interface PaymentMemos
{
    /** No memos: what a wallet without a tip page uses. */
    PaymentMemos NONE = (script, txid, amountSats, nowEpochMs) -> null;

    /**
     * A name and message for a payment, given at most once per reservation.
     *
     * @param script     the watched script paid.
     * @param txid       the payment's transaction id, hex.
     * @param amountSats what the script received.
     * @param nowEpochMs the wallet's clock.
     * @return the memo, or null when the payment has none.
     */
    Memo memoFor(WatchedScript script, String txid, long amountSats, long nowEpochMs);

    /**
     * A payment's memo: text only, already neutralised and filtered.
     *
     * @param user the payer's display name.
     * @param text the payer's message.
     */
    record Memo(String user, String text)
    {
    }
}
