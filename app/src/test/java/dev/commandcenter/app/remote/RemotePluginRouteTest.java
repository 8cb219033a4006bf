package dev.commandcenter.app.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.PluginDoneDecoder;
import dev.commandcenter.codecs.sbe.PluginHelloDecoder;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.plugin.host.remote.RemoteLink;
import dev.commandcenter.plugin.host.remote.RemoteLinkHandler;
import dev.commandcenter.plugin.host.remote.RemotePluginEndpoint;
import dev.commandcenter.transport.websocket.WebServer;
import dev.commandcenter.transport.websocket.WebSocketEgress;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The WebSocket transport of the remote plugin protocol against a recording endpoint, on a real server: what a
 * host sends reaches the endpoint whole and as SBE, what the endpoint offers reaches the host, and bad input is
 * refused with its close code before the endpoint sees it.
 */
@Timeout(60)
class RemotePluginRouteTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ADMIN = "admin-Q7x2Lm9Pz4Rk8Wv3Nb6Td1";
    private static final String OVERLAY = "overlay-H5c8Jf2Ks7Yq4Ue9Ga3Ro6";
    private static final String HELLO = "{\"type\":\"hello\",\"plugin\":\"big-tip-python\",\"protocol\":1,\"host\":\"test\"}";
    private static final String TXID = "ab".repeat(32);
    private static final String ALERT = "{\"type\":\"OverlayAlert\",\"alertId\":7,\"amountSats\":120000," +
        "\"showAtEpochMs\":1,\"durationMs\":8000,\"queued\":0,\"kind\":\"PAYMENT\",\"txid\":\"" + TXID +
        "\",\"title\":\"Big tip!\",\"message\":\"hi\"}";

    @TempDir
    Path dataDir;

    private final BlockingQueue<RemoteLink> links = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final List<String> closes = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private RemotePluginRoute route;
    private WebServer server;

    /** Records every message as its JSON rendering (or its SBE bytes, hex, when asked). */
    private final RemotePluginEndpoint endpoint = (link) ->
    {
        links.add(link);
        final RemoteJson json = new RemoteJson();
        return new RemoteLinkHandler()
        {
            public void onMessage(final org.agrona.DirectBuffer buffer, final int offset, final int length)
            {
                assertThat(MessageSchema.validate(buffer, offset, length)).isNull();
                received.add(json.toJson(buffer, offset, length));
            }

            public void onClosed(final String reason)
            {
                closes.add(reason);
            }
        };
    };

    @AfterEach
    void after() throws Exception
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            resources.get(i).close();
        }
    }

    private void start(final long helloTimeoutMs, final int maxAwaitingHello)
    {
        final Engine engine = Engine.launch(new Engine.Context().dataDir(dataDir));
        resources.add(engine);
        route = new RemotePluginRoute(endpoint, helloTimeoutMs, maxAwaitingHello);
        resources.add(route);
        final WebSocketEgress egress = new WebSocketEgress(0);
        server = WebServer.launch(new WebServer.Context()
            .port(0)
            .token(OVERLAY)
            .adminToken(ADMIN)
            .rotationGraceMs(100)
            .maxFrameLength(64 * 1024)
            .egress(egress)
            .counters(engine.counters())
            .countersReader(engine.countersReader())
            .errorHandler(engine.errorHandler())
            .webSocketRoute(RemotePluginRoute.PATH, route, RemotePluginRoute.subprotocols()));
        resources.add(server);
    }

    private String url(final String token)
    {
        return "ws://127.0.0.1:" + server.port() + RemotePluginRoute.PATH + (null == token ? "" : "?token=" + token);
    }

    private HostClient json() throws Exception
    {
        final HostClient client = HostClient.connect(url(ADMIN), RemoteJson.JSON_SUBPROTOCOL);
        resources.add(client);
        return client;
    }

    private String nextReceived() throws InterruptedException
    {
        final String next = received.poll(15, TimeUnit.SECONDS);
        assertThat(next).as("a message at the endpoint within 15 s").isNotNull();
        return next;
    }

    private static int offer(final RemoteLink link, final String json)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final int length = new RemoteJson().toSbe(json, buffer, 0);
        return link.offer(buffer, 0, length);
    }

    @Test
    void shouldCarryTheProtocolBothWaysInJson() throws Exception
    {
        start(10_000, 16);
        final HostClient host = json();
        assertThat(host.webSocket.getSubprotocol()).isEqualTo(RemoteJson.JSON_SUBPROTOCOL);
        final RemoteLink link = links.poll(15, TimeUnit.SECONDS);
        assertThat(link.transport()).isEqualTo("websocket");
        assertThat(link.describe()).startsWith("websocket 127.0.0.1:");

        host.send(HELLO);
        assertThat(MAPPER.readTree(nextReceived())).isEqualTo(MAPPER.readTree(HELLO));

        assertThat(offer(link, "{\"type\":\"welcome\",\"plugin\":\"big-tip-python\",\"resumeAfter\":-1," +
            "\"heartbeatIntervalMs\":1000,\"config\":{\"thresholdSats\":50000}}")).isEqualTo(RemoteLink.SENT);
        final JsonNode welcome = MAPPER.readTree(host.nextText());
        assertThat(welcome.get("type").asText()).isEqualTo("welcome");
        assertThat(welcome.get("config").get("thresholdSats").asLong()).isEqualTo(50000);

        assertThat(offer(link, "{\"type\":\"event\",\"seq\":0,\"timestampNs\":5,\"source\":6,\"event\":" +
            "{\"type\":\"TransactionReceived\",\"amountSats\":120000,\"txid\":\"" + TXID + "\",\"memo\":\"hi\"}}"))
            .isEqualTo(RemoteLink.SENT);
        final JsonNode event = MAPPER.readTree(host.nextText());
        assertThat(event.get("seq").asLong()).isZero();
        assertThat(event.get("event").get("type").asText()).isEqualTo("TransactionReceived");
        assertThat(event.get("event").get("amountSats").asLong()).isEqualTo(120000);

        host.send("{\"type\":\"done\",\"seq\":0,\"emits\":[" + ALERT + "]}");
        final JsonNode done = MAPPER.readTree(nextReceived());
        assertThat(done.get("seq").asLong()).isZero();
        assertThat(done.get("emits").get(0).get("type").asText()).isEqualTo("OverlayAlert");
        assertThat(done.get("emits").get(0).get("title").asText()).isEqualTo("Big tip!");

        link.close("replaced by a newer host");
        assertThat(host.awaitClose()).isEqualTo(new HostClient.Close(1000, "replaced by a newer host"));
        await().atMost(Duration.ofSeconds(15)).until(() -> closes.size() == 1);
        assertThat(offer(link, "{\"type\":\"heartbeat\",\"epochMs\":1,\"lastDone\":0}")).isEqualTo(RemoteLink.CLOSED);
        assertThat(route.refusedCount()).isZero();
    }

    @Test
    void shouldPassSbeFramesThroughUnchanged() throws Exception
    {
        start(10_000, 16);
        final HostClient host = HostClient.connect(url(ADMIN), RemoteJson.SBE_SUBPROTOCOL);
        resources.add(host);
        final RemoteLink link = links.poll(15, TimeUnit.SECONDS);

        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final int length = new RemoteJson().toSbe(HELLO, buffer, 0);
        host.sendBinary(Arrays.copyOf(buffer.byteArray(), length));
        assertThat(MAPPER.readTree(nextReceived())).isEqualTo(MAPPER.readTree(HELLO));

        final int heartbeat = new RemoteJson().toSbe("{\"type\":\"heartbeat\",\"epochMs\":9,\"lastDone\":-1}", buffer, 0);
        assertThat(link.offer(buffer, 0, heartbeat)).isEqualTo(RemoteLink.SENT);
        assertThat(host.nextBinary()).isEqualTo(Arrays.copyOf(buffer.byteArray(), heartbeat));

        assertThat(offer(link, "{\"type\":\"event\",\"seq\":3,\"timestampNs\":5,\"source\":6,\"event\":" +
            "{\"type\":\"ChatMessage\"}}")).isEqualTo(RemoteLink.SENT);
        assertThat(MessageSchema.templateId(new UnsafeBuffer(host.nextBinary()), 0)).isEqualTo(32);
        final int done = new RemoteJson().toSbe("{\"type\":\"done\",\"seq\":3,\"emits\":[" + ALERT + "]}", buffer, 0);
        host.sendBinary(Arrays.copyOf(buffer.byteArray(), done));
        assertThat(MAPPER.readTree(nextReceived()).get("emits").get(0).get("amountSats").asLong()).isEqualTo(120000);

        // A truncated message never reaches the endpoint.
        host.sendBinary(Arrays.copyOf(buffer.byteArray(), done - 3));
        final HostClient.Close close = host.awaitClose();
        assertThat(close.code()).isEqualTo(1008);
        assertThat(close.reason()).contains("truncated");
        assertThat(received).isEmpty();
    }

    @Test
    void shouldRefuseBadJsonWithItsCloseCodeAndTellTheEndpointOnce() throws Exception
    {
        start(10_000, 16);
        final String[][] cases = {
            { "{not json", "1007", "not valid JSON" },
            { "{\"type\":\"subscribe\"}", "1008", "unknown type \"subscribe\"" },
            { "{\"type\":\"done\",\"seq\":0}", "1008", "expected hello first, got PluginDone" },
            { "{\"type\":\"hello\",\"plugin\":\"p\"}", "1008", "hello: missing \"protocol\"" },
        };
        for (final String[] badCase : cases)
        {
            final HostClient host = json();
            host.send(badCase[0]);
            final HostClient.Close close = host.awaitClose();
            assertThat(close.code()).as(badCase[0]).isEqualTo(Integer.parseInt(badCase[1]));
            assertThat(close.reason()).as(badCase[0]).contains(badCase[2]);
        }

        final HostClient afterHello = json();
        afterHello.send(HELLO);
        assertThat(nextReceived()).contains("\"hello\"");
        afterHello.send("{\"type\":\"welcome\",\"plugin\":\"p\",\"resumeAfter\":1,\"heartbeatIntervalMs\":1}");
        assertThat(afterHello.awaitClose()).isEqualTo(new HostClient.Close(1008,
            "unexpected PluginWelcome from a host: expected hello, done, emit, heartbeat or goodbye"));

        final HostClient neverSent = json();
        neverSent.send(HELLO);
        assertThat(nextReceived()).contains("\"hello\"");
        neverSent.send("{\"type\":\"done\",\"seq\":5}");
        assertThat(neverSent.awaitClose()).isEqualTo(new HostClient.Close(1008,
            "done for event 5, never sent: no event sent yet"));

        final HostClient binary = json();
        binary.sendBinary(new byte[]{ 1, 2, 3 });
        assertThat(binary.awaitClose().code()).isEqualTo(1003);

        final HostClient tooBig = json();
        tooBig.send("{\"type\":\"hello\",\"plugin\":\"" + "x".repeat(70_000) + "\",\"protocol\":1}");
        assertThat(tooBig.awaitClose().code()).isEqualTo(1009);

        await().atMost(Duration.ofSeconds(15)).until(() -> closes.size() == 8);
        assertThat(received).isEmpty();
        assertThat(route.refusedCount()).isEqualTo(7);
    }

    @Test
    void shouldRefuseHostsWithoutTheAdminTokenOrTheSubprotocol() throws Exception
    {
        start(10_000, 16);
        final HostClient none = HostClient.connect(url(null), RemoteJson.JSON_SUBPROTOCOL);
        final HostClient overlay = HostClient.connect(url(OVERLAY), RemoteJson.JSON_SUBPROTOCOL);
        final HostClient feedProtocol = HostClient.connect(url(ADMIN), "cc.json.v1");
        resources.addAll(List.of(none, overlay, feedProtocol));

        assertThat(none.awaitClose().code()).isEqualTo(1008);
        assertThat(none.awaitClose().reason()).startsWith("unauthorized");
        assertThat(overlay.awaitClose()).isEqualTo(new HostClient.Close(1008,
            "forbidden: this endpoint needs the admin token, got the overlay token (commandcenter token show --scope admin)"));
        assertThat(feedProtocol.awaitClose().code()).isEqualTo(1002);
        assertThat(links).isEmpty();
    }

    @Test
    void shouldCloseAHostWhoseAdminTokenWasRotatedOutAfterTheGrace() throws Exception
    {
        start(10_000, 16);
        final HostClient host = json();
        assertThat(links.poll(15, TimeUnit.SECONDS)).as("the host's link").isNotNull();

        server.tokens(OVERLAY, dev.commandcenter.transport.websocket.Tokens.generate());

        assertThat(host.awaitClose()).isEqualTo(new HostClient.Close(1008, "token rotated"));
    }

    @Test
    void shouldTellTheHostWhyTheEndpointClosesItsLinkByTheCloseStatus()
    {
        assertThat(WebSocketRemoteLink.closeStatus("refused: no remote slot for plugin 'x'")).isEqualTo(1008);
        assertThat(WebSocketRemoteLink.closeStatus("malformed message from the host: cut short")).isEqualTo(1008);
        assertThat(WebSocketRemoteLink.closeStatus("no PluginHello within 2000 ms of connecting")).isEqualTo(1008);
        assertThat(WebSocketRemoteLink.closeStatus("message of 9999999 bytes from the host exceeds the engine's limit"))
            .isEqualTo(1009);
        assertThat(WebSocketRemoteLink.closeStatus("engine shutting down")).isEqualTo(1001);
        assertThat(WebSocketRemoteLink.closeStatus("host said goodbye: bye")).isEqualTo(1000);
    }

    @Test
    void shouldBoundHostsWaitingForTheirHello() throws Exception
    {
        start(500, 1);
        final HostClient silent = json();
        assertThat(links.poll(15, TimeUnit.SECONDS)).isNotNull();
        final HostClient second = json();
        assertThat(second.awaitClose().code()).isEqualTo(1013);

        assertThat(silent.awaitClose()).isEqualTo(new HostClient.Close(1008, "no hello within 500 ms"));
        await().atMost(Duration.ofSeconds(15)).until(() -> closes.size() == 1);

        final HostClient polite = json();
        polite.send(HELLO);
        assertThat(nextReceived()).contains("\"hello\"");
        final HostClient another = json();
        another.send(HELLO);
        assertThat(nextReceived()).contains("\"hello\"");
    }

    @Test
    void shouldAnswerBackPressuredToAHostThatDoesNotRead() throws Exception
    {
        start(10_000, 16);
        final HostClient host = HostClient.connect(url(ADMIN), false, RemoteJson.SBE_SUBPROTOCOL);
        resources.add(host);
        final RemoteLink link = links.poll(15, TimeUnit.SECONDS);
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final int length = new RemoteJson().toSbe("{\"type\":\"goodbye\",\"reason\":\"" + "x".repeat(60_000) + "\"}",
            buffer, 0);

        int result = RemoteLink.SENT;
        for (int i = 0; i < 10_000 && RemoteLink.SENT == result; i++)
        {
            result = link.offer(new UnsafeBuffer(buffer.byteArray()), 0, length);
        }

        assertThat(result).isEqualTo(RemoteLink.BACK_PRESSURED);
    }
}
