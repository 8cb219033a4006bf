package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.plugin.Messages;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.host.PluginManager;
import dev.commandcenter.plugin.host.PluginView;
import dev.commandcenter.plugin.host.PluginWatcher;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The developer kit end to end: the example project and a scaffolded one compile against the plugin API and
 * their jars run when dropped into the plugins dir; dev mode's watcher debounces changes.
 */
@Timeout(90)
class PluginDevKitTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path EXAMPLE = Path.of("..", "examples", "big-tip-alert");

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Messages.CapturingEgress websocket = new Messages.CapturingEgress();
    private final Messages.CapturingEgress other = new Messages.CapturingEgress();
    private Engine engine;

    @AfterEach
    void close()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    @Test
    void shouldRunTheExamplePluginJarDroppedIntoThePluginsDir()
    {
        PluginJars.buildProject(EXAMPLE, dataDir.resolve("plugins/big-tip-alert-1.0.0.jar"), dataDir);
        final PluginManager manager = start();

        for (final long amount : new long[] { 5_000, 25_000, 9_999, 10_000 })
        {
            engine.publisher().publish(Sources.WALLET, Messages.PAYMENT, amount);
        }
        engine.publisher().publish(Sources.WALLET, Messages.NETWORK, NetworkState.CONNECTED);

        await().atMost(WAIT).until(() -> websocket.from("big-tip-alert").size() == 2 && engine.isDrained());
        assertThat(websocket.from("big-tip-alert")).extracting(Messages.Output::type, Messages.Output::inputSequence)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("OverlayAlert", 1L),
                org.assertj.core.groups.Tuple.tuple("OverlayAlert", 3L));
        assertThat(other.from("big-tip-alert")).isEmpty();
        final PluginView view = manager.info("big-tip-alert");
        assertThat(view.state()).isEqualTo("RUNNING");
        assertThat(view.backPressure()).isEqualTo("detach");
        assertThat(view.processed()).isEqualTo(2);
        assertThat(view.subscribes()).containsExactly("TransactionReceived where amountSats >= 10000");
    }

    @Test
    void shouldReportAChangeOnceAfterTheDebounceTime() throws Exception
    {
        final CachedEpochClock clock = new CachedEpochClock();
        final List<Path> changes = new ArrayList<>();
        final Path plugins = dataDir.resolve("plugins");
        final PluginWatcher watcher = new PluginWatcher(plugins, 500, clock, changes::add);
        watcher.onStart();
        closeables.add(watcher::onClose);

        Files.writeString(plugins.resolve("a.jar"), "first");
        Files.writeString(plugins.resolve("a.jar"), "second");
        Files.createDirectories(plugins.resolve("folder/classes"));
        await().atMost(WAIT).until(() ->
        {
            watcher.doWork();
            return watcher.pendingChanges() == 2;
        });
        clock.advance(499);
        watcher.doWork();
        assertThat(changes).isEmpty();

        clock.advance(1);
        watcher.doWork();
        assertThat(changes).containsExactlyInAnyOrder(plugins.resolve("a.jar"), plugins.resolve("folder"));
        Files.writeString(plugins.resolve("folder/classes/X.class"), "x");
        await().atMost(WAIT).until(() ->
        {
            watcher.doWork();
            return watcher.pendingChanges() == 1;
        });
        clock.advance(500);
        watcher.doWork();
        assertThat(changes).hasSize(3).last().isEqualTo(plugins.resolve("folder"));
    }

    private PluginManager start()
    {
        final PluginManager manager = PluginManager.discover(new PluginManager.Context().dataDir(dataDir)
            .serviceLoader(false));
        final Engine.Context ctx = new Engine.Context().dataDir(dataDir).egress("websocket", websocket)
            .egress("webhooks", other);
        manager.configure(ctx);
        engine = Engine.launch(ctx);
        closeables.add(manager);
        closeables.add(engine);
        manager.attach(engine);
        return manager;
    }



}
