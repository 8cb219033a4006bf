package dev.commandcenter.perf.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An Electrum server (newline-delimited JSON-RPC over TCP, protocol 1.4) that speaks just enough of the protocol
 * for the engine's wallet to connect. Quiet until {@link #start()}: it answers {@code server.version},
 * {@code blockchain.headers.subscribe}, script subscriptions (no history) and pings. Hostile from then until
 * {@link #close()}: a subscription's status changes so the wallet asks for the history, {@code get_history} is
 * never answered, and every connection gets {@code blockchain.headers.subscribe} notifications of about a megabyte
 * each, as fast as the wallet takes them, up to a byte bound. {@link #shutdown()} closes the server.
 */
final class HostileElectrumServer implements Attacker
{
    /** Height of the tip this server announces. */
    static final int TIP_HEIGHT = 100;
    /** An 80-byte header in hex (all zeros: the wallet checks only its length). */
    static final String HEADER_HEX = "00".repeat(80);
    /** The status of every script once hostile: differs from the wallet's, so it asks for the history. */
    static final String HOSTILE_STATUS = "ab".repeat(32);
    private static final int MAX_REQUEST_LINE = 64 * 1024;
    private static final int ACCEPT_TIMEOUT_MS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int notificationBytes;
    private final long maxBytes;
    private final int maxConnections;
    private final byte[] notification;
    private final AttackStats stats = new AttackStats();
    private final AtomicLong historiesUnanswered = new AtomicLong();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ServerSocket server;
    private final Thread acceptor;
    private volatile boolean hostile;
    private volatile boolean open = true;

    /**
     * Bind to a free loopback port and serve, quiet.
     *
     * @param notificationBytes size of each notification line.
     * @param maxBytes          most bytes of notifications over the run.
     * @param maxConnections    most connections over the run.
     * @throws IOException when it cannot bind.
     */
    HostileElectrumServer(final int notificationBytes, final long maxBytes, final int maxConnections) throws IOException
    {
        this.notificationBytes = notificationBytes;
        this.maxBytes = maxBytes;
        this.maxConnections = maxConnections;
        this.notification = notification(notificationBytes);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setSoTimeout(ACCEPT_TIMEOUT_MS);
        acceptor = Thread.ofPlatform().daemon().name("soak-electrum-accept").start(this::acceptLoop);
    }

    /**
     * One {@code blockchain.headers.subscribe} notification line of about the given size: the tip this server
     * announced, padded with an extra field.
     *
     * @param bytes size of the line, newline included.
     * @return the line.
     */
    static byte[] notification(final int bytes)
    {
        final String head = "{\"jsonrpc\":\"2.0\",\"method\":\"blockchain.headers.subscribe\",\"params\":[{\"height\":" +
            TIP_HEIGHT + ",\"hex\":\"" + HEADER_HEX + "\",\"padding\":\"";
        final String tail = "\"}]}\n";
        final int padding = Math.max(0, bytes - head.length() - tail.length());
        return (head + "x".repeat(padding) + tail).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The address the wallet connects to.
     *
     * @return {@code tcp://127.0.0.1:port}.
     */
    String url()
    {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /**
     * The port.
     *
     * @return the port.
     */
    int port()
    {
        return server.getLocalPort();
    }

    /**
     * {@code get_history} requests left unanswered.
     *
     * @return the count.
     */
    long historiesUnanswered()
    {
        return historiesUnanswered.get();
    }

    public AttackerKind kind()
    {
        return AttackerKind.ELECTRUM;
    }

    public String describe()
    {
        return "the wallet's Electrum server: get_history never answered, " + notificationBytes / 1000 +
            " kB headers notifications as fast as taken; at most " + (maxBytes >> 20) + " MiB and " + maxConnections +
            " connections";
    }

    public AttackStats stats()
    {
        return stats;
    }

    /**
     * Turn hostile: every connection gets the notification stream.
     */
    public void start()
    {
        hostile = true;
        for (final Connection connection : connections)
        {
            connection.startStreaming();
        }
    }

    /**
     * Stop the attack: stop streaming and drop the connections (the wallet reconnects to a quiet server).
     */
    public void close()
    {
        hostile = false;
        for (final Connection connection : connections)
        {
            connection.close();
        }
    }

    /**
     * Close the server and every connection.
     */
    void shutdown()
    {
        open = false;
        close();
        try
        {
            server.close();
        }
        catch (final IOException ignore)
        {
            // closing at the end
        }
        try
        {
            acceptor.join(2_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop()
    {
        while (open)
        {
            try
            {
                final Socket socket = server.accept();
                if (stats.connected.get() >= maxConnections)
                {
                    stats.note("connection bound of " + maxConnections + " reached");
                    socket.close();
                    continue;
                }
                socket.setSoTimeout(0);
                stats.onConnected();
                final Connection connection = new Connection(socket);
                connections.add(connection);
                Thread.ofPlatform().daemon().name("soak-electrum-" + socket.getPort()).start(connection::serve);
            }
            catch (final SocketTimeoutException ignore)
            {
                // check whether to stop
            }
            catch (final IOException ex)
            {
                if (open)
                {
                    stats.note("accept: " + AbstractAttacker.message(ex));
                }
            }
        }
    }

    private final class Connection
    {
        private final Socket socket;
        private final OutputStream out;
        private final Set<String> scriptHashes = ConcurrentHashMap.newKeySet();
        private Thread streamer;

        Connection(final Socket socket) throws IOException
        {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        void serve()
        {
            try (InputStream in = socket.getInputStream())
            {
                final byte[] line = new byte[MAX_REQUEST_LINE];
                int length = 0;
                int b;
                while ((b = in.read()) >= 0)
                {
                    stats.bytesReceived.incrementAndGet();
                    if ('\n' == b)
                    {
                        answer(JSON.readTree(line, 0, length));
                        length = 0;
                    }
                    else if (length == line.length)
                    {
                        stats.note("a request line over " + MAX_REQUEST_LINE + " bytes: connection dropped");
                        break;
                    }
                    else
                    {
                        line[length++] = (byte)b;
                    }
                }
            }
            catch (final IOException ex)
            {
                // the wallet went away, or close() closed the socket
            }
            finally
            {
                close();
            }
        }

        private void answer(final JsonNode request) throws IOException
        {
            final JsonNode id = request.get("id");
            final String method = request.path("method").asText("");
            final ObjectNode reply = JSON.createObjectNode().put("jsonrpc", "2.0");
            reply.set("id", id);
            switch (method)
            {
                case "server.version" -> reply.putArray("result").add("HostileElectrum 0.1").add("1.4");
                case "blockchain.headers.subscribe" ->
                {
                    reply.putObject("result").put("height", TIP_HEIGHT).put("hex", HEADER_HEX);
                    if (hostile)
                    {
                        startStreaming();
                    }
                }
                case "blockchain.scripthash.subscribe" ->
                {
                    scriptHashes.add(request.path("params").path(0).asText(""));
                    if (hostile)
                    {
                        reply.put("result", HOSTILE_STATUS);
                    }
                    else
                    {
                        reply.putNull("result");
                    }
                }
                case "blockchain.scripthash.get_history" ->
                {
                    if (hostile)
                    {
                        historiesUnanswered.incrementAndGet();
                        return;
                    }
                    reply.putArray("result");
                }
                case "blockchain.scripthash.get_balance" -> reply.putObject("result").put("confirmed", 0)
                    .put("unconfirmed", 0);
                case "blockchain.block.header" -> reply.put("result", HEADER_HEX);
                case "server.ping" -> reply.putNull("result");
                default -> reply.putObject("error").put("code", -32601).put("message", "unknown method " + method);
            }
            final byte[] bytes = (JSON.writeValueAsString(reply) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (out)
            {
                out.write(bytes);
            }
            stats.answers.incrementAndGet();
        }

        synchronized void startStreaming()
        {
            if (null != streamer || socket.isClosed())
            {
                return;
            }
            streamer = Thread.ofPlatform().daemon().name("soak-electrum-stream-" + socket.getPort()).start(() ->
            {
                try
                {
                    // A new status for every subscribed script: the wallet asks for its history, never answered.
                    for (final String scriptHash : scriptHashes)
                    {
                        final byte[] changed = ("{\"jsonrpc\":\"2.0\",\"method\":\"blockchain.scripthash.subscribe\"," +
                            "\"params\":[\"" + scriptHash + "\",\"" + HOSTILE_STATUS + "\"]}\n").getBytes(StandardCharsets.UTF_8);
                        synchronized (out)
                        {
                            out.write(changed);
                        }
                        stats.bytesSent.addAndGet(changed.length);
                        stats.requests.incrementAndGet();
                    }
                    while (hostile && stats.bytesSent.get() < maxBytes)
                    {
                        synchronized (out)
                        {
                            out.write(notification);
                        }
                        stats.bytesSent.addAndGet(notification.length);
                        stats.requests.incrementAndGet();
                    }
                    if (stats.bytesSent.get() >= maxBytes)
                    {
                        stats.note("byte bound of " + (maxBytes >> 20) + " MiB reached");
                    }
                }
                catch (final IOException ex)
                {
                    if (hostile)
                    {
                        stats.closedByServer.incrementAndGet();
                    }
                }
            });
        }

        void close()
        {
            if (connections.remove(this))
            {
                stats.open.decrementAndGet();
            }
            try
            {
                socket.close();
            }
            catch (final IOException ignore)
            {
                // closing
            }
        }
    }
}
