package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.transport.electrum.ScriptHashes;
import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.electrum.WatchList;
import dev.commandcenter.transport.electrum.WatchedScript;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import dev.commandcenter.transport.electrum.client.HistoryItem;
import org.agrona.concurrent.EpochClock;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Reconciles watched scripts against a server: keeps each script's last processed status and history,
 * queues the scripts whose status changed (each at most once), and for each one compares the server's
 * history with the {@link WalletLedger}, emitting what the ledger lacks (received, confirmed, reorged,
 * balances) and watching the addresses derived past a newly used one. A script whose events the engine
 * refused is retried after a delay; at start, every script with payments in the ledger counts as changed.
 * <p>
 * <b>Note:</b> not thread safe; owned by the conductor's thread.
 */
final class ScriptReconciler
{
    private static final long RETRY_DELAY_MS = 1_000;
    /** Status of a script not checked yet in this run although the ledger has payments to it. */
    private static final String UNCHECKED = "unchecked";

    private static final class ScriptState
    {
        final WatchedScript script;
        String status;
        List<HistoryItem> history = List.of();
        WalletLedger.Balance balance;
        boolean queued;
        boolean retry;

        ScriptState(final WatchedScript script, final String status)
        {
            this.script = script;
            this.status = status;
        }
    }

    private final WatchList watchList;
    private final WalletLedger ledger;
    private final ChainTip tip;
    private final WalletEmitter emitter;
    private final TransactionFetcher fetcher;
    private final MerkleProofs proofs;
    private final EpochClock clock;
    private final int depth;
    private final ServerLimits limits;
    private final Map<String, ScriptState> states = new LinkedHashMap<>();
    private final ArrayDeque<ScriptState> work = new ArrayDeque<>();
    private long nextRetryMs = Long.MAX_VALUE;

    /**
     * A reconciler of every script of the watch list.
     *
     * @param watchList the watch list.
     * @param ledger    the wallet ledger.
     * @param tip       the chain tip.
     * @param emitter   publishes events and records them in the ledger.
     * @param clock     clock of retries.
     * @param depth     confirmations up to which TransactionConfirmed is emitted.
     * @param limits    bounds the server is held to.
     * @param proofs    merkle proofs: a payment counts as confirmed only once proven.
     */
    ScriptReconciler(
        final WatchList watchList,
        final WalletLedger ledger,
        final ChainTip tip,
        final WalletEmitter emitter,
        final EpochClock clock,
        final int depth,
        final ServerLimits limits,
        final MerkleProofs proofs)
    {
        this.proofs = proofs;
        this.watchList = watchList;
        this.ledger = ledger;
        this.tip = tip;
        this.emitter = emitter;
        this.clock = clock;
        this.depth = depth;
        this.limits = limits;
        this.fetcher = new TransactionFetcher(ledger, limits);
        final Set<String> withPayments = new HashSet<>(ledger.scriptHashes());
        // What the ledger knows was used counts before any server answers (the tip page's free addresses), and the
        // addresses past it are watched from the start.
        List<WatchedScript> toMark = watchList.scripts();
        while (!toMark.isEmpty())
        {
            final List<WatchedScript> added = new ArrayList<>();
            for (final WatchedScript script : toMark)
            {
                if (withPayments.contains(script.scriptHash()))
                {
                    added.addAll(watchList.markUsed(script));
                }
            }
            toMark = added;
        }
        for (final WatchedScript script : watchList.scripts())
        {
            addState(script, withPayments);
        }
    }

    /**
     * Scripts watched.
     *
     * @return the count.
     */
    int scripts()
    {
        return states.size();
    }

    /**
     * Subscribe to every script's status on a new connection; those whose status differs from the one last
     * processed are queued.
     *
     * @param connected the connection.
     * @throws ElectrumException    when a subscription fails.
     * @throws InterruptedException when interrupted while awaiting.
     */
    void subscribeAll(final ElectrumClient connected) throws ElectrumException, InterruptedException
    {
        subscribe(connected, new ArrayList<>(states.values()));
    }

    /**
     * Queue a script, if watched.
     *
     * @param scriptHash script hash, hex.
     */
    void enqueue(final String scriptHash)
    {
        final ScriptState state = states.get(scriptHash);
        if (null != state)
        {
            enqueue(state);
        }
    }

    /**
     * Queue a script, if watched, when the status a server announced differs from the one last processed.
     *
     * @param scriptHash script hash, hex.
     * @param status     the announced status, or null for no history.
     */
    void onStatus(final String scriptHash, final String status)
    {
        final ScriptState state = states.get(scriptHash);
        if (null != state && !Objects.equals(status, state.status))
        {
            enqueue(state);
        }
    }

