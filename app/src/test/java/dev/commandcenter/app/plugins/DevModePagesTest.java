package dev.commandcenter.app.plugins;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.plugin.host.PluginJars;
import dev.commandcenter.plugin.host.PluginsSettings;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code run --dev} serves a plugin's pages from the plugin as loaded now: a reloaded jar's new page, and the
 * page of a jar dropped in while the node runs, over real HTTP on loopback.
 */
@Timeout(90)
class DevModePagesTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    private CommandCenterNode node;

    @AfterEach
    void close()
    {
        CloseHelper.quietClose(node);
    }

    @Test
    void shouldServeTheReloadedPageAndThePageOfAPluginDroppedInLater()
    {
        pagePlugin("page", "test.page.PagePlugin", "version one");
        node = CommandCenterNode.start(config(), dataDir, null, true);
        assertThat(get("/plugins/page/index.html")).isEqualTo("200 version one");
        assertThat(get("/plugins/fresh/index.html")).startsWith("404");

        pagePlugin("page", "test.page.PagePlugin", "version two");
        await().atMost(WAIT).until(() -> get("/plugins/page/index.html").equals("200 version two"));

        pagePlugin("fresh", "test.fresh.FreshPlugin", "a fresh page");
        await().atMost(WAIT).until(() -> get("/plugins/fresh/index.html").equals("200 a fresh page"));
        assertThat(node.pluginManager().info("fresh").state()).isEqualTo("RUNNING");
        assertThat(get("/plugins/page/index.html")).isEqualTo("200 version two");
    }

    private AppConfig config()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.journal.enabled = false;
        config.telemetry.enabled = false;
        config.plugins = PluginsSettings.of(Map.of("watchDebounceMs", 100));
        return config;
    }

    private String get(final String path)
    {
        try
        {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create(node.webServer().baseUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().trim();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private void pagePlugin(final String id, final String className, final String page)
    {
        try
        {
            final Path classes = Files.createTempDirectory(dataDir, "classes");
            final int dot = className.lastIndexOf('.');
            PluginJars.compile(Map.of(className, """
                package %s;

                import dev.commandcenter.engine.Event;
                import dev.commandcenter.engine.plugin.Plugin;

                public final class %s implements Plugin
                {
                    public String id()
                    {
                        return "%s";
                    }

                    public String webResourceRoot()
                    {
                        return "web";
                    }

                    public void onEvent(final Event event)
                    {
                    }
                }
                """.formatted(className.substring(0, dot), className.substring(dot + 1), id)), classes, List.of());
            Files.createDirectories(classes.resolve("web"));
            Files.writeString(classes.resolve("web/index.html"), page);
            PluginJars.pack(dataDir.resolve("plugins/" + id + ".jar"), """
                id: %s
                version: 1.0.0
                main: %s
                engine: ">=1.0.0 <2.0.0"
                subscribes: [ChatMessage]
                """.formatted(id, className), classes);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
