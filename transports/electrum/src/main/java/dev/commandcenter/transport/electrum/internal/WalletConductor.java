package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.transport.electrum.ElectrumWalletSource;
import dev.commandcenter.transport.electrum.ScriptHashes;
import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.electrum.WatchList;
import dev.commandcenter.transport.electrum.WatchedScript;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import dev.commandcenter.transport.electrum.client.HistoryItem;
import dev.commandcenter.transport.electrum.client.ServerAddress;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.transport.electrum.WalletLedgerFile;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.status.AtomicCounter;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionOutput;
import org.bitcoinj.script.Script;
import org.bitcoinj.script.ScriptChunk;
import org.bitcoinj.script.ScriptPattern;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The wallet source's agent: connects to a server (failing over through the list with jittered
 * backoff), negotiates protocol 1.4, subscribes to headers and to every watched script, reconciles
 * each script whose status differs from the one last processed (and, at start, every script with
 * payments in the ledger, whatever its status), and then reacts to notifications, notify-endpoint
 * triggers and keepalive deadlines. Everything it emits is checked against the {@link WalletLedger}
 * first and recorded there once the engine accepted it; a changed ledger is saved to its file at
 * the end of the duty cycle that changed it.
 * <p>
 * Connection readers (virtual threads) and the notify endpoint only hand messages to a bounded
 * inbox; a full inbox drops the connection (a reconnect resubscribes and reconciles what changed)
 * or, for notify triggers, reconciles every script. Requests to the server are awaited inside
 * {@link #doWork()}, each bounded by the request timeout.
 * <p>
 * <b>Note:</b> all state is confined to the agent's thread, except the inbox, the status snapshot,
 * the counters and the watch list's concurrent look-ups.
 */
public final class WalletConductor implements Agent, ElectrumClient.Listener
{
    /** Name of the agent (and of its thread). */
    public static final String AGENT_NAME = "cc-wallet-electrum";

    private static final int TX_CACHE_SIZE = 4096;
    private static final long RETRY_DELAY_MS = 1_000;
    private static final int MAX_MEMO_CHARS = 200;
    private static final int INBOX_DRAIN_LIMIT = 256;
    /** Status of a script not checked yet in this run although the ledger has payments to it. */
    private static final String UNCHECKED = "unchecked";

    private sealed interface Message permits ScriptNotice, TipNotice, Closed, Reconcile
    {
    }

    private record ScriptNotice(ElectrumClient client, String scriptHash, String status) implements Message
    {
    }

    private record TipNotice(ElectrumClient client, int height, String headerHex) implements Message
    {
    }

    private record Closed(ElectrumClient client, ElectrumException reason) implements Message
    {
    }

    private record Reconcile(String scriptHash) implements Message
    {
    }

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

    private record Output(byte[] script, long value)
    {
    }

    private record TxInfo(List<Output> outputs, String memo)
    {
        long receivedBy(final byte[] script)
        {
            long total = 0;
            for (final Output output : outputs)
            {
                if (Arrays.equals(output.script(), script))
                {
                    total += output.value();
                }
            }
            return total;
        }
    }

    private final List<ServerAddress> servers;
    private final WatchList watchList;
    private final WalletLedger ledger;
    private final Path ledgerFile;
    private final EventPublisher publisher;
    private final EpochClock clock;
    private final ErrorHandler errorHandler;
    private final ElectrumClient.Options clientOptions;
    private final ReconnectBackoff backoff;
    private final int depth;
    private final int inboxCapacity;
    private final long keepaliveIntervalMs;
    private final AtomicCounter stateCounter;
    private final AtomicCounter reconnectsCounter;
    private final AtomicCounter requestsInFlightCounter;
    private final AtomicCounter eventsCounter;
    private final WalletEventEncoder encoder = new WalletEventEncoder();
    private final Map<String, ScriptState> states = new LinkedHashMap<>();
    private final ManyToOneConcurrentArrayQueue<Message> inbox;
    private final ArrayDeque<ScriptState> work = new ArrayDeque<>();
    private final Map<String, TxInfo> txCache = new LinkedHashMap<>(256, 0.75f, true)
    {
        private static final long serialVersionUID = 1L;

        protected boolean removeEldestEntry(final Map.Entry<String, TxInfo> eldest)
        {
            return size() > TX_CACHE_SIZE;
        }
    };
    private final AtomicLong eventsPublished = new AtomicLong();
    private final AtomicLong inboxOverflows = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean reconcileAll;
    private volatile ElectrumClient overflowedClient;
    private volatile ElectrumClient client;
    private volatile ElectrumWalletSource.Status status;
    private int serverIndex;
    private int tip;
    private byte[] tipHash = new byte[32];
    private NetworkState lastState;
    private String lastStatusServer;
    private String lastReason;
    private long nextRetryMs = Long.MAX_VALUE;
    private long nextConnectMs;
    private long nextPingMs;
    private long nextLedgerSaveMs;
    private long savedLedgerVersion;
    private boolean connectedOnce;

    /**
     * A conductor for a concluded context.
     *
     * @param ctx concluded configuration.
     */
    public WalletConductor(final ElectrumWalletSource.Context ctx)
    {
        this.servers = ctx.serverAddresses();
        this.watchList = ctx.watchList();
        this.ledger = ctx.ledger();
        this.ledgerFile = ctx.ledgerFile();
        this.publisher = ctx.publisher();
        this.clock = ctx.epochClock();
        this.errorHandler = ctx.errorHandler();
        this.depth = ctx.confirmations();
        this.keepaliveIntervalMs = ctx.keepaliveIntervalMs();
        this.inboxCapacity = ctx.inboxCapacity();
        this.inbox = new ManyToOneConcurrentArrayQueue<>(inboxCapacity);
        this.stateCounter = ctx.counterAllocator().allocate(CounterType.WALLET_STATE, "");
        this.reconnectsCounter = ctx.counterAllocator().allocate(CounterType.WALLET_RECONNECTS, "");
        this.requestsInFlightCounter = ctx.counterAllocator().allocate(CounterType.WALLET_REQUESTS_IN_FLIGHT, "");
        this.eventsCounter = ctx.counterAllocator().allocate(CounterType.WALLET_EVENTS, "");
        this.clientOptions = new ElectrumClient.Options(
            ctx.requestTimeoutMs(), ctx.maxLineLength(), clock, ctx.tlsOptions(), requestsInFlightCounter);
        this.backoff = new ReconnectBackoff(ctx.backoffMinMs(), ctx.backoffMaxMs(), ctx.random());
        this.savedLedgerVersion = ledger.version();
        this.tip = ledger.tipHeight();
        final Set<String> withPayments = new HashSet<>(ledger.scriptHashes());
        for (final WatchedScript script : watchList.scripts())
        {
            addState(script, withPayments);
        }
        updateStatus(NetworkState.DISCONNECTED, servers.getFirst().toString(), "not connected yet");
    }

    /**
     * The watch list.
     *
     * @return the watch list.
     */
    public WatchList watchList()
    {
        return watchList;
    }

    /**
     * Current status snapshot.
     *
     * @return the status.
     */
    public ElectrumWalletSource.Status status()
    {
        return status;
    }

    /**
     * Messages dropped because the inbox was full, since start.
     *
     * @return the count.
     */
    public long inboxOverflows()
    {
        return inboxOverflows.get();
    }

    /**
     * Queue a reconcile of an address (from the notify endpoint or the application).
     *
     * @param address watched address.
     * @param ignoredStatus status reported by the daemon (the server's is authoritative).
     * @return true when the address is watched.
     */
    public boolean requestReconcile(final String address, final String ignoredStatus)
    {
        final WatchedScript script = watchList.byAddress(address);
        if (null == script)
        {
            return false;
        }
        if (!inbox.offer(new Reconcile(script.scriptHash())))
        {
            inboxOverflows.incrementAndGet();
            reconcileAll = true;
        }
        return true;
    }

    /**
     * Ask the agent to stop and close the connection, so a request it awaits fails at once; called
     * from the thread closing the source, before the agent runner is closed.
     */
    public void close()
    {
        running = false;
        final ElectrumClient current = client;
        if (null != current)
        {
            current.close();
        }
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return AGENT_NAME;
    }

    /**
     * {@inheritDoc}
     */
    public void onNotification(final ElectrumClient from, final String method, final JsonNode params)
    {
        if ("blockchain.scripthash.subscribe".equals(method) && params.isArray() && params.size() >= 2 &&
            params.get(0).isTextual())
        {
            final JsonNode statusNode = params.get(1);
            offer(from, new ScriptNotice(from, params.get(0).asText(), statusNode.isNull() ? null : statusNode.asText()));
        }
        else if ("blockchain.headers.subscribe".equals(method) && params.isArray() && params.size() >= 1)
        {
            final int height = params.get(0).path("height").asInt(-1);
            offer(from, new TipNotice(from, height, params.get(0).path("hex").asText("")));
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onClosed(final ElectrumClient from, final ElectrumException reason)
    {
        offer(from, new Closed(from, reason));
    }

    private void offer(final ElectrumClient from, final Message message)
    {
        if (!inbox.offer(message))
        {
            inboxOverflows.incrementAndGet();
            overflowedClient = from;
        }
    }

    /**
     * One duty cycle: connect when due, otherwise handle what the inbox holds, keepalives and
     * retries; then save the ledger if it changed and refresh the counters.
     *
     * @return work done (messages handled, connections made, scripts reconciled).
     * @throws InterruptedException when the agent's thread is interrupted while closing.
     */
    public int doWork() throws InterruptedException
    {
        int workCount = 0;
        if (running)
        {
            final ElectrumClient connected = client;
            try
            {
                if (null == connected)
                {
                    workCount += awaitConnect();
                }
                else
                {
                    workCount += serve(connected);
                }
            }
            catch (final ElectrumException ex)
            {
                onSessionEnd(ex);
                workCount++;
            }
            catch (final InterruptedException ex)
            {
                if (running)
                {
                    onSessionEnd(new ElectrumException(ElectrumException.Kind.CONNECTION, "interrupted", ex));
                }
                throw ex;
            }
            catch (final RuntimeException ex)
            {
                onSessionEnd(new ElectrumException(ElectrumException.Kind.PROTOCOL,
                    "unexpected failure with " + servers.get(serverIndex) + ": " + ex, ex));
                workCount++;
            }
        }
        saveLedgerIfChanged(false);
        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        running = false;
        closeClient();
        saveLedgerIfChanged(true);
        updateStatus(NetworkState.DISCONNECTED, servers.get(serverIndex).toString(), "wallet source closed");
    }

    private int awaitConnect() throws ElectrumException, InterruptedException
    {
        int workCount = 0;
        Message message;
        while (null != (message = inbox.poll()))
        {
            // notices of a closed connection are stale; a reconcile follows the connect anyway
            if (message instanceof Reconcile reconcile)
            {
                final ScriptState state = states.get(reconcile.scriptHash());
                if (null != state)
                {
                    enqueue(state);
                }
            }
            workCount++;
        }
        if (clock.time() < nextConnectMs)
        {
            return workCount;
        }
        connect(servers.get(serverIndex));
        return workCount + 1;
    }

    private void connect(final ServerAddress server) throws ElectrumException, InterruptedException
    {
        overflowedClient = null;
        final ElectrumClient connected = ElectrumClient.connect(server, clientOptions, this);
        client = connected;
        if (connectedOnce)
        {
            reconnectsCounter.increment();
        }
        connectedOnce = true;
        if (!running)
        {
            return;
        }
        final JsonNode version = connected.call("server.version", ElectrumWalletSource.CLIENT_NAME, ElectrumClient.PROTOCOL_VERSION);
        if (!version.isArray() || version.size() < 2 || !ElectrumClient.PROTOCOL_VERSION.equals(version.get(1).asText()))
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, server + " negotiated protocol " + version +
                ": expected [server, \"" + ElectrumClient.PROTOCOL_VERSION + "\"]");
        }
        final JsonNode header = connected.call("blockchain.headers.subscribe");
        final int height = header.path("height").asInt(-1);
        if (height < 0)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL,
                server + " answered blockchain.headers.subscribe without a height: " + abbreviate(header.toString()));
        }
        tip = height;
        ledger.tipHeight(tip);
        tipHash = headerHash(connected, header.path("hex").asText(""));
        subscribe(connected, new ArrayList<>(states.values()));
        drainWork(connected);
        updateConfirmations();
        backoff.reset();
        publishStatus(NetworkState.CONNECTED, server.toString(), "synchronized " + states.size() + " scripts");
        nextPingMs = clock.time() + keepaliveIntervalMs;
    }

    private int serve(final ElectrumClient connected) throws ElectrumException, InterruptedException
    {
        int workCount = 0;
        if (overflowedClient == connected)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() +
                " sent more than the wallet's inbox holds (" + inboxCapacity + " messages): connection dropped");
        }
        if (clock.time() >= nextPingMs)
        {
            connected.call("server.ping");
            nextPingMs = clock.time() + keepaliveIntervalMs;
            workCount++;
        }
        Message message;
        while (workCount < INBOX_DRAIN_LIMIT && null != (message = inbox.poll()))
        {
            handle(connected, message);
            workCount++;
        }
        if (reconcileAll)
        {
            reconcileAll = false;
            states.values().forEach(this::enqueue);
        }
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
        workCount += drainWork(connected);
        return workCount;
    }

    private void onSessionEnd(final ElectrumException ex)
    {
        final ServerAddress server = servers.get(serverIndex);
        closeClient();
        if (!running)
        {
            return;
        }
        onFailure(server, ex);
        serverIndex = (serverIndex + 1) % servers.size();
        nextConnectMs = clock.time() + backoff.nextDelayMs();
    }

    private void closeClient()
    {
        final ElectrumClient current = client;
        client = null;
        if (null != current)
        {
            current.close();
        }
    }

    private void addState(final WatchedScript script, final Set<String> withPayments)
    {
        states.put(script.scriptHash(), new ScriptState(script, withPayments.contains(script.scriptHash()) ? UNCHECKED : null));
    }

    private void saveLedgerIfChanged(final boolean force)
    {
        if (null == ledgerFile || ledger.version() == savedLedgerVersion || (!force && clock.time() < nextLedgerSaveMs))
        {
            return;
        }
        try
        {
            savedLedgerVersion = WalletLedgerFile.save(ledger, ledgerFile);
            nextLedgerSaveMs = 0;
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
            nextLedgerSaveMs = clock.time() + RETRY_DELAY_MS;
        }
    }

    private void handle(final ElectrumClient connected, final Message message) throws ElectrumException, InterruptedException
    {
        switch (message)
        {
            case Closed closed when closed.client() == connected ->
                throw null != closed.reason() ? closed.reason() :
                    new ElectrumException(ElectrumException.Kind.CONNECTION, "connection to " + connected.server() + " closed");
            case ScriptNotice notice when notice.client() == connected ->
            {
                final ScriptState state = states.get(notice.scriptHash());
                if (null != state && !Objects.equals(notice.status(), state.status))
                {
                    enqueue(state);
                }
            }
            case TipNotice notice when notice.client() == connected -> onTip(connected, notice);
            case Reconcile reconcile ->
            {
                final ScriptState state = states.get(reconcile.scriptHash());
                if (null != state)
                {
                    enqueue(state);
                }
            }
            default ->
            {
                // a message of an earlier connection
            }
        }
    }

    /**
     * A new tip: when it extends the tip known, confirmations advance; otherwise blocks were replaced,
     * and every script with confirmed history is reconciled before any confirmation is counted, so a
     * payment in a replaced block is reported reorged rather than confirmed once more.
     */
    private void onTip(final ElectrumClient connected, final TipNotice notice) throws ElectrumException, InterruptedException
    {
        if (notice.height() < 0)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL,
                connected.server() + " sent a header notification without a height");
        }
        final byte[] newHash = headerHash(connected, notice.headerHex());
        if (Arrays.equals(newHash, tipHash))
        {
            return;
        }
        final boolean extension;
        if (notice.height() == tip + 1)
        {
            extension = Arrays.equals(Arrays.copyOfRange(HexFormat.of().parseHex(notice.headerHex()), 4, 36), tipHash);
        }
        else if (notice.height() > tip + 1)
        {
            final JsonNode old = connected.call("blockchain.block.header", tip);
            extension = old.isTextual() && Arrays.equals(headerHash(connected, old.asText()), tipHash);
        }
        else
        {
            extension = false;
        }
        tip = notice.height();
        ledger.tipHeight(tip);
        tipHash = newHash;
        if (!extension)
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
            drainWork(connected);
        }
        updateConfirmations();
        refreshStatus();
    }

    private static byte[] headerHash(final ElectrumClient connected, final String headerHex) throws ElectrumException
    {
        final byte[] header;
        try
        {
            header = HexFormat.of().parseHex(headerHex);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL,
                connected.server() + " sent a block header that is not hex: " + abbreviate(headerHex));
        }
        if (header.length != 80)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() + " sent a block header of " +
                header.length + " bytes: expected 80");
        }
        return Sha256Hash.hashTwice(header);
    }

    private void subscribe(final ElectrumClient connected, final List<ScriptState> toSubscribe)
        throws ElectrumException, InterruptedException
    {
        final List<CompletableFuture<JsonNode>> futures = new ArrayList<>(toSubscribe.size());
        for (final ScriptState state : toSubscribe)
        {
            futures.add(connected.send("blockchain.scripthash.subscribe", state.script.scriptHash()));
        }
        for (int i = 0; i < toSubscribe.size(); i++)
        {
            final JsonNode result = connected.await("blockchain.scripthash.subscribe", futures.get(i));
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

    private int drainWork(final ElectrumClient connected) throws ElectrumException, InterruptedException
    {
        int reconciled = 0;
        ScriptState state;
        while (running && null != (state = work.poll()))
        {
            state.queued = false;
            reconcile(connected, state);
            reconciled++;
        }
        return reconciled;
    }

    private void reconcile(final ElectrumClient connected, final ScriptState state)
        throws ElectrumException, InterruptedException
    {
        final String scriptHash = state.script.scriptHash();
        final List<HistoryItem> history = parseHistory(connected,
            connected.call("blockchain.scripthash.get_history", scriptHash));
        for (final HistoryItem item : history)
        {
            tip = Math.max(tip, item.height());
        }
        final Map<String, TxInfo> transactions = fetchTransactions(connected, state, history);

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
                final TxInfo tx = transactions.get(item.txid());
                amount = tx.receivedBy(state.script.scriptPubKey());
                memo = tx.memo();
            }
            if (amount <= 0)
            {
                continue;
            }
            if (null != entry && entry.confirmations() > 0 && (!item.confirmed() || item.height() != entry.height()))
            {
                complete &= emitReorged(entry);
                entry = ledger.entry(item.txid(), scriptHash);
            }
            if (null == entry || !entry.received())
            {
                final int confirmations = item.confirmed() ? Math.max(1, tip - item.height() + 1) : 0;
                if (!publish(encoder.received(item.txid(), scriptHash, state.script.address(), amount,
                    Math.max(0, item.height()), confirmations, memo)))
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
                complete &= emitReorged(entry);
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

    private Map<String, TxInfo> fetchTransactions(
        final ElectrumClient connected, final ScriptState state, final List<HistoryItem> history)
        throws ElectrumException, InterruptedException
    {
        final Map<String, TxInfo> transactions = new LinkedHashMap<>();
        final List<String> needed = new ArrayList<>();
        for (final HistoryItem item : history)
        {
            final String txid = item.txid();
            if (null != ledger.entry(txid, state.script.scriptHash()) || transactions.containsKey(txid) ||
                needed.contains(txid))
            {
                continue;
            }
            final TxInfo cached = txCache.get(txid);
            if (null != cached)
            {
                transactions.put(txid, cached);
            }
            else
            {
                needed.add(txid);
            }
        }
        final List<CompletableFuture<JsonNode>> futures = new ArrayList<>(needed.size());
        for (final String txid : needed)
        {
            futures.add(connected.send("blockchain.transaction.get", txid));
        }
        for (int i = 0; i < needed.size(); i++)
        {
            final String txid = needed.get(i);
            final JsonNode result = connected.await("blockchain.transaction.get", futures.get(i));
            final TxInfo tx = parseTransaction(connected.server(), txid, result);
            txCache.put(txid, tx);
            transactions.put(txid, tx);
        }
        return transactions;
    }

    private boolean maybeConfirm(final ScriptState state, final HistoryItem item)
    {
        final String scriptHash = state.script.scriptHash();
        final WalletLedger.Entry entry = ledger.entry(item.txid(), scriptHash);
        if (null == entry || !entry.received())
        {
            return true;
        }
        final int confirmations = Math.min(depth, Math.max(1, tip - item.height() + 1));
        if (confirmations <= entry.confirmations())
        {
            return true;
        }
        return publish(encoder.confirmed(item.txid(), scriptHash, entry.address(), entry.amountSats(),
            item.height(), confirmations, entry.memo()));
    }

    private boolean emitReorged(final WalletLedger.Entry entry)
    {
        return publish(encoder.reorged(entry.txid(), entry.scriptHash(), entry.address(), entry.amountSats(), entry.height()));
    }

    private void updateConfirmations()
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

    private void updateBalance(final ElectrumClient connected, final ScriptState state)
        throws ElectrumException, InterruptedException
    {
        final JsonNode result = connected.call("blockchain.scripthash.get_balance", state.script.scriptHash());
        if (!result.path("confirmed").canConvertToLong() || !result.path("unconfirmed").canConvertToLong())
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() +
                " answered blockchain.scripthash.get_balance with " + abbreviate(result.toString()) +
                ": expected {\"confirmed\": sats, \"unconfirmed\": sats}");
        }
        state.balance = new WalletLedger.Balance(result.get("confirmed").asLong(), result.get("unconfirmed").asLong());
        final String address = state.script.address();
        if (!state.balance.equals(ledger.balance(address)))
        {
            if (!publish(encoder.balance(address, state.balance.confirmedSats(), state.balance.unconfirmedSats())))
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
        if (!total.equals(ledger.balance(WalletLedger.WALLET_TOTAL)) &&
            !publish(encoder.balance(WalletLedger.WALLET_TOTAL, confirmedTotal, unconfirmedTotal)))
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
        eventsPublished.incrementAndGet();
        eventsCounter.increment();
        refreshStatus();
        return true;
    }

    private void onFailure(final ServerAddress server, final ElectrumException ex)
    {
        errorHandler.onError(ex);
        final NetworkState state = switch (ex.kind())
        {
            case CONNECTION, TLS -> NetworkState.DISCONNECTED;
            case PROTOCOL, SERVER_ERROR, TIMEOUT -> NetworkState.DEGRADED;
        };
        publishStatus(state, server.toString(), ex.getMessage());
    }

    private void publishStatus(final NetworkState state, final String server, final String reason)
    {
        updateStatus(state, server, reason);
        if (state == lastState && server.equals(lastStatusServer) && reason.equals(lastReason))
        {
            return;
        }
        lastState = state;
        lastStatusServer = server;
        lastReason = reason;
        final long sequence = publisher.publish(Sources.WALLET, encoder.buffer(), 0,
            encoder.networkStatus(state, tip, server, reason));
        if (sequence >= 0)
        {
            eventsPublished.incrementAndGet();
            eventsCounter.increment();
            refreshStatus();
        }
    }

    private void updateStatus(final NetworkState state, final String server, final String reason)
    {
        final ElectrumWalletSource.Status previous = status;
        status = new ElectrumWalletSource.Status(state, server, tip, reason, watchList.size(), eventsPublished.get());
        if (null == previous || previous.state() != state || !previous.server().equals(server))
        {
            stateCounter.setRelease(state.ordinal());
            stateCounter.updateLabel(CounterType.WALLET_STATE.label() + ": " + state.name() + " " + server);
        }
    }

    private void refreshStatus()
    {
        final ElectrumWalletSource.Status current = status;
        status = new ElectrumWalletSource.Status(current.state(), current.server(), tip, current.reason(),
            watchList.size(), eventsPublished.get());
    }

    private static List<HistoryItem> parseHistory(final ElectrumClient connected, final JsonNode result)
        throws ElectrumException
    {
        if (!result.isArray())
        {
            throw malformedHistory(connected, result);
        }
        final List<HistoryItem> items = new ArrayList<>(result.size());
        for (final JsonNode node : result)
        {
            final JsonNode txid = node.path("tx_hash");
            final JsonNode height = node.path("height");
            if (!txid.isTextual() || !isHash(txid.asText()) || !height.canConvertToInt())
            {
                throw malformedHistory(connected, result);
            }
            items.add(new HistoryItem(txid.asText(), height.asInt()));
        }
        return items;
    }

    private static ElectrumException malformedHistory(final ElectrumClient connected, final JsonNode result)
    {
        return new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() +
            " answered blockchain.scripthash.get_history with " + abbreviate(result.toString()) +
            ": expected [{\"tx_hash\": hex, \"height\": int}, ...]");
    }

    private static TxInfo parseTransaction(final ServerAddress server, final String txid, final JsonNode result)
        throws ElectrumException
    {
        final Transaction tx;
        try
        {
            if (!result.isTextual())
            {
                throw new IllegalArgumentException("not a hex string");
            }
            tx = Transaction.read(ByteBuffer.wrap(HexFormat.of().parseHex(result.asText())));
        }
        catch (final RuntimeException ex)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, server + " sent transaction " + txid +
                " that does not parse (" + ex.getMessage() + "): expected raw transaction hex");
        }
        if (!tx.getTxId().toString().equals(txid))
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, server + " sent transaction " + tx.getTxId() +
                " when " + txid + " was asked");
        }
        final List<Output> outputs = new ArrayList<>(tx.getOutputs().size());
        String memo = "";
        for (final TransactionOutput output : tx.getOutputs())
        {
            final byte[] script = output.getScriptBytes();
            outputs.add(new Output(script, output.getValue().value));
            if (memo.isEmpty())
            {
                memo = memo(script);
            }
        }
        return new TxInfo(outputs, memo);
    }

    /**
     * Text of an OP_RETURN output when it is printable UTF-8, the way wallets attach a message.
     *
     * @param scriptBytes output script.
     * @return the memo, or empty.
     */
    static String memo(final byte[] scriptBytes)
    {
        try
        {
            final Script script = Script.parse(scriptBytes);
            if (!ScriptPattern.isOpReturn(script))
            {
                return "";
            }
            final ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (final ScriptChunk chunk : script.chunks())
            {
                if (null != chunk.data)
                {
                    data.writeBytes(chunk.data);
                }
            }
            final CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(data.toByteArray()));
            final String text = chars.toString().strip();
            for (int i = 0; i < text.length(); i++)
            {
                if (Character.isISOControl(text.charAt(i)))
                {
                    return "";
                }
            }
            return text.length() <= MAX_MEMO_CHARS ? text : text.substring(0, MAX_MEMO_CHARS);
        }
        catch (final CharacterCodingException | RuntimeException ex)
        {
            return "";
        }
    }

    private static boolean isHash(final String hex)
    {
        if (hex.length() != 64)
        {
            return false;
        }
        for (int i = 0; i < 64; i++)
        {
            final char c = hex.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(final String text)
    {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