    /**
     * Queue every script.
     */
    void enqueueAll()
    {
        states.values().forEach(this::enqueue);
    }

    /**
     * Queue every script with confirmed history (after blocks were replaced).
     */
    void enqueueConfirmed()
    {
        for (final ScriptState state : states.values())
        {
            for (final HistoryItem item : state.history)
            {
                if (item.confirmed())
                {
                    enqueue(state);
                    break;
                }
            }
        }
    }

    /**
     * Queue every script with a payment reported confirmed but not proven yet (its header was not held).
     */
    void enqueueUnproven()
    {
        for (final ScriptState state : states.values())
        {
            for (final HistoryItem item : state.history)
            {
                final WalletLedger.Entry entry = item.confirmed() ? ledger.entry(item.txid(), state.script.scriptHash()) : null;
                if (null != entry && entry.received() && entry.confirmations() < depth &&
                    !proofs.isProven(item.txid(), item.height()))
                {
                    enqueue(state);
                    break;
                }
            }
        }
    }

    /**
     * Queue the scripts waiting for a retry, once the retry delay has passed.
     */
    void enqueueRetriesDue()
    {
        if (clock.time() >= nextRetryMs)
        {
            nextRetryMs = Long.MAX_VALUE;
            for (final ScriptState state : states.values())
            {
                if (state.retry)
                {
                    state.retry = false;
                    enqueue(state);
                }
            }
        }
    }

    /**
     * Reconcile the next queued script.
     *
     * @param connected connection to ask.
     * @return false when none was queued.
     * @throws ElectrumException    when a request fails or an answer is malformed.
     * @throws InterruptedException when interrupted while awaiting.
     */
    boolean reconcileNext(final ElectrumClient connected) throws ElectrumException, InterruptedException
    {
        final ScriptState state = work.poll();
        if (null == state)
        {
            return false;
        }
        state.queued = false;
        reconcile(connected, state);
        return true;
    }

    /**
     * Emit TransactionConfirmed for each received payment whose confirmations grew with the tip, up to the
     * configured depth; scripts with a refused event are retried.
     */
    void updateConfirmations()
    {
        for (final ScriptState state : states.values())
        {
            boolean complete = true;
            for (final HistoryItem item : state.history)
            {
                if (item.confirmed())
                {
                    complete &= maybeConfirm(state, item);
                }
            }
            if (!complete)
            {
                scheduleRetry(state);
            }
        }
    }

    private void addState(final WatchedScript script, final Set<String> withPayments)
    {
        states.put(script.scriptHash(), new ScriptState(script, withPayments.contains(script.scriptHash()) ? UNCHECKED : null));
    }

    private void subscribe(final ElectrumClient connected, final List<ScriptState> toSubscribe)
        throws ElectrumException, InterruptedException
    {
        final int window = limits.maxRequestsInFlight();
        final ArrayDeque<CompletableFuture<JsonNode>> inFlight = new ArrayDeque<>(Math.min(window, toSubscribe.size()));
        int sent = 0;
        for (int i = 0; i < toSubscribe.size(); i++)
        {
            while (sent < toSubscribe.size() && sent - i < window)
            {
                inFlight.add(connected.send("blockchain.scripthash.subscribe", toSubscribe.get(sent).script.scriptHash()));
                sent++;
            }
            final JsonNode result = connected.await("blockchain.scripthash.subscribe", inFlight.poll());
            final String serverStatus = result.isNull() ? null : result.asText();
            final ScriptState state = toSubscribe.get(i);
            if (!Objects.equals(serverStatus, state.status))
            {
                enqueue(state);
            }
        }
    }

    private void enqueue(final ScriptState state)
    {
        if (!state.queued)
        {
            state.queued = true;
            work.add(state);
        }
    }

