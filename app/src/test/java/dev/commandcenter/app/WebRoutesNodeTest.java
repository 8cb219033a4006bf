package dev.commandcenter.app;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.plugins.PluginControlClient;
import dev.commandcenter.app.plugins.PluginControlRoute;
import dev.commandcenter.plugin.host.PluginView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plugin control channel and the wallet daemon's notify callback as routes of the node's web server: one
 * listening socket, the server's limits, each route with its own secret.
 */
@Timeout(120)
class WebRoutesNodeTest
{
    private static final String NOTIFY_SECRET = "notify-secret-of-the-daemon";

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static AppConfig config()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "simulator";
        config.wallet.network = "regtest";
        config.wallet.notify.enabled = true;
        config.wallet.notify.token = NOTIFY_SECRET;
        config.websocket.port = 0;
        config.engine.inputRingSize = 256;
        config.engine.outputRingSize = 512;
        config.engine.waitStrategy = AppConfig.WaitStrategy.SLEEPING;
        config.telemetry.enabled = false;
        config.journal.enabled = false;
        return config;
    }

    private HttpResponse<String> post(final String url, final String body) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeTheControlChannelAndTheNotifyCallbackOnTheWebServerEachWithItsOwnSecret() throws Exception
    {
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config()).dataDir(dataDir)))
        {
            final String base = node.webServer().baseUrl();
            assertThat(PluginControlClient.connect(dataDir).list()).extracting(PluginView::id).contains("stream-bridge");

            final String notify = base + "/api/wallet/notify";
            assertThat(node.urls()).containsEntry("electrum notify", notify + "?token=" + NOTIFY_SECRET);
            final String body = "{\"address\": \"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080\", \"status\": null}";

            final HttpResponse<String> serverToken = post(notify + "?token=" + node.token(), body);
            assertThat(serverToken.statusCode()).isEqualTo(401);
            assertThat(serverToken.body()).isEqualTo("{\"error\":\"missing or wrong token: expected the token " +
                "configured in wallet.notify.token\"}").doesNotContain(NOTIFY_SECRET);
            assertThat(post(notify + "?token=" + NOTIFY_SECRET, "{not json").statusCode()).isEqualTo(400);
            final HttpResponse<String> unwatched = post(notify + "?token=" + NOTIFY_SECRET, body);
            assertThat(unwatched.statusCode()).isEqualTo(404);
            assertThat(unwatched.body()).contains("is not watched");
            final HttpResponse<String> tooLarge = post(notify + "?token=" + NOTIFY_SECRET,
                "{\"address\": \"" + "x".repeat(70_000) + "\"}");
            assertThat(tooLarge.statusCode()).isEqualTo(413);

            final HttpResponse<String> controlWithNotifySecret = http.send(HttpRequest.newBuilder(
                URI.create(base + PluginControlRoute.PATH + "?token=" + NOTIFY_SECRET)).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(controlWithNotifySecret.statusCode()).isEqualTo(401);
        }
        assertThat(dataDir.resolve(PluginControlRoute.FILE_NAME)).doesNotExist();
    }

    @Test
    void shouldSayWhatPluginsListDoesWhenTheWebServerIsDisabled()
    {
        final AppConfig config = config();
        config.websocket.enabled = false;
        assertThatThrownBy(() -> CommandCenterNode.launch(new CommandCenterNode.Context().config(config).dataDir(dataDir)))
            .hasMessage("wallet.notify.enabled: true needs the web server, which serves /api/wallet/notify: expected " +
                "websocket.enabled: true, or wallet.notify.enabled: false");

        config.wallet.notify.enabled = false;
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir)))
        {
            assertThat(node.webServer()).isNull();
            assertThatThrownBy(() -> PluginControlClient.connect(dataDir)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the engine on data dir " + dataDir + " serves no control channel: the web server is " +
                    "disabled (websocket.enabled: false) and the plugin control channel is one of its routes; enable " +
                    "it to use 'commandcenter plugins'");
        }
    }
}
