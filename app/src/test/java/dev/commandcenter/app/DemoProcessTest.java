package dev.commandcenter.app;

import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.app.main.CommandCenter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code commandcenter demo} as a user runs it: a separate JVM that prints its URLs, serves the overlay,
 * watches the simulated wallet through the Electrum client, and stops cleanly on SIGTERM.
 */
@Timeout(180)
class DemoProcessTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldServeTheOverlayJournalPaymentsAndStopCleanlyOnSigterm() throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("-Dchronicle") || argument.startsWith("--sun-misc"))
            {
                command.add(argument);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CommandCenter.class.getName(),
            "demo", "--port", "0", "--data-dir", dataDir.toString()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Map<String, String> urls = new ConcurrentHashMap<>();
        final Thread reader = Thread.ofVirtual().start(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line; null != (line = in.readLine()); )
                {
                    lines.add(line);
                    final String[] parts = line.trim().split("\\s{2,}");
                    if (parts.length == 2)
                    {
                        urls.put(parts[0], parts[1]);
                    }
                }
            }
            catch (final java.io.IOException ignore)
            {
                // the process ended
            }
        });
        try
        {
            await().atMost(Duration.ofSeconds(60)).until(() -> lines.contains("Press Ctrl-C to stop."));
            assertThat(urls.get("stream-bridge page")).startsWith("http://127.0.0.1:").contains("?token=");
            assertThat(urls.get("stream-bridge feed")).startsWith("ws://127.0.0.1:").contains("/ws/stream-bridge?token=");
            assertThat(urls.get("electrum simulator")).startsWith("tcp://127.0.0.1:");

            final HttpClient http = HttpClient.newHttpClient();
            final HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(urls.get("stream-bridge page")))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("overlay.js");

            // The chat: the viewers' page with the chat token, the OBS overlay with the overlay token, and the
            // simulated viewers' lines on the chat feed.
            final String chatToken = SecretsStore.load(dataDir).get(SecretsStore.CHAT_TOKEN);
            assertThat(urls.get("chat page")).startsWith("http://127.0.0.1:").endsWith("/plugins/chat/?token=" + chatToken);
            assertThat(urls.get("chat overlay")).contains("/plugins/chat/overlay.html?token=")
                .doesNotContain(chatToken);
            final HttpResponse<String> chatPage = http.send(HttpRequest.newBuilder(URI.create(urls.get("chat page")))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chatPage.statusCode()).isEqualTo(200);
            assertThat(chatPage.body()).contains("chat.js");
            try (TestWebSocket chat = new TestWebSocket(urls.get("chat feed")))
            {
                await().atMost(Duration.ofSeconds(60)).until(() ->
                    chat.messages.stream().anyMatch(message -> message.contains("\"type\":\"ChatLine\"")));
            }

            // The tip page with nothing configured: the demo's account key is watched, and its simulated viewer pays
            // each reservation; the dashboard line carries no token.
            final String tipToken = SecretsStore.load(dataDir).get(SecretsStore.TIP_TOKEN);
            assertThat(urls.get("tip page")).startsWith("http://127.0.0.1:").endsWith("/tip/?token=" + tipToken);
            assertThat(urls.get("dashboard")).startsWith("http://127.0.0.1:").contains("/dashboard/")
                .contains("commandcenter token show --scope admin")
                .doesNotContain(SecretsStore.load(dataDir).adminToken());
            final String tipApi = urls.get("tip page").substring(0, urls.get("tip page").indexOf("/tip/")) + "/api/tip/";
            final String[] reservation = new String[1];
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
            {
                final HttpResponse<String> made = http.send(HttpRequest.newBuilder(URI.create(tipApi + "reservations"))
                    .header("Authorization", "Bearer " + tipToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"demo viewer\",\"message\":\"hi\"," +
                    "\"amountSats\":21000}")).build(), HttpResponse.BodyHandlers.ofString());
                reservation[0] = made.body();
                return 201 == made.statusCode();
            });
            final String id = reservation[0].replaceAll(".*\"id\":\"([0-9a-f]{32})\".*", "$1");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> http.send(
                HttpRequest.newBuilder(URI.create(tipApi + "reservations/" + id)).header("Authorization", "Bearer " + tipToken)
                .build(), HttpResponse.BodyHandlers.ofString()).body().contains("\"state\":\"SEEN\""));

            // The demo's rules: the first payment of the stream shows their custom alert on the automation feed.
            assertThat(lines).anyMatch(line -> line.startsWith("automation rules: ") &&
                line.endsWith("automation-demo.yaml (reloaded when it changes)"));
            assertThat(lines).anyMatch(line -> line.matches("automation: \\d+ rules, 1 timers, 0 errors"));
            try (TestWebSocket automation = new TestWebSocket(
                urls.get("stream-bridge feed").replace("/ws/stream-bridge?", "/ws/automation?")))
            {
                await().atMost(Duration.ofSeconds(60)).until(() -> automation.messages.stream().anyMatch(message ->
                    message.contains("\"type\":\"OverlayAlert\"") && message.contains("\"kind\":\"CUSTOM\"")));
            }

            // The real Electrum client connects to the simulator and journals its status.
            final String adminToken = SecretsStore.load(dataDir).adminToken();
            await().atMost(Duration.ofSeconds(60)).until(() -> http.send(HttpRequest.newBuilder(
                URI.create(urls.get("health"))).header("Authorization", "Bearer " + adminToken).build(),
                HttpResponse.BodyHandlers.ofString()).body()
                .contains("\"state\":\"CONNECTED\""));

            // SIGTERM through the handle: Process.destroy() would also close our end of the pipes.
            assertThat(process.toHandle().destroy()).isTrue();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            reader.join(Duration.ofSeconds(10));
            assertThat(lines).as("exit code %d", process.exitValue()).contains("stopping...");
            assertThat(lines).anyMatch(line -> line.startsWith("stopped; next sequence "));
        }
        finally
        {
            process.destroyForcibly();
        }

        final CliTest.Result dump = CliTest.run("journal", "dump", "--data-dir", dataDir.toString(),
            "--type", "NetworkStatus");
        assertThat(dump.code()).isZero();
        assertThat(dump.out()).contains("\"type\":\"NetworkStatus\"").contains("\"state\":\"CONNECTED\"");
    }
}
