package dev.commandcenter.app;

import dev.commandcenter.app.secrets.SecretsStore;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigException;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.app.main.CommandCenter;
import dev.commandcenter.engine.counters.CountersFile;
import dev.commandcenter.persistence.ChronicleJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The node's side of issue #10: a private data dir, two tokens from one secrets store, rotation without a restart,
 * migration of the old single token, and weak configured tokens refused at start.
 */
@Timeout(60)
class NodeHardeningTest
{
    private static final String PAYMENT = "{\"type\":\"TransactionReceived\",\"amountSats\":2100000000000000}";

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldKeepTheDataDirCountersAndJournalToTheOwner() throws Exception
    {
        try (CommandCenterNode ignored = CommandCenterNode.start(EndToEndTest.config(), dataDir.resolve("data"), null))
        {
            final Path data = dataDir.resolve("data");
            assertThat(mode(data)).isEqualTo("rwx------");
            assertThat(mode(data.resolve(CountersFile.FILE_NAME))).isEqualTo("rw-------");
            assertThat(mode(data.resolve(SecretsStore.FILE_NAME))).isEqualTo("rw-------");
            assertThat(mode(data.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME))).isEqualTo("rwx------");
        }
    }

    @Test
    void shouldKeepTheOldTokenForOverlaysAndRequireTheNewAdminTokenForRest() throws Exception
    {
        final String legacy = "Jq3vX9bT1mR7kP2sW8nL4yH6cF0dG5aZ";
        Files.writeString(dataDir.resolve("token"), legacy + "\n", StandardCharsets.US_ASCII);

        try (CommandCenterNode node = CommandCenterNode.start(EndToEndTest.config(), dataDir, null))
        {
            assertThat(node.token()).isEqualTo(legacy);
            assertThat(node.urls().get("stream-bridge page")).endsWith("?token=" + legacy);
            assertThat(node.urls().get("health")).doesNotContain("token");
            assertThat(node.urls().get("admin token")).startsWith("commandcenter token show --scope admin --data-dir ")
                .doesNotContain(node.adminToken());
            assertThat(dataDir.resolve("token")).doesNotExist();

            final String base = node.webServer().baseUrl();
            assertThat(post(base, legacy, "{\"type\":\"ChatMessage\",\"text\":\"hi\"}").statusCode()).isEqualTo(403);
            assertThat(post(base, node.adminToken(), "{\"type\":\"ChatMessage\",\"text\":\"hi\"}").statusCode())
                .isEqualTo(202);
            assertThat(post(base, node.adminToken(), PAYMENT).statusCode()).isEqualTo(422);
        }
    }

    @Test
    void shouldApplyARotatedOverlayTokenWithoutARestartAndCloseItsFeeds() throws Exception
    {
        final AppConfig config = EndToEndTest.config();
        config.websocket.rotationGraceMs = 100;
        try (CommandCenterNode node = CommandCenterNode.start(config, dataDir, null);
            TestWebSocket feed = new TestWebSocket(node.urls().get("stream-bridge feed")))
        {
            final String oldOverlay = node.token();
            final String admin = node.adminToken();

            final Result rotate = cli("token", "rotate", "--scope", "overlay", "--data-dir", dataDir.toString());
            assertThat(rotate.code).as(rotate.err).isZero();
            assertThat(rotate.out).contains("rotated the overlay token").doesNotContain(SecretsStore.load(dataDir).overlayToken());

            assertThat(feed.closed.get(10, TimeUnit.SECONDS)).isEqualTo("1008 token rotated");
            await().atMost(Duration.ofSeconds(10)).until(() -> !oldOverlay.equals(node.token()));
            assertThat(node.adminToken()).isEqualTo(admin);
            final String newOverlay = SecretsStore.load(dataDir).overlayToken();
            assertThat(node.token()).isEqualTo(newOverlay);
            assertThat(get(node.webServer().baseUrl() + "/?token=" + oldOverlay).statusCode()).isEqualTo(401);
            assertThat(get(node.webServer().baseUrl() + "/?token=" + newOverlay).statusCode()).isEqualTo(200);

            final Result show = cli("token", "show", "--data-dir", dataDir.toString());
            assertThat(show.out.trim()).isEqualTo("http://127.0.0.1:7300/plugins/stream-bridge/?token=" + newOverlay);
            final Result showAdmin = cli("token", "show", "--scope", "admin", "--data-dir", dataDir.toString());
            assertThat(showAdmin.out.lines().toList()).containsExactly(admin,
                "dashboard: http://127.0.0.1:7300/dashboard/#token=" + admin);
            final Result badScope = cli("token", "show", "--scope", "root", "--data-dir", dataDir.toString());
            assertThat(badScope.code).isNotZero();
            assertThat(badScope.err).contains("scope: expected overlay, admin, chat, moderator or tip, got 'root'");
        }
    }

    @Test
    void shouldRefuseAWeakConfiguredTokenAtStartNamingTheKey()
    {
        assertThatThrownBy(() -> ConfigLoader.parse("websocket:\n  token: letmein\n", "node.yaml"))
            .isInstanceOf(ConfigException.class)
            .hasMessage("node.yaml: 'websocket.token' expected 22 or more characters (128 bits, such as commandcenter " +
                "token rotate makes), got 7 (or leave it empty to use the data dir's secrets store)");
        assertThatThrownBy(() -> ConfigLoader.parse("websocket:\n  adminToken: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", "node.yaml"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'websocket.adminToken' expected a random secret, got one of only 1 distinct characters")
            .hasMessageNotContaining("xxxxxxxxxxxxxxxxxxxxxx");
        assertThatThrownBy(() -> ConfigLoader.parse("websocket:\n  allowedHosts: [\"evil.example/x\"]\n", "node.yaml"))
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining("'websocket.allowedHosts' expected host names such as obs.lan");
    }

    private HttpResponse<String> post(final String base, final String token, final String json) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/events"))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(final String url) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String mode(final Path path) throws Exception
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private record Result(int code, String out, String err)
    {
    }

    private static Result cli(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = CommandCenter.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
