package dev.commandcenter.app.edge;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.main.CommandCenter;
import dev.commandcenter.app.secrets.SecretsStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EdgeNodeTest
{
    @TempDir
    Path dir;

    @Test
    void shouldExitNonZeroWithOneLineForAnEngineChannelWithoutAControlEndpoint()
    {
        final Result result = cli("edge", "--engine", "aeron:udp?endpoint=localhost:40999",
            "--data-dir", dir.resolve("edge").toString());

        assertThat(result.code).isEqualTo(1);
        assertThat(result.err.strip()).startsWith("commandcenter: --engine expected a UDP channel with the engine's " +
            "control endpoint such as aeron:udp?control=engine-host:40456, got 'aeron:udp?endpoint=localhost:40999'");
        assertThat(result.err.strip().lines()).hasSize(1);
    }

    @Test
    void shouldExitNonZeroWithOneLineWhenTheEngineArchiveIsUnreachable()
    {
        final String archive = "aeron:udp?endpoint=localhost:" + freeUdpPort();
        final Result result = cli("edge", "--engine", "aeron:udp?control=localhost:" + freeUdpPort(),
            "--archive", archive, "--port", "0", "--data-dir", dir.resolve("edge").toString());

        assertThat(result.code).isEqualTo(1);
        assertThat(result.err.strip()).startsWith("commandcenter: cannot reach the engine's archive at " + archive);
        assertThat(result.err.strip().lines()).hasSize(1);
    }

    @Test
    void shouldRefuseAPortInUseAndShowARunningEdgeInTheEnginesHealthMetricsAndStat() throws Exception
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "none";
        config.websocket.port = 0;
        config.aeron.enabled = true;
        config.aeron.termLength = 64 * 1024;
        config.aeron.output.channel = "aeron:udp?control=localhost:" + freeUdpPort() + "|control-mode=dynamic|fc=max";
        config.aeron.output.archiveControlChannel = "aeron:udp?endpoint=localhost:" + freeUdpPort();
        config.aeron.output.statusChannel = "aeron:udp?endpoint=localhost:" + freeUdpPort();
        config.aeron.output.segmentLength = 64 * 1024;
        final Path engineDir = dir.resolve("engine");
        try (CommandCenterNode engine = CommandCenterNode.start(config, engineDir, null))
        {
            final AppConfig edgeConfig = new AppConfig();
            edgeConfig.aeron.termLength = 64 * 1024;
            assertThatThrownBy(() -> EdgeNode.launch(edgeContext(config, edgeConfig, engineDir)
                .port(engine.webServer().port())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("edge web server cannot listen on 127.0.0.1:" + engine.webServer().port());

            try (EdgeNode edge = EdgeNode.launch(edgeContext(config, edgeConfig, engineDir).port(0)))
            {
                await().atMost(Duration.ofSeconds(20)).until(() -> edgeCount(engine) == 1);
                assertThat(edge.urls().get("all events")).contains("?token=" + engine.token());

                // The gauge follows the table within a second.
                final HttpRequest metrics = HttpRequest.newBuilder(URI.create(engine.webServer().baseUrl() + "/metrics"))
                    .header("Authorization", "Bearer " + engine.adminToken()).build();
                await().atMost(Duration.ofSeconds(20)).until(() -> HttpClient.newHttpClient()
                    .send(metrics, HttpResponse.BodyHandlers.ofString()).body().contains("commandcenter_edges 1"));

                final Result stat = cli("stat", "--data-dir", engineDir.toString());
                assertThat(stat.out).contains("aeron output stream and edges").containsPattern("edges\\s+1");
                assertThat(stat.out).contains("edge min position");
                assertThat(HttpClient.newHttpClient().send(metrics, HttpResponse.BodyHandlers.ofString()).body())
                    .containsPattern("commandcenter_edge_min_position \\d+")
                    .containsPattern("commandcenter_edge_max_lag_bytes \\d+");

                final HttpResponse<String> control = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(edge.webServer().baseUrl() + "/api/plugins")).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertThat(control.statusCode()).isEqualTo(404);
                assertThat(control.body()).contains("plugin control channel is served by the engine");
            }
        }
    }

    private EdgeNode.Context edgeContext(final AppConfig engine, final AppConfig edge, final Path engineDir)
    {
        return new EdgeNode.Context()
            .config(edge)
            .dataDir(dir.resolve("edge"))
            .engineChannel(engine.aeron.output.channel)
            .archiveChannel(engine.aeron.output.archiveControlChannel)
            .statusChannel(engine.aeron.output.statusChannel)
            .bind("127.0.0.1")
            .secretsFile(engineDir.resolve(SecretsStore.FILE_NAME));
    }

    @SuppressWarnings("unchecked")
    private static long edgeCount(final CommandCenterNode engine)
    {
        return ((Number)((Map<String, Object>)engine.health().get("edges")).get("count")).longValue();
    }

    private static int freeUdpPort()
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
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
