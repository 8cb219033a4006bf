package dev.commandcenter.app.automation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.CommandRun;
import dev.commandcenter.app.RegtestWalletConfig;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.plugin.automation.obs.ObsRequest;
import dev.commandcenter.plugin.automation.obs.ObsSimulator;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.commandcenter.app.CommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The automation end to end through the app, with real parts only: a node watching an address of the Electrum
 * simulator, the OBS simulator over a real WebSocket (password from the secrets store), a real HTTP receiver for
 * webhooks that checks every signature, and a rules file. A payment above the threshold switches the OBS scene,
 * shows the custom alert on the {@code automation} feed and calls the webhook once, and one below does nothing;
 * a cooldown and a queue hold under a burst; a rules reload while payments flow judges every payment by exactly one
 * rule set; a replay and a dry run ({@code rules test}) perform nothing external yet list the same fires; with OBS
 * down the action fails visibly while payments keep alerting, and the next one after OBS is back works.
 */
@Timeout(300)
class AutomationEndToEndTest
{
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    static final String OBS_PASSWORD = "obs-password-for-the-test";
    static final String HOOK_SECRET = "hook-secret-of-the-test-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    ElectrumSimulator electrum;
    ObsSimulator obs;
    Receiver receiver;
    Path dataDir;
    Path rules;

    @BeforeEach
    void startSimulators() throws IOException
    {
        electrum = ElectrumSimulator.start(new ElectrumSimulator.Context().network(WalletNetwork.REGTEST));
        electrum.mine(101);
        obs = ObsSimulator.start(OBS_PASSWORD);
        receiver = Receiver.start(HOOK_SECRET);
        dataDir = dir.resolve("data");
        rules = dir.resolve("rules.yaml");
        SecretsStore.open(dataDir).with("obsPassword", OBS_PASSWORD).with("hookSecret", HOOK_SECRET);
    }

    @AfterEach
    void stopSimulators()
    {
        receiver.close();
        obs.close();
        electrum.close();
    }

