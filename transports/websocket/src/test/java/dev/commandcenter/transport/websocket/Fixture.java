package dev.commandcenter.transport.websocket;

import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Sources;
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
 * A real engine with the {@link AlertPlugin} and the WebSocket egress, and a web server on an
 * ephemeral loopback port publishing into it.
 */
final class Fixture implements AutoCloseable
{
    /** The admin token: opens everything, so most tests use it. */
    static final String TOKEN = "admin-Q7x2Lm9Pz4Rk8Wv3Nb6Td1";
    /** The overlay token: pages, feeds and the index only. */
    static final String OVERLAY_TOKEN = "overlay-H5c8Jf2Ks7Yq4Ue9Ga3Ro6";

    final AlertPlugin plugin = new AlertPlugin();
    final WebSocketEgress egress;
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final Engine engine;
    final WebServer server;
    final HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    Fixture(final Path dataDir, final int retain, final Consumer<Engine.Context> engineSettings,
        final Consumer<WebServer.Context> serverSettings)
    {
        this(dataDir, new WebSocketEgress(retain), engineSettings, serverSettings);
    }

    Fixture(final Path dataDir, final int retain, final int resumeHistory)
    {
        this(dataDir, new WebSocketEgress(retain, resumeHistory), (ctx) -> {}, (ctx) -> {});
    }

    Fixture(final Path dataDir, final WebSocketEgress egress, final Consumer<Engine.Context> engineSettings,
        final Consumer<WebServer.Context> serverSettings)
    {
        this(dataDir, egress, engineSettings, (engine, ctx) -> serverSettings.accept(ctx));
    }

    /**
     * With server settings that depend on the engine launched (its lendable cycle).
     */
    Fixture(final Path dataDir, final WebSocketEgress egress, final Consumer<Engine.Context> engineSettings,
        final java.util.function.BiConsumer<Engine, WebServer.Context> serverSettings)
    {
        this.egress = egress;
        final Engine.Context engineContext = new Engine.Context().dataDir(dataDir).plugin(plugin).egress("websocket", egress);
        engineSettings.accept(engineContext);
        engine = Engine.launch(engineContext);
        final WebServer.Context serverContext = new WebServer.Context()
            .port(0)
            .token(OVERLAY_TOKEN)
            .adminToken(TOKEN)
            // These tests post payments to exercise REST ingest; the refusal by default has its own tests.
            .acceptWalletEventsOverRest(true)
            .egress(egress)
            .eventPublisher(engine.publisher())
            .counters(engine.counters())
            .countersReader(engine.countersReader())
            .errorHandler((error) ->
            {
                errors.add(error);
                engine.errorHandler().onError(error);
            })
            .plugin(plugin);
        serverSettings.accept(engine, serverContext);
        try
        {
            server = WebServer.launch(serverContext);
        }
        catch (final RuntimeException ex)
        {
            engine.close();
            throw ex;
        }
    }

    Fixture(final Path dataDir)
    {
        this(dataDir, WebSocketEgress.RETAIN_PER_FEED_DEFAULT, (ctx) -> {}, (ctx) -> {});
    }

    URI ws(final String pathAndQuery)
    {
        return URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery);
    }

    URI http(final String pathAndQuery)
    {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    String origin()
    {
        return "http://127.0.0.1:" + server.port();
    }

    TestClient connect(final String pathAndQuery) throws Exception
    {
        return TestClient.connect(http, ws(pathAndQuery), null);
    }

    /**
     * Connect offering subprotocols, in order of preference.
     */
    TestClient connect(final String pathAndQuery, final String... subprotocols) throws Exception
    {
        return TestClient.connect(http, ws(pathAndQuery), null, subprotocols);
    }

    /**
     * Connect offering subprotocols and wait until the server has subscribed the client.
     */
    TestClient subscribe(final String pathAndQuery, final String... subprotocols) throws Exception
    {
        final int before = egress.connectedClients();
        final TestClient client = connect(pathAndQuery, subprotocols);
        await().atMost(Duration.ofSeconds(10)).until(() -> egress.connectedClients() > before);
        return client;
    }

    /**
     * Connect and wait until the server has subscribed the client.
     */
    TestClient subscribe(final String pathAndQuery) throws Exception
    {
        final int before = egress.connectedClients();
        final TestClient client = connect(pathAndQuery);
        await().atMost(Duration.ofSeconds(10)).until(() -> egress.connectedClients() > before);
        return client;
    }

    HttpResponse<String> get(final String pathAndQuery) throws Exception
    {
        return http.send(HttpRequest.newBuilder(http(pathAndQuery)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Publish one message given in the JSON view straight into the engine.
     *
     * @return the engine sequence.
     */
    long publish(final String json)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final int length = JsonView.instance().fromJson(json, buffer, 0);
        return engine.publisher().publish(Sources.CLI, buffer, 0, length);
    }

    long publishPayment(final long amountSats)
    {
        return publish("{\"type\":\"TransactionReceived\",\"amountSats\":" + amountSats + ",\"address\":\"bc1qtest\"}");
    }

    void awaitDrained()
    {
        await().atMost(Duration.ofSeconds(10)).until(engine::isDrained);
    }

    public void close()
    {
        plugin.release();
        CloseHelper.closeAll(server, engine);
        http.close();
    }
}
