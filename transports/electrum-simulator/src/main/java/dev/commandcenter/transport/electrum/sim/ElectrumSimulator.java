package dev.commandcenter.transport.electrum.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.transport.electrum.ScriptHashes;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.WatchList;
import dev.commandcenter.transport.electrum.client.HistoryItem;
import dev.commandcenter.transport.electrum.client.LineReader;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.bitcoinj.base.Coin;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionInput;
import org.bitcoinj.core.TransactionOutPoint;
import org.bitcoinj.core.TransactionOutput;
import org.bitcoinj.script.Script;
import org.bitcoinj.script.ScriptBuilder;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Electrum protocol 1.4 server on loopback (newline-delimited JSON-RPC over TCP, or TLS with
 * a supplied {@link SSLContext}) backed by a regtest chain it controls: payments go to the mempool,
 * blocks are mined on demand or on a schedule driven by an injected clock ({@link #tick()}), and
 * reorgs replace the last blocks. Subscribed clients get header and script-status notifications as
 * a real server sends them. For tests it injects faults: dropped connections, refused connections,
 * malformed and over-long lines, error responses, responses to ids never sent, unanswered requests
 * and muted notifications.
 * <p>
 * <b>Note:</b> thread safe; every request and every chain change is handled under one lock, so
 * responses and notifications are consistent with each other.
 */
public final class ElectrumSimulator implements AutoCloseable
{
    /** Server software name sent in answer to {@code server.version}. */
    public static final String SERVER_VERSION = "CommandCenterSimulator 0.1";
    /** JSON-RPC error code for unknown methods. */
    public static final int METHOD_NOT_FOUND = -32601;
    /** JSON-RPC error code for bad parameters. */
    public static final int INVALID_PARAMS = -32602;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BITS_REGTEST = 0x207fffff;
    private static final long MEMPOOL_FEE_SATS = 141;

    private final Context ctx;
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final SplittableRandom random;
    private final List<Block> blocks = new ArrayList<>();
    private final Map<String, SimTx> txs = new HashMap<>();
    private final Map<String, Integer> txHeight = new HashMap<>();
    private final Map<String, Integer> txPosition = new HashMap<>();
    private final Set<String> mempool = new LinkedHashSet<>();
    private final Map<String, Set<String>> byScriptHash = new HashMap<>();
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> requestCounts = new ConcurrentHashMap<>();
    private final Map<String, Integer> stallNext = new HashMap<>();
    private final Map<String, Fault> failNext = new HashMap<>();
    private final AtomicInteger connectionsAccepted = new AtomicInteger();
    private volatile boolean closed;
    private boolean rejectConnections;
    private boolean muteNotifications;
    private long nextBlockAtMs;
    private int nonce;

    private record Fault(int code, String message)
    {
    }

    private record Block(int height, String hash, String headerHex, List<String> txids)
    {
    }

    private record SimTx(String txid, String rawHex, Map<String, Long> receivedByScriptHash)
    {
    }

    private static final class Session
    {
        final Socket socket;
        final OutputStream out;
        final Map<String, String> subscriptions = new LinkedHashMap<>();
        boolean negotiated;
        boolean headers;
        String lastTipHash;

        Session(final Socket socket) throws IOException
        {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }
    }

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
        this.random = new SplittableRandom(ctx.seed());
        final InetAddress bind = InetAddress.getByName(ctx.host());
        this.serverSocket = null == ctx.sslContext() ?
            new ServerSocket(ctx.port(), 50, bind) :
            ctx.sslContext().getServerSocketFactory().createServerSocket(ctx.port(), 50, bind);
        for (int i = 0; i <= ctx.initialHeight(); i++)
        {
            appendBlock(List.of());
        }
        nextBlockAtMs = ctx.blockIntervalMs() > 0 ? ctx.clock().time() + ctx.blockIntervalMs() : Long.MAX_VALUE;
        this.acceptor = Thread.ofVirtual().name("electrum-sim-accept").unstarted(this::acceptLoop);
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
        return serverSocket.getLocalPort();
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
        return blocks.size() - 1;
    }

    /**
     * Hash of the chain tip.
     *
     * @return display hex.
     */
    public synchronized String tipHash()
    {
        return blocks.getLast().hash();
    }

    /**
     * Height of a transaction.
     *
     * @param txid display hex.
     * @return its block height, 0 in the mempool, -1 when unknown (or removed by a reorg).
     */
    public synchronized int heightOf(final String txid)
    {
        if (mempool.contains(txid))
        {
            return 0;
        }
        return txHeight.getOrDefault(txid, -1);
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
        if (sats < 1)
        {
            throw new IllegalArgumentException("payment amount: expected 1 sat or more, got " + sats);
        }
        final Transaction tx = new Transaction();
        final byte[] previous = new byte[32];
        fill(previous);
        tx.addInput(new TransactionInput(tx, new byte[0], new TransactionOutPoint(random.nextInt(4), Sha256Hash.wrap(previous))));
        tx.addOutput(Coin.valueOf(sats), Script.parse(scriptPubKey));
        final byte[] changeHash = new byte[20];
        fill(changeHash);
        tx.addOutput(Coin.valueOf(10_000 + random.nextLong(5_000_000)), ScriptBuilder.createP2WPKHOutputScript(changeHash));
        if (null != memo && !memo.isEmpty())
        {
            byte[] data = memo.getBytes(StandardCharsets.UTF_8);
            if (data.length > 80)
            {
                data = Arrays.copyOf(data, 80);
            }
            tx.addOutput(Coin.ZERO, ScriptBuilder.createOpReturnScript(data));
        }
        final String txid = tx.getTxId().toString();
        final Map<String, Long> received = new LinkedHashMap<>();
        for (final TransactionOutput output : tx.getOutputs())
        {
            final String scriptHash = ScriptHashes.scriptHash(output.getScriptBytes());
            received.merge(scriptHash, output.getValue().value, Long::sum);
            byScriptHash.computeIfAbsent(scriptHash, (key) -> new LinkedHashSet<>()).add(txid);
        }
        txs.put(txid, new SimTx(txid, HexFormat.of().formatHex(tx.serialize()), received));
        mempool.add(txid);
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
        for (int i = 0; i < count; i++)
        {
            final List<String> included = new ArrayList<>(mempool);
            mempool.clear();
            appendBlock(included);
        }
        notifyChanges();
        return height();
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
        if (depth < 1 || depth >= blocks.size())
        {
            throw new IllegalArgumentException("reorg depth: expected 1 to " + (blocks.size() - 1) + ", got " + depth);
        }
        final List<String> removed = new ArrayList<>();
        for (int i = 0; i < depth; i++)
        {
            final Block block = blocks.removeLast();
            removed.addAll(0, block.txids());
        }
        for (final String txid : removed)
        {
            txHeight.remove(txid);
            txPosition.remove(txid);
            if (returnToMempool)
            {
                mempool.add(txid);
            }
            else
            {
                final SimTx tx = txs.remove(txid);
                for (final String scriptHash : tx.receivedByScriptHash().keySet())
                {
                    byScriptHash.get(scriptHash).remove(txid);
                }
            }
        }
        for (int i = 0; i <= depth; i++)
        {
            appendBlock(List.of());
        }
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
        if (txHeight.containsKey(txid))
        {
            throw new IllegalArgumentException("double spend: transaction " + txid + " is confirmed at height " +
                txHeight.get(txid) + ": expected a mempool transaction (double-spend a confirmed one with reorg(depth, false))");
        }
        if (!mempool.remove(txid))
        {
            throw new IllegalArgumentException("double spend: transaction " + txid + " is unknown: expected a mempool transaction");
        }
        final SimTx tx = txs.remove(txid);
        for (final String scriptHash : tx.receivedByScriptHash().keySet())
        {
            byScriptHash.get(scriptHash).remove(txid);
        }
        notifyChanges();
    }

    /**
     * Mine a block if the schedule says one is due at the clock's time ({@code blockIntervalMs} > 0).
     *
     * @return blocks mined.
     */
    public synchronized int tick()
    {
        final long now = ctx.clock().time();
        int mined = 0;
        while (now >= nextBlockAtMs && mined < 16)
        {
            mine(1);
            mined++;
            nextBlockAtMs += ctx.blockIntervalMs();
        }
        if (now >= nextBlockAtMs)
        {
            nextBlockAtMs = now + ctx.blockIntervalMs();
        }
        return mined;
    }

    /**
     * History of a script as the server reports it.
     *
     * @param scriptHash hex.
     * @return confirmed items by height and position, then mempool items ordered by txid.
     */
    public synchronized List<HistoryItem> history(final String scriptHash)
    {
        final Set<String> all = byScriptHash.getOrDefault(scriptHash, Set.of());
        final List<String> confirmed = new ArrayList<>();
        final List<String> pending = new ArrayList<>();
        for (final String txid : all)
        {
            if (txHeight.containsKey(txid))
            {
                confirmed.add(txid);
            }
            else if (mempool.contains(txid))
            {
                pending.add(txid);
            }
        }
        confirmed.sort(Comparator.<String>comparingInt(txHeight::get).thenComparingInt(txPosition::get));
        pending.sort(Comparator.naturalOrder());
        final List<HistoryItem> history = new ArrayList<>(confirmed.size() + pending.size());
        for (final String txid : confirmed)
        {
            history.add(new HistoryItem(txid, txHeight.get(txid)));
        }
        for (final String txid : pending)
        {
            history.add(new HistoryItem(txid, 0));
        }
        return history;
    }

    /**
     * Status hash of a script.
     *
     * @param scriptHash hex.
     * @return the status, or null with no history.
     */
    public synchronized String status(final String scriptHash)
    {
        return ScriptHashes.status(history(scriptHash));
    }

    /**
     * Close every client connection (a server restart or network cut).
     */
    public synchronized void dropClients()
    {
        for (final Session session : sessions)
        {
            closeQuietly(session.socket);
        }
        sessions.clear();
    }

    /**
     * While set, new connections are closed as soon as they are accepted (the server is down).
     *
     * @param reject true to refuse connections.
     */
    public synchronized void rejectConnections(final boolean reject)
    {
        this.rejectConnections = reject;
    }

    /**
     * While set, script status notifications are not sent (header notifications still are).
     *
     * @param mute true to mute.
     */
    public synchronized void muteNotifications(final boolean mute)
    {
        this.muteNotifications = mute;
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
        failNext.put(method, new Fault(code, message));
    }

    /**
     * Never answer the next request of a method (a server too slow to answer).
     *
     * @param method such as {@code server.ping}.
     */
    public synchronized void stallNext(final String method)
    {
        stallNext.merge(method, 1, Integer::sum);
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
        final byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        for (final Session session : sessions)
        {
            write(session, bytes);
        }
    }

    /**
     * Requests received for a method since start.
     *
     * @param method JSON-RPC method.
     * @return the count.
     */
    public int requestCount(final String method)
    {
        final AtomicInteger count = requestCounts.get(method);
        return null == count ? 0 : count.get();
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
        return connectionsAccepted.get();
    }

    /**
     * Stop listening and close every connection.
     */
    public void close()
    {
        closed = true;
        try
        {
            serverSocket.close();
        }
        catch (final IOException ignore)
        {
        }
        dropClients();
    }

    private void acceptLoop()
    {
        while (!closed)
        {
            final Socket socket;
            try
            {
                socket = serverSocket.accept();
            }
            catch (final IOException ex)
            {
                return;
            }
            connectionsAccepted.incrementAndGet();
            final Session session;
            synchronized (this)
            {
                if (rejectConnections || closed)
                {
                    closeQuietly(socket);
                    continue;
                }
                try
                {
                    socket.setTcpNoDelay(true);
                    session = new Session(socket);
                }
                catch (final IOException ex)
                {
                    closeQuietly(socket);
                    continue;
                }
                sessions.add(session);
            }
            Thread.ofVirtual().name("electrum-sim-session").start(() -> serve(session));
        }
    }

    private void serve(final Session session)
    {
        try
        {
            final LineReader lines = new LineReader(session.socket.getInputStream(), ctx.maxLineLength());
            String line;
            while (null != (line = lines.readLine()))
            {
                if (!line.isBlank())
                {
                    synchronized (this)
                    {
                        if (!sessions.contains(session))
                        {
                            return;
                        }
                        onRequest(session, line);
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // the client went away or broke the protocol: drop it
        }
        finally
        {
            sessions.remove(session);
            closeQuietly(session.socket);
        }
    }

    private void onRequest(final Session session, final String line)
    {
        final JsonNode request;
        try
        {
            request = MAPPER.readTree(line);
        }
        catch (final IOException ex)
        {
            respondError(session, null, -32700, "parse error");
            return;
        }
        final JsonNode id = request.get("id");
        final String method = request.path("method").asText("");
        final JsonNode params = request.path("params");
        requestCounts.computeIfAbsent(method, (key) -> new AtomicInteger()).incrementAndGet();
        final Integer stalls = stallNext.get(method);
        if (null != stalls)
        {
            if (stalls <= 1)
            {
                stallNext.remove(method);
            }
            else
            {
                stallNext.put(method, stalls - 1);
            }
            return;
        }
        final Fault fault = failNext.remove(method);
        if (null != fault)
        {
            respondError(session, id, fault.code(), fault.message());
            return;
        }
        if (!session.negotiated && !method.equals("server.version"))
        {
            respondError(session, id, -32600, "server.version must be the first request");
            return;
        }
        try
        {
            final JsonNode result = dispatch(session, method, params);
            final ObjectNode response = MAPPER.createObjectNode();
            response.put("jsonrpc", "2.0");
            response.set("result", result);
            response.set("id", id);
            write(session, (response + "\n").getBytes(StandardCharsets.UTF_8));
        }
        catch (final RequestError ex)
        {
            respondError(session, id, ex.code, ex.getMessage());
        }
    }

    private static final class RequestError extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final int code;

        RequestError(final int code, final String message)
        {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private JsonNode dispatch(final Session session, final String method, final JsonNode params)
    {
        return switch (method)
        {
            case "server.version" -> version(session, params);
            case "server.ping" -> MAPPER.nullNode();
            case "server.banner" -> MAPPER.valueToTree("Command Center Electrum simulator");
            case "server.donation_address" -> MAPPER.valueToTree("");
            case "server.peers.subscribe", "mempool.get_fee_histogram" -> MAPPER.createArrayNode();
            case "server.features" -> features();
            case "blockchain.relayfee", "blockchain.estimatefee" -> MAPPER.valueToTree(0.00001);
            case "blockchain.headers.subscribe" ->
            {
                session.headers = true;
                session.lastTipHash = blocks.getLast().hash();
                yield tipHeader();
            }
            case "blockchain.block.header" ->
            {
                final int requested = params.path(0).asInt(-1);
                if (requested < 0 || requested >= blocks.size())
                {
                    throw new RequestError(INVALID_PARAMS, "height " + params.path(0) + " out of range");
                }
                yield MAPPER.valueToTree(blocks.get(requested).headerHex());
            }
            case "blockchain.scripthash.subscribe" ->
            {
                final String scriptHash = scriptHashParam(params);
                final String status = status(scriptHash);
                session.subscriptions.put(scriptHash, status);
                yield null == status ? MAPPER.nullNode() : MAPPER.valueToTree(status);
            }
            case "blockchain.scripthash.unsubscribe" ->
                MAPPER.valueToTree(null != session.subscriptions.remove(scriptHashParam(params)));
            case "blockchain.scripthash.get_history" -> historyNode(scriptHashParam(params), false);
            case "blockchain.scripthash.get_mempool" -> historyNode(scriptHashParam(params), true);
            case "blockchain.scripthash.get_balance" -> balance(scriptHashParam(params));
            case "blockchain.scripthash.listunspent" -> unspent(scriptHashParam(params));
            case "blockchain.transaction.get" -> transaction(params);
            default -> throw new RequestError(METHOD_NOT_FOUND, "unknown method '" + method + "'");
        };
    }

    private JsonNode version(final Session session, final JsonNode params)
    {
        if (session.negotiated)
        {
            throw new RequestError(-32600, "server.version already sent");
        }
        final JsonNode requested = params.path(1);
        final boolean supported;
        if (requested.isArray() && requested.size() == 2)
        {
            supported = compareVersions(requested.get(0).asText(), "1.4") <= 0 &&
                compareVersions(requested.get(1).asText(), "1.4") >= 0;
        }
        else
        {
            supported = requested.isMissingNode() || "1.4".equals(requested.asText());
        }
        if (!supported)
        {
            throw new RequestError(1, "unsupported protocol version: " + requested);
        }
        session.negotiated = true;
        final ArrayNode result = MAPPER.createArrayNode();
        result.add(SERVER_VERSION);
        result.add("1.4");
        return result;
    }

    private static int compareVersions(final String left, final String right)
    {
        final String[] a = left.split("\\.");
        final String[] b = right.split("\\.");
        for (int i = 0; i < Math.max(a.length, b.length); i++)
        {
            final int x = i < a.length ? parseIntOrZero(a[i]) : 0;
            final int y = i < b.length ? parseIntOrZero(b[i]) : 0;
            if (x != y)
            {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static int parseIntOrZero(final String text)
    {
        try
        {
            return Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    private JsonNode features()
    {
        final ObjectNode features = MAPPER.createObjectNode();
        features.put("genesis_hash", blocks.getFirst().hash());
        features.putObject("hosts");
        features.put("protocol_max", "1.4");
        features.put("protocol_min", "1.4");
        features.putNull("pruning");
        features.put("server_version", SERVER_VERSION);
        features.put("hash_function", "sha256");
        return features;
    }

    private ObjectNode tipHeader()
    {
        final Block tip = blocks.getLast();
        final ObjectNode header = MAPPER.createObjectNode();
        header.put("hex", tip.headerHex());
        header.put("height", tip.height());
        return header;
    }

    private static String scriptHashParam(final JsonNode params)
    {
        final String scriptHash = params.path(0).asText("");
        if (scriptHash.length() != 64 || !scriptHash.chars().allMatch((c) -> Character.digit(c, 16) >= 0))
        {
            throw new RequestError(INVALID_PARAMS, "invalid script hash: " + params.path(0));
        }
        return scriptHash.toLowerCase(java.util.Locale.ROOT);
    }

    private JsonNode historyNode(final String scriptHash, final boolean mempoolOnly)
    {
        final ArrayNode array = MAPPER.createArrayNode();
        for (final HistoryItem item : history(scriptHash))
        {
            if (mempoolOnly && item.confirmed())
            {
                continue;
            }
            final ObjectNode node = array.addObject();
            node.put("tx_hash", item.txid());
            node.put("height", item.height());
            if (!item.confirmed())
            {
                node.put("fee", MEMPOOL_FEE_SATS);
            }
        }
        return array;
    }

    private JsonNode balance(final String scriptHash)
    {
        long confirmed = 0;
        long unconfirmed = 0;
        for (final HistoryItem item : history(scriptHash))
        {
            final long value = txs.get(item.txid()).receivedByScriptHash().getOrDefault(scriptHash, 0L);
            if (item.confirmed())
            {
                confirmed += value;
            }
            else
            {
                unconfirmed += value;
            }
        }
        final ObjectNode node = MAPPER.createObjectNode();
        node.put("confirmed", confirmed);
        node.put("unconfirmed", unconfirmed);
        return node;
    }

    private JsonNode unspent(final String scriptHash)
    {
        final ArrayNode array = MAPPER.createArrayNode();
        for (final HistoryItem item : history(scriptHash))
        {
            final ObjectNode node = array.addObject();
            node.put("tx_hash", item.txid());
            node.put("tx_pos", 0);
            node.put("height", item.height());
            node.put("value", txs.get(item.txid()).receivedByScriptHash().getOrDefault(scriptHash, 0L));
        }
        return array;
    }

    private JsonNode transaction(final JsonNode params)
    {
        if (params.path(1).asBoolean(false))
        {
            throw new RequestError(INVALID_PARAMS, "verbose transactions are not supported by the simulator");
        }
        final SimTx tx = txs.get(params.path(0).asText(""));
        if (null == tx)
        {
            throw new RequestError(2, "daemon error: No such mempool or blockchain transaction " + params.path(0));
        }
        return MAPPER.valueToTree(tx.rawHex());
    }

    private void appendBlock(final List<String> txids)
    {
        final int height = blocks.size();
        final byte[] previous = blocks.isEmpty() ? new byte[32] : Sha256Hash.wrap(blocks.getLast().hash()).serialize();
        final byte[] merkle = new byte[32];
        if (!txids.isEmpty())
        {
            final StringBuilder all = new StringBuilder();
            txids.forEach(all::append);
            System.arraycopy(Sha256Hash.hashTwice(HexFormat.of().parseHex(all.toString())), 0, merkle, 0, 32);
        }
        final ByteBuffer header = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0x20000000);
        header.put(previous);
        header.put(merkle);
        header.putInt((int)(ctx.clock().time() / 1000));
        header.putInt(BITS_REGTEST);
        header.putInt(nonce++);
        final byte[] bytes = header.array();
        final String hash = Sha256Hash.wrapReversed(Sha256Hash.hashTwice(bytes)).toString();
        blocks.add(new Block(height, hash, HexFormat.of().formatHex(bytes), List.copyOf(txids)));
        for (int i = 0; i < txids.size(); i++)
        {
            txHeight.put(txids.get(i), height);
            txPosition.put(txids.get(i), i + 1);
        }
    }

    private void notifyChanges()
    {
        final Block tip = blocks.getLast();
        for (final Session session : sessions)
        {
            if (session.headers && !tip.hash().equals(session.lastTipHash))
            {
                session.lastTipHash = tip.hash();
                final ObjectNode notification = MAPPER.createObjectNode();
                notification.put("jsonrpc", "2.0");
                notification.put("method", "blockchain.headers.subscribe");
                notification.putArray("params").add(tipHeader());
                write(session, (notification + "\n").getBytes(StandardCharsets.UTF_8));
            }
            if (muteNotifications)
            {
                continue;
            }
            for (final Map.Entry<String, String> subscription : session.subscriptions.entrySet())
            {
                final String status = status(subscription.getKey());
                if (!java.util.Objects.equals(status, subscription.getValue()))
                {
                    subscription.setValue(status);
                    final ObjectNode notification = MAPPER.createObjectNode();
                    notification.put("jsonrpc", "2.0");
                    notification.put("method", "blockchain.scripthash.subscribe");
                    final ArrayNode params = notification.putArray("params");
                    params.add(subscription.getKey());
                    if (null == status)
                    {
                        params.addNull();
                    }
                    else
                    {
                        params.add(status);
                    }
                    write(session, (notification + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        }
    }

    private void respondError(final Session session, final JsonNode id, final int code, final String message)
    {
        final ObjectNode response = MAPPER.createObjectNode();
        response.put("jsonrpc", "2.0");
        final ObjectNode error = response.putObject("error");
        error.put("code", code);
        error.put("message", message);
        response.set("id", null == id ? MAPPER.nullNode() : id);
        write(session, (response + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void write(final Session session, final byte[] bytes)
    {
        try
        {
            session.out.write(bytes);
            session.out.flush();
        }
        catch (final IOException ex)
        {
            sessions.remove(session);
            closeQuietly(session.socket);
        }
    }

    private void fill(final byte[] bytes)
    {
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
    }

    private static void closeQuietly(final Socket socket)
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignore)
        {
        }
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
