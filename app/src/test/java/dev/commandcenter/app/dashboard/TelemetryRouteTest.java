package dev.commandcenter.app.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.persistence.TelemetryRecorder;
import dev.commandcenter.transport.websocket.HttpApi;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/telemetry}: a long history is thinned evenly to at most 1,000 samples of the span asked for, labels
 * narrow the series, a bad or too distant {@code since} is a 400 naming the accepted forms, and a running node's own
 * history is served.
 */
@Timeout(120)
class TelemetryRouteTest
{
    private static final long T0_MS = 1_764_000_000_000L;
    private static final long HOUR_MS = 3_600_000L;

    @TempDir
    Path dir;

    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(new byte[16 * CountersReader.METADATA_LENGTH]),
        new UnsafeBuffer(new byte[16 * CountersReader.COUNTER_LENGTH]));

    @Test
    void shouldThinAFloodOfSnapshotsEvenlyToTheLimit() throws Exception
    {
        final AtomicCounter eventsIn = counters.newCounter("events in", 1);
        final AtomicCounter lag = counters.newCounter("plugin lag: chat", 12);
        // Two hours at one snapshot every 250 ms: 28,800 snapshots, of which the last hour holds 14,400.
        final int snapshots = 28_800;
        try (TelemetryRecorder recorder = TelemetryRecorder.open(new TelemetryRecorder.Context().dataDir(dir)
            .intervalMs(1)))
        {
            for (int i = 0; i < snapshots; i++)
            {
                eventsIn.set(i);
                lag.set(i % 7);
                recorder.onSample(T0_MS + i * 250L, counters);
            }
            assertThat(recorder.snapshotsRecorded()).isEqualTo(snapshots);
        }
        final long nowMs = T0_MS + 2 * HOUR_MS;
        final TelemetryRoute route = new TelemetryRoute(dir.resolve("telemetry"), () -> nowMs);

        final JsonNode hour = answer(route, Map.of("since", List.of("1h")));
        assertThat(hour.path("from").asLong()).isEqualTo(nowMs - HOUR_MS);
        assertThat(hour.path("to").asLong()).isEqualTo(nowMs);
        final JsonNode times = hour.path("times");
        assertThat(times.size()).isEqualTo(TelemetryRoute.MAX_SAMPLES);
        final long sliceMs = HOUR_MS / TelemetryRoute.MAX_SAMPLES;
        for (int i = 0; i < times.size(); i++)
        {
            final long time = times.get(i).asLong();
            // The last snapshot of each equal slice of the hour: evenly spread, in order.
            assertThat(time).isBetween(nowMs - HOUR_MS + i * sliceMs, nowMs - HOUR_MS + (i + 1) * sliceMs);
        }
        assertThat(hour.path("series").path("events in").size()).isEqualTo(TelemetryRoute.MAX_SAMPLES);
        assertThat(hour.path("series").path("events in").get(0).asLong())
            .isEqualTo((times.get(0).asLong() - T0_MS) / 250);
        assertThat(hour.path("series").path("plugin lag: chat").size()).isEqualTo(TelemetryRoute.MAX_SAMPLES);

        final JsonNode narrowed = answer(route, Map.of("since", List.of("30m"), "labels", List.of("events in,unknown")));
        assertThat(narrowed.path("times").size()).isEqualTo(TelemetryRoute.MAX_SAMPLES);
        assertThat(narrowed.path("series").fieldNames()).toIterable().containsExactly("events in", "unknown");
        assertThat(narrowed.path("series").path("unknown")).allMatch(JsonNode::isNull);

        // Fewer snapshots than the limit: every one of them.
        final JsonNode minute = answer(route, Map.of("since", List.of("60s")));
        assertThat(minute.path("times").size()).isEqualTo(240);
    }

    @Test
    void shouldRefuseABadSinceAndServeTheNodesOwnHistory() throws Exception
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.intervalMs = 50;
        config.engine.sampleIntervalMs = 50;
        try (CommandCenterNode node = CommandCenterNode.start(config, dir.resolve("data"), null);
            DashboardClient client = new DashboardClient(node.webServer().baseUrl()))
        {
            final String admin = node.adminToken();
            final HttpResponse<String> bad = client.get(TelemetryRoute.PATH + "?since=yesterday", admin);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).isEqualTo("{\"error\":\"since: unparseable 'yesterday': expected a duration ago " +
                "(30s, 10m, 2h, 1d, at most 7d), an ISO-8601 instant (2026-11-22T10:00:00Z) or a date (2026-11-22) " +
                "within the last 7 days\"}");
            final HttpResponse<String> far = client.get(TelemetryRoute.PATH + "?since=8d", admin);
            assertThat(far.statusCode()).isEqualTo(400);
            assertThat(far.body()).contains("reaches back more than 7 days: expected at most 7d");
            assertThat(client.get(TelemetryRoute.PATH, node.token()).statusCode()).isEqualTo(403);
            assertThat(client.post(TelemetryRoute.PATH, admin, "{}").statusCode()).isEqualTo(405);

            await().atMost(Duration.ofSeconds(20)).until(() ->
                client.json(TelemetryRoute.PATH + "?since=1h", admin).path("times").size() >= 3);
            final JsonNode history = client.json(TelemetryRoute.PATH + "?labels=events%20in", admin);
            assertThat(history.path("series").fieldNames()).toIterable().containsExactly("events in");
            assertThat(history.path("series").path("events in").size()).isEqualTo(history.path("times").size());
            assertThat(history.path("to").asLong() - history.path("from").asLong()).isEqualTo(HOUR_MS);
        }
    }

    private static JsonNode answer(final TelemetryRoute route, final Map<String, List<String>> parameters)
        throws Exception
    {
        final CompletableFuture<Object> body = new CompletableFuture<>();
        final int[] status = new int[1];
        route.handle(new HttpApi.Request("GET", TelemetryRoute.PATH, parameters, new byte[0], null, null, null, "test",
            null), (code, answer) ->
            {
                status[0] = code;
                body.complete(answer);
            });
        final Object answer = body.get(30, TimeUnit.SECONDS);
        assertThat(status[0]).as(String.valueOf(answer)).isEqualTo(200);
        return DashboardClient.JSON.valueToTree(answer);
    }
}
