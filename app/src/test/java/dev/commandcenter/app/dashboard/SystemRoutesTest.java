package dev.commandcenter.app.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.plugins.PluginControlClient;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.plugin.host.PluginView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/feeds}, {@code /api/counters} and {@code /api/errors} on a running node: clients per feed as feeds
 * open, the counters file's counters, the distinct error log with its counts; admin token only, GET only.
 */
@Timeout(120)
class SystemRoutesTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static AppConfig config()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        return config;
    }

    @Test
    void shouldCountTheClientsOfEachFeed() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.start(config(), dir.resolve("data"), null);
            DashboardClient client = new DashboardClient(node.webServer().baseUrl()))
        {
            final String admin = node.adminToken();
            assertThat(PluginControlClient.connect(dir.resolve("data")).list()).extracting(PluginView::id)
                .contains(WalletFeedPlugin.ID);
            final JsonNode empty = client.json(FeedsRoute.PATH, admin);
            assertThat(empty.path("clients").asInt()).isZero();
            assertThat(empty.path("feeds").findValuesAsText("feed"))
                .contains("all", "stream-bridge", "chat", WalletFeedPlugin.ID);

            try (DashboardClient.Feed overlay1 = client.feed("/ws/stream-bridge?token=" + node.token());
                DashboardClient.Feed overlay2 = client.feed("/ws/stream-bridge?token=" + node.token());
                DashboardClient.Feed wallet = client.feed("/ws/wallet?token=" + node.token()))
            {
                await().atMost(WAIT).until(() -> 3 == client.json(FeedsRoute.PATH, admin).path("clients").asInt());
                final Map<String, Integer> clients = clientsByFeed(client.json(FeedsRoute.PATH, admin));
                assertThat(clients).containsEntry("stream-bridge", 2).containsEntry(WalletFeedPlugin.ID, 1)
                    .containsEntry("all", 0);
                final JsonNode counters = client.json(CountersRoute.PATH, admin);
                assertThat(valueOfType(counters, CounterType.WS_CLIENTS.id())).isEqualTo(3);
            }
            await().atMost(WAIT).until(() -> 0 == client.json(FeedsRoute.PATH, admin).path("clients").asInt());
            assertThat(client.get(FeedsRoute.PATH, node.token()).statusCode()).isEqualTo(403);
            assertThat(client.get(FeedsRoute.PATH, null).statusCode()).isEqualTo(401);
            final HttpResponse<String> post = client.post(FeedsRoute.PATH, admin, "{}");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        }
    }

    @Test
    void shouldListEveryCounterWithItsValueAndTheSampleTime() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.start(config(), dir.resolve("data"), null);
            DashboardClient client = new DashboardClient(node.webServer().baseUrl()))
        {
            final long before = System.currentTimeMillis();
            final JsonNode counters = client.json(CountersRoute.PATH, node.adminToken());
            assertThat(counters.path("sampledAtEpochMs").asLong()).isBetween(before, System.currentTimeMillis());
            final List<Integer> ids = new ArrayList<>();
            counters.path("counters").forEach((counter) -> ids.add(counter.path("id").asInt()));
            assertThat(ids).isNotEmpty().doesNotHaveDuplicates();
            final JsonNode eventsIn = counterOfType(counters, CounterType.EVENTS_IN.id());
            assertThat(eventsIn.path("label").asText()).isEqualTo("events in");
            assertThat(eventsIn.path("value").asLong()).isEqualTo(node.engine().readCounter(CounterType.EVENTS_IN, ""));
            assertThat(client.get(CountersRoute.PATH, node.token()).statusCode()).isEqualTo(403);
            assertThat(client.post(CountersRoute.PATH, node.adminToken(), "{}").statusCode()).isEqualTo(405);
        }
    }

    @Test
    void shouldListTheDistinctErrorsWithTheirCounts() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.start(config(), dir.resolve("data"), null);
            DashboardClient client = new DashboardClient(node.webServer().baseUrl()))
        {
            final String admin = node.adminToken();
            final long before = System.currentTimeMillis();
            final IllegalStateException failure = new IllegalStateException("the overlay lost its media file");
            node.engine().errorHandler().onError(failure);
            node.engine().errorHandler().onError(failure);
            node.engine().errorHandler().onError(new IllegalArgumentException("a second, different error"));

            final JsonNode errors = client.json(ErrorsRoute.PATH, admin).path("errors");
            final JsonNode media = find(errors, "the overlay lost its media file");
            assertThat(media.path("count").asInt()).isEqualTo(2);
            assertThat(media.path("message").asText()).startsWith("java.lang.IllegalStateException: the overlay lost");
            assertThat(media.path("firstEpochMs").asLong()).isBetween(before, media.path("lastEpochMs").asLong());
            assertThat(find(errors, "a second, different error").path("count").asInt()).isEqualTo(1);
            for (int i = 1; i < errors.size(); i++)
            {
                assertThat(errors.get(i - 1).path("lastEpochMs").asLong())
                    .isGreaterThanOrEqualTo(errors.get(i).path("lastEpochMs").asLong());
            }
            assertThat(client.get(ErrorsRoute.PATH, node.token()).statusCode()).isEqualTo(403);
            assertThat(client.post(ErrorsRoute.PATH, admin, "{}").statusCode()).isEqualTo(405);
        }
    }

    private static JsonNode find(final JsonNode errors, final String text)
    {
        for (final JsonNode error : errors)
        {
            if (error.path("message").asText().contains(text))
            {
                return error;
            }
        }
        throw new AssertionError("no error with '" + text + "' in " + errors);
    }

    private static Map<String, Integer> clientsByFeed(final JsonNode feeds)
    {
        final Map<String, Integer> clients = new java.util.LinkedHashMap<>();
        feeds.path("feeds").forEach((feed) -> clients.put(feed.path("feed").asText(), feed.path("clients").asInt()));
        return clients;
    }

    private static JsonNode counterOfType(final JsonNode counters, final int typeId)
    {
        for (final JsonNode counter : counters.path("counters"))
        {
            if (counter.path("typeId").asInt() == typeId)
            {
                return counter;
            }
        }
        throw new AssertionError("no counter of type " + typeId + " in " + counters);
    }

    private static long valueOfType(final JsonNode counters, final int typeId)
    {
        return counterOfType(counters, typeId).path("value").asLong();
    }
}
