package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.transport.electrum.internal.ConductorRunner;
import dev.commandcenter.transport.electrum.internal.NotifyEndpoint;
import dev.commandcenter.transport.electrum.internal.WalletConductor;
import dev.commandcenter.engine.counters.CounterAllocator;
import org.agrona.BitUtil;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Turns payments to a creator's Bitcoin addresses into engine events through the Electrum protocol:
 * TransactionReceived, TransactionConfirmed (up to the configured depth), TransactionReorged,
 * WalletBalance and NetworkStatus, all published with source {@code Sources.WALLET}. Each payment
 * is emitted exactly once: the {@link WalletLedger} records what was emitted and is saved to its own
 * file ({@link WalletLedgerFile}), reconnects reconcile each script's history against it, and at
 * start every script with payments in the ledger is reconciled, so a restart emits nothing twice and
 * reports what changed while it was stopped.
 * <pre>{@code
 * Path file = WalletLedgerFile.in(dataDir);
 * WalletLedger ledger = Files.exists(file) ? WalletLedgerFile.load(file) : new WalletLedger();
 * try (ElectrumWalletSource wallet = ElectrumWalletSource.launch(new ElectrumWalletSource.Context()
 *     .network(WalletNetwork.MAINNET).servers(List.of("ssl://electrum.example.org:50002"))
 *     .xpubs(List.of("zpub6r...")).publisher(engine.publisher()).ledger(ledger).ledgerFile(file)
 *     .errorHandler(engine.errorHandler()).counterAllocator(engine.counters())))
 * {
 *     ...
 * }
 * }</pre>
 * The conductor is an Agrona {@link Agent} run by an {@link AgentRunner} with the configured idle
 * strategy, or by the caller through {@link #agentInvoker()} when the context asks for an invoker.
 * <p>
 * <b>Note:</b> start and close from one thread; {@link #status()} is thread safe.
 */
public final class ElectrumWalletSource implements AutoCloseable
{
    /** Client name sent in {@code server.version}. */
    public static final String CLIENT_NAME = "commandcenter";

    /**
     * Health of the source.
     *
     * @param state           connection state.
     * @param server          server in use or last tried.
     * @param tipHeight       last known chain tip.
     * @param reason          why the state is what it is, one line.
     * @param watchedScripts  scripts watched (addresses, derived ones included).
     * @param eventsPublished   wallet events published since start.
     * @param conductorRestarts times the conductor failed and was restarted since start.
     */
    public record Status(
        NetworkState state,
        String server,
        int tipHeight,
        String reason,
        int watchedScripts,
        long eventsPublished,
        long conductorRestarts)
    {
    }

    private final Context ctx;
    private final WalletConductor conductor;
    private final ConductorRunner runner;
    private volatile NotifyEndpoint notifyEndpoint;
    private boolean started;
    private volatile boolean closed;

    private ElectrumWalletSource(final Context ctx)
    {
        this.ctx = ctx;
        this.conductor = new WalletConductor(ctx);
        this.runner = new ConductorRunner(conductor, ctx.errorHandler(), ctx.idleStrategy(), ctx.useAgentInvoker());
    }

    /**
     * Conclude a context and create a source, not yet started.
     *
     * @param ctx configuration; concluded here.
     * @return the source.
     * @throws IllegalArgumentException naming a wrong setting.
     */
    public static ElectrumWalletSource create(final Context ctx)
    {
        ctx.conclude();
        return new ElectrumWalletSource(ctx);
    }

    /**
     * Create and start a source.
     *
     * @param ctx configuration; concluded here.
     * @return the running source.
     */
    public static ElectrumWalletSource launch(final Context ctx)
    {
        final ElectrumWalletSource source = create(ctx);
        source.start();
        return source;
    }

    /**
     * Start connecting (and judging notify callbacks when enabled). The ledger should hold every
     * journaled wallet event before this is called.
     */
    public void start()
    {
        if (started)
        {
            throw new IllegalStateException("wallet source already started");
        }
        started = true;
        if (ctx.notifyEnabled())
        {
            notifyEndpoint = new NotifyEndpoint(ctx.notifyToken(), conductor::requestReconcile);
        }
        runner.start();
    }

    /**
     * The invoker that runs the conductor's duty cycles on the caller's thread, when the context
     * asked for one ({@link Context#useAgentInvoker(boolean)}); tests drive the source with it.
     *
     * @return the invoker, or null when the conductor has its own thread.
     */
    public AgentInvoker agentInvoker()
    {
        return runner.invoker();
    }

    /**
     * Messages dropped since start because the conductor's bounded inbox was full.
     *
     * @return the count.
     */
    public long inboxOverflows()
    {
        return conductor.inboxOverflows();
    }

    /**
     * Trips of one of the bounds held against Electrum servers since start (also counted in the
     * {@code wallet limit trips} counters).
     *
     * @param limit name of the bound: {@code maxLineLength}, {@code maxHistoryItems}, {@code maxTransactionBytes},
     *              {@code maxRequestsInFlight}, {@code unknownReplyId}, {@code headerSize}, {@code unknownScriptHash}
     *              or {@code notificationsCoalesced}.
     * @return the count, 0 for an unknown name.
     */
    public long limitTrips(final String limit)
    {
        return conductor.limitTrips(limit);
    }

    /**
     * Messages the conductor's inbox holds now: bounded by its capacity, one tip and the watched scripts,
     * whatever a server sends.
     *
     * @return the count.
     */
    public int inboxSize()
    {
        return conductor.inboxSize();
    }

    /**
     * Health for status pages and the CLI.
     *
     * @return the current status.
     */
    public Status status()
    {
        return conductor.status();
    }

    /**
     * The ledger of what this source has announced: payments with their confirmations, balances, the tip.
     *
     * @return the ledger (thread safe).
     */
    public WalletLedger ledger()
    {
        return ctx.ledger();
    }

    /**
     * The network the source watches.
     *
     * @return the network.
     */
    public WalletNetwork network()
    {
        return ctx.network();
    }

    /**
     * The watch list in use (it grows as derived addresses get used).
     *
     * @return the watch list.
     */
    public WatchList watchList()
    {
        return conductor.watchList();
    }

    /**
     * Whether the wallet has read the history of every watched script once since start (volatile): until then an
     * address may have history the wallet does not know of yet, so the tip page gives none out.
     *
     * @return true after the first complete reconcile of every watched script.
     */
    public boolean historySynced()
    {
        return conductor.historySynced();
    }

    /**
     * Ask for an address to be reconciled now, as the daemon's notify callback does.
     *
     * @param address a watched address.
     * @return true when the address is watched.
     */
    public boolean reconcile(final String address)
    {
        return conductor.requestReconcile(address, null);
    }

    /**
     * What a notify callback gets back.
     *
     * @param status  HTTP status: 200, or 400, 401, 404, 405, 413 with the reason.
     * @param message one line; never contains the token.
     */
    public record NotifyReply(int status, String message)
    {
    }

    /**
     * Judge one notify callback of the Electrum daemon, as the application's web server received it: a POST with the
     * notify secret as its {@code token} query parameter and {@code {"address": "…", "status": "…"}} as its body.
     * A good one queues a reconcile of the address.
     *
     * @param method HTTP method.
     * @param token  the {@code token} query parameter, or null.
     * @param body   the body.
     * @return the status and message to answer with; 404 when notify is disabled or the source not started.
     */
    public NotifyReply onNotifyRequest(final String method, final String token, final byte[] body)
    {
        final NotifyEndpoint endpoint = notifyEndpoint;
        return null == endpoint || closed ?
            new NotifyReply(404, "the wallet notify callback is disabled: expected wallet.notify.enabled: true") :
            endpoint.handle(method, token, body);
    }

    /**
     * URL to give the Electrum daemon's {@code notify} command, token included (a secret: show it
     * to the user, do not log it).
     *
     * @param baseUrl where the application's web server serves {@code path}, such as {@code http://127.0.0.1:7300}.
     * @param path    the path it routes to {@link #onNotifyRequest}.
     * @return the URL, or null when notify is disabled or the source not started.
     */
    public String notifyUrl(final String baseUrl, final String path)
    {
        return null == notifyEndpoint ? null :
            baseUrl + path + "?token=" + URLEncoder.encode(ctx.notifyToken(), StandardCharsets.UTF_8);
    }

    /**
     * Stop: close the connection, refuse notify callbacks and wait (bounded) for the thread to end.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        runner.close();
    }

    /**
     * Configuration of a wallet source; the YAML keys under {@code wallet:} are named on each setter.
     * Defaults come from the named constants; {@link #conclude()} validates and may be called once. The
     * settings of the servers and of the notify endpoint are the {@link ElectrumConnectionContext}'s.
     */
    public static final class Context extends ElectrumConnectionContext<Context>
    {
        /** Default confirmations after which updates stop ({@code wallet.confirmations}). */
        public static final int CONFIRMATIONS_DEFAULT = 6;
        /** Default count of validated block headers kept ({@code wallet.electrum.headerWindow}): one retarget period. */
        public static final int HEADER_WINDOW_DEFAULT = 2016;
        /** Default deepest fork a replacing chain may have ({@code wallet.electrum.maxReorgDepth}). */
        public static final int MAX_REORG_DEPTH_DEFAULT = 100;
        /** Default and most headers asked for in one {@code blockchain.block.headers} request (the protocol's limit). */
        public static final int HEADERS_PER_REQUEST_DEFAULT = 2016;
        /** Default capacity of the conductor's queue of closes and reconcile triggers (notifications coalesce beside it). */
        public static final int INBOX_CAPACITY_DEFAULT = 4096;
        /** Longest park of the default idle strategy, in nanoseconds (1 ms). */
        public static final long IDLE_MAX_PARK_NS_DEFAULT = 1_000_000;

        private boolean concluded;
        private WalletNetwork network = WalletNetwork.MAINNET;
        private List<String> addresses = new ArrayList<>();
        private List<String> xpubs = new ArrayList<>();
        private int gapLimit = WatchList.GAP_LIMIT_DEFAULT;
        private int confirmations = CONFIRMATIONS_DEFAULT;
        private int headerWindow = HEADER_WINDOW_DEFAULT;
        private int maxReorgDepth = MAX_REORG_DEPTH_DEFAULT;
        private int headersPerRequest = HEADERS_PER_REQUEST_DEFAULT;
        private EventPublisher publisher;
        private WalletLedger ledger;
        private Path ledgerFile;
        private CounterAllocator counterAllocator;
        private IdleStrategy idleStrategy;
        private boolean useAgentInvoker;
        private int inboxCapacity = INBOX_CAPACITY_DEFAULT;
        private EpochClock epochClock = SystemEpochClock.INSTANCE;
        private RandomGenerator random;
        private ErrorHandler errorHandler;
        private WatchList watchList;
        private PaymentMemos paymentMemos = PaymentMemos.NONE;

        /**
         * Validate the configuration and build the watch list.
         *
         * @return this.
         * @throws IllegalStateException    if called twice.
         * @throws IllegalArgumentException naming the first wrong setting and what was expected.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            concluded = true;
            if (null == publisher)
            {
                throw new IllegalArgumentException("wallet: expected an EventPublisher (the engine's publisher)");
            }
            if (null == errorHandler)
            {
                throw new IllegalArgumentException("wallet: expected an ErrorHandler (the engine's error handler)");
            }
            if (!BitUtil.isPowerOfTwo(inboxCapacity) || inboxCapacity < 16)
            {
                throw new IllegalArgumentException("wallet inbox capacity: expected a power of two of 16 or more, got " +
                    inboxCapacity);
            }
            concludeServers();
            if ((null == addresses || addresses.isEmpty()) && (null == xpubs || xpubs.isEmpty()))
            {
                throw new IllegalArgumentException("wallet.watch: expected at least one address (wallet.watch.addresses) " +
                    "or extended public key (wallet.watch.xpubs)");
            }
            requireRange("wallet.confirmations", confirmations, 1, 1000);
            requireRange("wallet.electrum.headerWindow", headerWindow, 144, 100_000);
            requireRange("wallet.electrum.maxReorgDepth", maxReorgDepth, 1, headerWindow - 1);
            requireRange("wallet.electrum.headersPerRequest", headersPerRequest, 1, HEADERS_PER_REQUEST_DEFAULT);
            concludeConnection();
            watchList = WatchList.create(network, null == addresses ? List.of() : addresses,
                null == xpubs ? List.of() : xpubs, gapLimit);
            if (null == ledger)
            {
                ledger = new WalletLedger();
            }
            if (null == random)
            {
                random = new SplittableRandom();
            }
            if (null == idleStrategy)
            {
                idleStrategy = new BackoffIdleStrategy(1, 10, 1_000, IDLE_MAX_PARK_NS_DEFAULT);
            }
            if (null == counterAllocator)
            {
                final CountersManager counters = new CountersManager(
                    new UnsafeBuffer(new byte[64 * CountersReader.METADATA_LENGTH]), new UnsafeBuffer(new byte[64 * CountersReader.COUNTER_LENGTH]));
                counterAllocator = (type, suffix) -> counters.newCounter(
                    suffix.isEmpty() ? type.label() : type.label() + ": " + suffix, type.id());
            }
            return this;
        }

        /**
         * Network of the watched addresses ({@code wallet.network}).
         *
         * @param network mainnet, testnet, signet or regtest.
         * @return this.
         */
        public Context network(final String network)
        {
            this.network = WalletNetwork.parse(network);
            return this;
        }

        /**
         * Network of the watched addresses.
         *
         * @param network the network.
         * @return this.
         */
        public Context network(final WalletNetwork network)
        {
            this.network = network;
            return this;
        }

        /**
         * Network of the watched addresses.
         *
         * @return the network.
         */
        public WalletNetwork network()
        {
            return network;
        }

        /**
         * Addresses to watch ({@code wallet.watch.addresses}): P2PKH, P2SH, P2WPKH, P2WSH or P2TR of the network.
         *
         * @param addresses address strings.
         * @return this.
         */
        public Context addresses(final List<String> addresses)
        {
            this.addresses = new ArrayList<>(addresses);
            return this;
        }

        /**
         * Addresses to watch.
         *
         * @return the configured addresses.
         */
        public List<String> addresses()
        {
            return addresses;
        }

        /**
         * Extended public keys to watch ({@code wallet.watch.xpubs}): xpub/ypub/zpub on mainnet,
         * tpub/upub/vpub elsewhere, optionally prefixed {@code p2pkh:}, {@code p2sh-p2wpkh:} or {@code p2wpkh:}.
         *
         * @param xpubs account-level keys.
         * @return this.
         */
        public Context xpubs(final List<String> xpubs)
        {
            this.xpubs = new ArrayList<>(xpubs);
            return this;
        }

        /**
         * Extended public keys to watch.
         *
         * @return the configured keys.
         */
        public List<String> xpubs()
        {
            return xpubs;
        }

        /**
         * Unused addresses watched past the last used one on each chain ({@code wallet.gapLimit}).
         *
         * @param gapLimit 1 or more.
         * @return this.
         */
        public Context gapLimit(final int gapLimit)
        {
            this.gapLimit = gapLimit;
            return this;
        }

        /**
         * Gap limit.
         *
         * @return the gap limit.
         */
        public int gapLimit()
        {
            return gapLimit;
        }

        /**
         * Confirmation count up to which TransactionConfirmed updates are emitted ({@code wallet.confirmations}).
         *
         * @param confirmations 1 or more.
         * @return this.
         */
        public Context confirmations(final int confirmations)
        {
            this.confirmations = confirmations;
            return this;
        }

        /**
         * Confirmation depth.
         *
         * @return the depth.
         */
        public int confirmations()
        {
            return confirmations;
        }

        /**
         * Validated block headers kept ({@code wallet.electrum.headerWindow}): payments confirmed deeper than this
         * below the tip when first seen cannot be proven and stay reported unverified.
         *
         * @param headers 144 to 100000.
         * @return this.
         */
        public Context headerWindow(final int headers)
        {
            this.headerWindow = headers;
            return this;
        }

        /**
         * Validated block headers kept.
         *
         * @return the count.
         */
        public int headerWindow()
        {
            return headerWindow;
        }

        /**
         * Deepest fork a chain announced by a server may have to replace the headers held
         * ({@code wallet.electrum.maxReorgDepth}); a deeper one is refused as a lie (or, on connecting, the wallet
         * starts over from the new server's tip).
         *
         * @param depth 1 to headerWindow - 1.
         * @return this.
         */
        public Context maxReorgDepth(final int depth)
        {
            this.maxReorgDepth = depth;
            return this;
        }

        /**
         * Deepest fork a replacing chain may have.
         *
         * @return the depth in blocks.
         */
        public int maxReorgDepth()
        {
            return maxReorgDepth;
        }

        /**
         * Most headers asked for in one {@code blockchain.block.headers} request
         * ({@code wallet.electrum.headersPerRequest}).
         *
         * @param count 1 to 2016.
         * @return this.
         */
        public Context headersPerRequest(final int count)
        {
            this.headersPerRequest = count;
            return this;
        }

        /**
         * Most headers asked for in one request.
         *
         * @return the count.
         */
        public int headersPerRequest()
        {
            return headersPerRequest;
        }

        /**
         * Where events are published (the engine's publisher).
         *
         * @param publisher the publisher.
         * @return this.
         */
        public Context publisher(final EventPublisher publisher)
        {
            this.publisher = publisher;
            return this;
        }

        /**
         * Where events are published.
         *
         * @return the publisher.
         */
        public EventPublisher publisher()
        {
            return publisher;
        }

        /**
         * What was already emitted: loaded from the ledger file, or rebuilt from the journal once when there is none.
         *
         * @param ledger the ledger; a fresh one when unset.
         * @return this.
         */
        public Context ledger(final WalletLedger ledger)
        {
            this.ledger = ledger;
            return this;
        }

        /**
         * The ledger.
         *
         * @return the ledger.
         */
        public WalletLedger ledger()
        {
            return ledger;
        }

        /**
         * File the ledger is saved to whenever it changes ({@link WalletLedgerFile#in(Path)} of the data dir).
         *
         * @param file the ledger file, or null to keep the ledger in memory only.
         * @return this.
         */
        public Context ledgerFile(final Path file)
        {
            this.ledgerFile = file;
            return this;
        }

        /**
         * File the ledger is saved to.
         *
         * @return the file, or null.
         */
        public Path ledgerFile()
        {
            return ledgerFile;
        }

        /**
         * Allocates the wallet's counters (state, reconnects, requests in flight, events); the engine's
         * {@code counters()}. When unset, counters live in a private buffer nobody else reads.
         *
         * @param allocator the allocator.
         * @return this.
         */
        public Context counterAllocator(final CounterAllocator allocator)
        {
            this.counterAllocator = allocator;
            return this;
        }

        /**
         * Allocator of the wallet's counters.
         *
         * @return the allocator.
         */
        public CounterAllocator counterAllocator()
        {
            return counterAllocator;
        }

        /**
         * Idle strategy of the conductor's thread between duty cycles with no work; a backoff that parks up to
         * {@link #IDLE_MAX_PARK_NS_DEFAULT} by default (never a busy spin).
         *
         * @param idleStrategy the strategy.
         * @return this.
         */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * Idle strategy of the conductor's thread.
         *
         * @return the strategy.
         */
        public IdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        /**
         * Run the conductor on the caller's thread through {@link ElectrumWalletSource#agentInvoker()} instead of
         * its own thread (for tests and for applications composing agents).
         *
         * @param useAgentInvoker true for an invoker.
         * @return this.
         */
        public Context useAgentInvoker(final boolean useAgentInvoker)
        {
            this.useAgentInvoker = useAgentInvoker;
            return this;
        }

        /**
         * Whether the conductor runs through an invoker.
         *
         * @return true for an invoker.
         */
        public boolean useAgentInvoker()
        {
            return useAgentInvoker;
        }

        /**
         * Capacity of the conductor's queue of connection closes and notify triggers (server notifications
         * coalesce beside it); a close that does not fit drops its connection (and reconnects), and a notify
         * trigger that does not fit makes every script reconcile.
         *
         * @param capacity a power of two, 16 or more.
         * @return this.
         */
        public Context inboxCapacity(final int capacity)
        {
            this.inboxCapacity = capacity;
            return this;
        }

        /**
         * Capacity of the conductor's inbox.
         *
         * @return the capacity.
         */
        public int inboxCapacity()
        {
            return inboxCapacity;
        }

        /**
         * Clock of timeouts, keepalives and backoff.
         *
         * @param clock epoch clock.
         * @return this.
         */
        public Context epochClock(final EpochClock clock)
        {
            this.epochClock = clock;
            return this;
        }

        /**
         * Clock of timeouts, keepalives and backoff.
         *
         * @return the clock.
         */
        public EpochClock epochClock()
        {
            return epochClock;
        }

        /**
         * Source of backoff jitter.
         *
         * @param random generator.
         * @return this.
         */
        public Context random(final RandomGenerator random)
        {
            this.random = random;
            return this;
        }

        /**
         * Source of backoff jitter.
         *
         * @return the generator.
         */
        public RandomGenerator random()
        {
            return random;
        }

        /**
         * Receives every failure (one-line messages): the engine's error handler, so they reach its counter and
         * distinct error log. Required.
         *
         * @param handler error handler.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler handler)
        {
            this.errorHandler = handler;
            return this;
        }

        /**
         * Error handler.
         *
         * @return the handler.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * Who payments are from (the tip page's reservations): asked on the wallet's thread before the first
         * TransactionReceived of each payment; a memo it gives is published just before it as a TipMemo.
         *
         * @param memos the lookup; {@link PaymentMemos#NONE} by default.
         * @return this.
         */
        public Context paymentMemos(final PaymentMemos memos)
        {
            this.paymentMemos = null == memos ? PaymentMemos.NONE : memos;
            return this;
        }

        /**
         * Who payments are from.
         *
         * @return the lookup.
         */
        public PaymentMemos paymentMemos()
        {
            return paymentMemos;
        }

        /**
         * The watch list built by conclude.
         *
         * @return the watch list.
         */
        public WatchList watchList()
        {
            return watchList;
        }
    }
}
