package dev.commandcenter.transport.electrum.internal;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.transport.electrum.PaymentMemos;
import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.electrum.WatchedScript;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes the wallet's events to the engine with source {@code Sources.WALLET} and records each one the
 * engine accepted in the {@link WalletLedger}, so it is never emitted twice; an event the engine refuses is
 * reported to the error handler and left for the caller to retry. A network status is published only when
 * it differs from the last one.
 * <p>
 * Before the first {@code TransactionReceived} of a payment (a txid to a script), the {@link PaymentMemos} are asked
 * for its memo; one they give is published first as a {@code TipMemo}, so the journal holds the memo just before the
 * payment. A memo whose events the engine refused is kept (at most {@value #MAX_HELD_MEMOS}) for the retry, so it is
 * neither lost nor asked for twice; a lookup that throws is reported and the payment published without a memo.
 * <p>
 * <b>Note:</b> not thread safe; owned by the conductor's thread.
 */
final class WalletEmitter
{
    /** Memos held for payments whose events the engine refused, until the retry publishes them. */
    static final int MAX_HELD_MEMOS = 1024;

    private static final class HeldMemo
    {
        final PaymentMemos.Memo memo;
        boolean published;

        HeldMemo(final PaymentMemos.Memo memo)
        {
            this.memo = memo;
        }
    }

    private final EventPublisher publisher;
    private final PaymentMemos memos;
    private final EpochClock clock;
    private final Map<String, HeldMemo> heldMemos = new LinkedHashMap<>();
    private final WalletLedger ledger;
    private final ErrorHandler errorHandler;
    private final ChainTip tip;
    private final WalletHealth health;
    private final WalletEventEncoder encoder = new WalletEventEncoder();
    private NetworkState lastState;
    private String lastStatusServer;
    private String lastReason;

    /**
     * An emitter.
     *
     * @param publisher    the engine's publisher.
     * @param ledger       the wallet ledger, recording what was accepted.
     * @param errorHandler receives refusals.
     * @param tip          the chain tip, reported in network statuses.
     * @param health       counts what was published.
     * @param memos        who payments are from, asked once per new payment.
     * @param clock        the wallet's clock, passed to the memo lookup.
     */
    WalletEmitter(
        final EventPublisher publisher,
        final WalletLedger ledger,
        final ErrorHandler errorHandler,
        final ChainTip tip,
        final WalletHealth health,
        final PaymentMemos memos,
        final EpochClock clock)
    {
        this.publisher = publisher;
        this.memos = memos;
        this.clock = clock;
        this.ledger = ledger;
        this.errorHandler = errorHandler;
        this.tip = tip;
        this.health = health;
    }

    /**
     * Emit TransactionReceived for a payment not reported before, preceded by its {@code TipMemo} when the
     * {@link PaymentMemos} give one.
     *
     * @param script        the watched script paid.
     * @param txid          display hex.
     * @param amountSats    received by the script.
     * @param height        block height, 0 while unconfirmed.
     * @param confirmations count, 0 while unconfirmed.
     * @param memo          memo, empty if none.
     * @param verified      whether a merkle proof backs it (false: the server's word, as for a mempool payment).
     * @return true when the engine accepted it (and its memo).
     */
    boolean received(
        final WatchedScript script, final String txid, final long amountSats,
        final int height, final int confirmations, final String memo, final boolean verified)
    {
        final String key = txid + ':' + script.scriptHash();
        HeldMemo held = heldMemos.get(key);
        if (null == held)
        {
            final PaymentMemos.Memo tipMemo = lookUpMemo(script, txid, amountSats);
            if (null != tipMemo)
            {
                held = new HeldMemo(tipMemo);
                hold(key, held);
            }
        }
        if (null != held && !held.published)
        {
            if (!publish(encoder.tipMemo(txid, held.memo.user(), held.memo.text())))
            {
                return false;
            }
            held.published = true;
        }
        if (!publish(encoder.received(txid, script.scriptHash(), script.address(), amountSats, height, confirmations,
            memo, verified)))
        {
            return false;
        }
        if (null != held)
        {
            heldMemos.remove(key);
        }
        return true;
    }

    private PaymentMemos.Memo lookUpMemo(final WatchedScript script, final String txid, final long amountSats)
    {
        try
        {
            return memos.memoFor(script, txid, amountSats, clock.time());
        }
        catch (final RuntimeException ex)
        {
            // One message whatever the payment, so the distinct error log keeps one record with its count.
            errorHandler.onError(new IllegalStateException(
                "payment memo lookup failed, the payment is published without a name and message: " + ex, ex));
            return null;
        }
    }

    private void hold(final String key, final HeldMemo held)
    {
        if (heldMemos.size() >= MAX_HELD_MEMOS)
        {
            final Iterator<HeldMemo> eldest = heldMemos.values().iterator();
            eldest.next();
            eldest.remove();
        }
        heldMemos.put(key, held);
    }

    /**
     * Emit TransactionConfirmed.
     *
     * @param txid          display hex.
     * @param scriptHash    hex.
     * @param address       watched address.
     * @param amountSats    received by the script.
     * @param height        block height.
     * @param confirmations count.
     * @param memo          memo, empty if none.
     * @return true when the engine accepted it.
     */
    boolean confirmed(
        final String txid, final String scriptHash, final String address, final long amountSats,
        final int height, final int confirmations, final String memo)
    {
        return publish(encoder.confirmed(txid, scriptHash, address, amountSats, height, confirmations, memo));
    }

    /**
     * Emit TransactionReorged for a payment the ledger records.
     *
     * @param entry the payment, with its last height.
     * @return true when the engine accepted it.
     */
    boolean reorged(final WalletLedger.Entry entry)
    {
        return publish(encoder.reorged(entry.txid(), entry.scriptHash(), entry.address(), entry.amountSats(), entry.height()));
    }

    /**
     * Emit WalletBalance.
     *
     * @param address watched address, or {@link WalletLedger#WALLET_TOTAL}.
     * @param balance its balance.
     * @return true when the engine accepted it.
     */
    boolean balance(final String address, final WalletLedger.Balance balance)
    {
        return publish(encoder.balance(address, balance.confirmedSats(), balance.unconfirmedSats()));
    }

    /**
     * Update the status snapshot and emit NetworkStatus when the state, server or reason changed; a refused
     * status is not retried (the next change publishes the news).
     *
     * @param state  connection state.
     * @param server server in use or last tried.
     * @param reason why, one line.
     */
    void networkStatus(final NetworkState state, final String server, final String reason)
    {
        health.update(state, server, reason);
        if (state == lastState && server.equals(lastStatusServer) && reason.equals(lastReason))
        {
            return;
        }
        lastState = state;
        lastStatusServer = server;
        lastReason = reason;
        final long sequence = publisher.publish(Sources.WALLET, encoder.buffer(), 0,
            encoder.networkStatus(state, tip.height(), server, reason));
        if (sequence >= 0)
        {
            health.onEventPublished();
        }
    }

    private boolean publish(final int length)
    {
        final long sequence = publisher.publish(Sources.WALLET, encoder.buffer(), 0, length);
        if (sequence < 0)
        {
            errorHandler.onError(new IllegalStateException("wallet event " +
                (sequence == EventPublisher.REJECTED ? "rejected by the engine (input ring full)" : "refused as invalid") +
                ": it will be retried"));
            return false;
        }
        ledger.replayJournaled(encoder.buffer(), 0, length);
        health.onEventPublished();
        return true;
    }
}
