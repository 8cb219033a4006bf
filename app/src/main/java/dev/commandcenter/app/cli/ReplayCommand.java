package dev.commandcenter.app.cli;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.core.Engine;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.plugin.host.PluginManager;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.Replayer;
import dev.commandcenter.persistence.TimeRange;
import dev.commandcenter.transport.websocket.WebServer;
import dev.commandcenter.transport.websocket.WebSocketEgress;
import org.agrona.CloseHelper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feeds a journal through a fresh input ring and the same plugins, at the recorded pace or faster.
 * Side effects are sandboxed: plugin outputs go nowhere live unless {@code --live-actions} starts the
 * HTTP/WebSocket server so overlays re-render; the journal being replayed is never written.
 */
@Command(name = "replay", description = "Replay a journal through the plugins (sandboxed unless --live-actions).")
public final class ReplayCommand implements Callable<Integer>
{
    @Mixin
    private CommonOptions common;

    @Mixin
    private TimeOptions time;

    @Option(names = "--speed", paramLabel = "S", defaultValue = "max",
        description = "1x (recorded pace), 10x, 0.5x ... or max. Default: ${DEFAULT-VALUE}")
    private String speed;

    @Option(names = "--live-actions", description = "Let outputs reach live clients: serve the overlay pages and feeds.")
    private boolean liveActions;

    @Option(names = "--config", paramLabel = "FILE", description = "Plugin and server configuration (as for run).")
    private Path config;

    @Option(names = "--outputs", description = "Print every plugin output as a JSON line on stdout.")
    private boolean printOutputs;

    public Integer call() throws Exception
    {
        final PrintStream out = Console.out();
        final PrintStream err = Console.err();
        final Path journalDir = common.dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME);
        if (!Files.isDirectory(journalDir))
        {
            err.println("commandcenter: no journal at " + journalDir + " (expected a data dir written by demo or run)");
            return 1;
        }
        final double parsedSpeed = Replayer.parseSpeed(speed);
        final TimeRange range = time.range();
        final AppConfig appConfig = null == config ? new AppConfig() : ConfigLoader.load(config);

        // The replay engine keeps its counters apart from any engine running on the data dir.
        final Path replayDir = Files.createDirectories(common.dataDir.resolve("replay"));
        final Engine.Context ctx = new Engine.Context().dataDir(replayDir).journal(Journal.NONE)
            .waitStrategy(appConfig.engine.waitStrategy).inputRingSize(appConfig.engine.inputRingSize);
        // The same plugins as a live run (built-in and from the plugins dir), without a control channel.
        final PluginManager plugins = PluginManager.discover(new PluginManager.Context().dataDir(common.dataDir)
            .settings(appConfig.plugins).controlChannel(false));
        plugins.configure(ctx);
        final OutputPrinter outputs = new OutputPrinter(printOutputs ? out : null);
        ctx.egress("replay", outputs);
        WebSocketEgress liveEgress = null;
        if (liveActions)
        {
            liveEgress = new WebSocketEgress(appConfig.websocket.retain);
            ctx.egress("websocket", liveEgress);
        }

        final long started = System.nanoTime();
        final long replayed;
        WebServer server = null;
        try (Engine engine = Engine.launch(ctx))
        {
            if (liveActions)
            {
                final WebServer.Context web = new WebServer.Context().bindAddress(appConfig.websocket.bind)
                    .port(appConfig.websocket.port).token(dev.commandcenter.app.TokenStore.loadOrCreate(common.dataDir))
                    .egress(liveEgress);
                plugins.plugins().forEach(web::plugin);
                server = WebServer.launch(web);
                err.println("live actions: serving " + server.baseUrl() + " (overlay pages and feeds as for run)");
            }
            final boolean terminal = null != System.console() && !printOutputs;
            final Replayer replayer = new Replayer(new Replayer.Context()
                .journalDir(journalDir)
                .range(range)
                .speed(parsedSpeed)
                .target(engine.inputPublisher())
                .progressIntervalNs(TimeUnit.MILLISECONDS.toNanos(500))
                .progressListener(progress ->
                {
                    if (terminal)
                    {
                        err.print("\r" + progress.describe() + "   ");
                        err.flush();
                    }
                }));
            replayed = replayer.run();
            if (terminal)
            {
                err.println();
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!engine.isDrained() && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
                Thread.yield();
            }
        }
        finally
        {
            CloseHelper.quietClose(server);
            CloseHelper.quietClose(plugins);
        }
        final double seconds = Math.max(1, System.nanoTime() - started) / 1e9;
        out.flush();
        err.printf("replayed %d events in %.2f s (%.0f events/s); plugins emitted %d outputs%s%n", replayed, seconds,
            replayed / seconds, outputs.count.get(), liveActions ? "" : " (sandboxed: no live actions)");
        return 0;
    }

    /** Counts outputs and optionally prints them as JSON lines. */
    static final class OutputPrinter implements EgressHandler
    {
        final AtomicLong count = new AtomicLong();
        private final PrintWriter writer;

        OutputPrinter(final PrintStream out)
        {
            this.writer = null == out ? null : new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), false);
        }

        public void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            count.incrementAndGet();
            if (null != writer)
            {
                JsonView.instance().toJson(event.buffer(), event.offset(), writer, generator ->
                {
                    generator.writeStringField("plugin", event.pluginId());
                    generator.writeNumberField("inputSequence", event.inputSequence());
                    generator.writeNumberField("timestampNs", event.timestampNs());
                });
                writer.println();
                if (endOfBatch)
                {
                    writer.flush();
                }
            }
        }

        public void onShutdown()
        {
            if (null != writer)
            {
                writer.flush();
            }
        }
    }
}
