package dev.commandcenter.transport.electrum.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.LineReader;
import org.bitcoinj.base.Sha256Hash;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Electrum protocol server on loopback that attacks its clients, for tests and soak harnesses: it completes
 * the handshake ({@code server.version}, {@code blockchain.headers.subscribe} at height 100, script subscriptions
 * with a status that makes the client ask for the history) and then misbehaves as its {@link Behaviour}s say.
 * Without any behaviour it is a well-formed server of an empty wallet on a regtest chain of linked headers.
 * <pre>{@code
 * try (HostileElectrumServer server = HostileElectrumServer.start(0, EnumSet.of(Behaviour.HEADER_FLOOD)))
 * {
 *     wallet.servers(List.of(server.url(), goodServer.url()));
 * }
 * }</pre>
 * <b>Note:</b> thread safe; each connection is served on its own virtual thread, the sizes may be changed at any
 * time and apply to the next request that uses them.
 */
public final class HostileElectrumServer implements AutoCloseable
{
    /** Version this server announces. */
    public static final String SERVER_VERSION = "HostileElectrumServer 0.1";
    /** Height of the tip announced at subscription. */
    public static final int INITIAL_HEIGHT = 100;
    /** Most headers one {@code blockchain.block.headers} answer holds, as ElectrumX serves. */
    static final int MAX_HEADERS = 2016;

    /**
     * What the server does to its clients.
     */
    public enum Behaviour
    {
        /** Never answer {@code blockchain.scripthash.get_history}. */
        STALL_HISTORY,
        /**
         * On the first {@code get_history} of a connection, send {@link #notificationCount(int)} header notifications
         * each carrying {@link #notificationBytes(int)} characters of "header" hex, before anything else.
         */
        HEADER_FLOOD,
        /**
         * On the first {@code get_history} of a connection, before answering it, send {@link #notificationCount(int)}
         * valid header notifications of a growing chain, and as many status notifications for each subscribed script
         * and for scripts never subscribed.
         */
        TIP_STORM,
        /** Answer {@code get_history} with {@link #historyItems(int)} confirmed items of made-up transactions. */
        HUGE_HISTORY,
        /** Never answer {@code blockchain.transaction.get} (the history has {@link #historyItems(int)} items). */
        STALL_TRANSACTIONS,
        /**
         * Answer {@code blockchain.transaction.get} with {@link #transactionBytes(int)} bytes of hex (the history has
         * {@link #historyItems(int)} items).
         */
        HUGE_TRANSACTION
    }

    private static final int REGTEST_BITS = 0x207fffff;
    private static final BigInteger REGTEST_TARGET = BigInteger.valueOf(0x7fffffL).shiftLeft(8 * (0x20 - 3));
    private static final int MAX_REQUEST_LINE = 1024 * 1024;

    private final Set<Behaviour> behaviours;
    private final ServerSocket serverSocket;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> headers = new ArrayList<>();
    private final Map<String, AtomicInteger> requestCounts = new ConcurrentHashMap<>();
    private final AtomicInteger connectionsAccepted = new AtomicInteger();
    private final AtomicInteger connectionsClosed = new AtomicInteger();
    private final AtomicInteger notificationsSent = new AtomicInteger();
    private volatile int notificationCount = 64;
    private volatile int notificationBytes = 1024 * 1024;
    private volatile int historyItems = 100_000;
    private volatile int transactionBytes = 2 * 1024 * 1024;
    private volatile boolean closed;

    private HostileElectrumServer(final ServerSocket serverSocket, final Set<Behaviour> behaviours)
    {
        this.serverSocket = serverSocket;
        this.behaviours = behaviours.isEmpty() ? EnumSet.noneOf(Behaviour.class) : EnumSet.copyOf(behaviours);
        this.acceptor = Thread.ofVirtual().name("electrum-hostile-accept").unstarted(this::acceptLoop);
    }

    /**
     * Listen on loopback and start accepting clients.
     *
     * @param port       port to bind, 0 for a free one.
     * @param behaviours how to misbehave; empty for a well-formed server.
     * @return the running server.
     * @throws IOException when the port cannot be bound.
     */
    public static HostileElectrumServer start(final int port, final Set<Behaviour> behaviours) throws IOException
    {
        final ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        final HostileElectrumServer server = new HostileElectrumServer(socket, behaviours);
        server.acceptor.start();
        return server;
    }

    /**
     * Header notifications sent by {@link Behaviour#HEADER_FLOOD} and {@link Behaviour#TIP_STORM} (default 64).
     *
     * @param count notifications per connection.
     * @return this.
     */
    public HostileElectrumServer notificationCount(final int count)
    {
        this.notificationCount = count;
        return this;
    }

    /**
     * Hex characters in each notification of {@link Behaviour#HEADER_FLOOD} (default 1 MiB).
     *
     * @param bytes characters.
     * @return this.
     */
    public HostileElectrumServer notificationBytes(final int bytes)
    {
        this.notificationBytes = bytes;
        return this;
    }

