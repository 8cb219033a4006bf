package dev.commandcenter.transport.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.counters.CounterType;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class WebServerMetricsTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern SAMPLE = Pattern.compile(
        "commandcenter_[a-z0-9_]+(\\{[a-z_]+=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\"(,[a-z_]+=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\")*})? " +
        "-?[0-9]+(\\.[0-9]+)?");

    @TempDir
    Path dataDir;

    private Fixture fixture;

    @AfterEach
    void after()
    {
        if (null != fixture)
        {
            fixture.close();
        }
    }

    @Test
    void shouldServeEveryCounterOfTheCountersFileAsPrometheusText() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient client = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN);
        fixture.publishPayment(5000);
        final String text = client.nextText();
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.egress.messagesSent() == 1);
        assertThat(fixture.get("/api/nothing?token=" + Fixture.TOKEN).statusCode()).isEqualTo(404);
        assertThat(fixture.get("/metrics").statusCode()).isEqualTo(401);

        final HttpResponse<String> scrape = fixture.get("/metrics?token=" + Fixture.TOKEN);

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        final String body = scrape.body();
        assertThat(body)
            .contains("# TYPE commandcenter_events_in_total counter\ncommandcenter_events_in_total 1\n")
            .contains("commandcenter_plugin_processed_total{plugin=\"alerts\"} 1\n")
            .contains("# TYPE commandcenter_egress_lag_events gauge\ncommandcenter_egress_lag_events{egress=\"websocket\"} ")
            .contains("# TYPE commandcenter_websocket_clients gauge\ncommandcenter_websocket_clients 1\n")
            .contains("commandcenter_websocket_frames_sent_total 1\n")
            .contains("commandcenter_websocket_sent_bytes_total " + text.getBytes(StandardCharsets.UTF_8).length + "\n")
            .contains("commandcenter_websocket_drops_total 0\n")
            .contains("commandcenter_websocket_slow_client_closes_total 0\n")
            .contains("commandcenter_web_peer_resets_total 0\n")
            .contains("commandcenter_http_requests_total{code=\"101\"} 1\n")
            .contains("commandcenter_http_requests_total{code=\"401\"} 1\n")
            .contains("commandcenter_http_requests_total{code=\"404\"} 1\n");

        final Set<String> families = new HashSet<>();
        final List<String> bad = new ArrayList<>();
        for (final String line : body.split("\n"))
        {
            if (line.startsWith("# TYPE "))
            {
                assertThat(families.add(line.split(" ")[2])).as("one TYPE line for " + line).isTrue();
            }
            else if (!line.startsWith("# HELP ") && !SAMPLE.matcher(line).matches())
            {
                bad.add(line);
            }
        }
        assertThat(bad).isEmpty();
        assertThat(fixture.errors).isEmpty();
    }

    @Test
    void shouldCountResponsesByStatusInABoundedSetOfCounters() throws Exception
    {
        fixture = new Fixture(dataDir);

        for (int i = 0; i < 40; i++)
        {
            assertThat(fixture.get("/no/such/path/" + i + "?token=" + Fixture.TOKEN).statusCode()).isEqualTo(404);
        }
        assertThat(fixture.get("/api/health?token=" + Fixture.TOKEN).statusCode()).isEqualTo(200);
        assertThat(fixture.get("/api/health").statusCode()).isEqualTo(401);

        await().atMost(Duration.ofSeconds(10)).until(() -> httpRequests("401") == 1);
        assertThat(httpRequests("404")).isEqualTo(40);
        assertThat(httpRequests("200")).isEqualTo(1);
        assertThat(countOf(CounterType.HTTP_REQUESTS)).isEqualTo(3);
        assertThat(fixture.server.httpStatusCounters().value(404)).isEqualTo(40);
    }

    @Test
    void shouldCountCodesOutsideTheKnownSetUnderTheirClass()
    {
        final TestCounters counters = new TestCounters();
        final HttpStatusCounters statuses = new HttpStatusCounters(counters.allocator(), counters.errors::add);

        statuses.count(418);
        statuses.count(451);
        statuses.count(502);
        statuses.count(503);
        statuses.count(999);

        assertThat(counters.value(CounterType.HTTP_REQUESTS, "4xx")).isEqualTo(2);
        assertThat(counters.value(CounterType.HTTP_REQUESTS, "5xx")).isEqualTo(2);
        assertThat(counters.value(CounterType.HTTP_REQUESTS, "503")).isEqualTo(1);
        assertThat(counters.count(CounterType.HTTP_REQUESTS)).isEqualTo(3);
        assertThat(counters.errors).isEmpty();
    }

    @Test
    void shouldReportHandlerExceptionsToTheErrorHandlerAndAnswer500() throws Exception
    {
        final ClassLoader broken = new ClassLoader(null)
        {
            public URL getResource(final String name)
            {
                throw new IllegalStateException("resource lookup exploded");
            }
        };
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.webRoot("broken", broken, "web"));

        final HttpResponse<String> response = fixture.get("/plugins/broken/index.html");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(MAPPER.readTree(response.body()).get("error").asText())
            .isEqualTo("internal error: IllegalStateException (recorded in the error log)");
        await().atMost(Duration.ofSeconds(10)).until(() -> !fixture.errors.isEmpty());
        assertThat(fixture.errors.get(0)).hasMessage("resource lookup exploded");
        await().atMost(Duration.ofSeconds(10)).until(() -> TestCounters.value(
            fixture.engine.countersReader(), CounterType.ERRORS, "") >= 1);
        assertThat(httpRequests("500")).isEqualTo(1);
    }

    @Test
    void shouldReportAStatusSupplierFailure() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.statusSupplier(() ->
        {
            throw new IllegalStateException("status broke");
        }));

        final HttpResponse<String> response = fixture.get("/api/health?token=" + Fixture.TOKEN);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(fixture.errors).singleElement().satisfies((error) -> assertThat(error).hasMessage("status broke"));
    }

    @Test
    void shouldCountAConnectionResetByThePeerWithoutReportingAnError() throws Exception
    {
        fixture = new Fixture(dataDir);

        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", fixture.server.port()), 5000);
            final OutputStream out = socket.getOutputStream();
            out.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> 1 == fixture.server.openConnections());
            socket.setSoLinger(true, 0);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> 1 == fixture.server.peerResets());
        assertThat(TestCounters.value(fixture.engine.countersReader(), CounterType.WEB_PEER_RESETS, "")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> 0 == fixture.server.openConnections());
        assertThat(fixture.errors).isEmpty();
    }

    @Test
    void shouldReportFailuresOfTheListeningSocketAndKeepServing() throws Exception
    {
        fixture = new Fixture(dataDir);
        final IOException failure = new IOException("Too many open files");

        fixture.server.serverChannel().pipeline().fireExceptionCaught(failure);

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.errors.contains(failure));
        assertThat(fixture.get("/api/health?token=" + Fixture.TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer503NamingTheReasonWhenTheJournalHalted() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.eventPublisher(new StubPublisher(
            EventPublisher.HALTED, "journal write failed: No space left on device")));

        final HttpResponse<String> response = post("{\"type\":\"TransactionReceived\",\"amountSats\":1}");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(MAPPER.readTree(response.body()).get("error").asText())
            .isEqualTo("journal halted: journal write failed: No space left on device");
        assertThat(fixture.errors).isEmpty();
    }

    @Test
    void shouldKeepRingFullDistinctFromAHaltedJournal() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.eventPublisher(new StubPublisher(
            EventPublisher.REJECTED, null)));

        final HttpResponse<String> response = post("{\"type\":\"TransactionReceived\",\"amountSats\":1}");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(MAPPER.readTree(response.body()).get("error").asText()).isEqualTo("ring full");
    }

    @Test
    void shouldReportAPublisherFailureAndAnswer503() throws Exception
    {
        fixture = new Fixture(dataDir, 8, (ctx) -> {}, (ctx) -> ctx.eventPublisher(new StubPublisher(0, null)
        {
            public long publish(final int source, final DirectBuffer buffer, final int offset, final int length)
            {
                throw new IllegalStateException("engine closed");
            }
        }));

        final HttpResponse<String> response = post("{\"type\":\"TransactionReceived\",\"amountSats\":1}");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(MAPPER.readTree(response.body()).get("error").asText()).isEqualTo("cannot publish: engine closed");
        assertThat(fixture.errors).singleElement().satisfies((error) -> assertThat(error).hasMessage("engine closed"));
    }

    @Test
    void shouldKeepHealthShowingTheWebSocketCounters() throws Exception
    {
        fixture = new Fixture(dataDir);
        final TestClient client = fixture.subscribe("/ws/all?token=" + Fixture.TOKEN);
        fixture.publishPayment(10);
        final String text = client.nextText();
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.egress.bytesSent() > 0);

        final JsonNode health = MAPPER.readTree(fixture.get("/api/health?token=" + Fixture.TOKEN).body());

        assertThat(health.get("connectedClients").asLong())
            .isEqualTo(TestCounters.value(fixture.engine.countersReader(), CounterType.WS_CLIENTS, "")).isEqualTo(1);
        assertThat(health.get("messagesSent").asLong()).isEqualTo(1);
        assertThat(health.get("bytesSent").asLong()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        assertThat(health.get("drops").asLong()).isZero();
        assertThat(health.get("slowConsumerCloses").asLong()).isZero();
    }

    private HttpResponse<String> post(final String body) throws Exception
    {
        return fixture.http.send(HttpRequest.newBuilder(fixture.http("/api/events"))
            .header("Authorization", "Bearer " + Fixture.TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private long httpRequests(final String code)
    {
        return TestCounters.value(fixture.engine.countersReader(), CounterType.HTTP_REQUESTS, code);
    }

    private int countOf(final CounterType type)
    {
        final int[] count = { 0 };
        fixture.engine.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
        {
            if (typeId == type.id())
            {
                count[0]++;
            }
        });
        return count[0];
    }

    /**
     * A publisher answering every event with one result, as a halted or full engine would.
     */
    static class StubPublisher implements EventPublisher
    {
        private final long result;
        private final String haltReason;

        StubPublisher(final long result, final String haltReason)
        {
            this.result = result;
            this.haltReason = haltReason;
        }

        public long publish(final int source, final DirectBuffer buffer, final int offset, final int length)
        {
            return result;
        }

        public <A> long publish(final int source, final MessageWriter<A> writer, final A arg)
        {
            return result;
        }

        public boolean isJournaled(final long sequence)
        {
            return false;
        }

        public String haltReason()
        {
            return haltReason;
        }
    }
}
