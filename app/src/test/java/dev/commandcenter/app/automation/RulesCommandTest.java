package dev.commandcenter.app.automation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.CommandRun;
import dev.commandcenter.plugin.automation.obs.ObsSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.commandcenter.app.CommandRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code commandcenter rules}, run in process: {@code check} exit codes and lines, {@code test} as a dry run over a
 * journal written by a real node (nothing reaches a webhook receiver or OBS), and {@code list|disable|enable|set}
 * against a running node.
 */
@Timeout(180)
class RulesCommandTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldCheckACleanFileAndSummariseIt() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("rules.yaml"), AutomationRulesFileTest.RULES);

        final CommandRun result = run("rules", "check", file.toString());

        assertThat(result.code()).isZero();
        assertThat(result.out()).isEqualTo("rules.yaml: 2 rules, 1 timers, 0 errors\n");
    }

    @Test
    void shouldPrintEveryErrorInOneLineAndExitOne() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("rules.yaml"), AutomationRulesFileTest.RULES + """
              - id: shoutout
                on: { event: Tip }
                actions:
                  - chat: { text: "hi" }
            """);

        final CommandRun result = run("rules", "check", file.toString());

        assertThat(result.code()).isEqualTo(1);
        final List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("rules.yaml:14:").contains("rule shoutout: 'on.event' expected an event type");
        assertThat(lines.get(1)).isEqualTo("rules.yaml: 2 rules, 1 timers, 1 errors");
    }

    @Test
    void shouldExitTwoOnAFileThatCannotBeRead() throws Exception
    {
        final CommandRun missing = run("rules", "check", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo(dir.resolve("nope.yaml") + ": cannot read the file (no such file)");

        final Path big = Files.writeString(dir.resolve("big.yaml"), "#".repeat(1024 * 1024 + 1));
        final CommandRun tooBig = run("rules", "check", big.toString());
        assertThat(tooBig.code()).isEqualTo(2);
        assertThat(tooBig.err().strip()).isEqualTo("big.yaml: the file is 1048577 bytes, expected at most 1048576 (1 MiB)");
    }

    @Test
    void shouldDryRunANewFileOverAJournalWithNothingExternalHappening() throws Exception
    {
        final Path data = dir.resolve("data");
        final Path liveRules = Files.writeString(dir.resolve("live.yaml"), AutomationNodeTest.RULES);
        try (CommandCenterNode node = CommandCenterNode.start(AutomationNodeTest.config(liveRules, (c) -> { }), data, null);
            HttpClient http = HttpClient.newHttpClient())
        {
            for (final String text : new String[]{ "!hydrate", "!party", "!hydrate now", "hello" })
            {
                assertThat(http.send(HttpRequest.newBuilder(URI.create(node.webServer().baseUrl() + "/api/chat/messages"))
                    .header("Authorization", "Bearer " + node.chatToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"viewer\",\"text\":\"" + text + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> node.automation().recentFires().size() >= 3);
        }

        final AtomicInteger hooks = new AtomicInteger();
        final HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", (exchange) ->
        {
            hooks.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (ObsSimulator obs = ObsSimulator.start(null))
        {
            final Path newRules = Files.writeString(dir.resolve("new.yaml"), """
                version: 1
                webhooks:
                  hub: { url: "http://127.0.0.1:%d/hook", secret: webhookSecret }
                rules:
                  - id: hook
                    on: { command: "!hydrate" }
                    actions:
                      - webhook: { to: hub }
                      - obs: { scene: BRB }
                      - chat: { text: "hooked" }
                """.formatted(receiver.getAddress().getPort()));
            final Path config = Files.writeString(dir.resolve("config.yaml"), "obs:\n  url: " + obs.url() + "\n");

            final CommandRun result = run("rules", "test", "--rules", newRules.toString(), "--data-dir", data.toString(),
                "--config", config.toString(), "--json");

            assertThat(result.code()).as(result.err()).isZero();
            final List<JsonNode> fires = new ArrayList<>();
            final List<JsonNode> actions = new ArrayList<>();
            for (final String line : result.out().lines().toList())
            {
                final JsonNode node = JSON.readTree(line);
                if ("AutomationFired".equals(node.path("type").asText()))
                {
                    fires.add(node);
                }
                else if ("AutomationAction".equals(node.path("type").asText()))
                {
                    actions.add(node);
                }
            }
            assertThat(fires).hasSize(2).allMatch((fire) -> "hook".equals(fire.path("ruleId").asText()));
            assertThat(actions).extracting((action) -> action.path("kind").asText())
                .containsExactly("WEBHOOK", "OBS", "CHAT", "WEBHOOK", "OBS", "CHAT");
            assertThat(result.err()).contains("new.yaml: 2 fires (hook 2), 0 skipped; dry run: nothing external was performed");
            assertThat(hooks.get()).isZero();
            assertThat(obs.requests()).isEmpty();
            assertThat(obs.identifications()).isZero();
        }
        finally
        {
            receiver.stop(0);
        }
    }

    @Test
    void shouldListDisableEnableAndSetThroughTheRunningEngine() throws Exception
    {
        final Path data = dir.resolve("data");
        final Path rules = Files.writeString(dir.resolve("rules.yaml"), """
            version: 1
            variables:
              count: { initial: 0 }
            rules:
              - id: hydrate
                on: { command: "!hydrate" }
                actions:
                  - chat: { text: "Drink some water" }
            """);
        try (CommandCenterNode node = CommandCenterNode.start(AutomationNodeTest.config(rules, (c) -> { }), data, null))
        {
            await().atMost(Duration.ofSeconds(20)).until(() -> run("rules", "list", "--data-dir", data.toString()).out()
                .contains("hydrate"));
            assertThat(run("rules", "list", "--data-dir", data.toString()).out())
                .contains("origin: rules.yaml, 1 rules in force")
                .containsPattern("hydrate\\s+enabled")
                .contains("obs: off");

            final CommandRun disabled = run("rules", "disable", "hydrate", "--data-dir", data.toString());
            assertThat(disabled.code()).isZero();
            assertThat(disabled.out()).startsWith("disabled hydrate (event ");
            await().atMost(Duration.ofSeconds(20)).until(() -> run("rules", "list", "--data-dir", data.toString()).out()
                .matches("(?s).*hydrate\\s+disabled.*"));

            assertThat(run("rules", "set", "count", "7", "--data-dir", data.toString()).code()).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> run("rules", "list", "--data-dir", data.toString()).out()
                .contains("var.count = 7"));

            assertThat(run("rules", "enable", "hydrate", "--data-dir", data.toString()).code()).isZero();
            await().atMost(Duration.ofSeconds(20)).until(() -> run("rules", "list", "--data-dir", data.toString()).out()
                .matches("(?s).*hydrate\\s+enabled.*"));
        }
        final CommandRun gone = run("rules", "list", "--data-dir", data.toString());
        assertThat(gone.code()).isNotZero();
        assertThat(gone.err().strip()).doesNotContain("\n");
    }
}
