package dev.commandcenter.plugin.automation.obs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A client of obs-websocket 5.x (OBS Studio 28+) over the JDK's WebSocket with the {@code obswebsocket.json}
 * subprotocol: Hello, Identify (answering the authentication challenge with the password read at each connect),
 * Identified, requests and request batches, events, and reconnection with a doubling backoff until {@link #close()}.
 * <pre>{@code
 * ObsClient obs = new ObsClient(new ObsClient.Context()
 *     .url("ws://127.0.0.1:4455").password(() -> secrets.secret("obsPassword"))
 *     .connectedGauge(counters.allocate(CounterType.OBS_CONNECTED, ""))
 *     .reconnectsCounter(counters.allocate(CounterType.OBS_RECONNECTS, "")));
 * obs.start();
 * obs.request("SetCurrentProgramScene", "{\"sceneName\":\"Celebration\"}").thenAccept(...);
 * }</pre>
 * A request is sent only while the connection is identified; otherwise it answers at once, not ok, saying why (it is
 * never queued, so an action fired while OBS is down fails visibly). At most {@link Context#maxInFlight()} requests
 * wait for answers; each waits at most {@link Context#requestTimeoutMs()}. A connection lost answers every waiting
 * request. Close 4009 (authentication failed) is {@link ObsStatus.State#AUTH_FAILED}, retried at the longest backoff
 * since the password may be rotated; close 4011 (the session was kicked in OBS) is not retried, as the protocol asks.
 * <p>
 * <b>Note:</b> one thread of its own owns the connection, completes the futures and calls the listener; callers must
 * not block it. {@link #request}, {@link #batch}, {@link #status()} and {@link #close()} are thread safe.
 */
public final class ObsClient implements ObsConnection, AutoCloseable
{
    /** The subprotocol of JSON text messages. */
    public static final String SUBPROTOCOL = "obswebsocket.json";
    /** The RPC version spoken. */
    public static final int RPC_VERSION = 1;

    /** Event category: general events. */
    public static final int EVENTS_GENERAL = 1;
    /** Event category: configuration (scene collections, profiles). */
    public static final int EVENTS_CONFIG = 1 << 1;
    /** Event category: scenes. */
    public static final int EVENTS_SCENES = 1 << 2;
    /** Event category: inputs. */
    public static final int EVENTS_INPUTS = 1 << 3;
    /** Event category: transitions. */
    public static final int EVENTS_TRANSITIONS = 1 << 4;
    /** Event category: filters. */
    public static final int EVENTS_FILTERS = 1 << 5;
    /** Event category: outputs (stream, recording). */
    public static final int EVENTS_OUTPUTS = 1 << 6;
    /** Event category: scene items. */
    public static final int EVENTS_SCENE_ITEMS = 1 << 7;
    /** Event category: media inputs. */
    public static final int EVENTS_MEDIA_INPUTS = 1 << 8;

    /** Close code: the authentication attempt failed. */
    public static final int CLOSE_AUTHENTICATION_FAILED = 4009;
    /** Close code: the RPC version asked for is not supported. */
    public static final int CLOSE_UNSUPPORTED_RPC_VERSION = 4010;
    /** Close code: the session was invalidated (kicked); a client must not reconnect on its own. */
    public static final int CLOSE_SESSION_INVALIDATED = 4011;

    private static final String VERSION_REQUEST_ID = "version";

    private final Context ctx;
    private final String url;
    private final URI uri;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ScheduledThreadPoolExecutor executor;
    private final HttpClient http;
    private final Map<String, Pending> pending = new HashMap<>();
    private final ArrayDeque<String> outbound = new ArrayDeque<>();
    private Connection connection;
    private boolean sending;
    private long nextRequestId;
    private long nextConnectionId;
    private long backoffMs;
    private long attempts;
    private long reconnects;
    private String obsVersion = "";
    private ScheduledFuture<?> reconnectTask;
    private boolean started;
    private volatile boolean closed;
    private volatile int inFlight;
    private volatile long lastReconnectDelayMs;
    private volatile ObsStatus status;
    private volatile Thread thread;

    /**
     * Conclude a context and create a client, not yet connecting.
     *
     * @param ctx configuration; concluded here.
     * @throws IllegalArgumentException naming a wrong setting.
     */
    public ObsClient(final Context ctx)
    {
        ctx.conclude();
        this.ctx = ctx;
        this.url = ctx.url();
        this.uri = url.isEmpty() ? null : URI.create(url);
        this.backoffMs = ctx.reconnectMinMs();
        this.status = new ObsStatus(null == uri ? ObsStatus.State.DISABLED : ObsStatus.State.DISCONNECTED,
            displayUrl(url), "", "", 0, ctx.epochClock().time());
        this.executor = new ScheduledThreadPoolExecutor(1, runnable ->
        {
            final Thread clientThread = new Thread(runnable, "obs-client");
            clientThread.setDaemon(true);
            thread = clientThread;
            return clientThread;
        });
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(ctx.requestTimeoutMs())).build();
        if (null != ctx.connectedGauge())
        {
            ctx.connectedGauge().setRelease(0);
        }
    }

    /**
     * Create a client and start it.
     *
     * @param ctx configuration; concluded here.
     * @return the client, connecting in the background.
     */
    public static ObsClient launch(final Context ctx)
    {
        final ObsClient client = new ObsClient(ctx);
        client.start();
        return client;
    }

    /**
     * Start connecting in the background; it keeps reconnecting with backoff until {@link #close()}. Does nothing
     * when no URL is configured (the status stays {@link ObsStatus.State#DISABLED}).
     *
     * @throws IllegalStateException if started twice or closed.
     */
    public void start()
    {
        synchronized (this)
        {
            if (started || closed)
            {
                throw new IllegalStateException("OBS client: start expected a new client, it was " +
                    (closed ? "closed" : "started already"));
            }
            started = true;
        }
        if (null != uri)
        {
            execute(this::connect);
        }
    }

    /** {@inheritDoc} */
    public CompletableFuture<ObsResponse> request(final String requestType, final String requestDataJson)
    {
        final CompletableFuture<ObsResponse> future = new CompletableFuture<>();
        if (!execute(() -> sendRequest(requestType, requestDataJson, future)))
        {
            future.complete(failed(requestType, "the OBS client is closed"));
        }
        return future;
    }

    /** {@inheritDoc} */
    public CompletableFuture<List<ObsResponse>> batch(final List<ObsRequest> requests, final boolean haltOnFailure)
    {
        final CompletableFuture<List<ObsResponse>> future = new CompletableFuture<>();
        final List<ObsRequest> copy = List.copyOf(requests);
        if (!execute(() -> sendBatch(copy, haltOnFailure, future)))
        {
            future.complete(failAll(copy, "the OBS client is closed"));
        }
        return future;
    }

    /**
     * The connection's state now.
     *
     * @return the status; cheap, thread safe.
     */
    public ObsStatus status()
    {
        return status;
    }

    /**
     * Requests (and batches) sent and waiting for OBS's answer now, at most {@link Context#maxInFlight()}.
     *
     * @return the count.
     */
    public int inFlight()
    {
        return inFlight;
    }

    /**
     * The delay before the reconnection scheduled last: {@code reconnectMinMs} doubling after each failed attempt up
     * to {@code reconnectMaxMs}, {@code reconnectMaxMs} after a refused password, and {@code reconnectMinMs} again
     * after an identified session.
     *
     * @return in ms, 0 before the first.
     */
    public long lastReconnectDelayMs()
    {
        return lastReconnectDelayMs;
    }

    /**
     * Stop reconnecting, close the connection and answer every waiting request not ok; waits (bounded) for the
     * client's thread to end.
     */
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        if (Thread.currentThread() == thread)
        {
            // Closed from a listener or a future's callback: the client's own thread cannot wait for itself.
            guarded(this::shutdown);
            executor.shutdown();
            http.shutdownNow();
            return;
        }
        try
        {
            executor.submit(this::shutdown).get(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException | RejectedExecutionException ex)
        {
            ctx.errorHandler().onError(ex);
        }
        executor.shutdownNow();
        try
        {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        http.shutdownNow();
    }

    private boolean execute(final Runnable task)
    {
        try
        {
            executor.execute(() -> guarded(task));
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    private void guarded(final Runnable task)
    {
        try
        {
            task.run();
        }
        catch (final Throwable ex)
        {
            ctx.errorHandler().onError(ex);
        }
    }

    private ScheduledFuture<?> schedule(final Runnable task, final long delayMs)
    {
        try
        {
            return executor.schedule(() -> guarded(task), delayMs, TimeUnit.MILLISECONDS);
        }
        catch (final RejectedExecutionException ex)
        {
            return null;
        }
    }

    // ---- on the client's thread from here on ----

    private void connect()
    {
        reconnectTask = null;
        if (closed)
        {
            return;
        }
        if (attempts++ > 0)
        {
            reconnects++;
            if (null != ctx.reconnectsCounter())
            {
                ctx.reconnectsCounter().incrementRelease();
            }
        }
        final Connection c = new Connection(++nextConnectionId);
        connection = c;
        setStatus(ObsStatus.State.CONNECTING, status.lastError());
        c.handshakeTimeout = schedule(() -> lost(c, "no Hello and Identified from OBS within " +
            ctx.requestTimeoutMs() + " ms", ObsStatus.State.DISCONNECTED, true), ctx.requestTimeoutMs());
        try
        {
            http.newWebSocketBuilder()
                .subprotocols(SUBPROTOCOL)
                .connectTimeout(Duration.ofMillis(ctx.requestTimeoutMs()))
                .buildAsync(uri, c)
                .whenComplete((ws, ex) ->
                {
                    if (null != ex)
                    {
                        execute(() -> lost(c, "cannot connect to " + displayUrl(url) + ": " + describe(ex),
                            ObsStatus.State.DISCONNECTED, true));
                    }
                });
        }
        catch (final RuntimeException ex)
        {
            lost(c, "cannot connect to " + displayUrl(url) + ": " + describe(ex), ObsStatus.State.DISCONNECTED, true);
        }
    }

    private void opened(final Connection c, final WebSocket ws)
    {
        if (c != connection)
        {
            ws.abort();
        }
    }

    private void onMessage(final Connection c, final String text)
    {
        if (c != connection)
        {
            return;
        }
        final JsonNode message;
        try
        {
            message = mapper.readTree(text);
        }
        catch (final JsonProcessingException ex)
        {
            ctx.errorHandler().onError(new IllegalStateException("OBS sent a message that is not JSON: " +
                abbreviate(text), ex));
            return;
        }
        final JsonNode d = message.path("d");
        switch (message.path("op").asInt(-1))
        {
            case 0 -> hello(c, d);
            case 2 -> identified(c, d);
            case 5 -> event(d);
            case 7 -> response(d);
            case 9 -> batchResponse(d);
            default ->
            {
                // Ops this client does not know (from a newer obs-websocket) are ignored.
            }
        }
    }

    private void hello(final Connection c, final JsonNode d)
    {
        final String version = d.path("obsWebSocketVersion").asText("");
        obsVersion = version.isEmpty() ? "" : "obs-websocket " + version;
        final ObjectNode identify = mapper.createObjectNode()
            .put("rpcVersion", RPC_VERSION)
            .put("eventSubscriptions", ctx.eventSubscriptions());
        final JsonNode auth = d.get("authentication");
        c.passwordMissing = false;
        if (null != auth && auth.isObject())
        {
            String password = null;
            try
            {
                password = null == ctx.password() ? null : ctx.password().get();
            }
            catch (final RuntimeException ex)
            {
                ctx.errorHandler().onError(ex);
            }
            c.passwordMissing = null == password || password.isEmpty();
            identify.put("authentication", authentication(null == password ? "" : password,
                auth.path("salt").asText(""), auth.path("challenge").asText("")));
        }
        final ObjectNode message = mapper.createObjectNode().put("op", 1);
        message.set("d", identify);
        enqueue(message.toString());
    }

    private void identified(final Connection c, final JsonNode d)
    {
        if (c.identified)
        {
            return;
        }
        c.identified = true;
        cancel(c.handshakeTimeout);
        backoffMs = ctx.reconnectMinMs();
        if (null != ctx.connectedGauge())
        {
            ctx.connectedGauge().setRelease(1);
        }
        setStatus(ObsStatus.State.IDENTIFIED, status.lastError());
        final ObjectNode request = mapper.createObjectNode()
            .put("requestType", "GetVersion")
            .put("requestId", VERSION_REQUEST_ID);
        final ObjectNode message = mapper.createObjectNode().put("op", 6);
        message.set("d", request);
        enqueue(message.toString());
    }

    private void event(final JsonNode d)
    {
        final JsonNode data = d.get("eventData");
        final String dataJson = null == data || data.isNull() ? null : data.toString();
        try
        {
            ctx.listener().onEvent(d.path("eventType").asText(""), d.path("eventIntent").asInt(0), dataJson);
        }
        catch (final RuntimeException ex)
        {
            ctx.errorHandler().onError(ex);
        }
    }

    private void response(final JsonNode d)
    {
        final String id = d.path("requestId").asText("");
        if (VERSION_REQUEST_ID.equals(id))
        {
            final JsonNode data = d.path("responseData");
            if (d.path("requestStatus").path("result").asBoolean(false))
            {
                obsVersion = "OBS " + data.path("obsVersion").asText("?") + ", obs-websocket " +
                    data.path("obsWebSocketVersion").asText("?");
                final ObsStatus now = status;
                status = new ObsStatus(now.state(), now.url(), obsVersion, now.lastError(), now.reconnects(),
                    now.sinceEpochMs());
            }
            return;
        }
        final Pending p = pending.remove(id);
        if (null == p || null == p.single)
        {
            return;
        }
        inFlight = pending.size();
        cancel(p.timeout);
        p.single.complete(toResponse(d, p.requestType));
    }

    private void batchResponse(final JsonNode d)
    {
        final Pending p = pending.remove(d.path("requestId").asText(""));
        if (null == p || null == p.batch)
        {
            return;
        }
        inFlight = pending.size();
        cancel(p.timeout);
        final JsonNode results = d.path("results");
        final List<ObsResponse> responses = new ArrayList<>(p.requests.size());
        for (int i = 0; i < p.requests.size(); i++)
        {
            final String type = p.requests.get(i).requestType();
            if (i < results.size())
            {
                responses.add(toResponse(results.get(i), type));
            }
            else
            {
                responses.add(failed(type, p.haltOnFailure ?
                    "not run: an earlier request of the batch failed (haltOnFailure)" :
                    "OBS gave no result for this request of the batch"));
            }
        }
        p.batch.complete(responses);
    }

    private ObsResponse toResponse(final JsonNode d, final String requestType)
    {
        final JsonNode requestStatus = d.path("requestStatus");
        final JsonNode data = d.get("responseData");
        return new ObsResponse(
            d.path("requestType").asText(requestType),
            requestStatus.path("result").asBoolean(false),
            requestStatus.path("code").asInt(0),
            requestStatus.path("comment").asText(""),
            null == data || data.isNull() ? null : data.toString());
    }

    private void sendRequest(final String requestType, final String requestDataJson, final CompletableFuture<ObsResponse> future)
    {
        final String refusal = refusal(requestType);
        if (null != refusal)
        {
            future.complete(failed(requestType, refusal));
            return;
        }
        final ObjectNode request = mapper.createObjectNode().put("requestType", requestType);
        final String dataError = putData(request, requestDataJson);
        if (null != dataError)
        {
            future.complete(failed(requestType, dataError));
            return;
        }
        final String id = Long.toString(++nextRequestId);
        request.put("requestId", id);
        final Pending p = new Pending(requestType, future, null, null, false);
        track(id, p);
        final ObjectNode message = mapper.createObjectNode().put("op", 6);
        message.set("d", request);
        enqueue(message.toString());
    }

    private void sendBatch(
        final List<ObsRequest> requests, final boolean haltOnFailure, final CompletableFuture<List<ObsResponse>> future)
    {
        if (requests.isEmpty())
        {
            future.complete(List.of());
            return;
        }
        final String refusal = refusal(requests.get(0).requestType());
        if (null != refusal)
        {
            future.complete(failAll(requests, refusal));
            return;
        }
        final ArrayNode list = mapper.createArrayNode();
        for (final ObsRequest request : requests)
        {
            final String typeError = typeError(request.requestType());
            final ObjectNode item = list.addObject().put("requestType", request.requestType());
            final String dataError = null != typeError ? typeError : putData(item, request.requestDataJson());
            if (null != dataError)
            {
                future.complete(failAll(requests, "batch not sent: " + dataError));
                return;
            }
        }
        final String id = Long.toString(++nextRequestId);
        final ObjectNode batch = mapper.createObjectNode()
            .put("requestId", id)
            .put("haltOnFailure", haltOnFailure)
            .put("executionType", 0);
        batch.set("requests", list);
        track(id, new Pending(null, null, requests, future, haltOnFailure));
        final ObjectNode message = mapper.createObjectNode().put("op", 8);
        message.set("d", batch);
        enqueue(message.toString());
    }

    private String refusal(final String requestType)
    {
        final String typeError = typeError(requestType);
        if (null != typeError)
        {
            return typeError;
        }
        final ObsStatus now = status;
        if (ObsStatus.State.DISABLED == now.state())
        {
            return "OBS is not configured (obs.url)";
        }
        if (closed)
        {
            return "the OBS client is closed";
        }
        if (ObsStatus.State.IDENTIFIED != now.state() || null == connection)
        {
            return "OBS is not connected (" + now.state() + (now.lastError().isEmpty() ? "" : ", " + now.lastError()) +
                ", since " + Instant.ofEpochMilli(now.sinceEpochMs()) + ")";
        }
        if (pending.size() >= ctx.maxInFlight())
        {
            return "too many OBS requests in flight (" + ctx.maxInFlight() + " waiting for OBS's answer)";
        }
        return null;
    }

    private static String typeError(final String requestType)
    {
        return null == requestType || requestType.isBlank() ?
            "OBS request type is empty: expected a request type such as SetCurrentProgramScene" : null;
    }

    private String putData(final ObjectNode request, final String requestDataJson)
    {
        if (null == requestDataJson)
        {
            return null;
        }
        try
        {
            final JsonNode data = mapper.readTree(requestDataJson);
            if (null == data || !data.isObject())
            {
                return "OBS request data of " + request.path("requestType").asText() +
                    " is not a JSON object: expected {...}, got " + abbreviate(requestDataJson);
            }
            request.set("requestData", data);
            return null;
        }
        catch (final JsonProcessingException ex)
        {
            return "OBS request data of " + request.path("requestType").asText() +
                " is not JSON: expected a JSON object, got " + abbreviate(requestDataJson);
        }
    }

    private void track(final String id, final Pending p)
    {
        pending.put(id, p);
        inFlight = pending.size();
        p.timeout = schedule(() -> timedOut(id), ctx.requestTimeoutMs());
    }

    private void timedOut(final String id)
    {
        final Pending p = pending.remove(id);
        if (null != p)
        {
            inFlight = pending.size();
            p.fail("no answer from OBS within " + ctx.requestTimeoutMs() + " ms");
        }
    }

    private void enqueue(final String text)
    {
        outbound.add(text);
        drain();
    }

    private void drain()
    {
        final Connection c = connection;
        if (sending || null == c || null == c.ws || outbound.isEmpty())
        {
            return;
        }
        sending = true;
        final String text = outbound.poll();
        try
        {
            c.ws.sendText(text, true).whenComplete((ws, ex) -> execute(() -> sent(c, ex)));
        }
        catch (final RuntimeException ex)
        {
            sending = false;
            lost(c, "cannot send to OBS: " + describe(ex), ObsStatus.State.DISCONNECTED, true);
        }
    }

    private void sent(final Connection c, final Throwable ex)
    {
        if (c != connection)
        {
            return;
        }
        sending = false;
        if (null != ex)
        {
            lost(c, "cannot send to OBS: " + describe(ex), ObsStatus.State.DISCONNECTED, true);
            return;
        }
        drain();
    }

    private void closedByObs(final Connection c, final int code, final String reason)
    {
        final String what = code + (null == reason || reason.isEmpty() ? "" : " " + reason);
        switch (code)
        {
            case CLOSE_AUTHENTICATION_FAILED -> lost(c, "OBS refused the password (" + what + ")" +
                (c.passwordMissing ? ": OBS asks for a password and none is set" : ""), ObsStatus.State.AUTH_FAILED, true);
            case CLOSE_UNSUPPORTED_RPC_VERSION -> lost(c, "OBS does not support rpcVersion " + RPC_VERSION + " (" + what +
                "): expected obs-websocket 5.x (OBS Studio 28 or later)", ObsStatus.State.DISCONNECTED, true);
            case CLOSE_SESSION_INVALIDATED -> lost(c, "OBS ended the session (" + what + "); not reconnecting, as " +
                "obs-websocket asks after a kick: restart to connect again", ObsStatus.State.DISCONNECTED, false);
            default -> lost(c, "OBS closed the connection (" + what + ")", ObsStatus.State.DISCONNECTED, true);
        }
    }

    private void lost(final Connection c, final String reason, final ObsStatus.State state, final boolean retry)
    {
        if (c != connection)
        {
            return;
        }
        connection = null;
        cancel(c.handshakeTimeout);
        if (null != c.ws)
        {
            c.ws.abort();
        }
        outbound.clear();
        sending = false;
        failPending("OBS connection lost: " + reason);
        if (null != ctx.connectedGauge())
        {
            ctx.connectedGauge().setRelease(0);
        }
        final long delayMs = ObsStatus.State.AUTH_FAILED == state ? ctx.reconnectMaxMs() : backoffMs;
        backoffMs = Math.min(ctx.reconnectMaxMs(), backoffMs * 2);
        lastReconnectDelayMs = retry && !closed ? delayMs : 0;
        setStatus(state, reason);
        if (retry && !closed)
        {
            reconnectTask = schedule(this::connect, delayMs);
        }
    }

    private void shutdown()
    {
        cancel(reconnectTask);
        reconnectTask = null;
        final Connection c = connection;
        connection = null;
        outbound.clear();
        sending = false;
        if (null != c)
        {
            cancel(c.handshakeTimeout);
            if (null != c.ws)
            {
                c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "client closing").whenComplete((ws, ex) -> c.ws.abort());
            }
        }
        failPending("the OBS client is closed");
        if (null != ctx.connectedGauge())
        {
            ctx.connectedGauge().setRelease(0);
        }
        if (ObsStatus.State.DISABLED != status.state())
        {
            setStatus(ObsStatus.State.DISCONNECTED, "the OBS client is closed");
        }
    }

    private void failPending(final String reason)
    {
        final List<Pending> all = new ArrayList<>(pending.values());
        pending.clear();
        inFlight = 0;
        for (final Pending p : all)
        {
            cancel(p.timeout);
            p.fail(reason);
        }
    }

    private void setStatus(final ObsStatus.State state, final String lastError)
    {
        final ObsStatus before = status;
        final long since = before.state() == state ? before.sinceEpochMs() : ctx.epochClock().time();
        final ObsStatus now = new ObsStatus(state, before.url(), obsVersion, null == lastError ? "" : lastError,
            reconnects, since);
        status = now;
        try
        {
            ctx.listener().onStatus(now);
        }
        catch (final RuntimeException ex)
        {
            ctx.errorHandler().onError(ex);
        }
    }

    private static void cancel(final ScheduledFuture<?> task)
    {
        if (null != task)
        {
            task.cancel(false);
        }
    }

    private static ObsResponse failed(final String requestType, final String reason)
    {
        return new ObsResponse(requestType, false, 0, reason, null);
    }

    private static List<ObsResponse> failAll(final List<ObsRequest> requests, final String reason)
    {
        final List<ObsResponse> responses = new ArrayList<>(requests.size());
        for (final ObsRequest request : requests)
        {
            responses.add(failed(request.requestType(), reason));
        }
        return responses;
    }

    /**
     * The authentication string of obs-websocket 5:
     * {@code base64(sha256(base64(sha256(password + salt)) + challenge))}.
     *
     * @param password  the password.
     * @param salt      from Hello.
     * @param challenge from Hello.
     * @return the string to send in Identify.
     */
    static String authentication(final String password, final String salt, final String challenge)
    {
        try
        {
            final MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            final Base64.Encoder base64 = Base64.getEncoder();
            final String secret = base64.encodeToString(sha256.digest((password + salt).getBytes(StandardCharsets.UTF_8)));
            return base64.encodeToString(sha256.digest((secret + challenge).getBytes(StandardCharsets.UTF_8)));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is not available", ex);
        }
    }

    static long utf8Length(final CharSequence text)
    {
        long length = 0;
        for (int i = 0, n = text.length(); i < n; i++)
        {
            final char c = text.charAt(i);
            length += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return length;
    }

    private static String describe(final Throwable error)
    {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && null != cause.getCause())
        {
            cause = cause.getCause();
        }
        final String message = cause.getMessage();
        final String text = null == message || message.isBlank() ? cause.getClass().getSimpleName() :
            cause.getClass().getSimpleName() + ": " + message;
        return text.replace('\n', ' ').replace('\r', ' ');
    }

    private static String abbreviate(final String text)
    {
        final String line = text.replace('\n', ' ').replace('\r', ' ');
        return line.length() <= 120 ? line : line.substring(0, 120) + "...";
    }

    private static String displayUrl(final String url)
    {
        if (url.isEmpty())
        {
            return url;
        }
        final URI parsed = URI.create(url);
        return null == parsed.getRawUserInfo() ? url : url.replace(parsed.getRawUserInfo() + "@", "");
    }

    /** A request or batch waiting for OBS's answer. */
    private static final class Pending
    {
        private final String requestType;
        private final CompletableFuture<ObsResponse> single;
        private final List<ObsRequest> requests;
        private final CompletableFuture<List<ObsResponse>> batch;
        private final boolean haltOnFailure;
        private ScheduledFuture<?> timeout;

        private Pending(
            final String requestType,
            final CompletableFuture<ObsResponse> single,
            final List<ObsRequest> requests,
            final CompletableFuture<List<ObsResponse>> batch,
            final boolean haltOnFailure)
        {
            this.requestType = requestType;
            this.single = single;
            this.requests = requests;
            this.batch = batch;
            this.haltOnFailure = haltOnFailure;
        }

        private void fail(final String reason)
        {
            if (null != single)
            {
                single.complete(failed(requestType, reason));
            }
            else
            {
                batch.complete(failAll(requests, reason));
            }
        }
    }

    /**
     * One WebSocket connection: the JDK calls its listener methods one at a time; it assembles text messages that
     * arrive in parts, bounds them, and hands whole ones to the client's thread.
     */
    private final class Connection implements WebSocket.Listener
    {
        private final long id;
        private volatile WebSocket ws;
        private StringBuilder text = new StringBuilder();
        private long textBytes;
        private boolean tooBig;
        private boolean identified;
        private boolean passwordMissing;
        private ScheduledFuture<?> handshakeTimeout;

        private Connection(final long id)
        {
            this.id = id;
        }

        public void onOpen(final WebSocket webSocket)
        {
            ws = webSocket;
            execute(() ->
            {
                opened(this, webSocket);
                drain();
            });
            webSocket.request(1);
        }

        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            if (tooBig)
            {
                return null;
            }
            textBytes += utf8Length(data);
            if (textBytes > ctx.maxMessageBytes())
            {
                tooBig = true;
                text = new StringBuilder();
                execute(() -> lost(this, "OBS sent a message over " + ctx.maxMessageBytes() + " bytes",
                    ObsStatus.State.DISCONNECTED, true));
                return null;
            }
            text.append(data);
            if (last)
            {
                final String message = text.toString();
                text = text.capacity() > 65536 ? new StringBuilder() : text;
                text.setLength(0);
                textBytes = 0;
                execute(() -> onMessage(this, message));
            }
            webSocket.request(1);
            return null;
        }

        public CompletionStage<?> onBinary(final WebSocket webSocket, final ByteBuffer data, final boolean last)
        {
            webSocket.request(1);
            return null;
        }

        public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
        {
            execute(() -> closedByObs(this, statusCode, reason));
            return null;
        }

        public void onError(final WebSocket webSocket, final Throwable error)
        {
            execute(() -> lost(this, describe(error), ObsStatus.State.DISCONNECTED, true));
        }

        public String toString()
        {
            return "OBS connection " + id;
        }
    }

    /**
     * Configuration of an {@link ObsClient}; the YAML keys under {@code obs:} are named on each setter. Defaults come
     * from the named constants; {@link #conclude()} validates and may be called once.
     */
    public static final class Context
    {
        /** Default wait for an answer, in ms ({@code obs.requestTimeoutMs}); also bounds the Hello/Identify exchange. */
        public static final long REQUEST_TIMEOUT_MS_DEFAULT = 5000;
        /** Default first reconnection delay, in ms ({@code obs.reconnectMinMs}). */
        public static final long RECONNECT_MIN_MS_DEFAULT = 1000;
        /** Default longest reconnection delay, in ms ({@code obs.reconnectMaxMs}). */
        public static final long RECONNECT_MAX_MS_DEFAULT = 30_000;
        /** Default event subscriptions: General, Scenes, Inputs and MediaInputs. */
        public static final int EVENT_SUBSCRIPTIONS_DEFAULT = EVENTS_GENERAL | EVENTS_SCENES | EVENTS_INPUTS |
            EVENTS_MEDIA_INPUTS;
        /** Default most requests waiting for answers at once. */
        public static final int MAX_IN_FLIGHT_DEFAULT = 1000;
        /** Default largest message accepted from OBS, in UTF-8 bytes (16 MiB); a larger one closes the connection. */
        public static final int MAX_MESSAGE_BYTES_DEFAULT = 16 << 20;

        private boolean concluded;
        private String url = "";
        private Supplier<String> password;
        private long requestTimeoutMs = REQUEST_TIMEOUT_MS_DEFAULT;
        private long reconnectMinMs = RECONNECT_MIN_MS_DEFAULT;
        private long reconnectMaxMs = RECONNECT_MAX_MS_DEFAULT;
        private int eventSubscriptions = EVENT_SUBSCRIPTIONS_DEFAULT;
        private int maxInFlight = MAX_IN_FLIGHT_DEFAULT;
        private int maxMessageBytes = MAX_MESSAGE_BYTES_DEFAULT;
        private EpochClock epochClock = SystemEpochClock.INSTANCE;
        private AtomicCounter connectedGauge;
        private AtomicCounter reconnectsCounter;
        private ObsListener listener;
        private ErrorHandler errorHandler;

        /**
         * Validate the configuration.
         *
         * @return this.
         * @throws IllegalStateException    if called twice.
         * @throws IllegalArgumentException naming the first wrong setting and what was expected.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("OBS client context already concluded");
            }
            concluded = true;
            url = null == url ? "" : url.trim();
            if (!url.isEmpty())
            {
                final URI parsed;
                try
                {
                    parsed = new URI(url);
                }
                catch (final URISyntaxException ex)
                {
                    throw new IllegalArgumentException("obs.url: expected a URL such as ws://127.0.0.1:4455, got " +
                        displayUrl(url.replaceAll("\\s", "")) + " (" + ex.getReason() + ")");
                }
                if (!"ws".equalsIgnoreCase(parsed.getScheme()) && !"wss".equalsIgnoreCase(parsed.getScheme()) ||
                    null == parsed.getHost())
                {
                    throw new IllegalArgumentException("obs.url: expected ws://HOST:PORT or wss://HOST:PORT such as " +
                        "ws://127.0.0.1:4455, got " + url);
                }
            }
            requireRange("obs.requestTimeoutMs", requestTimeoutMs, 1, 3_600_000);
            requireRange("obs.reconnectMinMs", reconnectMinMs, 1, 3_600_000);
            requireRange("obs.reconnectMaxMs", reconnectMaxMs, reconnectMinMs, 3_600_000);
            requireRange("obs eventSubscriptions", eventSubscriptions, 0, Integer.MAX_VALUE);
            requireRange("obs maxInFlight", maxInFlight, 1, 1_000_000);
            requireRange("obs maxMessageBytes", maxMessageBytes, 1024, Integer.MAX_VALUE);
            if (null == epochClock)
            {
                epochClock = SystemEpochClock.INSTANCE;
            }
            if (null == listener)
            {
                listener = new ObsListener()
                {
                };
            }
            if (null == errorHandler)
            {
                errorHandler = Throwable::printStackTrace;
            }
            return this;
        }

        private static void requireRange(final String name, final long value, final long min, final long max)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(name + ": expected " + min + ".." + max + ", got " + value);
            }
        }

        /**
         * Where OBS listens ({@code obs.url}), such as {@code ws://127.0.0.1:4455}; empty for no OBS.
         *
         * @param url the URL.
         * @return this.
         */
        public Context url(final String url)
        {
            this.url = url;
            return this;
        }

        /**
         * The configured URL.
         *
         * @return the URL, empty for none.
         */
        public String url()
        {
            return url;
        }

        /**
         * Where the obs-websocket password comes from (the secrets store's {@code obsPassword}); read at each connect, so
         * a rotated password applies to the next connection. Never logged.
         *
         * @param password the supplier; it may be null or answer null or empty for a server without authentication.
         * @return this.
         */
        public Context password(final Supplier<String> password)
        {
            this.password = password;
            return this;
        }

        /**
         * The password supplier.
         *
         * @return the supplier, or null.
         */
        public Supplier<String> password()
        {
            return password;
        }

        /**
         * How long a request waits for OBS's answer ({@code obs.requestTimeoutMs}); also the bound on connecting and
         * the Hello/Identify exchange.
         *
         * @param requestTimeoutMs in ms.
         * @return this.
         */
        public Context requestTimeoutMs(final long requestTimeoutMs)
        {
            this.requestTimeoutMs = requestTimeoutMs;
            return this;
        }

        /**
         * The request timeout.
         *
         * @return in ms.
         */
        public long requestTimeoutMs()
        {
            return requestTimeoutMs;
        }

        /**
         * The first reconnection delay ({@code obs.reconnectMinMs}); it doubles after each failed attempt up to
         * {@link #reconnectMaxMs(long)} and starts again here after an identified session.
         *
         * @param reconnectMinMs in ms.
         * @return this.
         */
        public Context reconnectMinMs(final long reconnectMinMs)
        {
            this.reconnectMinMs = reconnectMinMs;
            return this;
        }

        /**
         * The first reconnection delay.
         *
         * @return in ms.
         */
        public long reconnectMinMs()
        {
            return reconnectMinMs;
        }

        /**
         * The longest reconnection delay ({@code obs.reconnectMaxMs}); also the delay after a refused password.
         *
         * @param reconnectMaxMs in ms.
         * @return this.
         */
        public Context reconnectMaxMs(final long reconnectMaxMs)
        {
            this.reconnectMaxMs = reconnectMaxMs;
            return this;
        }

        /**
         * The longest reconnection delay.
         *
         * @return in ms.
         */
        public long reconnectMaxMs()
        {
            return reconnectMaxMs;
        }

        /**
         * The event categories to receive, a bitmask of the {@code EVENTS_*} constants (obs-websocket's
         * {@code EventSubscription}).
         *
         * @param eventSubscriptions the bitmask.
         * @return this.
         */
        public Context eventSubscriptions(final int eventSubscriptions)
        {
            this.eventSubscriptions = eventSubscriptions;
            return this;
        }

        /**
         * The event subscriptions.
         *
         * @return the bitmask.
         */
        public int eventSubscriptions()
        {
            return eventSubscriptions;
        }

        /**
         * The most requests (a batch counts as one) waiting for answers at once; beyond, a request answers at once,
         * not ok.
         *
         * @param maxInFlight the bound.
         * @return this.
         */
        public Context maxInFlight(final int maxInFlight)
        {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /**
         * The bound on requests in flight.
         *
         * @return the bound.
         */
        public int maxInFlight()
        {
            return maxInFlight;
        }

        /**
         * The largest message accepted from OBS, in UTF-8 bytes; a larger one closes the connection (which is then
         * made again with backoff).
         *
         * @param maxMessageBytes the bound.
         * @return this.
         */
        public Context maxMessageBytes(final int maxMessageBytes)
        {
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /**
         * The bound on a message from OBS.
         *
         * @return in bytes.
         */
        public int maxMessageBytes()
        {
            return maxMessageBytes;
        }

        /**
         * The clock of {@link ObsStatus#sinceEpochMs()}.
         *
         * @param epochClock the clock.
         * @return this.
         */
        public Context epochClock(final EpochClock epochClock)
        {
            this.epochClock = epochClock;
            return this;
        }

        /**
         * The clock.
         *
         * @return the clock.
         */
        public EpochClock epochClock()
        {
            return epochClock;
        }

        /**
         * The gauge set to 1 while identified and 0 otherwise ({@code CounterType.OBS_CONNECTED}).
         *
         * @param connectedGauge the counter, or null.
         * @return this.
         */
        public Context connectedGauge(final AtomicCounter connectedGauge)
        {
            this.connectedGauge = connectedGauge;
            return this;
        }

        /**
         * The connected gauge.
         *
         * @return the counter, or null.
         */
        public AtomicCounter connectedGauge()
        {
            return connectedGauge;
        }

        /**
         * The counter of reconnection attempts: every connection attempt after the first
         * ({@code CounterType.OBS_RECONNECTS}).
         *
         * @param reconnectsCounter the counter, or null.
         * @return this.
         */
        public Context reconnectsCounter(final AtomicCounter reconnectsCounter)
        {
            this.reconnectsCounter = reconnectsCounter;
            return this;
        }

        /**
         * The reconnects counter.
         *
         * @return the counter, or null.
         */
        public AtomicCounter reconnectsCounter()
        {
            return reconnectsCounter;
        }

        /**
         * Told of state changes and OBS's events, on the client's thread.
         *
         * @param listener the listener, or null for none.
         * @return this.
         */
        public Context listener(final ObsListener listener)
        {
            this.listener = listener;
            return this;
        }

        /**
         * The listener.
         *
         * @return the listener.
         */
        public ObsListener listener()
        {
            return listener;
        }

        /**
         * Where unexpected errors go (a listener that throws, a message from OBS that is not JSON); the engine's error
         * handler in the application. Default: printed to standard error.
         *
         * @param errorHandler the handler.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * The error handler.
         *
         * @return the handler.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }
    }
}
