package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.transport.electrum.ElectrumWalletSource;
import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.electrum.WatchList;
import dev.commandcenter.transport.electrum.WatchedScript;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import dev.commandcenter.transport.electrum.client.ServerAddress;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.List;

/**
 * The wallet source's agent: connects to a server (failing over through the list with jittered
 * backoff), negotiates protocol 1.4, subscribes to headers and to every watched script, has the
 * {@link ScriptReconciler} reconcile each script whose status differs from the one last processed (and,
 * at start, every script with payments in the ledger, whatever its status), and then reacts to
 * notifications, notify-endpoint triggers and keepalive deadlines. Everything emitted goes through the
 * {@link WalletEmitter}, which checks it against the {@link WalletLedger} and records it there once the
 * engine accepted it; a changed ledger is saved to its file at the end of the duty cycle that changed it.
 * <p>
 * Connection readers (virtual threads) and the notify endpoint only hand messages to the bounded
 * {@link ConductorInbox}: header notifications coalesce to the latest tip, script notifications to the set of
 * changed watched scripts, and a full trigger queue reconciles every script. Requests to the server are awaited
 * inside {@link #doWork()}, each bounded by the request timeout, at most {@code maxRequestsInFlight} at a time;
 * a server passing a bound (line length, history length, transaction size) is dropped and the next one tried.
 * Any other failure of a duty cycle, an Error included, restarts the conductor: the connection is dropped, the
 * failure reported and counted, and after the backoff every script is reconciled on the next server.
 * <p>
 * <b>Note:</b> all state is confined to the agent's thread, except the inbox, the status snapshot,
 * the counters and the watch list's concurrent look-ups.
 */
public final class WalletConductor implements Agent
{
    /** Name of the agent (and of its thread). */
    public static final String AGENT_NAME = "cc-wallet-electrum";

    private static final int INBOX_DRAIN_LIMIT = 256;
    /** Merkle proofs remembered; one is proven again when forgotten. */
    private static final int PROOFS_CAPACITY = 65_536;

    private final List<ServerAddress> servers;
    private final WatchList watchList;
    private final EpochClock clock;
    private final ElectrumClient.Options clientOptions;
    private final ReconnectBackoff backoff;
    private final long keepaliveIntervalMs;
    private final AtomicCounter reconnectsCounter;
    private final AtomicCounter restartsCounter;
    private final LimitCounters limits;
    private final ConductorInbox inbox;
    private final ChainTip tip;
    private final WalletHealth health;
    private final ErrorHandler errorHandler;
    private final WalletEmitter emitter;
    private final ScriptReconciler reconciler;
    private final LedgerSaver ledgerSaver;
    private volatile boolean running = true;
    private volatile boolean historySynced;
    private volatile ElectrumClient client;
    private int serverIndex;
    private long nextConnectMs;
    private long nextPingMs;
    private boolean connectedOnce;
    private boolean reconcileAllOnConnect;

