package dev.commandcenter.app;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.persistence.ChronicleJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * One node assembly for run and replay: a replay node honours the configuration as a live one does, has no live
 * sources and writes nothing to the journal; every component reports through the engine's one error path.
 */
@Timeout(120)
class CommandCenterNodeTest
{
    private static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";

    @TempDir
    Path dataDir;

    private static AppConfig tunedConfig()
    {
        final AppConfig config = new AppConfig();
        config.wallet.source = "simulator";
        config.wallet.network = "regtest";
        config.websocket.port = 0;
        config.engine.inputRingSize = 256;
        config.engine.outputRingSize = 512;
        config.engine.waitStrategy = AppConfig.WaitStrategy.SLEEPING;
        config.engine.backPressure = BackPressure.REJECT;
        config.engine.quarantineAfterFailures = 2;
        config.engine.sampleIntervalMs = 50;
        config.telemetry.intervalMs = 100;
        return config;
    }

    @Test
    void shouldBuildAReplayNodeFromEveryEngineSettingOfTheConfiguration() throws Exception
    {
        final AtomicLong outputs = new AtomicLong();
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(tunedConfig()).dataDir(dataDir).replay(true)
            .egress("replay", (OutputEvent event, boolean endOfBatch) -> outputs.incrementAndGet())))
        {
            final Engine.Context engine = node.engine().context();
            assertThat(engine.inputRingSize()).isEqualTo(256);
            assertThat(engine.outputRingSize()).isEqualTo(512);
            assertThat(engine.waitStrategy()).isEqualTo("sleeping");
            assertThat(engine.backPressure()).isEqualTo(BackPressure.REJECT);
            assertThat(engine.quarantineAfterFailures()).isEqualTo(2);
            assertThat(engine.sampleIntervalMs()).isEqualTo(50);
            assertThat(engine.egressHandlers()).containsOnlyKeys("replay");
            assertThat(engine.dataDir()).isEqualTo(dataDir.resolve(CommandCenterNode.REPLAY_DIR_NAME));

            // No live sources and no server: the wallet of the configuration is not started, nothing is served.
            assertThat(node.wallet()).isNull();
            assertThat(node.webServer()).isNull();
            assertThat(node.urls()).isEmpty();
            // The telemetry setting holds, in the replay's own history.
            await().atMost(Duration.ofSeconds(20)).until(() ->
                Files.isDirectory(dataDir.resolve(CommandCenterNode.REPLAY_DIR_NAME).resolve("telemetry")));
        }
        assertThat(dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME)).doesNotExist();
    }

    @Test
    void shouldServeOverlayPagesInAReplayWithLiveActionsButTakeNoEvents() throws Exception
    {
        final AppConfig config = tunedConfig();
        config.wallet.source = "none";
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir).replay(true).liveActions(true)))
        {
            assertThat(node.webServer()).isNotNull();
            assertThat(node.urls()).containsKey("stream-bridge feed");

            final HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(node.urls().get("post events"))).header("Authorization", "Bearer " + node.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(503);
            assertThat(node.engine().nextSequence()).isZero();
        }
    }

    @Test
    void shouldRunTheEngineOnTheHttpLoopWhenAskedAndSayWhyNotWhereItCannot() throws Exception
    {
        final AppConfig config = tunedConfig();
        config.wallet.source = "none";
        config.websocket.backend = "netty";
        config.engine.waitStrategy = AppConfig.WaitStrategy.BLOCKING;
        config.engine.threadingMode = ThreadingMode.SHARED;
        config.engine.runOn = "http-loop";
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir.resolve("lent"))))
        {
            assertThat(node.startLines()).contains("engine: on the HTTP event loop (engine.runOn http-loop)");
            await().atMost(Duration.ofSeconds(10)).until(() -> node.engine().lendableCycle().isLent());
            final HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(node.urls().get("post events"))).header("Authorization", "Bearer " + node.adminToken())
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"ChatMessage\",\"user\":\"a\",\"text\":\"hi\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> node.engine().nextSequence() > 0);
        }

        config.engine.threadingMode = ThreadingMode.DEDICATED;
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir.resolve("dedicated"))))
        {
            assertThat(node.startLines()).contains("engine: on its own thread: engine.runOn http-loop does not " +
                "apply with threadingMode dedicated and waitStrategy blocking (it needs shared and blocking)");
            assertThat(node.engine().lendableCycle()).isNull();
        }
    }

    @Test
    void shouldWaitForTheOutputsWithABound() throws Exception
    {
        final AppConfig config = tunedConfig();
        config.wallet.source = "none";
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicLong outputs = new AtomicLong();
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir).replay(true)
            .egress("replay", (OutputEvent event, boolean endOfBatch) ->
            {
                awaitQuietly(release);
                outputs.incrementAndGet();
            })))
        {
            assertThat(node.engine().publisher().publish(Sources.WALLET, Payments.WRITER,
                new Payments.Payment(Payments.txid(1), 5_000, "bcrt1qaddr", "held"))).isNotNegative();

            assertThat(node.awaitDrained(100)).isFalse();
            assertThat(outputs.get()).isZero();

            release.countDown();
            assertThat(node.awaitDrained(20_000)).isTrue();
            assertThat(outputs.get()).isPositive();
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            latch.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void shouldRejectLiveActionsOrDevModeWhereTheyDoNotApply()
    {
        assertThatThrownBy(() -> CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(new AppConfig()).dataDir(dataDir).liveActions(true)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("live actions");
        assertThatThrownBy(() -> CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(new AppConfig()).dataDir(dataDir).replay(true).devMode(true)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dev mode");
    }

    @Test
    void shouldKeepAWalletErrorInTheEnginesErrorLogAndTellTheListener() throws Exception
    {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            closedPort = socket.getLocalPort();
        }
        final AppConfig config = new AppConfig();
        config.websocket.enabled = false;
        config.wallet.network = "regtest";
        config.wallet.electrum.servers = new ArrayList<>(List.of("tcp://127.0.0.1:" + closedPort));
        config.wallet.electrum.backoff.minMs = 50;
        config.wallet.electrum.backoff.maxMs = 200;
        config.wallet.watch.addresses = new ArrayList<>(List.of(ADDRESS));
        final List<Throwable> heard = new CopyOnWriteArrayList<>();

        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(config).dataDir(dataDir).errorListener(heard::add)))
        {
            assertThat(node.wallet()).isNotNull();
            await().atMost(Duration.ofSeconds(30)).until(() -> !heard.isEmpty());

            final CliTest.Result stat = CliTest.run("stat", "--errors", "--data-dir", dataDir.toString());
            assertThat(stat.code()).isZero();
            assertThat(stat.out()).containsPattern("\\d+ observations? from \\S+ to \\S+:")
                .contains(String.valueOf(closedPort)).containsPattern("[1-9]\\d* distinct errors?");
            assertThat(stat.out()).containsPattern("errors\\s+[1-9]");
        }
    }
}
