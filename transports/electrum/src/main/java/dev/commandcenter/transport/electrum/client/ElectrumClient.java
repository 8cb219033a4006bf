package dev.commandcenter.transport.electrum.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.AtomicCounter;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection to an Electrum server speaking protocol 1.4: newline-delimited JSON-RPC over TCP
 * or TLS. Requests get increasing ids and their responses are matched by id; notifications go to the
 * {@link Listener}. Anything the protocol does not allow (malformed JSON, a line over the bound, a
 * response to an id never sent) closes the connection with a {@link ElectrumException.Kind#PROTOCOL}
 * failure; a request not answered within the timeout closes it with {@link ElectrumException.Kind#TIMEOUT}.
 * <p>
 * <b>Note:</b> {@link #send} and {@link #call} are thread safe; the listener is called on the reader
 * thread and must not block.
 */
public final class ElectrumClient implements AutoCloseable
{
    /** Protocol version this client speaks. */
    public static final String PROTOCOL_VERSION = "1.4";

    /** How often a waiting call looks at the clock, in milliseconds. */
    static final long WAIT_TICK_MS = 20;

    /**
     * Receives what the server sends besides responses.
     */
    public interface Listener
    {
        /**
         * A notification of a subscription.
         *
         * @param client that received it.
         * @param method such as {@code blockchain.scripthash.subscribe}.
         * @param params of the notification.
         */
        void onNotification(ElectrumClient client, String method, JsonNode params);

        /**
         * The connection closed.
         *
         * @param client that closed.
         * @param reason why, or null when closed by {@link #close()}.
         */
        void onClosed(ElectrumClient client, ElectrumException reason);
    }

    /**
     * Settings of a connection.
     *
     * @param requestTimeoutMs how long a call waits for its response, also the connect timeout.
     * @param maxLineLength    longest line accepted from the server, in bytes.
     * @param clock            clock the timeouts are measured with.
     * @param tls              trust options for {@code ssl://} servers.
     * @param requestsInFlight counter of requests awaiting a response, or null.
     */
    public record Options(
        long requestTimeoutMs, int maxLineLength, EpochClock clock, TlsOptions tls, AtomicCounter requestsInFlight)
    {
        /**
         * Settings without a requests-in-flight counter.
         *
         * @param requestTimeoutMs how long a call waits for its response, also the connect timeout.
         * @param maxLineLength    longest line accepted from the server, in bytes.
         * @param clock            clock the timeouts are measured with.
         * @param tls              trust options for {@code ssl://} servers.
         */
        public Options(final long requestTimeoutMs, final int maxLineLength, final EpochClock clock, final TlsOptions tls)
        {
            this(requestTimeoutMs, maxLineLength, clock, tls, null);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ServerAddress server;
    private final Options options;
    private final Listener listener;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread reader;

    private record Pending(String method, CompletableFuture<JsonNode> future)
    {
    }

    private ElectrumClient(final ServerAddress server, final Options options, final Listener listener, final Socket socket)
        throws IOException
    {
        this.server = server;
        this.options = options;
        this.listener = listener;
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
        this.reader = Thread.ofVirtual().name("electrum-reader-" + server.port()).unstarted(this::readLoop);
    }

    /**
     * Connect to a server (TLS handshake included) and start reading.
     *
     * @param server   to connect to.
     * @param options  of the connection.
     * @param listener for notifications and closure.
     * @return the connected client.
     * @throws ElectrumException of kind CONNECTION or TLS when the connection cannot be made.
     */
    public static ElectrumClient connect(final ServerAddress server, final Options options, final Listener listener)
        throws ElectrumException
    {
        final int timeout = (int)Math.min(Integer.MAX_VALUE, Math.max(1, options.requestTimeoutMs()));
        Socket socket = new Socket();
        try
        {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(server.host(), server.port()), timeout);
        }
        catch (final IOException ex)
        {
            closeQuietly(socket);
            throw new ElectrumException(ElectrumException.Kind.CONNECTION,
                "cannot connect to " + server + ": " + ex.getMessage(), ex);
        }
        if (server.tls())
        {
            try
            {
                final SSLContext context = TlsSupport.clientContext(options.tls());
                final SSLSocket ssl = (SSLSocket)context.getSocketFactory().createSocket(
                    socket, server.host(), server.port(), true);
                if (TlsSupport.verifyHostName(options.tls()))
                {
                    final SSLParameters parameters = ssl.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm("HTTPS");
                    ssl.setSSLParameters(parameters);
                }
                ssl.setSoTimeout(timeout);
                ssl.startHandshake();
                ssl.setSoTimeout(0);
                socket = ssl;
            }
            catch (final SSLHandshakeException ex)
            {
                closeQuietly(socket);
                throw new ElectrumException(ElectrumException.Kind.TLS, "TLS handshake with " + server + " refused: " +
                    rootMessage(ex) + "; pin the certificate with wallet.electrum.tls.pinnedCertSha256 after checking it, " +
                    "or set wallet.electrum.tls.allowInsecure", ex);
            }
            catch (final IOException ex)
            {
                closeQuietly(socket);
                throw new ElectrumException(ElectrumException.Kind.TLS,
                    "TLS handshake with " + server + " failed: " + rootMessage(ex), ex);
            }
        }
        try
        {
            final ElectrumClient client = new ElectrumClient(server, options, listener, socket);
            client.reader.start();
            return client;
        }
        catch (final IOException ex)
        {
            closeQuietly(socket);
            throw new ElectrumException(ElectrumException.Kind.CONNECTION, "cannot use connection to " + server, ex);
        }
    }

    /**
     * The server this client is connected to.
     *
     * @return the server address.
     */
    public ServerAddress server()
    {
        return server;
    }

    /**
     * Whether the connection is still open.
     *
     * @return true until closed by either side.
     */
    public boolean isOpen()
    {
        return !closed.get();
    }

    /**
     * Send a request without waiting for its response.
     *
     * @param method JSON-RPC method.
     * @param params positional parameters (strings, numbers, booleans or null).
     * @return completes with the result, or exceptionally with an {@link ElectrumException}.
     */
    public CompletableFuture<JsonNode> send(final String method, final Object... params)
    {
        final CompletableFuture<JsonNode> future = new CompletableFuture<>();
        if (closed.get())
        {
            future.completeExceptionally(new ElectrumException(ElectrumException.Kind.CONNECTION,
                "connection to " + server + " is closed"));
            return future;
        }
        final long id = nextId.getAndIncrement();
        final ObjectNode request = MAPPER.createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("method", method);
        final ArrayNode array = request.putArray("params");
        for (final Object param : params)
        {
            array.addPOJO(param);
        }
        request.put("id", id);
        pending.put(id, new Pending(method, future));
        inFlight(1);
        // The reader may have failed every pending request between the check above and the put:
        // check again so this one cannot wait for a timeout on a connection already closed.
        if (closed.get() && null != pending.remove(id))
        {
            inFlight(-1);
            future.completeExceptionally(new ElectrumException(ElectrumException.Kind.CONNECTION,
                "connection to " + server + " is closed"));
            return future;
        }
        try
        {
            final byte[] bytes = (MAPPER.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (out)
            {
                out.write(bytes);
                out.flush();
            }
        }
        catch (final IOException ex)
        {
            fail(new ElectrumException(ElectrumException.Kind.CONNECTION,
                "connection to " + server + " lost while sending " + method + ": " + ex.getMessage(), ex));
        }
        return future;
    }

    /**
     * Send a request and wait for its result, measuring the timeout with the options' clock. A
     * timeout closes the connection: a server that stops answering is not trusted further.
     *
     * @param method JSON-RPC method.
     * @param params positional parameters.
     * @return the result (a null node for a null result).
     * @throws ElectrumException on error response, timeout, or loss of the connection.
     * @throws InterruptedException when the waiting thread is interrupted.
     */
    public JsonNode call(final String method, final Object... params) throws ElectrumException, InterruptedException
    {
        return await(method, send(method, params));
    }

    /**
     * Wait for the result of a request sent with {@link #send}, with the request timeout.
     *
     * @param method of the request, for messages.
     * @param future returned by send.
     * @return the result.
     * @throws ElectrumException on error response, timeout, or loss of the connection.
     * @throws InterruptedException when the waiting thread is interrupted.
     */
    public JsonNode await(final String method, final CompletableFuture<JsonNode> future)
        throws ElectrumException, InterruptedException
    {
        final EpochClock clock = options.clock();
        final long deadline = clock.time() + options.requestTimeoutMs();
        while (true)
        {
            try
            {
                return future.get(WAIT_TICK_MS, TimeUnit.MILLISECONDS);
            }
            catch (final TimeoutException ex)
            {
                if (clock.time() >= deadline)
                {
                    final ElectrumException timeout = new ElectrumException(ElectrumException.Kind.TIMEOUT,
                        server + " did not answer " + method + " within " + options.requestTimeoutMs() + " ms");
                    fail(timeout);
                    throw timeout;
                }
            }
            catch (final ExecutionException ex)
            {
                if (ex.getCause() instanceof ElectrumException electrum)
                {
                    throw new ElectrumException(electrum.kind(), electrum.getMessage(), electrum);
                }
                throw new ElectrumException(ElectrumException.Kind.PROTOCOL, method + " failed: " + ex.getCause(), ex);
            }
        }
    }

    /**
     * Close the connection; pending requests fail and the listener is told with a null reason.
     */
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            closeQuietly(socket);
            failPending(new ElectrumException(ElectrumException.Kind.CONNECTION, "connection to " + server + " closed"));
            listener.onClosed(this, null);
        }
    }

    /**
     * Close the connection because of what the server sent: pending requests fail with the reason and the
     * listener is told it. Called by a listener that finds a notification the protocol does not allow.
     *
     * @param reason one-line failure naming the server.
     */
    public void abort(final ElectrumException reason)
    {
        fail(reason);
    }

    private void readLoop()
    {
        final LineReader lines = new LineReader(in, options.maxLineLength());
        try
        {
            while (!closed.get())
            {
                final String line = lines.readLine();
                if (null == line)
                {
                    fail(new ElectrumException(ElectrumException.Kind.CONNECTION, server + " closed the connection"));
                    return;
                }
                if (!line.isBlank())
                {
                    onLine(line);
                }
            }
        }
        catch (final LineReader.LineTooLongException ex)
        {
            fail(ElectrumException.limitExceeded("maxLineLength",
                server + " sent a line longer than the " + options.maxLineLength() + "-byte limit (wallet.electrum.maxLineLength)"));
        }
        catch (final IOException ex)
        {
            fail(new ElectrumException(ElectrumException.Kind.CONNECTION,
                "connection to " + server + " lost: " + ex.getMessage(), ex));
        }
        catch (final ElectrumException ex)
        {
            fail(ex);
        }
        catch (final RuntimeException | Error ex)
        {
            // an Error too (a message too big for the heap): close, so the conductor fails over instead of
            // waiting on a connection whose reader is gone
            fail(new ElectrumException(ElectrumException.Kind.PROTOCOL, "failed handling a message from " + server + ": " + ex, ex));
        }
    }

    private void onLine(final String line) throws ElectrumException
    {
        final JsonNode message;
        try
        {
            message = MAPPER.readTree(line);
        }
        catch (final IOException ex)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL,
                server + " sent malformed JSON: " + abbreviate(line));
        }
        if (null == message || !message.isObject())
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL,
                server + " sent a message that is not a JSON object: " + abbreviate(line));
        }
        final JsonNode id = message.get("id");
        if (null != id && !id.isNull())
        {
            final Pending request = id.canConvertToLong() ? pending.remove(id.asLong()) : null;
            if (null == request)
            {
                throw ElectrumException.limitExceeded("unknownReplyId",
                    server + " sent a response to id " + abbreviate(id.toString()) + " which was never sent");
            }
            inFlight(-1);
            final JsonNode error = message.get("error");
            if (null != error && !error.isNull())
            {
                final String text = error.isObject() ?
                    "code " + error.path("code").asText("?") + ": " + error.path("message").asText("") : error.toString();
                request.future().completeExceptionally(new ElectrumException(ElectrumException.Kind.SERVER_ERROR,
                    server + " answered " + request.method() + " with an error (" + abbreviate(text) + ")"));
            }
            else
            {
                final JsonNode result = message.get("result");
                request.future().complete(null == result ? MAPPER.nullNode() : result);
            }
            return;
        }
        final JsonNode method = message.get("method");
        if (null != method && method.isTextual())
        {
            listener.onNotification(this, method.asText(), message.path("params"));
            return;
        }
        if (message.has("error"))
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL,
                server + " sent an error without a request id: " + abbreviate(message.get("error").toString()));
        }
        throw new ElectrumException(ElectrumException.Kind.PROTOCOL,
            server + " sent a message that is neither a response nor a notification: " + abbreviate(line));
    }

    private void fail(final ElectrumException reason)
    {
        if (closed.compareAndSet(false, true))
        {
            closeQuietly(socket);
            failPending(reason);
            listener.onClosed(this, reason);
        }
    }

    private void failPending(final ElectrumException reason)
    {
        for (final Long id : pending.keySet())
        {
            final Pending request = pending.remove(id);
            if (null != request)
            {
                inFlight(-1);
                request.future().completeExceptionally(reason);
            }
        }
    }

    private void inFlight(final long delta)
    {
        final AtomicCounter counter = options.requestsInFlight();
        if (null != counter)
        {
            counter.getAndAdd(delta);
        }
    }

    private static String abbreviate(final String text)
    {
        final String single = text.replace('\n', ' ').replace('\r', ' ');
        return single.length() <= 80 ? single : single.substring(0, 80) + "...";
    }

    private static String rootMessage(final Throwable throwable)
    {
        Throwable cause = throwable;
        String message = throwable.getMessage();
        while (null != cause)
        {
            if (null != cause.getMessage() && cause.getMessage().startsWith("server certificate"))
            {
                return cause.getMessage();
            }
            if (null != cause.getMessage())
            {
                message = cause.getMessage();
            }
            cause = cause.getCause();
        }
        return message;
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
}
