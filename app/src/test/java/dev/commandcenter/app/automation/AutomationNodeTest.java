package dev.commandcenter.app.automation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.CommandRun;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.plugin.automation.obs.ObsSimulator;
import dev.commandcenter.plugin.host.PluginsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The automation in a running node: the rules file journaled and in force, the OBS connection with the password from
 * the secrets store shown in health and REST, the bot's chat lines shown by the chat plugin, REST status and control
 * for the admin scope only, and a configured rules file that does not exist stopping the start.
 */
@Timeout(120)
class AutomationNodeTest
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

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private CommandCenterNode node;
    private ObsSimulator obs;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close()
    {
        if (null != node)
        {
            node.close();
        }
        if (null != obs)
        {
            obs.close();
        }
        http.close();
    }

    static AppConfig config(final Path rules, final Consumer<AppConfig> more)
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.telemetry.enabled = false;
        config.plugins = PluginsSettings.of(Map.of("chat", Map.of("streamerName", "jane")));
        config.automation.rules = null == rules ? "" : rules.toString();
        more.accept(config);
        return config;
    }

    @Test
    void shouldAnswerAChatCommandWithABotLineTheChatPluginShows() throws Exception
    {
        final Path rules = Files.writeString(dir.resolve("rules.yaml"), RULES);
        node = CommandCenterNode.start(config(rules, (c) -> c.automation.botName = "HydroBot"), dir.resolve("data"), null);
        assertThat(node.startLines()).contains("automation: 2 rules, 0 timers, 0 errors");
        final Feed chat = Feed.open(node.webServer().baseUrl(), "/ws/chat?token=" + node.chatToken());

        final HttpResponse<String> posted = post("/api/chat/messages", node.chatToken(),
            "{\"name\":\"viewer\",\"text\":\"!hydrate please\"}");
        assertThat(posted.statusCode()).isEqualTo(200);

        final JsonNode line = chat.await((message) -> "ChatLine".equals(message.path("type").asText()) &&
            "BOT".equals(message.path("role").asText()));
        assertThat(line.path("user").asText()).isEqualTo("HydroBot");
        assertThat(line.path("text").asText()).isEqualTo("Drink some water, viewer!");
        assertThat(node.engine().readCounter(CounterType.AUTOMATION_RULE_RELOADS, "")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() ->
            node.engine().readCounter(CounterType.AUTOMATION_ACTIONS_DONE, "") == 1);
    }

    @Test
    void shouldConnectToObsWithThePasswordOfTheSecretsStoreAndShowItsStatus() throws Exception
    {
        obs = ObsSimulator.start("studio-secret");
        final Path data = dir.resolve("data");
        SecretsStore.open(data).with("obsPassword", "studio-secret");
        final Path rules = Files.writeString(dir.resolve("rules.yaml"), RULES);
        node = CommandCenterNode.start(config(rules, (c) -> c.obs.url = obs.url()), data, null);

        await().atMost(Duration.ofSeconds(20)).until(() ->
            "IDENTIFIED".equals(((Map<?, ?>)node.health().get("obs")).get("state")));
        final Map<?, ?> health = (Map<?, ?>)node.health().get("obs");
        assertThat(AutomationRuntime.obsLine(health)).isEqualTo("obs: IDENTIFIED " + obs.url() + " (OBS " +
            ObsSimulator.OBS_VERSION + ", obs-websocket " + ObsSimulator.OBS_WEBSOCKET_VERSION + ")");
        assertThat(node.engine().readCounter(CounterType.OBS_CONNECTED, "")).isEqualTo(1);
        assertThat(CommandRun.run("stat", "--data-dir", data.toString()).out()).contains("obs: IDENTIFIED " +
            obs.url() + " (OBS " + ObsSimulator.OBS_VERSION + ", obs-websocket " + ObsSimulator.OBS_WEBSOCKET_VERSION + ")");

        post("/api/chat/messages", node.chatToken(), "{\"name\":\"viewer\",\"text\":\"!party\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> "Celebration".equals(obs.currentScene()));

        final JsonNode status = JSON.readTree(get("/api/automation", node.adminToken()).body());
        assertThat(status.path("obs").path("state").asText()).isEqualTo("IDENTIFIED");
        await().atMost(Duration.ofSeconds(20)).until(() ->
            JSON.readTree(get("/api/automation", node.adminToken()).body()).path("outcomes").size() == 1);
        final JsonNode after = JSON.readTree(get("/api/automation", node.adminToken()).body());
        assertThat(after.path("outcomes").get(0).path("ok").asBoolean()).isTrue();
        assertThat(after.path("outcomes").get(0).path("kind").asText()).isEqualTo("OBS");
        assertThat(after.path("fires").get(0).path("rule").asText()).isEqualTo("party");
        assertThat(after.path("state").isObject()).isTrue();
    }

    @Test
    void shouldShowObsOffWhenNotConfigured() throws Exception
    {
        node = CommandCenterNode.start(config(null, (c) -> { }), dir.resolve("data"), null);

        assertThat(AutomationRuntime.obsLine((Map<?, ?>)node.health().get("obs"))).isEqualTo("obs: off");
        assertThat(node.startLines()).noneMatch((line) -> line.startsWith("automation"));
        assertThat(SecretsStore.load(dir.resolve("data")).get(AutomationRuntime.WEBHOOK_SECRET)).matches("[0-9a-f]{64}");
    }

    @Test
    void shouldServeStatusAndControlToTheAdminScopeOnly() throws Exception
    {
        final Path rules = Files.writeString(dir.resolve("rules.yaml"), RULES);
        node = CommandCenterNode.start(config(rules, (c) -> { }), dir.resolve("data"), null);

        assertThat(get("/api/automation", node.token()).statusCode()).isEqualTo(403);
        assertThat(get("/api/automation", node.chatToken()).statusCode()).isEqualTo(403);
        assertThat(get("/api/automation", node.moderatorToken()).statusCode()).isEqualTo(403);
        assertThat(post("/api/automation/control", node.token(), "{\"action\":\"disable\",\"rule\":\"hydrate\"}")
            .statusCode()).isEqualTo(403);
        assertThat(post("/api/automation/control", node.chatToken(), "{\"action\":\"disable\",\"rule\":\"hydrate\"}")
            .statusCode()).isEqualTo(403);

        final HttpResponse<String> status = get("/api/automation", node.adminToken());
        assertThat(status.statusCode()).isEqualTo(200);
        final JsonNode body = JSON.readTree(status.body());
        assertThat(body.has("state")).isTrue();
        assertThat(body.path("obs").path("state").asText()).isEqualTo("DISABLED");
        assertThat(body.path("fires").isArray()).isTrue();
        assertThat(body.path("outcomes").isArray()).isTrue();

        final HttpResponse<String> disabled = post("/api/automation/control", node.adminToken(),
            "{\"action\":\"disable\",\"rule\":\"hydrate\"}");
        assertThat(disabled.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(disabled.body()).path("receipt").asLong()).isPositive();

        final Feed chat = Feed.open(node.webServer().baseUrl(), "/ws/chat?token=" + node.chatToken());
        post("/api/chat/messages", node.chatToken(), "{\"name\":\"viewer\",\"text\":\"!hydrate\"}");
        post("/api/chat/messages", node.chatToken(), "{\"name\":\"viewer\",\"text\":\"after\"}");
        chat.await((message) -> "after".equals(message.path("text").asText()));
        await().atMost(Duration.ofSeconds(20)).until(() ->
            JSON.readTree(get("/api/automation", node.adminToken()).body()).path("fires").size() >= 1);
        assertThat(JSON.readTree(get("/api/automation", node.adminToken()).body()).path("fires").get(0)
            .path("outcome").asText()).isNotEqualTo("FIRED");
        assertThat(chat.messages).noneMatch((message) -> "BOT".equals(message.path("role").asText()));

        assertThat(post("/api/automation/control", node.adminToken(), "{\"action\":\"enable\",\"rule\":\"hydrate\"}")
            .statusCode()).isEqualTo(202);
        post("/api/chat/messages", node.chatToken(), "{\"name\":\"viewer\",\"text\":\"!hydrate\"}");
        chat.await((message) -> "BOT".equals(message.path("role").asText()));
    }

    @Test
    void shouldRefuseABadControlBodyInOneLineNamingTheField() throws Exception
    {
        node = CommandCenterNode.start(config(null, (c) -> { }), dir.resolve("data"), null);

        assertBadRequest("{\"action\":\"explode\"}",
            "'action' expected one of enable | disable | set | reset-cooldowns, got 'explode'");
        assertBadRequest("{\"action\":\"disable\"}", "'rule' expected a rule id such as big-tip for disable, got nothing");
        assertBadRequest("{\"action\":\"set\",\"value\":\"1\"}",
            "'variable' expected a variable name such as sats_today for set, got nothing");
        assertBadRequest("{\"action\":\"set\",\"variable\":\"x\"}",
            "'value' expected the value to set as text such as \"1\", got nothing");
        assertBadRequest("{\"action\":\"enable\",\"rule\":\"a\",\"colour\":\"red\"}",
            "unknown key 'colour': expected action, rule, variable, value");
        assertBadRequest("not json", "body: expected a JSON object such as {\"action\":\"disable\",\"rule\":\"big-tip\"}, " +
            "got invalid JSON at line 1 column 1");
        assertThat(post("/api/automation/control", node.adminToken(),
            "{\"action\":\"set\",\"variable\":\"sats_today\",\"value\":5}").statusCode()).isEqualTo(202);
        assertThat(post("/api/automation/control", node.adminToken(), "{\"action\":\"reset-cooldowns\"}").statusCode())
            .isEqualTo(202);
    }

    @Test
    void shouldNotStartWhenTheConfiguredRulesFileDoesNotExist()
    {
        final Path missing = dir.resolve("missing.yaml");

        assertThatThrownBy(() -> CommandCenterNode.start(config(missing, (c) -> { }), dir.resolve("data"), null))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("automation.rules: expected an existing rules file (YAML or JSON), got '" + missing +
                "' (no such file)");
    }

    private void assertBadRequest(final String body, final String error) throws Exception
    {
        final HttpResponse<String> response = post("/api/automation/control", node.adminToken(), body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo(error);
    }

    private HttpResponse<String> get(final String path, final String token) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + path))
            .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(final String path, final String token, final String json) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A WebSocket feed client recording the JSON messages it receives.
     */
    static final class Feed implements WebSocket.Listener
    {
        final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();

        static Feed open(final String baseUrl, final String pathAndQuery) throws Exception
        {
            final Feed feed = new Feed();
            HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(baseUrl.replaceFirst("^http", "ws") + pathAndQuery), feed).get();
            return feed;
        }

        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                try
                {
                    final JsonNode node = JSON.readTree(partial.toString());
                    if (node.isArray())
                    {
                        node.forEach(messages::add);
                    }
                    else
                    {
                        messages.add(node);
                    }
                }
                catch (final Exception ignore)
                {
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        JsonNode await(final java.util.function.Predicate<JsonNode> test)
        {
            final List<JsonNode> found = new ArrayList<>();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
            {
                for (final JsonNode message : messages)
                {
                    if (test.test(message))
                    {
                        found.add(message);
                        return true;
                    }
                }
                return false;
            });
            return found.get(0);
        }
    }
}
