package dev.commandcenter.transport.websocket.conformance;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.transport.websocket.WebServer;
import dev.commandcenter.transport.websocket.WebSocketEgress;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/**
 * A real engine with the {@link AlertPlugin} and a {@link WebSocketEgress}, and a {@link WebServer} on an ephemeral
 * loopback port served by one {@link Backend}, with an overlay and an admin token.
 */
final class ConformanceServer implements AutoCloseable
{
    /** The admin token: REST, metrics, health and everything the overlay token opens. */
    static final String ADMIN_TOKEN = "admin-Q7x2Lm9Pz4Rk8Wv3Nb6Td1";
    /** The overlay token: pages, feeds and the index only. */
    static final String OVERLAY_TOKEN = "overlay-H5c8Jf2Ks7Yq4Ue9Ga3Ro6";
    /** Bound of every wait for the server. */
    static final Duration BOUND = Duration.ofSeconds(15);

    final Backend backend;
    final AlertPlugin plugin = new AlertPlugin();
    final WebSocketEgress egress;
    final Engine engine;
    final WebServer server;
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final List<WsClient> clients = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    /**
     * Launch an engine and a server on a backend.
     *
     * @param backend       serves the connections.
     * @param dataDir       the engine's data directory.
     * @param retain        messages each feed replays to a new subscriber.
     * @param resumeHistory outputs each feed keeps for {@code since=}.
     * @param settings      further server settings (limits, origins, hosts).
     */
    ConformanceServer(
        final Backend backend,
        final Path dataDir,
        final int retain,
        final int resumeHistory,
        final Consumer<WebServer.Context> settings)
    {
        this.backend = backend;
        egress = new WebSocketEgress(retain, resumeHistory);
        engine = Engine.launch(new Engine.Context().dataDir(dataDir).plugin(plugin).egress("websocket", egress));
        try
        {
            final WebServer.Context ctx = new WebServer.Context()
                .port(0)
                .token(OVERLAY_TOKEN)
                .adminToken(ADMIN_TOKEN)
                // The suite posts payments to see REST ingest reach a feed; their refusal is the websocket module's test.
                .acceptWalletEventsOverRest(true)
                .closeTimeoutMs(2_000)
                .egress(egress)
                .eventPublisher(engine.publisher())
                .counters(engine.counters())
                .countersReader(engine.countersReader())
                .errorHandler((error) ->
                {
                    errors.add(error);
                    engine.errorHandler().onError(error);
                })
                .plugin(plugin)
                // Echoes the query as the server decoded it: what a route sees of a percent-encoded argument.
                .apiRoute("/api/echo", dev.commandcenter.transport.websocket.Scope.ADMIN, (request, responder) ->
                    responder.respond(200, java.util.Map.of("x", String.valueOf(request.parameter("x")),
                        "y", String.valueOf(request.parameter("y")))));
            settings.accept(ctx);
            server = WebServer.launch(backend.apply(ctx));
        }
        catch (final RuntimeException | Error ex)
        {
            engine.close();
            http.close();
            throw ex;
        }
    }

    int port()
    {
        return server.port();
    }

    URI ws(final String pathAndQuery)
    {
        return URI.create("ws://127.0.0.1:" + port() + pathAndQuery);
    }

    URI http(final String pathAndQuery)
    {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    /**
     * Open a WebSocket with the JDK's client, offering subprotocols in order of preference.
     */
    WsClient connect(final String pathAndQuery, final String... subprotocols) throws Exception
    {
        return track(WsClient.connect(http, ws(pathAndQuery), null, subprotocols));
    }

    /**
     * Open a WebSocket with the JDK's client sending an Origin header.
     */
    WsClient connectFrom(final String origin, final String pathAndQuery) throws Exception
    {
        return track(WsClient.connect(http, ws(pathAndQuery), origin));
    }

    private WsClient track(final WsClient client)
    {
        clients.add(client);
        return client;
    }

    /**
     * Drop every WebSocket this server's tests opened with the JDK's client and wait until the server has
     * unsubscribed them all, so the next case starts from no subscriber.
     */
    void dropClients()
    {
        clients.forEach((client) -> client.webSocket.abort());
        clients.clear();
        await().atMost(BOUND).until(() -> 0 == egress.connectedClients());
    }

    /**
     * Open a WebSocket and wait until the server has subscribed it to its feed.
     */
    WsClient subscribe(final String pathAndQuery, final String... subprotocols) throws Exception
    {
        final int before = egress.connectedClients();
        final WsClient client = connect(pathAndQuery, subprotocols);
        await().atMost(BOUND).until(() -> egress.connectedClients() > before || client.closed.isDone());
        if (client.closed.isDone())
        {
            throw new AssertionError("subscription to " + pathAndQuery.replaceAll("token=[^&]*", "token=...") +
                " refused: " + client.closed.getNow(null));
        }
        return client;
    }

    HttpResponse<String> get(final String pathAndQuery, final String... headers) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(http(pathAndQuery)).timeout(BOUND).GET();
        if (headers.length > 0)
        {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(final String pathAndQuery, final String token, final String body) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(http(pathAndQuery)).timeout(BOUND)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (null != token)
        {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Publish one message given in the JSON view straight into the engine.
     *
     * @return the engine sequence.
     */
    long publish(final String json)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
        final int length = JsonView.instance().fromJson(json, buffer, 0);
        return engine.publisher().publish(Sources.CLI, buffer, 0, length);
    }

    /**
     * Publish a payment: the plugin answers with an OverlayAlert of the same amount on feed {@code alerts}.
     */
    long publishPayment(final long amountSats)
    {
        return publish("{\"type\":\"TransactionReceived\",\"amountSats\":" + amountSats + ",\"address\":\"bc1qtest\"}");
    }

    /**
     * Publish a chat message: the plugin echoes it on feed {@code alerts}.
     */
    long publishChat(final String text)
    {
        return publish("{\"type\":\"ChatMessage\",\"messageId\":1,\"channel\":\"main\",\"user\":\"ann\",\"text\":\"" +
            text + "\"}");
    }

    void awaitOutputs(final long outputs)
    {
        await().atMost(BOUND).until(() -> egress.outputs() >= outputs);
    }

    public void close()
    {
        CloseHelper.closeAll(server, engine);
        http.close();
    }

    @Override
    public String toString()
    {
        return backend.name() + " server on port " + port();
    }
}