    /**
     * A conductor for a concluded context.
     *
     * @param ctx concluded configuration.
     */
    public WalletConductor(final ElectrumWalletSource.Context ctx)
    {
        final WalletLedger ledger = ctx.ledger();
        this.servers = ctx.serverAddresses();
        this.watchList = ctx.watchList();
        this.clock = ctx.epochClock();
        this.errorHandler = ctx.errorHandler();
        this.keepaliveIntervalMs = ctx.keepaliveIntervalMs();
        final AtomicCounter stateCounter = ctx.counterAllocator().allocate(CounterType.WALLET_STATE, "");
        this.reconnectsCounter = ctx.counterAllocator().allocate(CounterType.WALLET_RECONNECTS, "");
        this.restartsCounter = ctx.counterAllocator().allocate(CounterType.WALLET_CONDUCTOR_RESTARTS, "");
        this.limits = new LimitCounters(ctx.counterAllocator());
        this.inbox = new ConductorInbox(ctx.inboxCapacity(), watchList, limits, errorHandler);
        final AtomicCounter requestsInFlightCounter =
            ctx.counterAllocator().allocate(CounterType.WALLET_REQUESTS_IN_FLIGHT, "");
        final AtomicCounter eventsCounter = ctx.counterAllocator().allocate(CounterType.WALLET_EVENTS, "");
        this.clientOptions = new ElectrumClient.Options(
            ctx.requestTimeoutMs(), ctx.maxLineLength(), clock, ctx.tlsOptions(), requestsInFlightCounter);
        this.backoff = new ReconnectBackoff(ctx.backoffMinMs(), ctx.backoffMaxMs(), ctx.random());
        this.ledgerSaver = new LedgerSaver(ledger, ctx.ledgerFile(), clock, errorHandler);
        final AtomicCounter liesCounter = ctx.counterAllocator().allocate(CounterType.WALLET_SERVER_LIES, "");
        final HeaderChain headers = new HeaderChain(ctx.network(), ctx.headerWindow(), ctx.maxReorgDepth(),
            Math.max(1, Math.min(ctx.headersPerRequest(), (ctx.maxLineLength() - 256) / (HeaderChain.HEADER_LENGTH * 2))),
            liesCounter, errorHandler);
        this.tip = new ChainTip(ledger, headers);
        this.health = new WalletHealth(watchList, tip, stateCounter, eventsCounter, restartsCounter);
        this.emitter = new WalletEmitter(ctx.publisher(), ledger, errorHandler, tip, health, ctx.paymentMemos(), clock);
        this.reconciler = new ScriptReconciler(watchList, ledger, tip, emitter, clock, ctx.confirmations(),
            new ServerLimits(ctx.maxHistoryItems(), ctx.maxRequestsInFlight(), ctx.maxTransactionBytes(),
            ctx.txCacheBytes(), limits), new MerkleProofs(headers, PROOFS_CAPACITY));
        health.update(NetworkState.DISCONNECTED, servers.getFirst().toString(), "not connected yet");
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
     * Whether the history of every watched script was read once since start: true after the first connection's
     * reconcile of every script whose status differed, and from then on.
     *
     * @return true once synced.
     */
    public boolean historySynced()
    {
        return historySynced;
    }

    /**
     * Current status snapshot.
     *
     * @return the status.
     */
    public ElectrumWalletSource.Status status()
    {
        return health.status();
    }

    /**
     * Messages dropped because the inbox was full, since start.
     *
     * @return the count.
     */
    public long inboxOverflows()
    {
        return inbox.overflows();
    }

    /**
     * Trips of one of the bounds held against servers, since start.
     *
     * @param limit name of the bound, such as {@code maxHistoryItems} or {@code notificationsCoalesced}.
     * @return the count, 0 for an unknown name.
     */
    public long limitTrips(final String limit)
    {
        return limits.trips(limit);
    }

    /**
     * Messages the inbox holds now, bounded whatever a server sends.
     *
     * @return the count.
     */
    public int inboxSize()
    {
        return inbox.size();
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
        inbox.offerReconcile(script.scriptHash());
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
     * One duty cycle: connect when due, otherwise handle what the inbox holds, keepalives and
     * retries; then save the ledger if it changed.
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
            catch (final RuntimeException | Error ex)
            {
                onConductorFailure(ex);
                workCount++;
            }
        }
        try
        {
            ledgerSaver.saveIfChanged(false);
        }
        catch (final RuntimeException | Error ex)
        {
            onConductorFailure(ex);
            workCount++;
        }
        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        running = false;
        closeClient();
        ledgerSaver.saveIfChanged(true);
        health.update(NetworkState.DISCONNECTED, servers.get(serverIndex).toString(), "wallet source closed");
    }

