package dev.commandcenter.transport.electrum.sim;

import dev.commandcenter.transport.electrum.ScriptHashes;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.WatchList;
import dev.commandcenter.transport.electrum.client.HistoryItem;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A real Electrum protocol 1.4 server on loopback (newline-delimited JSON-RPC over TCP, or TLS with
 * a supplied {@link SSLContext}) backed by a regtest chain it controls: payments go to the mempool,
 * blocks are mined on demand or on a schedule driven by an injected clock ({@link #tick()}), and
 * reorgs replace the last blocks. Subscribed clients get header and script-status notifications as
 * a real server sends them. For tests it injects faults: dropped connections, refused connections,
 * malformed and over-long lines, error responses, responses to ids never sent, unanswered requests
 * and muted notifications.
 * <p>
 * The parts: {@link SimulatedChain} holds the chain and mempool, {@link SessionAcceptor} accepts and
 * reads connections, {@link ElectrumRequestHandler} answers requests, {@link SimulatorSessions} writes
 * to clients and notifies them, {@link SimulatorFaults} holds the armed faults.
 * <p>
 * <b>Note:</b> thread safe; every request and every chain change is handled under one lock (this
 * simulator), so responses and notifications are consistent with each other.
 */
public final class ElectrumSimulator implements AutoCloseable
{
    /** Server software name sent in answer to {@code server.version}. */
    public static final String SERVER_VERSION = "CommandCenterSimulator 0.1";
    /** JSON-RPC error code for unknown methods. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** JSON-RPC error code for bad parameters. */
    public static final int INVALID_PARAMS = -32602;

    private final Context ctx;
    private final SimulatedChain chain;
    private final SimulatorSessions sessions = new SimulatorSessions();
    private final SimulatorFaults faults = new SimulatorFaults();
    private final ElectrumRequestHandler handler;
    private final SessionAcceptor acceptor;
    private final BlockSchedule blockSchedule;

    /**
     * A payment the simulator made.
     *
     * @param txid       display hex.
     * @param scriptHash of the paid script.
     */
    public record Payment(String txid, String scriptHash)
    {
    }

    private ElectrumSimulator(final Context ctx) throws IOException
    {
        this.ctx = ctx;
        final InetAddress bind = InetAddress.getByName(ctx.host());
        final ServerSocket serverSocket = null == ctx.sslContext() ?
            new ServerSocket(ctx.port(), 50, bind) :
            ctx.sslContext().getServerSocketFactory().createServerSocket(ctx.port(), 50, bind);
        this.chain = new SimulatedChain(ctx.clock(), ctx.seed(), ctx.initialHeight());
        this.blockSchedule = new BlockSchedule(ctx.clock().time(), ctx.blockIntervalMs());
        this.handler = new ElectrumRequestHandler(chain, sessions, faults);
        this.acceptor = new SessionAcceptor(serverSocket, this, sessions, faults, handler, ctx.maxLineLength());
    }

    /**
     * Start a simulator.
     *
     * @param ctx configuration.
     * @return the listening simulator.
     * @throws IOException when the port cannot be bound.
     */
    public static ElectrumSimulator start(final Context ctx) throws IOException
    {
        final ElectrumSimulator simulator = new ElectrumSimulator(ctx);
        simulator.acceptor.start();
        return simulator;
    }

    /**
     * Port the server listens on.
     *
     * @return the bound port.
     */
    public int port()
    {
        return acceptor.port();
    }

    /**
     * URL a client connects to.
     *
     * @return {@code tcp://127.0.0.1:port} or {@code ssl://127.0.0.1:port}.
     */
    public String url()
    {
        return (null == ctx.sslContext() ? "tcp://" : "ssl://") + ctx.host() + ":" + port();
    }

    /**
     * The network addresses are parsed for.
     *
     * @return the network.
     */
    public WalletNetwork network()
    {
        return ctx.network();
    }

    /**
     * Height of the chain tip.
     *
     * @return the tip height.
     */
    public synchronized int height()
    {
        return chain.height();
    }

    /**
     * Hash of the chain tip.
     *
     * @return display hex.
     */
    public synchronized String tipHash()
    {
        return chain.tip().hash();
    }

    /**
     * Height of a transaction.
     *
     * @param txid display hex.
     * @return its block height, 0 in the mempool, -1 when unknown (or removed by a reorg).
     */
    public synchronized int heightOf(final String txid)
    {
        return chain.heightOf(txid);
    }

    /**
     * Pay an address of the simulator's network; the transaction enters the mempool.
     *
     * @param address recipient.
     * @param sats    amount.
     * @param memo    text for an OP_RETURN output, or null.
     * @return the payment.
     */
    public Payment pay(final String address, final long sats, final String memo)
    {
        return payScript(WatchList.parseAddress(address, ctx.network()).scriptPubKey(), sats, memo);
    }

    /**
     * Pay a locking script; the transaction enters the mempool.
     *
     * @param scriptPubKey recipient script.
     * @param sats         amount, 1 or more.
     * @param memo         text for an OP_RETURN output (at most 80 bytes of UTF-8 are kept), or null.
     * @return the payment.
     */
    public synchronized Payment payScript(final byte[] scriptPubKey, final long sats, final String memo)
    {
        final String txid = chain.pay(scriptPubKey, sats, memo);
        notifyChanges();
        return new Payment(txid, ScriptHashes.scriptHash(scriptPubKey));
    }

    /**
     * Mine blocks; the first takes every mempool transaction.
     *
     * @param count blocks to mine.
     * @return the new tip height.
     */
    public synchronized int mine(final int count)
    {
        chain.mine(count);
        notifyChanges();
        return chain.height();
    }

    /**
     * Replace the last blocks with {@code depth + 1} new empty ones, as a competing chain with more
     * work would. The transactions of the replaced blocks either return to the mempool or vanish
     * (as if double-spent).
     *
     * @param depth           blocks to replace, 1 or more and below the chain height.
     * @param returnToMempool whether their transactions go back to the mempool.
     * @return txids of the transactions that left the chain.
     */
    public synchronized List<String> reorg(final int depth, final boolean returnToMempool)
    {
        final List<String> removed = chain.reorg(depth, returnToMempool);
        notifyChanges();
        return removed;
    }

    /**
     * Double-spend an unconfirmed transaction: a conflicting one (paying nobody watched) replaces it,
     * so it leaves the mempool and every script's history. A confirmed transaction is double-spent
     * by a reorg instead: {@link #reorg(int, boolean)} with {@code returnToMempool} false.
     *
     * @param txid display hex of a mempool transaction.
     * @throws IllegalArgumentException when the transaction is unknown or already confirmed.
     */
    public synchronized void doubleSpend(final String txid)
    {
        chain.doubleSpend(txid);
        notifyChanges();
    }

    /**
     * Mine a block if the schedule says one is due at the clock's time ({@code blockIntervalMs} > 0).
     *
     * @return blocks mined.
     */
    public synchronized int tick()
    {
        return blockSchedule.mineDue(ctx.clock().time(), this);
    }

    /**
     * History of a script as the server reports it.
     *
     * @param scriptHash hex.
     * @return confirmed items by height and position, then mempool items ordered by txid.
     */
    public synchronized List<HistoryItem> history(final String scriptHash)
    {
        return chain.history(scriptHash);
    }

    /**
     * Status hash of a script.
     *
     * @param scriptHash hex.
     * @return the status, or null with no history.
     */
    public synchronized String status(final String scriptHash)
    {
        return chain.status(scriptHash);
    }

    /**
     * Close every client connection (a server restart or network cut).
     */
    public synchronized void dropClients()
    {
        sessions.dropAll();
    }

    /**
     * While set, new connections are closed as soon as they are accepted (the server is down).
     *
     * @param reject true to refuse connections.
     */
    public synchronized void rejectConnections(final boolean reject)
    {
        faults.rejectConnections(reject);
    }

    /**
     * While set, script status notifications are not sent (header notifications still are).
     *
     * @param mute true to mute.
     */
    public synchronized void muteNotifications(final boolean mute)
    {
        faults.muteNotifications(mute);
        if (!mute)
        {
            notifyChanges();
        }
    }

    /**
     * Answer the next request of a method with a JSON-RPC error.
     *
     * @param method  such as {@code blockchain.scripthash.get_history}.
     * @param code    error code.
     * @param message error message.
     */
    public synchronized void failNext(final String method, final int code, final String message)
    {
        faults.failNext(method, code, message);
    }

    /**
     * Never answer the next request of a method (a server too slow to answer).
     *
     * @param method such as {@code server.ping}.
     */
    public synchronized void stallNext(final String method)
    {
        faults.stallNext(method);
    }

    /**
     * Headers a lying server announces as the next tip.
     */
    public enum ForgedHeader
    {
        /** 79 bytes instead of 80. */
        SHORT,
        /** Meets its target but names a previous block that is not the tip. */
        UNLINKED,
        /** Links to the tip but its hash misses the target its bits encode. */
        LOW_WORK,
        /** Links to the tip and meets its bits, but the bits are easier than the network's proof-of-work limit. */
        ABOVE_POW_LIMIT
    }

    /**
     * A lying server: report a payment to an address as confirmed in the tip block although no block holds
     * it; asked for its merkle proof, the server answers with made-up hashes.
     *
     * @param address recipient.
     * @param sats    amount.
     * @return the invented payment.
     */
    public synchronized Payment inventConfirmedPayment(final String address, final long sats)
    {
        final byte[] scriptPubKey = WatchList.parseAddress(address, ctx.network()).scriptPubKey();
        final String txid = chain.inventConfirmed(scriptPubKey, sats);
        faults.invent(txid);
        notifyChanges();
        return new Payment(txid, ScriptHashes.scriptHash(scriptPubKey));
    }

    /**
     * A lying server: while set, merkle proofs of real confirmed transactions come back corrupted.
     *
     * @param lie true to corrupt proofs.
     */
    public synchronized void lieAboutMerkleProofs(final boolean lie)
    {
        faults.lieAboutProofs(lie);
    }

    /**
     * A lying server: announce a forged header as the next tip to every client subscribed to headers; the
     * chain itself does not change.
     *
     * @param forged what is wrong with the header.
     * @return the header sent, as hex.
     */
    public synchronized String announceForgedHeader(final ForgedHeader forged)
    {
        final SimulatedChain.Block tip = chain.tip();
        final byte[] previous = org.bitcoinj.base.Sha256Hash.wrap(tip.hash()).serialize();
        final byte[] merkle = new byte[32];
        final byte[] header = switch (forged)
        {
            case SHORT -> java.util.Arrays.copyOf(chain.mineHeader(previous, merkle, SimulatedChain.BITS_REGTEST, true), 79);
            case UNLINKED ->
            {
                final byte[] elsewhere = previous.clone();
                elsewhere[0] ^= 0x5a;
                yield chain.mineHeader(elsewhere, merkle, SimulatedChain.BITS_REGTEST, true);
            }
            case LOW_WORK -> chain.mineHeader(previous, merkle, SimulatedChain.BITS_REGTEST, false);
            case ABOVE_POW_LIMIT -> chain.mineHeader(previous, merkle, 0x2100ffff, true);
        };
        final String hex = java.util.HexFormat.of().formatHex(header);
        sendRaw("{\"jsonrpc\": \"2.0\", \"method\": \"blockchain.headers.subscribe\", \"params\": [{\"hex\": \"" + hex +
            "\", \"height\": " + (tip.height() + 1) + "}]}");
        return hex;
    }

    /**
     * Send a line that is not valid JSON to every client.
     */
    public void sendMalformedJson()
    {
        sendRaw("{\"jsonrpc\": \"2.0\", \"result\": [1, 2");
    }

    /**
     * Send a valid JSON notification longer than a limit to every client.
     *
     * @param length bytes of padding in the line.
     */
    public void sendOverlongLine(final int length)
    {
        sendRaw("{\"jsonrpc\": \"2.0\", \"method\": \"server.banner\", \"params\": [\"" + "x".repeat(length) + "\"]}");
    }

    /**
     * Send a response to a request id no client sent.
     *
     * @param id the id.
     */
    public void sendResponseToUnknownId(final long id)
    {
        sendRaw("{\"jsonrpc\": \"2.0\", \"id\": " + id + ", \"result\": null}");
    }

    /**
     * Send one raw line to every client.
     *
     * @param line without the newline.
     */
    public synchronized void sendRaw(final String line)
    {
        sessions.writeAll((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Requests received for a method since start.
     *
     * @param method JSON-RPC method.
     * @return the count.
     */
    public int requestCount(final String method)
    {
        return handler.requestCount(method);
    }

    /**
     * Clients connected now.
     *
     * @return the count.
     */
    public int connectionCount()
    {
        return sessions.size();
    }

    /**
     * Connections accepted since start, refused ones included.
     *
     * @return the count.
     */
    public int connectionsAccepted()
    {
        return acceptor.connectionsAccepted();
    }

    /**
     * Stop listening and close every connection.
     */
    public void close()
    {
        acceptor.close();
        dropClients();
    }

    private void notifyChanges()
    {
        sessions.notifyChanges(chain, faults.muteNotifications());
    }

    /**
     * Configuration of a simulator.
     */
    public static final class Context
    {
        /** Default chain height at start. */
        public static final int INITIAL_HEIGHT_DEFAULT = 100;

        private String host = "127.0.0.1";
        private int port;
        private WalletNetwork network = WalletNetwork.REGTEST;
        private EpochClock clock = SystemEpochClock.INSTANCE;
        private SSLContext sslContext;
        private int maxLineLength = 1024 * 1024;
        private int initialHeight = INITIAL_HEIGHT_DEFAULT;
        private long blockIntervalMs;
        private long seed = 1;

        /**
         * Host to bind.
         *
         * @param host 127.0.0.1 by default.
         * @return this.
         */
        public Context host(final String host)
        {
            this.host = host;
            return this;
        }

        /**
         * Host to bind.
         *
         * @return the host.
         */
        public String host()
        {
            return host;
        }

        /**
         * Port to bind.
         *
         * @param port 0 (default) for an ephemeral port.
         * @return this.
         */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        /**
         * Port to bind.
         *
         * @return the port.
         */
        public int port()
        {
            return port;
        }

        /**
         * Network addresses are parsed for.
         *
         * @param network regtest by default.
         * @return this.
         */
        public Context network(final WalletNetwork network)
        {
            this.network = network;
            return this;
        }

        /**
         * Network addresses are parsed for.
         *
         * @return the network.
         */
        public WalletNetwork network()
        {
            return network;
        }

        /**
         * Clock of block times and the block schedule.
         *
         * @param clock epoch clock.
         * @return this.
         */
        public Context clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * Clock of block times and the block schedule.
         *
         * @return the clock.
         */
        public EpochClock clock()
        {
            return clock;
        }

        /**
         * Serve TLS with this context (its key manager holds the server certificate).
         *
         * @param sslContext server SSL context, or null for plain TCP.
         * @return this.
         */
        public Context sslContext(final SSLContext sslContext)
        {
            this.sslContext = sslContext;
            return this;
        }

        /**
         * Server SSL context.
         *
         * @return the context, or null.
         */
        public SSLContext sslContext()
        {
            return sslContext;
        }

        /**
         * Longest request line accepted.
         *
         * @param maxLineLength bytes.
         * @return this.
         */
        public Context maxLineLength(final int maxLineLength)
        {
            this.maxLineLength = maxLineLength;
            return this;
        }

        /**
         * Longest request line accepted.
         *
         * @return bytes.
         */
        public int maxLineLength()
        {
            return maxLineLength;
        }

        /**
         * Chain height at start.
         *
         * @param height blocks above genesis.
         * @return this.
         */
        public Context initialHeight(final int height)
        {
            this.initialHeight = height;
            return this;
        }

        /**
         * Chain height at start.
         *
         * @return the height.
         */
        public int initialHeight()
        {
            return initialHeight;
        }

        /**
         * Interval of scheduled blocks, mined by {@link ElectrumSimulator#tick()}.
         *
         * @param intervalMs milliseconds, 0 (default) to mine only on demand.
         * @return this.
         */
        public Context blockIntervalMs(final long intervalMs)
        {
            this.blockIntervalMs = intervalMs;
            return this;
        }

        /**
         * Interval of scheduled blocks.
         *
         * @return milliseconds, 0 for none.
         */
        public long blockIntervalMs()
        {
            return blockIntervalMs;
        }

        /**
         * Seed of the random parts of transactions (outpoints, change).
         *
         * @param seed any value.
         * @return this.
         */
        public Context seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /**
         * Seed of the random parts of transactions.
         *
         * @return the seed.
         */
        public long seed()
        {
            return seed;
        }
    }
}
