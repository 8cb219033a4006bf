package dev.commandcenter.app.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.automation.AutomationDryRun;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.persistence.TimeRange;
import dev.commandcenter.transport.websocket.HttpApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /api/automation/dry-run} on a running node: the rules in force or the rules given, over the journal
 * since a time, with nothing performed; bad bodies are 400s naming the field; one run at a time (429 for a second);
 * and the bounds on events replayed and fires listed hold.
 */
@Timeout(180)
class DryRunRouteTest
{
    static final String RULES = """
        version: 1
        rules:
          - id: hydrate
            on: { command: "!hydrate" }
            actions:
              - chat: { text: "Drink some water, {name}!" }
          - id: party
            on: { command: "!party" }
            actions:
              - obs: { scene: Celebration }
        """;

    private static final String PARTY_ONLY = """
        version: 1
        rules:
          - id: party-only
            on: { command: "!party" }
            actions:
              - chat: { text: "party time" }
        """;

    @TempDir
    Path dir;

    @Test
    void shouldDryRunTheRulesInForceOrTheRulesGivenOverTheJournal() throws Exception
    {
        final Path rules = Files.writeString(dir.resolve("rules.yaml"), RULES);
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        config.automation.rules = rules.toString();
        final Path data = dir.resolve("data");
        try (CommandCenterNode node = CommandCenterNode.start(config, data, null);
            DashboardClient client = new DashboardClient(node.webServer().baseUrl()))
        {
            for (final String text : new String[]{ "!hydrate", "!party", "!hydrate now", "hello", "!party on" })
            {
                assertThat(client.post("/api/chat/messages", node.chatToken(),
                    "{\"name\":\"viewer\",\"text\":\"" + text + "\"}").statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> node.automation().recentFires().size() >= 4);
            final String admin = node.adminToken();

            final HttpResponse<String> inForce = client.post(DryRunRoute.PATH, admin, "{\"since\":\"1h\"}");
            assertThat(inForce.statusCode()).as(inForce.body()).isEqualTo(200);
            final JsonNode result = DashboardClient.JSON.readTree(inForce.body());
            assertThat(result.path("rules").asText()).isEqualTo("rules.yaml");
            assertThat(result.path("events").asLong()).isGreaterThanOrEqualTo(5);
            assertThat(result.path("fires").findValuesAsText("ruleId"))
                .containsExactly("hydrate", "party", "hydrate", "party");
            assertThat(result.path("fires").get(0).path("outcome").asText()).isEqualTo("FIRED");
            assertThat(result.path("fires").get(0).path("user").asText()).isEqualTo("viewer");
            assertThat(result.path("actions").findValuesAsText("type")).contains("AutomationAction");
            assertThat(result.path("truncated").asBoolean()).isFalse();
            assertThat(result.path("errors")).isEmpty();
            // A dry run performs nothing: the live automation saw only the live fires.
            assertThat(node.automation().recentFires()).hasSize(4);

            final HttpResponse<String> given = client.post(DryRunRoute.PATH, admin,
                DashboardClient.JSON.writeValueAsString(Map.of("since", "10m", "rules", PARTY_ONLY)));
            assertThat(given.statusCode()).as(given.body()).isEqualTo(200);
            assertThat(DashboardClient.JSON.readTree(given.body()).path("fires").findValuesAsText("ruleId"))
                .containsExactly("party-only", "party-only");

            final HttpResponse<String> unreadable = client.post(DryRunRoute.PATH, admin, "{\"rules\":\"rules: [\"}");
            assertThat(unreadable.statusCode()).isEqualTo(400);
            final HttpResponse<String> badSince = client.post(DryRunRoute.PATH, admin, "{\"since\":\"last week\"}");
            assertThat(badSince.statusCode()).isEqualTo(400);
            assertThat(badSince.body()).startsWith("{\"error\":\"since: unparseable time 'last week': expected");
            final HttpResponse<String> unknown = client.post(DryRunRoute.PATH, admin, "{\"from\":\"1h\"}");
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.body()).isEqualTo("{\"error\":\"unknown key 'from': expected since, rules\"}");
            assertThat(client.post(DryRunRoute.PATH, admin, "[1]").statusCode()).isEqualTo(400);
            final HttpResponse<String> get = client.get(DryRunRoute.PATH, admin);
            assertThat(get.statusCode()).isEqualTo(405);
            assertThat(get.headers().firstValue("Allow")).hasValue("POST");
            assertThat(client.post(DryRunRoute.PATH, node.token(), "{}").statusCode()).isEqualTo(403);
            assertThat(client.post(DryRunRoute.PATH, node.chatToken(), "{}").statusCode()).isEqualTo(403);

            // The bounds, as the route applies them, with small numbers.
            final AutomationDryRun.Result fewEvents = AutomationDryRun.run(new AutomationDryRun.Context()
                .dataDir(data).launcher(CommandCenterNode::launchReplay).config(AutomationDryRun.configFrom(config))
                .rules(RULES, "rules.yaml")
                .range(TimeRange.ALL).maxEvents(3));
            assertThat(fewEvents.events()).isEqualTo(3);
            assertThat(fewEvents.truncated()).isTrue();
            assertThat(fewEvents.errors()).anyMatch((line) -> line.startsWith("stopped after 3 events"));
            final AutomationDryRun.Result fewFires = AutomationDryRun.run(new AutomationDryRun.Context()
                .dataDir(data).launcher(CommandCenterNode::launchReplay).config(AutomationDryRun.configFrom(config))
                .rules(RULES, "rules.yaml")
                .range(TimeRange.ALL).maxFires(2).maxOutputs(100));
            assertThat(fewFires.outputs().stream().filter(AutomationDryRun.Output::isFire).count()).isEqualTo(2);
            assertThat(fewFires.firedByRule()).containsEntry("hydrate", 2).containsEntry("party", 2);
            assertThat(fewFires.truncated()).isTrue();
            assertThat(fewFires.errors()).anyMatch((line) -> line.startsWith("only the first 2 fires"));
        }
    }