    @Test
    void shouldSwitchTheSceneShowTheAlertAndCallTheWebhookOnceForAPaymentAboveTheThresholdOnly() throws Exception
    {
        Files.writeString(rules, bigTipRules(receiver.url()));
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null);
            Feed automation = Feed.open(feedUrl(node, "automation", "OverlayAlert,AutomationFired"));
            Feed bridge = Feed.open(node.urls().get("stream-bridge feed")))
        {
            awaitObsIdentified(node);

            electrum.pay(ADDRESS, 10_000, "small one");
            await().atMost(WAIT).until(() -> bridge.count(type("OverlayAlert")) == 1);
            electrum.pay(ADDRESS, 75_000, "big one");
            await().atMost(WAIT).until(() -> receiver.deliveries().size() == 1 && "Celebration".equals(obs.currentScene()));

            await().atMost(WAIT).until(() -> automation.count(type("OverlayAlert")) == 1);
            final JsonNode alert = automation.first(type("OverlayAlert"));
            assertThat(alert.get("kind").asText()).isEqualTo("CUSTOM");
            assertThat(alert.get("title").asText()).isEqualTo("Big tip of 75000 sats");
            assertThat(alert.get("message").asText()).isEqualTo("0.00075 BTC: big one");
            assertThat(alert.get("durationMs").asInt()).isEqualTo(2000);

            final List<JsonNode> fires = automation.all(type("AutomationFired"));
            assertThat(fires).singleElement().satisfies(fire ->
            {
                assertThat(fire.get("ruleId").asText()).isEqualTo("big-tip");
                assertThat(fire.get("outcome").asText()).isEqualTo("FIRED");
            });
            assertThat(sceneSwitches()).containsExactly("Celebration");

            final Receiver.Delivery delivery = receiver.deliveries().get(0);
            assertThat(delivery.signatureValid()).isTrue();
            assertThat(delivery.id()).isEqualTo(fires.get(0).get("fireId").asLong() + "-1");
            final JsonNode body = MAPPER.readTree(delivery.body());
            assertThat(body.get("sats").asText()).isEqualTo("75000");
            assertThat(body.get("note").asText()).isEqualTo("big one");

            // Both payments alerted on the stream bridge; nothing more reaches OBS or the receiver.
            await().atMost(WAIT).until(() -> bridge.count(type("OverlayAlert")) == 2);
            assertThat(receiver.deliveries()).hasSize(1);
            assertThat(automation.count(type("OverlayAlert"))).isEqualTo(1);
        }
    }

    @Test
    void shouldHoldTheCooldownAndTheQueueUnderABurstOfTwentyPayments() throws Exception
    {
        Files.writeString(rules, """
            version: 1
            webhooks:
              receiver: { url: "%s", secret: hookSecret, timeout: 5s, retries: 0 }
            rules:
              - id: celebrate
                on: { event: TransactionReceived, where: ["amountSats >= 50000"] }
                queue: scenes
                actions:
                  - obs: { scene: Celebration }
                  - wait: 100ms
                  - obs: { scene: Main }
              - id: once-an-hour
                on: { event: TransactionReceived }
                cooldown: { rule: 1h }
                actions:
                  - webhook: { to: receiver }
            """.formatted(receiver.url()));
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null);
            Feed automation = Feed.open(feedUrl(node, "automation", "AutomationFired")))
        {
            awaitObsIdentified(node);

            for (int i = 0; i < 20; i++)
            {
                electrum.pay(ADDRESS, 50_000 + i, "burst " + i);
            }
            await().atMost(WAIT).until(() -> automation.count(type("AutomationFired")) == 40 &&
                sceneSwitches().size() == 40);

            assertThat(automation.count(fire("celebrate", "FIRED"))).isEqualTo(20);
            assertThat(automation.count(fire("once-an-hour", "FIRED"))).isEqualTo(1);
            assertThat(automation.count(fire("once-an-hour", "COOLDOWN_RULE"))).isEqualTo(19);
            assertThat(automation.all(fire("once-an-hour", "COOLDOWN_RULE")))
                .allSatisfy(skipped -> assertThat(skipped.get("retryAfterMs").asLong()).isPositive());
            // One fire at a time on the queue: each switch to Celebration is followed by its switch back.
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                expected.add("Celebration");
                expected.add("Main");
            }
            assertThat(sceneSwitches()).containsExactlyElementsOf(expected);
            await().atMost(WAIT).until(() -> receiver.deliveries().size() >= 1);
            assertThat(receiver.deliveries()).hasSize(1).allSatisfy(d -> assertThat(d.signatureValid()).isTrue());
        }
    }

    @Test
    void shouldJudgeEveryPaymentByExactlyOneRuleSetAcrossAReloadWhilePaymentsFlow() throws Exception
    {
        Files.writeString(rules, judgeRules("first-set"));
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null);
            Feed automation = Feed.open(feedUrl(node, "automation", "AutomationFired,AutomationState")))
        {
            await().atMost(WAIT).until(() -> automation.count(state("first-set")) >= 1);
            final Set<String> txids = new HashSet<>();
            for (int i = 0; i < 5; i++)
            {
                txids.add(electrum.pay(ADDRESS, 1_000 + i, "before").txid());
            }
            // Rewritten while the payments are still on their way; five more follow at once, before the reload shows.
            Files.writeString(dir.resolve("rules.tmp"), judgeRules("second-set"));
            Files.move(dir.resolve("rules.tmp"), rules, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            for (int i = 0; i < 5; i++)
            {
                txids.add(electrum.pay(ADDRESS, 2_000 + i, "during").txid());
            }
            await().atMost(WAIT).until(() -> automation.count(state("second-set")) >= 1);
            for (int i = 0; i < 5; i++)
            {
                txids.add(electrum.pay(ADDRESS, 3_000 + i, "after").txid());
            }
            await().atMost(WAIT).until(() -> automation.count(type("AutomationFired")) >= 15);

            final List<JsonNode> fires = automation.all(type("AutomationFired"));
            assertThat(fires).hasSize(15).allSatisfy(fire -> assertThat(fire.get("outcome").asText()).isEqualTo("FIRED"));
            assertThat(txids).hasSize(15);
            final List<Long> fireIds = fires.stream().map(fire -> fire.get("fireId").asLong()).toList();
            assertThat(new HashSet<>(fireIds)).as("one fire per payment").hasSize(15);
            final List<String> sets = fires.stream().map(fire -> fire.get("ruleId").asText()).toList();
            final int firstOfSecond = sets.indexOf("second-set");
            assertThat(sets.subList(0, firstOfSecond)).hasSizeGreaterThanOrEqualTo(5).containsOnly("first-set");
            assertThat(sets.subList(firstOfSecond, sets.size())).hasSizeGreaterThanOrEqualTo(5).containsOnly("second-set");
            assertThat(fireIds).isSorted();
        }
    }

    @Test
    void shouldPerformNothingExternalInAReplayYetListTheSameFires() throws Exception
    {
        final Set<Long> liveFires = runThreeBigTips();
        final int obsRequests = obs.requests().size();
        final int identifications = obs.identifications();

        final CommandRun replay = run("replay", "--data-dir", dataDir.toString(), "--config", dir.resolve("commandcenter.yaml")
            .toString(), "--outputs");

        assertThat(replay.code()).as(replay.err()).isZero();
        assertThat(firesIn(replay.out())).isEqualTo(liveFires);
        assertThat(receiver.deliveries()).hasSize(3);
        assertThat(obs.requests()).hasSize(obsRequests);
        assertThat(obs.identifications()).isEqualTo(identifications);
    }

    @Test
    void shouldPerformNothingExternalInADryRunYetListTheSameFires() throws Exception
    {
        final Set<Long> liveFires = runThreeBigTips();
        final int obsRequests = obs.requests().size();
        final int identifications = obs.identifications();

        final CommandRun dryRun = run("rules", "test", "--rules", rules.toString(), "--data-dir", dataDir.toString(), "--json");

        assertThat(dryRun.code()).as(dryRun.err()).isZero();
        assertThat(firesIn(dryRun.out())).isEqualTo(liveFires);
        assertThat(receiver.deliveries()).hasSize(3);
        assertThat(obs.requests()).hasSize(obsRequests);
        assertThat(obs.identifications()).isEqualTo(identifications);
    }

    /** A live run of three big tips, each switching the scene and calling the webhook; returns their fireIds. */
    private Set<Long> runThreeBigTips() throws Exception
    {
        Files.writeString(rules, bigTipRules(receiver.url()));
        final Set<Long> liveFires = new HashSet<>();
        try (CommandCenterNode node = CommandCenterNode.start(ConfigLoader.load(writeConfig()), dataDir, null);
            Feed automation = Feed.open(feedUrl(node, "automation", "AutomationFired")))
        {
            awaitObsIdentified(node);
            for (int i = 0; i < 3; i++)
            {
                electrum.pay(ADDRESS, 60_000 + i, "live " + i);
            }
            await().atMost(WAIT).until(() -> receiver.deliveries().size() == 3 && sceneSwitches().size() == 3);
            automation.all(fire("big-tip", "FIRED")).forEach(fire -> liveFires.add(fire.get("fireId").asLong()));
        }
        assertThat(liveFires).hasSize(3);
        return liveFires;
    }

    @Test
    void shouldFailObsActionsVisiblyWhileObsIsDownAndWorkAgainOnceItIsBack() throws Exception
    {
        Files.writeString(rules, bigTipRules(receiver.url()));
        try (CommandCenterNode node = CommandCenterNode.start(config(), dataDir, null);
            Feed bridge = Feed.open(node.urls().get("stream-bridge feed")))
        {
            awaitObsIdentified(node);
            obs.stop();
            await().atMost(WAIT).until(() -> !obsIdentified(node));

            electrum.pay(ADDRESS, 80_000, "while OBS is down");
            await().atMost(WAIT).until(() -> bridge.count(type("OverlayAlert")) == 1 && receiver.deliveries().size() == 1);
            await().atMost(WAIT).until(() -> failedObsOutcomes(node).size() == 1);
            final JsonNode failed = failedObsOutcomes(node).get(0);
            assertThat(failed.get("rule").asText()).isEqualTo("big-tip");
            assertThat(failed.get("target").asText()).isEqualTo("SetCurrentProgramScene");
            assertThat(failed.get("detail").asText()).isNotBlank();
            assertThat(metric(node, "commandcenter_automation_actions_failed_total{kind=\"obs\"}")).isEqualTo(1);

            obs.restart();
            await().atMost(WAIT).until(() -> obsIdentified(node));
            electrum.pay(ADDRESS, 90_000, "OBS is back");

            await().atMost(WAIT).until(() -> "Celebration".equals(obs.currentScene()));
            await().atMost(WAIT).until(() -> bridge.count(type("OverlayAlert")) == 2 && receiver.deliveries().size() == 2);
            assertThat(failedObsOutcomes(node)).hasSize(1);
            assertThat(sceneSwitches()).containsExactly("Celebration");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    static String bigTipRules(final String hookUrl)
    {
        return """
            version: 1
            webhooks:
              receiver: { url: "%s", secret: hookSecret, timeout: 5s, retries: 0 }
            rules:
              - id: big-tip
                on: { event: TransactionReceived, where: ["amountSats >= 50000"] }
                queue: scenes
                actions:
                  - alert: { title: "Big tip of {amount} sats", text: "{amount_btc} BTC: {message}", duration: 2s }
                  - obs: { scene: Celebration }
                  - webhook: { to: receiver, body: { sats: "{amount}", note: "{message}" } }
            """.formatted(hookUrl);
    }

    private static String judgeRules(final String ruleId)
    {
        return """
            version: 1
            rules:
              - id: %s
                on: { event: TransactionReceived }
                actions:
                  - alert: { title: "judged by %s", duration: 1s }
            """.formatted(ruleId, ruleId);
    }

    AppConfig config() throws IOException
    {
        return ConfigLoader.load(writeConfig());
    }

    Path writeConfig() throws IOException
    {
        return RegtestWalletConfig.write(dir.resolve("commandcenter.yaml"),
            RegtestWalletConfig.yaml(electrum.url(), ADDRESS, 0) + """
            automation:
              rules: "%s"
            obs:
              url: "%s"
              requestTimeoutMs: 2000
              reconnectMinMs: 100
              reconnectMaxMs: 500
            plugins:
              stream-bridge:
                alertDurationMs: 1000
            """.formatted(rules, obs.url()));
    }

    private List<String> sceneSwitches()
    {
        final List<String> scenes = new ArrayList<>();
        for (final ObsRequest request : obs.requests("SetCurrentProgramScene"))
        {
            try
            {
                scenes.add(MAPPER.readTree(request.requestDataJson()).get("sceneName").asText());
            }
            catch (final IOException ex)
            {
                throw new AssertionError("OBS request data is not JSON: " + request, ex);
            }
        }
        return scenes;
    }

    private void awaitObsIdentified(final CommandCenterNode node)
    {
        await("OBS identified").atMost(WAIT).until(() -> obs.clients() == 1 && obsIdentified(node));
    }

    private static boolean obsIdentified(final CommandCenterNode node) throws IOException, InterruptedException
    {
        return "IDENTIFIED".equals(status(node).path("obs").path("state").asText());
    }

    private static List<JsonNode> failedObsOutcomes(final CommandCenterNode node) throws IOException, InterruptedException
    {
        final List<JsonNode> failed = new ArrayList<>();
        for (final JsonNode outcome : status(node).path("outcomes"))
        {
            if ("OBS".equals(outcome.path("kind").asText()) && !outcome.path("ok").asBoolean(true))
            {
                failed.add(outcome);
            }
        }
        return failed;
    }

    static JsonNode status(final CommandCenterNode node) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(node.webServer().baseUrl() + "/api/automation"))
            .header("Authorization", "Bearer " + node.adminToken())
            .timeout(Duration.ofSeconds(10))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return MAPPER.readTree(response.body());
    }

    private static long metric(final CommandCenterNode node, final String series) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(node.webServer().baseUrl() + "/metrics"))
            .header("Authorization", "Bearer " + node.adminToken())
            .timeout(Duration.ofSeconds(10))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        for (final String line : response.body().split("\n"))
        {
            if (line.startsWith(series + " "))
            {
                return (long)Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + series + " in /metrics:\n" + response.body());
    }

    static String feedUrl(final CommandCenterNode node, final String feed, final String types)
    {
        return node.webServer().baseUrl().replaceFirst("^http", "ws") + "/ws/" + feed + "?token=" + node.token() +
            "&types=" + types;
    }

    /** The fireIds of the FIRED AutomationFired lines of a command's output (JSON lines; other lines skipped). */
    private static Set<Long> firesIn(final String out)
    {
        final Set<Long> fires = new HashSet<>();
        for (final String line : out.split("\n"))
        {
            if (!line.startsWith("{"))
            {
                continue;
            }
            try
            {
                final JsonNode node = MAPPER.readTree(line);
                final boolean firedLine = "AutomationFired".equals(node.path("type").asText()) || node.has("fireId") &&
                    !node.has("step") && !node.has("mediaId");
                if (firedLine && "FIRED".equals(node.path("outcome").asText("FIRED")))
                {
                    fires.add(node.get("fireId").asLong());
                }
            }
            catch (final IOException ex)
            {
                // Not a JSON line: a heading or a summary.
            }
        }
        return fires;
    }

    static Predicate<JsonNode> type(final String type)
    {
        return message -> type.equals(message.path("type").asText());
    }

    private static Predicate<JsonNode> fire(final String ruleId, final String outcome)
    {
        return message -> "AutomationFired".equals(message.path("type").asText()) &&
            ruleId.equals(message.path("ruleId").asText()) && outcome.equals(message.path("outcome").asText());
    }

    private static Predicate<JsonNode> state(final String ruleId)
    {
        return message -> "AutomationState".equals(message.path("type").asText()) &&
            message.path("rulesJson").asText().contains("\"" + ruleId + "\"");
    }

    /**
     * A WebSocket client of one feed (the JDK's), keeping every message it receives, batches unwrapped.
     */
    static final class Feed implements WebSocket.Listener, AutoCloseable
    {
        private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Feed open(final String url) throws Exception
        {
            final Feed feed = new Feed();
            feed.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(url), feed)
                .get(20, TimeUnit.SECONDS);
            return feed;
        }

        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            partial.append(data);
            if (last)
            {
                try
                {
                    final JsonNode message = MAPPER.readTree(partial.toString());
                    if ("batch".equals(message.path("type").asText()))
                    {
                        message.path("messages").forEach(messages::add);
                    }
                    else
                    {
                        messages.add(message);
                    }
                }
                catch (final IOException ex)
                {
                    throw new AssertionError("a feed frame that is not JSON: " + partial, ex);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        long count(final Predicate<JsonNode> filter)
        {
            return messages.stream().filter(filter).count();
        }

        List<JsonNode> all(final Predicate<JsonNode> filter)
        {
            return messages.stream().filter(filter).toList();
        }

        JsonNode first(final Predicate<JsonNode> filter)
        {
            return messages.stream().filter(filter).findFirst().orElseThrow();
        }

        public void close()
        {
            socket.abort();
        }
    }

    /**
     * A webhook receiver on loopback (the JDK's HTTP server): answers 200 and keeps every delivery with whether its
     * signature ({@code sha256=} HMAC of {@code TIMESTAMP.BODY} with the secret) is right.
     */
    static final class Receiver implements AutoCloseable
    {
        record Delivery(String id, String body, boolean signatureValid)
        {
        }

        private final HttpServer server;
        private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        private final byte[] secret;

        private Receiver(final HttpServer server, final String secret)
        {
            this.server = server;
            this.secret = secret.getBytes(StandardCharsets.UTF_8);
        }

        static Receiver start(final String secret) throws IOException
        {
            final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            final Receiver receiver = new Receiver(server, secret);
            server.createContext("/hook", exchange ->
            {
                final byte[] body = exchange.getRequestBody().readAllBytes();
                final String timestamp = exchange.getRequestHeaders().getFirst("X-CommandCenter-Timestamp");
                final String signature = exchange.getRequestHeaders().getFirst("X-CommandCenter-Signature");
                final String delivery = exchange.getRequestHeaders().getFirst("X-CommandCenter-Delivery");
                final boolean valid = null != timestamp && null != signature &&
                    signature.equals(receiver.sign(timestamp, body)) &&
                    Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) < 300;
                receiver.deliveries.add(new Delivery(delivery, new String(body, StandardCharsets.UTF_8), valid));
                exchange.sendResponseHeaders(valid ? 200 : 401, -1);
                exchange.close();
            });
            server.start();
            return receiver;
        }

        String url()
        {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        List<Delivery> deliveries()
        {
            return deliveries;
        }

        private String sign(final String timestamp, final byte[] body)
        {
            try
            {
                final Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
                return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
            }
            catch (final GeneralSecurityException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        public void close()
        {
            server.stop(0);
        }
    }
}
