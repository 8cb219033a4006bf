package dev.commandcenter.app.cli;

import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.Replayer;
import dev.commandcenter.persistence.TimeRange;
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
 * Feeds a journal through a fresh input ring and the same plugins, at the recorded pace or faster. The node is
 * assembled as for {@code run} (every engine, plugin, telemetry and server setting of {@code --config} applies),
 * in replay mode: no wallet or REST ingress, and the journal being replayed is never written. Side effects are
 * sandboxed: plugin outputs go nowhere live unless {@code --live-actions} starts the HTTP/WebSocket server so
 * overlays re-render. The replay engine's counters, error log and telemetry are kept in {@code replay/} of the
 * data dir.
 */
@Command(name = "replay", description = "Replay a journal through the plugins (sandboxed unless --live-actions).")
public final class ReplayCommand implements Callable<Integer>
{
    /** Longest wait, once the last event is published, for the plugins and egress to handle everything. */
    static final long DRAIN_TIMEOUT_MS = 60_000;

    @Mixin
    private CommonOptions common;

    @Mixin
    private TimeOptions time;

    @Option(names = "--speed", paramLabel = "S", defaultValue = "max",
        description = "1x (recorded pace), 10x, 0.5x ... or max. Default: ${DEFAULT-VALUE}")
    private String speed;

    @Option(names = "--live-actions", description = "Let outputs reach live clients: serve the overlay pages and feeds, " +
        "and perform the automation's OBS requests and webhooks again (never its chat lines, already in the journal).")
    private boolean liveActions;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration as for run: engine, plugin, telemetry and server settings apply.")
    private Path config;

    @Option(names = "--outputs", description = "Print every plugin output as a JSON line on stdout.")
    private boolean printOutputs;

    public Integer call() throws Exception
    {
        Replayer.skipNativePosix();
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

        final OutputPrinter outputs = new OutputPrinter(printOutputs ? out : null);
        final Path replayDir = common.dataDir.resolve(CommandCenterNode.REPLAY_DIR_NAME);
        final long started = System.nanoTime();
        final long replayed;
        // The node of run, in replay mode: no wallet or REST ingress, nothing written to the journal being read.
        try (CommandCenterNode node = CommandCenterNode.launch(new CommandCenterNode.Context()
            .config(appConfig)
            .dataDir(common.dataDir)
            .replay(true)
            .liveActions(liveActions)
            .egress("replay", outputs)
            .errorListener(new FirstErrorLine(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8)), replayDir))))
        {
            if (null != node.webServer())
            {
                err.println("live actions: serving " + node.webServer().baseUrl() + " (overlay pages and feeds as for run)");
            }
            final boolean terminal = null != System.console() && !printOutputs;
            final Replayer replayer = new Replayer(new Replayer.Context()
                .journalDir(journalDir)
                .range(range)
                .speed(parsedSpeed)
                .target(node.engine().recordedEventPublisher())
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
            if (!node.awaitDrained(DRAIN_TIMEOUT_MS))
            {
                err.println("commandcenter: the plugins had not handled every replayed event after " + DRAIN_TIMEOUT_MS +
                    " ms; stopping them (outputs may be missing)");
            }
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
