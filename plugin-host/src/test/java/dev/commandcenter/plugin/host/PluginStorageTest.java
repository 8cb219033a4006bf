package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.plugin.Messages;
import org.agrona.CloseHelper;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class PluginStorageTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * A plugin without the files permission that counts its starts in its storage and tries to escape its folder.
     */
    private static final String COUNTER = """
        package counter;

        import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
        import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
        import dev.commandcenter.engine.Event;
        import dev.commandcenter.engine.plugin.Plugin;
        import dev.commandcenter.engine.plugin.PluginContext;
        import dev.commandcenter.engine.plugin.PluginStorage;
        import org.agrona.concurrent.UnsafeBuffer;

        public final class Counter implements Plugin
        {
            private PluginContext context;
            private int starts;

            public String id()
            {
                return "counter";
            }

            public void onStart(final PluginContext context)
            {
                this.context = context;
                final byte[] saved = context.storage().read("starts");
                starts = (null == saved ? 0 : Integer.parseInt(new String(saved))) + 1;
                context.storage().write("starts", Integer.toString(starts).getBytes());
            }

            public void onEvent(final Event event)
            {
                final PluginStorage storage = context.storage();
                final String report = "starts=" + starts + " list=" + storage.list() +
                    " parent=" + attempt(storage, "../token") + " slash=" + attempt(storage, "a/b") +
                    " control=" + attempt(storage, "a\\u0001") + " dot=" + attempt(storage, "..") +
                    " big=" + big(storage);
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);
                final ChatMessageEncoder encoder = new ChatMessageEncoder()
                    .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                    .messageId(event.sequence()).channel("counter").user(id()).text(report);
                context.emitter().emit(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
            }

            private static String attempt(final PluginStorage storage, final String name)
            {
                try
                {
                    final byte[] bytes = storage.read(name);
                    return null == bytes ? "absent" : "read";
                }
                catch (final IllegalArgumentException ex)
                {
                    return "refused";
                }
            }

            private static String big(final PluginStorage storage)
            {
                try
                {
                    storage.write("big", new byte[65]);
                    return "written";
                }
                catch (final IllegalStateException ex)
                {
                    return "refused";
                }
            }
        }
        """;

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, Long> refusedCounters = new HashMap<>();

    @AfterEach
    void close()
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    private String runOnce()
    {
        final Messages.CapturingEgress egress = new Messages.CapturingEgress();
        final PluginManager manager = PluginManager.discover(new PluginManager.Context().dataDir(dataDir)
            .serviceLoader(false).settings(Map.of("storage", Map.of("maxEntryBytes", 64))));
        final Engine.Context ctx = new Engine.Context().dataDir(dataDir).sampleIntervalMs(60_000)
            .egress("websocket", egress);
        manager.configure(ctx);
        final Engine engine = Engine.launch(ctx);
        try
        {
            manager.attach(engine);
            engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);
            await().atMost(WAIT).until(() -> egress.from("counter").size() == 1);
            engine.countersReader().forEach((value, id, label) ->
            {
                if (engine.countersReader().getCounterTypeId(id) == CounterType.PLUGIN_STORAGE_REFUSED.id())
                {
                    refusedCounters.put(label, value);
                }
            });
            return egress.from("counter").get(0).text();
        }
        finally
        {
            CloseHelper.quietClose(engine);
            CloseHelper.quietClose(manager);
        }
    }

    @Test
    void shouldKeepAPluginsEntriesInItsOwnPrivateFolderAcrossRestartsAndRefuseEscapes() throws Exception
    {
        Files.writeString(dataDir.resolve("token"), "secret-of-the-data-dir\n");
        PluginJars.jar(dataDir.resolve("plugins/counter.jar"),
            PluginJars.taggingDescriptor("counter", "1.0.0", "counter.Counter", ""), Map.of("counter.Counter", COUNTER));

        assertThat(runOnce()).isEqualTo("starts=1 list=[starts] parent=refused slash=refused control=refused " +
            "dot=refused big=refused");
        assertThat(runOnce()).startsWith("starts=2 list=[starts] ");

        final Path folder = dataDir.resolve("plugins-data/counter");
        assertThat(folder.resolve("starts")).content(StandardCharsets.US_ASCII).isEqualTo("2");
        assertThat(Files.getPosixFilePermissions(folder)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(folder.getParent()))
            .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(folder.resolve("starts")))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(refusedCounters).containsEntry("plugin storage refused: counter", 5L);
    }

    @Test
    void shouldCapTheNumberOfEntriesAndNameThePluginAndTheKeyInRefusals(@TempDir final Path root)
    {
        final List<Throwable> reported = new ArrayList<>();
        final FilePluginStorage.Shared shared = new FilePluginStorage.Shared(root, 16, 2);
        shared.errorHandler = reported::add;
        final FilePluginStorage storage = new FilePluginStorage(shared, "notes");

        storage.write("a", new byte[16]);
        storage.write("b", new byte[1]);
        storage.write("b", new byte[2]);
        assertThatThrownBy(() -> storage.write("c", new byte[1])).isInstanceOf(IllegalStateException.class)
            .hasMessage("plugin 'notes' storage: new entry 'c' refused, expected at most 2 entries " +
                "(plugins.storage.maxEntries)");
        assertThatThrownBy(() -> storage.write("a", new byte[17])).isInstanceOf(IllegalStateException.class)
            .hasMessage("plugin 'notes' storage: entry 'a' of 17 bytes refused, expected at most 16 " +
                "(plugins.storage.maxEntryBytes)");
        assertThatThrownBy(() -> storage.read("x\ny")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("plugin 'notes' storage entry name 'x\\u000ay': expected 1 to 128 letters, digits, '.', '_' " +
                "or '-', not starting with '.'");
        assertThat(storage.delete("a")).isTrue();
        assertThat(storage.delete("a")).isFalse();
        assertThat(storage.list()).containsExactly("b");
        assertThat(storage.read("b")).hasSize(2);
        assertThat(reported).hasSize(3);
        assertThatThrownBy(() -> PluginsSettings.of(Map.of("storage", Map.of("maxEntries", 0))))
            .hasMessageContaining("maxEntries").hasMessageContaining("expected a whole number of 1 or more, got '0'");
    }

    @Test
    void shouldCopyALatestWriteNowAndLandOnlyTheLastOfThoseMadeWhileTheWriterIsBusy(@TempDir final Path root)
        throws Exception
    {
        final FilePluginStorage.Shared shared = new FilePluginStorage.Shared(root, 1 << 20, 8);
        final FilePluginStorage storage = new FilePluginStorage(shared, "bridge");
        final CountDownLatch release = holdTheWriter(shared);

        // A flood of snapshots while the writer thread is held: each returns at once, nothing reaches the disk yet,
        // and reads see the latest bytes. The caller reuses its buffer, so the bytes must be copied.
        final byte[] buffer = new byte[64 * 1024];
        for (int n = 0; n < 10_000; n++)
        {
            Arrays.fill(buffer, (byte)n);
            storage.writeLatest("snapshot", buffer, 1_000 + n % 7);
        }
        Arrays.fill(buffer, (byte)-1);
        assertThat(Files.exists(storage.dir().resolve("snapshot"))).isFalse();
        assertThat(storage.read("snapshot")).hasSize(1_000 + 9_999 % 7).containsOnly((byte)9_999);
        assertThat(storage.list()).containsExactly("snapshot");

        release.countDown();
        assertThat(shared.close(WAIT.toMillis())).isTrue();
        assertThat(Files.readAllBytes(storage.dir().resolve("snapshot"))).hasSize(1_000 + 9_999 % 7)
            .containsOnly((byte)9_999);
    }

    @Test
    void shouldLetAWriteOrADeleteOverrideALatestWriteStillWaiting(@TempDir final Path root) throws Exception
    {
        final FilePluginStorage.Shared shared = new FilePluginStorage.Shared(root, 1 << 20, 8);
        // One storage per plugin id, kept across reloads: an old instance's waiting bytes and the new one's writes
        // go through the same lock.
        final FilePluginStorage storage = shared.of("bridge");
        assertThat(shared.of("bridge")).isSameAs(storage);
        assertThatThrownBy(() -> shared.of("../x")).isInstanceOf(IllegalArgumentException.class);
        final CountDownLatch release = holdTheWriter(shared);

        storage.writeLatest("snapshot", "older".getBytes(StandardCharsets.UTF_8), 5);
        storage.write("snapshot", "final".getBytes(StandardCharsets.UTF_8));
        storage.writeLatest("gone", "x".getBytes(StandardCharsets.UTF_8), 1);
        assertThat(storage.delete("gone")).isFalse();
        release.countDown();
        assertThat(shared.close(WAIT.toMillis())).isTrue();

        // The older snapshot, still waiting when the final one was written, never lands after it.
        assertThat(Files.readString(storage.dir().resolve("snapshot"))).isEqualTo("final");
        assertThat(storage.list()).containsExactly("snapshot");
    }

    @Test
    void shouldRefuseALatestWritePastACapAtOnceAndReportOneTheDiskRefusesLater(@TempDir final Path root)
        throws Exception
    {
        final List<Throwable> reported = new ArrayList<>();
        final FilePluginStorage.Shared shared = new FilePluginStorage.Shared(root, 16, 2);
        shared.errorHandler = reported::add;
        final FilePluginStorage storage = new FilePluginStorage(shared, "notes");

        assertThatThrownBy(() -> storage.writeLatest("a", new byte[32], 17)).isInstanceOf(IllegalStateException.class)
            .hasMessage("plugin 'notes' storage: entry 'a' of 17 bytes refused, expected at most 16 " +
                "(plugins.storage.maxEntryBytes)");
        assertThatThrownBy(() -> storage.writeLatest("a", new byte[4], 5)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("plugin 'notes' storage: entry 'a': length 5 is not within the 4 bytes given");
        assertThatThrownBy(() -> storage.writeLatest("../a", new byte[4], 4))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("storage entry name '../a'");

        // Two entries on disk: a third, new name is refused by the writer thread, reported, and not written.
        storage.write("a", new byte[1]);
        storage.write("b", new byte[1]);
        storage.writeLatest("c", new byte[1], 1);
        assertThat(shared.close(WAIT.toMillis())).isTrue();
        assertThat(storage.list()).containsExactly("a", "b");
        assertThat(reported).extracting(Throwable::getMessage).endsWith(
            "plugin 'notes' storage: new entry 'c' refused, expected at most 2 entries (plugins.storage.maxEntries)");

        // Names written this way keep buffers: no more of them than entries may exist.
        final FilePluginStorage.Shared otherShared = new FilePluginStorage.Shared(root, 16, 2);
        final FilePluginStorage other = new FilePluginStorage(otherShared, "other");
        final CountDownLatch release = holdTheWriter(otherShared);
        other.writeLatest("x", new byte[1], 1);
        other.writeLatest("y", new byte[1], 1);
        assertThatThrownBy(() -> other.writeLatest("z", new byte[1], 1)).isInstanceOf(IllegalStateException.class)
            .hasMessage("plugin 'other' storage: new entry 'z' refused, expected at most 2 entries " +
                "(plugins.storage.maxEntries)");
        release.countDown();
        assertThat(otherShared.close(WAIT.toMillis())).isTrue();
        assertThat(other.list()).containsExactly("x", "y");
    }

    @Test
    void shouldWriteALatestWriteOnTheCallersThreadOnceTheHostHasClosedItsWriter(@TempDir final Path root)
        throws Exception
    {
        final FilePluginStorage.Shared shared = new FilePluginStorage.Shared(root, 1 << 20, 8);
        final FilePluginStorage storage = new FilePluginStorage(shared, "late");
        storage.writeLatest("first", new byte[] { 1 }, 1);
        assertThat(shared.close(WAIT.toMillis())).isTrue();

        storage.writeLatest("snapshot", new byte[] { 7, 8, 9 }, 2);

        assertThat(Files.readAllBytes(storage.dir().resolve("snapshot"))).containsExactly(7, 8);
        assertThat(Files.readAllBytes(storage.dir().resolve("first"))).containsExactly(1);
    }

    /**
     * Occupy the shared writer thread until the latch is released.
     */
    private static CountDownLatch holdTheWriter(final FilePluginStorage.Shared shared) throws InterruptedException
    {
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        shared.writer().execute(() ->
        {
            held.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        return release;
    }
}