    @Test
    void shouldRunOneDryRunAtATime() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch started = new CountDownLatch(1);
        final DryRunRoute route = new DryRunRoute(dir, () ->
        {
            started.countDown();
            try
            {
                release.await(60, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            return new AppConfig();
        }, () -> Map.entry(RULES, "rules.yaml"), CommandCenterNode::launchReplay, () -> 1_764_000_000_000L,
            Throwable::printStackTrace);

        final CompletableFuture<Integer> first = new CompletableFuture<>();
        route.handle(request("{}"), (status, body) -> first.complete(status));
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(route.isRunning()).isTrue();

        final CompletableFuture<Object> second = new CompletableFuture<>();
        final int[] secondStatus = new int[1];
        final Map<String, String> secondHeaders = new java.util.HashMap<>();
        route.handle(request("{}"), new HttpApi.Responder()
        {
            public void respond(final int status, final Object body)
            {
                respond(status, body, Map.of());
            }

            public void respond(final int status, final Object body, final Map<String, String> headers)
            {
                secondStatus[0] = status;
                secondHeaders.putAll(headers);
                second.complete(body);
            }
        });
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(Map.of("error",
            "a dry run is already running on this node: try again when it has answered"));
        assertThat(secondStatus[0]).isEqualTo(429);
        assertThat(secondHeaders).containsEntry("Retry-After", "5");

        release.countDown();
        // This data dir has no journal: the first run answers why, and the route takes the next one.
        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(400);
        await().atMost(Duration.ofSeconds(10)).until(() -> !route.isRunning());
        final CompletableFuture<Object> third = new CompletableFuture<>();
        route.handle(request("{}"), (status, body) -> third.complete(body));
        assertThat(String.valueOf(third.get(30, TimeUnit.SECONDS))).contains("no journal at " + dir.resolve("journal"));
    }

    private static HttpApi.Request request(final String body)
    {
        return new HttpApi.Request("POST", DryRunRoute.PATH, Map.of(), body.getBytes(), null, null, null, "test", null);
    }
}