    /**
     * Items of each history when a behaviour asks for one (default 100,000).
     *
     * @param items history items.
     * @return this.
     */
    public HostileElectrumServer historyItems(final int items)
    {
        this.historyItems = items;
        return this;
    }

    /**
     * Bytes of each transaction of {@link Behaviour#HUGE_TRANSACTION} (default 2 MiB, sent as twice as many hex characters).
     *
     * @param bytes raw bytes.
     * @return this.
     */
    public HostileElectrumServer transactionBytes(final int bytes)
    {
        this.transactionBytes = bytes;
        return this;
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
     * URL to configure a client with.
     *
     * @return {@code tcp://127.0.0.1:port}.
     */
    public String url()
    {
        return "tcp://" + serverSocket.getInetAddress().getHostAddress() + ":" + port();
    }

    /**
     * Requests received for a method since start, answered or not.
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
     * Connections accepted since start.
     *
     * @return the count.
     */
    public int connectionsAccepted()
    {
        return connectionsAccepted.get();
    }

    /**
     * Connections that ended since start (closed by either side), each once every line it sent was read.
     *
     * @return the count.
     */
    public int connectionsClosed()
    {
        return connectionsClosed.get();
    }

    /**
     * Notifications written since start (flood and storm included).
     *
     * @return the count.
     */
    public int notificationsSent()
    {
        return notificationsSent.get();
    }

    /**
     * Hex of the header this server announces at a height: a regtest chain linked from height 0, each header
     * meeting the regtest proof of work.
     *
     * @param height block height, 0 or more.
     * @return 160 hex characters.
     */
    public synchronized String header(final int height)
    {
        while (headers.size() <= height)
        {
            final int next = headers.size();
            final byte[] previous = next == 0 ? new byte[32] : hash(HexFormat.of().parseHex(headers.get(next - 1)));
            headers.add(HexFormat.of().formatHex(mine(next, previous)));
        }
        return headers.get(height);
    }

    private synchronized int highestHeight()
    {
        return Math.max(INITIAL_HEIGHT, headers.size() - 1);
    }

    /**
     * Stop listening and drop every client.
     */
    public void close()
    {
        closed = true;
        closeQuietly(serverSocket);
        for (final Socket socket : sockets)
        {
            closeQuietly(socket);
        }
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
            sockets.add(socket);
            Thread.ofVirtual().name("electrum-hostile-session").start(() -> serve(socket));
        }
    }

    private void serve(final Socket socket)
    {
        final Connection connection = new Connection();
        try (socket)
        {
            socket.setTcpNoDelay(true);
            final OutputStream out = socket.getOutputStream();
            final LineReader lines = new LineReader(socket.getInputStream(), MAX_REQUEST_LINE);
            String line;
            while (null != (line = lines.readLine()))
            {
                if (!line.isBlank())
                {
                    onRequest(connection, out, ElectrumRequestHandler.MAPPER.readTree(line));
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // the client went away or hung up on an attack: that is the expected end
        }
        finally
        {
            sockets.remove(socket);
            connectionsClosed.incrementAndGet();
        }
    }

    private static final class Connection
    {
        final List<String> scriptHashes = new ArrayList<>();
        boolean attacked;
    }

    private void onRequest(final Connection connection, final OutputStream out, final JsonNode request) throws IOException
    {
        final String method = request.path("method").asText("");
        final JsonNode id = request.path("id");
        final JsonNode params = request.path("params");
        requestCounts.computeIfAbsent(method, (ignore) -> new AtomicInteger()).incrementAndGet();
        final ObjectNode response = ElectrumRequestHandler.MAPPER.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        switch (method)
        {
            case "server.version" ->
                response.putArray("result").add(SERVER_VERSION).add(ElectrumClient.PROTOCOL_VERSION);
            case "server.ping" -> response.putNull("result");
            case "blockchain.headers.subscribe" ->
                response.putObject("result").put("height", INITIAL_HEIGHT).put("hex", header(INITIAL_HEIGHT));
            case "blockchain.block.header" -> response.put("result", header(Math.max(0, params.path(0).asInt())));
            case "blockchain.block.headers" ->
            {
                final int start = Math.max(0, params.path(0).asInt());
                final int count = Math.max(0, Math.min(MAX_HEADERS, params.path(1).asInt()));
                final StringBuilder hex = new StringBuilder();
                final int last = Math.min(start + count - 1, highestHeight());
                for (int height = start; height <= last; height++)
                {
                    hex.append(header(height));
                }
                response.putObject("result").put("count", Math.max(0, last - start + 1)).put("hex", hex.toString())
                    .put("max", MAX_HEADERS);
            }
            case "blockchain.scripthash.subscribe" ->
            {
                final String scriptHash = params.path(0).asText("");
                connection.scriptHashes.add(scriptHash);
                // a status unlike any the client computed, so it asks for the history
                response.put("result", HexFormat.of().formatHex(hash(scriptHash.getBytes(StandardCharsets.UTF_8))));
            }
            case "blockchain.scripthash.get_balance" ->
                response.putObject("result").put("confirmed", 0).put("unconfirmed", 0);
            case "blockchain.scripthash.get_history" ->
            {
                if (!connection.attacked)
                {
                    connection.attacked = true;
                    if (behaviours.contains(Behaviour.HEADER_FLOOD))
                    {
                        headerFlood(out);
                    }
                    if (behaviours.contains(Behaviour.TIP_STORM))
                    {
                        tipStorm(connection, out);
                    }
                }
                if (behaviours.contains(Behaviour.STALL_HISTORY))
                {
                    return;
                }
                history(response.putArray("result"));
            }
            case "blockchain.transaction.get" ->
            {
                if (behaviours.contains(Behaviour.STALL_TRANSACTIONS))
                {
                    return;
                }
                if (behaviours.contains(Behaviour.HUGE_TRANSACTION))
                {
                    response.put("result", "00".repeat(transactionBytes));
                }
                else
                {
                    error(response, "transaction not found");
                }
            }
            default -> error(response, "unknown method " + method);
        }
        write(out, response.toString());
    }

    private void history(final ArrayNode result)
    {
        final boolean withItems = behaviours.contains(Behaviour.HUGE_HISTORY) ||
            behaviours.contains(Behaviour.STALL_TRANSACTIONS) || behaviours.contains(Behaviour.HUGE_TRANSACTION);
        final int items = withItems ? historyItems : 0;
        final ByteBuffer seed = ByteBuffer.allocate(4);
        for (int i = 0; i < items; i++)
        {
            seed.clear();
            seed.putInt(i);
            result.addObject().put("tx_hash", HexFormat.of().formatHex(hash(seed.array()))).put("height", 50);
        }
    }

    private void headerFlood(final OutputStream out) throws IOException
    {
        final String line = "{\"jsonrpc\":\"2.0\",\"method\":\"blockchain.headers.subscribe\",\"params\":[{\"height\":" +
            (INITIAL_HEIGHT + 1) + ",\"hex\":\"" + "0".repeat(notificationBytes) + "\"}]}";
        final byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < notificationCount; i++)
        {
            out.write(bytes);
            notificationsSent.incrementAndGet();
        }
        out.flush();
    }

    private void tipStorm(final Connection connection, final OutputStream out) throws IOException
    {
        final int count = notificationCount;
        for (int i = 1; i <= count; i++)
        {
            final ObjectNode tip = notification("blockchain.headers.subscribe");
            tip.withArray("params").addObject().put("height", INITIAL_HEIGHT + i).put("hex", header(INITIAL_HEIGHT + i));
            sendNotification(out, tip.toString());
            for (final String scriptHash : connection.scriptHashes)
            {
                scriptNotification(out, scriptHash, i);
            }
            final byte[] unknown = hash(("unknown" + i).getBytes(StandardCharsets.UTF_8));
            scriptNotification(out, HexFormat.of().formatHex(unknown), i);
        }
        out.flush();
    }

    private void scriptNotification(final OutputStream out, final String scriptHash, final int round) throws IOException
    {
        final ObjectNode notice = notification("blockchain.scripthash.subscribe");
        final String status = HexFormat.of().formatHex(hash((scriptHash + round).getBytes(StandardCharsets.UTF_8)));
        notice.withArray("params").add(scriptHash).add(status);
        sendNotification(out, notice.toString());
    }

    private ObjectNode notification(final String method)
    {
        final ObjectNode notification = ElectrumRequestHandler.MAPPER.createObjectNode();
        notification.put("jsonrpc", "2.0");
        notification.put("method", method);
        notification.putArray("params");
        return notification;
    }

    private void sendNotification(final OutputStream out, final String line) throws IOException
    {
        notificationsSent.incrementAndGet();
        write(out, line);
    }

    private static void write(final OutputStream out, final String line) throws IOException
    {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void error(final ObjectNode response, final String message)
    {
        response.putObject("error").put("code", ElectrumSimulator.METHOD_NOT_FOUND).put("message", message);
    }

    private static byte[] mine(final int height, final byte[] previous)
    {
        final ByteBuffer header = ByteBuffer.allocate(80).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(0, 0x20000000);
        header.put(4, previous);
        header.put(36, hash(ByteBuffer.allocate(4).putInt(height).array()));
        header.putInt(68, 1_700_000_000 + height * 600);
        header.putInt(72, REGTEST_BITS);
        for (int nonce = 0; ; nonce++)
        {
            header.putInt(76, nonce);
            final byte[] bytes = header.array();
            final byte[] reversed = hash(bytes);
            reverse(reversed);
            if (new BigInteger(1, reversed).compareTo(REGTEST_TARGET) <= 0)
            {
                return Arrays.copyOf(bytes, bytes.length);
            }
        }
    }

    private static byte[] hash(final byte[] bytes)
    {
        return Sha256Hash.hashTwice(bytes);
    }

    private static void reverse(final byte[] bytes)
    {
        for (int i = 0, j = bytes.length - 1; i < j; i++, j--)
        {
            final byte b = bytes[i];
            bytes[i] = bytes[j];
            bytes[j] = b;
        }
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        try
        {
            closeable.close();
        }
        catch (final Exception ignore)
        {
        }
    }
}
