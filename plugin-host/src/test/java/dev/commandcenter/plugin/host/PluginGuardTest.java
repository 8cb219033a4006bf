package dev.commandcenter.plugin.host;

import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.plugin.Messages;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class PluginGuardTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * A plugin that tries, at construction, at start and on each event, to reach the network, the engine's classes
     * through the context class loader, and files; it emits what it reached.
     */
    private static final String PROBE = """
        package probe;

        import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
        import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
        import dev.commandcenter.engine.Event;
        import dev.commandcenter.engine.plugin.Plugin;
        import dev.commandcenter.engine.plugin.PluginContext;
        import org.agrona.concurrent.UnsafeBuffer;

        public final class Probe implements Plugin
        {
            private final String built = tccl();
            private String started;
            private PluginContext context;

            public String id()
            {
                return "ID";
            }

            public void onStart(final PluginContext context)
            {
                this.context = context;
                started = tccl();
            }

            public void onEvent(final Event event)
            {
                final String report = "built=" + built + " started=" + started + " event=" + tccl() +
                    " url=" + attempt(1) + " connection=" + attempt(2) + " proxy=" + attempt(3) +
                    " nio=" + attempt(4) + " io=" + attempt(5) + " raf=" + attempt(6) + " channel=" + attempt(7) +
                    " process=" + attempt(8);
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[2048]);
                final ChatMessageEncoder encoder = new ChatMessageEncoder()
                    .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
                    .messageId(event.sequence()).channel("probe").user(id()).text(report);
                context.emitter().emit(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
            }

            private String tccl()
            {
                final ClassLoader loader = Thread.currentThread().getContextClassLoader();
                String engine;
                try
                {
                    loader.loadClass("dev.commandcenter.engine.core.Engine");
                    engine = "engine-visible";
                }
                catch (final ClassNotFoundException | LinkageError ex)
                {
                    engine = "engine-hidden";
                }
                return (loader == Probe.class.getClassLoader() ? "own" : "other") + "/" + engine;
            }

            private static String attempt(final int what)
            {
                try
                {
                    run(what);
                    return "reached";
                }
                catch (final LinkageError ex)
                {
                    return "refused";
                }
                catch (final Exception ex)
                {
                    return "reached";
                }
            }

            private static void run(final int what) throws Exception
            {
                switch (what)
                {
                    case 1 -> java.net.URI.create("http://127.0.0.1:PORT/").toURL().openStream().close();
                    case 2 -> java.net.URI.create("http://127.0.0.1:PORT/").toURL().openConnection().connect();
                    case 3 -> java.net.Proxy.NO_PROXY.type();
                    case 4 -> java.nio.file.Files.readString(java.nio.file.Path.of("TOKEN"));
                    case 5 -> new java.io.FileInputStream("TOKEN").close();
                    case 6 -> new java.io.RandomAccessFile("TOKEN", "r").close();
                    case 7 -> java.nio.channels.FileChannel.open(java.nio.file.Path.of("TOKEN")).close();
                    case 8 -> new ProcessBuilder("true").command();
                    default -> throw new IllegalArgumentException();
                }
            }
        }
        """;

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Messages.CapturingEgress egress = new Messages.CapturingEgress();
    private final AtomicInteger connections = new AtomicInteger();
    private ServerSocket listener;
    private Engine engine;

    @AfterEach
    void close()
    {
        CloseHelper.quietClose(listener);
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(closeables.get(i));
        }
    }

    private void start(final ThreadingMode mode, final String... idsAndPermissions) throws IOException
    {
        listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() ->
        {
            while (!listener.isClosed())
            {
                try (Socket socket = listener.accept())
                {
                    connections.incrementAndGet();
                    socket.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes());
                }
                catch (final IOException ignore)
                {
                }
            }
        });
        final Path token = dataDir.resolve("token");
        Files.writeString(token, "secret-of-the-data-dir\n");
        for (int i = 0; i < idsAndPermissions.length; i += 2)
        {
            final String id = idsAndPermissions[i];
            PluginJars.jar(dataDir.resolve("plugins/" + id + ".jar"),
                PluginJars.taggingDescriptor(id, "1.0.0", "probe.Probe", "")
                    .replace("outputs: [\"*\"]", "outputs: [\"*\"]" + idsAndPermissions[i + 1]),
                Map.of("probe.Probe", PROBE.replace("\"ID\"", "\"" + id + "\"")
                    .replace("PORT", Integer.toString(listener.getLocalPort()))
                    .replace("TOKEN", token.toString())));
        }
        final PluginManager manager = PluginManager.discover(new PluginManager.Context().dataDir(dataDir)
            .serviceLoader(false));
        final Engine.Context ctx = new Engine.Context().dataDir(dataDir).sampleIntervalMs(60_000)
            .threadingMode(mode).egress("websocket", egress);
        manager.configure(ctx);
        engine = Engine.launch(ctx);
        closeables.add(manager);
        closeables.add(engine);
        manager.attach(engine);
    }

    @Test
    void shouldRefuseNetworkAndFilesAndHideTheEngineFromTheContextClassLoaderOfAPluginWithoutPermissions()
        throws IOException
    {
        start(ThreadingMode.SHARED, "first", "", "second", "");

        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);
        await().atMost(WAIT).until(() -> egress.from("first").size() == 1 && egress.from("second").size() == 1);

        final String expected = "built=own/engine-hidden started=own/engine-hidden event=own/engine-hidden " +
            "url=refused connection=refused proxy=refused nio=refused io=refused raf=refused channel=refused " +
            "process=refused";
        assertThat(egress.from("first").get(0).text()).isEqualTo(expected);
        assertThat(egress.from("second").get(0).text()).isEqualTo(expected);
        assertThat(connections.get()).isZero();
    }

    @Test
    void shouldLetAPluginWithThePermissionsReachTheNetworkAndFiles() throws IOException
    {
        start(ThreadingMode.DEDICATED, "trusted", "\n  network: true\n  files: true");

        engine.publisher().publish(Sources.CLI, Messages.CHAT, 1L);
        await().atMost(WAIT).until(() -> egress.from("trusted").size() == 1);

        assertThat(egress.from("trusted").get(0).text()).isEqualTo(
            "built=own/engine-hidden started=own/engine-hidden event=own/engine-hidden " +
            "url=reached connection=reached proxy=reached nio=reached io=reached raf=reached channel=reached " +
            "process=reached");
        assertThat(connections.get()).isEqualTo(2);
    }
}