    private int awaitConnect() throws ElectrumException, InterruptedException
    {
        int workCount = 0;
        ConductorInbox.Message message;
        while (null != (message = inbox.poll()))
        {
            // notices of a closed connection are stale; a reconcile follows the connect anyway
            if (message instanceof ConductorInbox.Reconcile reconcile)
            {
                reconciler.enqueue(reconcile.scriptHash());
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
        inbox.clearOverflow();
        inbox.discardNotices();
        final ElectrumClient connected = ElectrumClient.connect(server, clientOptions, inbox);
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
        ElectrumReplies.checkVersion(server,
            connected.call("server.version", ElectrumWalletSource.CLIENT_NAME, ElectrumClient.PROTOCOL_VERSION));
        final JsonNode header = connected.call("blockchain.headers.subscribe");
        if (ChainTip.Move.REPLACED == tip.reset(connected, ElectrumReplies.tipHeight(server, header), header.path("hex").asText("")))
        {
            reconciler.enqueueConfirmed();
        }
        reconciler.subscribeAll(connected);
        if (reconcileAllOnConnect)
        {
            // after a failure of the conductor a script may have been left half reconciled: check them all
            reconciler.enqueueAll();
            reconcileAllOnConnect = false;
        }
        drainWork(connected);
        if (running)
        {
            // every script's status was compared with the server's and each one that differed was reconciled
            historySynced = true;
        }
        reconciler.updateConfirmations();
        backoff.reset();
        emitter.networkStatus(NetworkState.CONNECTED, server.toString(), "synchronized " + reconciler.scripts() + " scripts");
        nextPingMs = clock.time() + keepaliveIntervalMs;
    }

    private int serve(final ElectrumClient connected) throws ElectrumException, InterruptedException
    {
        int workCount = 0;
        if (inbox.overflowedBy(connected))
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, connected.server() +
                " sent more than the wallet's inbox holds (" + inbox.capacity() + " messages): connection dropped");
        }
        if (clock.time() >= nextPingMs)
        {
            connected.call("server.ping");
            nextPingMs = clock.time() + keepaliveIntervalMs;
            workCount++;
        }
        ConductorInbox.Message message;
        while (workCount < INBOX_DRAIN_LIMIT && null != (message = inbox.poll()))
        {
            handle(connected, message);
            workCount++;
        }
        final ConductorInbox.TipNotice tipNotice = inbox.takeTip();
        if (null != tipNotice)
        {
            handle(connected, tipNotice);
            workCount++;
        }
        while (workCount < INBOX_DRAIN_LIMIT && null != (message = inbox.takeScriptNotice()))
        {
            handle(connected, message);
            workCount++;
        }
        if (inbox.takeReconcileAll())
        {
            reconciler.enqueueAll();
        }
        reconciler.enqueueRetriesDue();
        workCount += drainWork(connected);
        return workCount;
    }

    private void handle(final ElectrumClient connected, final ConductorInbox.Message message)
        throws ElectrumException, InterruptedException
    {
        switch (message)
        {
            case ConductorInbox.Closed closed when closed.client() == connected ->
                throw null != closed.reason() ? closed.reason() :
                    new ElectrumException(ElectrumException.Kind.CONNECTION, "connection to " + connected.server() + " closed");
            case ConductorInbox.ScriptNotice notice when notice.client() == connected ->
                reconciler.onStatus(notice.scriptHash(), notice.status());
            case ConductorInbox.TipNotice notice when notice.client() == connected -> onTip(connected, notice);
            case ConductorInbox.Reconcile reconcile -> reconciler.enqueue(reconcile.scriptHash());
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
    private void onTip(final ElectrumClient connected, final ConductorInbox.TipNotice notice)
        throws ElectrumException, InterruptedException
    {
        final ChainTip.Move move = tip.advance(connected, notice.height(), notice.headerHex());
        if (ChainTip.Move.SAME == move)
        {
            return;
        }
        if (ChainTip.Move.REPLACED == move)
        {
            reconciler.enqueueConfirmed();
        }
        reconciler.enqueueUnproven();
        drainWork(connected);
        reconciler.updateConfirmations();
        health.refresh();
    }

    private int drainWork(final ElectrumClient connected) throws ElectrumException, InterruptedException
    {
        int reconciled = 0;
        while (running && reconciler.reconcileNext(connected))
        {
            reconciled++;
        }
        return reconciled;
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

    /**
     * Anything else the duty cycle threw, an Error included: the conductor is restarted. The connection is
     * dropped, the failure is reported (naming the server) and counted, the status says so, and after the
     * backoff the next server is tried and every script is reconciled again.
     */
    private void onConductorFailure(final Throwable ex)
    {
        final ServerAddress server = servers.get(serverIndex);
        closeClient();
        if (!running)
        {
            return;
        }
        restartsCounter.increment();
        reconcileAllOnConnect = true;
        final long delayMs = backoff.nextDelayMs();
        final ElectrumException failure = new ElectrumException(ElectrumException.Kind.PROTOCOL,
            "wallet conductor failed with " + server + " (" + oneLine(ex) + "): restarting in " + delayMs + " ms", ex);
        onFailure(server, failure);
        serverIndex = (serverIndex + 1) % servers.size();
        nextConnectMs = clock.time() + delayMs;
    }

    private static String oneLine(final Throwable ex)
    {
        final String text = String.valueOf(ex).replace('\n', ' ').replace('\r', ' ');
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private void onFailure(final ServerAddress server, final ElectrumException ex)
    {
        if (null != ex.limit())
        {
            limits.trip(ex.limit());
        }
        errorHandler.onError(ex);
        final NetworkState state = switch (ex.kind())
        {
            case CONNECTION, TLS -> NetworkState.DISCONNECTED;
            case PROTOCOL, SERVER_ERROR, TIMEOUT -> NetworkState.DEGRADED;
        };
        emitter.networkStatus(state, server.toString(), ex.getMessage());
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
}