    private void reconcile(final ElectrumClient connected, final ScriptState state)
        throws ElectrumException, InterruptedException
    {
        final String scriptHash = state.script.scriptHash();
        final List<HistoryItem> history = ElectrumReplies.history(connected, scriptHash,
            connected.call("blockchain.scripthash.get_history", scriptHash), limits.maxHistoryItems());
        final Map<String, TransactionFetcher.TxInfo> transactions =
            fetcher.fetch(connected, scriptHash, state.script.scriptPubKey(), history);

        boolean complete = true;
        final Set<String> present = new HashSet<>();
        for (final HistoryItem item : history)
        {
            present.add(item.txid());
            WalletLedger.Entry entry = ledger.entry(item.txid(), scriptHash);
            final long amount;
            final String memo;
            if (null != entry)
            {
                amount = entry.amountSats();
                memo = entry.memo();
            }
            else
            {
                final TransactionFetcher.TxInfo tx = transactions.get(item.txid());
                amount = tx.receivedBy(state.script.scriptPubKey());
                memo = tx.memo();
            }
            if (amount <= 0)
            {
                continue;
            }
            if (null != entry && entry.confirmations() > 0 && (!item.confirmed() || item.height() != entry.height()))
            {
                complete &= emitter.reorged(entry);
                entry = ledger.entry(item.txid(), scriptHash);
            }
            // a confirmation counts only once a merkle proof backs it; until then the server is trusted
            final boolean proven = item.confirmed() && (null == entry || !entry.received() || entry.confirmations() < depth) &&
                MerkleProofs.Result.PROVEN == proofs.prove(connected, item.txid(), item.height());
            if (null == entry || !entry.received())
            {
                final int confirmations = proven ? Math.max(1, tip.height() - item.height() + 1) : 0;
                if (!emitter.received(state.script, item.txid(), amount,
                    proven ? item.height() : 0, confirmations, memo, proven))
                {
                    complete = false;
                    continue;
                }
            }
            if (item.confirmed())
            {
                complete &= maybeConfirm(state, item);
            }
        }
        for (final WalletLedger.Entry entry : ledger.entries(scriptHash))
        {
            if (present.contains(entry.txid()))
            {
                ledger.seenAgain(entry.txid(), scriptHash);
            }
            else if (entry.received() && !entry.reorged())
            {
                // gone from the server's history: double-spent, replaced or evicted, or its block
                // was replaced and it was not mined again; reported once, with its last height
                complete &= emitter.reorged(entry);
            }
        }
        state.history = history;
        state.status = complete ? ScriptHashes.status(history) : null;
        if (!complete)
        {
            scheduleRetry(state);
        }

        if (!history.isEmpty())
        {
            final List<ScriptState> added = new ArrayList<>();
            final Set<String> withPayments = new HashSet<>(ledger.scriptHashes());
            for (final WatchedScript script : watchList.markUsed(state.script))
            {
                addState(script, withPayments);
                added.add(states.get(script.scriptHash()));
            }
            if (!added.isEmpty())
            {
                subscribe(connected, added);
            }
        }
        updateBalance(connected, state);
    }

    private boolean maybeConfirm(final ScriptState state, final HistoryItem item)
    {
        final String scriptHash = state.script.scriptHash();
        final WalletLedger.Entry entry = ledger.entry(item.txid(), scriptHash);
        if (null == entry || !entry.received())
        {
            return true;
        }
        if (!proofs.isProven(item.txid(), item.height()))
        {
            return true;
        }
        final int confirmations = Math.min(depth, Math.max(1, tip.height() - item.height() + 1));
        if (confirmations <= entry.confirmations())
        {
            return true;
        }
        return emitter.confirmed(item.txid(), scriptHash, entry.address(), entry.amountSats(),
            item.height(), confirmations, entry.memo());
    }

    private void updateBalance(final ElectrumClient connected, final ScriptState state)
        throws ElectrumException, InterruptedException
    {
        state.balance = ElectrumReplies.balance(connected,
            connected.call("blockchain.scripthash.get_balance", state.script.scriptHash()));
        final String address = state.script.address();
        if (!state.balance.equals(ledger.balance(address)))
        {
            if (!emitter.balance(address, state.balance))
            {
                scheduleRetry(state);
                return;
            }
        }
        long confirmedTotal = 0;
        long unconfirmedTotal = 0;
        for (final ScriptState each : states.values())
        {
            final WalletLedger.Balance balance = null != each.balance ? each.balance : ledger.balance(each.script.address());
            confirmedTotal += balance.confirmedSats();
            unconfirmedTotal += balance.unconfirmedSats();
        }
        final WalletLedger.Balance total = new WalletLedger.Balance(confirmedTotal, unconfirmedTotal);
        if (!total.equals(ledger.balance(WalletLedger.WALLET_TOTAL)) && !emitter.balance(WalletLedger.WALLET_TOTAL, total))
        {
            scheduleRetry(state);
        }
    }

    private void scheduleRetry(final ScriptState state)
    {
        state.retry = true;
        state.status = null;
        nextRetryMs = Math.min(nextRetryMs, clock.time() + RETRY_DELAY_MS);
    }
}
