package dev.commandcenter.app.automation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.RecordedEventPublisher;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.JournalException;
import dev.commandcenter.persistence.Replayer;
import dev.commandcenter.persistence.TimeRange;
import dev.commandcenter.plugin.automation.rules.RuleError;
import dev.commandcenter.plugin.automation.rules.RuleSet;
import dev.commandcenter.plugin.automation.rules.RulesParser;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A dry run of the automation: the journal of a data dir, over a time range, through a given rules text, in a replay
 * node (no journal written, no server, no action performed: what {@code commandcenter rules test} and
 * {@code POST /api/automation/dry-run} both run). It reports the automation plugin's outputs in order: each
 * {@code AutomationFired} (fired or skipped) and what follows it (alerts, media, actions), bounded by
 * {@link Context#maxEvents(long) events replayed} and {@link Context#maxFires(int) fires kept}.
 * <p>
 * <b>Note:</b> a run blocks its caller until the replay has drained; two runs on one data dir at once share its
 * {@code replay/} folder, so callers run one at a time.
 */
public final class AutomationDryRun
{
    /** Longest rules text accepted, as for a rules file. */
    public static final long MAX_RULES_BYTES = AutomationRulesFile.MAX_FILE_BYTES;
    /** Longest wait for the plugins to handle the replayed events. */
    public static final long DRAIN_TIMEOUT_MS = 30_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One output of the automation plugin.
     *
     * @param type the message type, such as {@code AutomationFired}.
     * @param json the message as JSON, one line.
     * @param node the same, parsed.
     */
    public record Output(String type, String json, JsonNode node)
    {
        /**
         * Whether this is an {@code AutomationFired}.
         *
         * @return true for a fire (fired or skipped).
         */
        public boolean isFire()
        {
            return "AutomationFired".equals(type);
        }
    }

    /**
     * What a dry run found.
     *
     * @param events      events replayed.
     * @param truncated   whether a bound stopped the run or the outputs short.
     * @param outputs     the automation plugin's outputs in order, {@code AutomationState} left out.
     * @param firedByRule fires with outcome FIRED per rule, in rule order.
     * @param skipped     fires with another outcome.
     * @param errors      the rules' errors and what went wrong, one line each.
     */
    public record Result(
        long events, boolean truncated, List<Output> outputs, Map<String, Integer> firedByRule, int skipped,
        List<String> errors)
    {
        /**
         * One line such as {@code rules.yaml: 3 fires (big-tip 2, raid 1), 1 skipped; dry run: nothing external was
         * performed}.
         *
         * @param origin the rules' name.
         * @return the line.
         */
        public String summary(final String origin)
        {
            final int total = firedByRule.values().stream().mapToInt(Integer::intValue).sum();
            final StringBuilder perRule = new StringBuilder();
            firedByRule.forEach((rule, count) -> perRule.append(perRule.isEmpty() ? "" : ", ").append(rule).append(' ')
                .append(count));
            return origin + ": " + total + " fires" + (perRule.isEmpty() ? "" : " (" + perRule + ")") + ", " + skipped +
                " skipped; dry run: nothing external was performed";
        }
    }

    /**
     * Starts the node a dry run replays into: the application's node in replay mode, given by the caller so this
     * package does not depend on the node that runs it.
     */
    @FunctionalInterface
    public interface ReplayLauncher
    {
        /**
         * Launch a replay node: no journal written, no server, no live source, no action performed.
         *
         * @param config        the configuration to run with.
         * @param dataDir       the data dir whose replay folder the node uses.
         * @param egress        where the node's outputs go, besides its own egresses.
         * @param errorListener told of the node's errors, may be null.
         * @return the running node.
         */
        ReplayNode launch(AppConfig config, Path dataDir, EgressHandler egress, ErrorHandler errorListener);
    }

    /**
     * A running replay node, as a dry run uses it.
     */
    public interface ReplayNode extends AutoCloseable
    {
        /**
         * Where the journal's records are published, with their recorded sequence and time.
         *
         * @return the engine's recorded-event publisher.
         */
        RecordedEventPublisher publisher();

        /**
         * Wait until every published event has passed every plugin and every output every egress.
         *
         * @param timeoutMs longest wait.
         * @return true when drained.
         */
        boolean awaitDrained(long timeoutMs);

        /**
         * Stop the node.
         */
        void close();
    }

    private AutomationDryRun()
    {
    }

    /**
     * A configuration to dry-run with, from a node's: the same engine, plugin, chat and wallet settings, the
     * automation on, no telemetry kept; the given configuration is not changed.
     *
     * @param base the node's configuration.
     * @return a new configuration.
     */
    public static AppConfig configFrom(final AppConfig base)
    {
        final AppConfig config = new AppConfig();
        config.engine = base.engine;
        config.journal = base.journal;
        config.websocket = base.websocket;
        config.chat = base.chat;
        config.wallet = base.wallet;
        config.obs = base.obs;
        config.tips = base.tips;
        config.plugins = base.plugins;
        config.aeron = base.aeron;
        config.telemetry.enabled = false;
        config.automation.maxQueuedFires = base.automation.maxQueuedFires;
        config.automation.outcomes = base.automation.outcomes;
        config.automation.botName = base.automation.botName;
        return config;
    }

    /**
     * Run the journal through the rules.
     *
     * @param ctx what to run; concluded here.
     * @return what the rules would have done.
     * @throws IllegalArgumentException when the rules cannot be read at all or the data dir has no journal.
     * @throws JournalException when no event lies in the range, or the journal is unreadable.
     */
    public static Result run(final Context ctx)
    {
        ctx.conclude();
        final RuleSet parsed = RulesParser.parse(ctx.rulesText, ctx.rulesOrigin);
        final List<String> errors = new ArrayList<>();
        for (final RuleError error : parsed.errors())
        {
            errors.add(error.toString());
        }
        if (!parsed.readable())
        {
            throw new IllegalArgumentException(
                errors.isEmpty() ? ctx.rulesOrigin + ": cannot be parsed" : errors.get(0));
        }
        final Path journalDir = ctx.dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME);
        if (!Files.isDirectory(journalDir))
        {
            throw new IllegalArgumentException("no journal at " + journalDir +
                " (expected a data dir written by demo or run)");
        }
        Replayer.skipNativePosix();
        final AppConfig config = ctx.config;
        // The given rules instead of the journaled ones; no executor and no server: a replay without live actions.
        config.automation.enabled = true;
        config.plugins = AutomationRuntime.withAutomation(config.plugins, true)
            .withPluginDefault(AutomationRuntime.PLUGIN_ID, "rulesText", ctx.rulesText)
            .withPluginDefault(AutomationRuntime.PLUGIN_ID, "rulesOrigin", ctx.rulesOrigin);
        final Collector collector = new Collector(ctx.maxFires, ctx.maxOutputs);
        long events = 0;
        boolean capped = false;
        try (ReplayNode node = ctx.launcher.launch(config, ctx.dataDir, collector, ctx.errorListener))
        {
            final Bounded target = new Bounded(node.publisher(), ctx.maxEvents);
            try
            {
                events = new Replayer(new Replayer.Context()
                    .journalDir(journalDir)
                    .range(ctx.range)
                    .speed(Replayer.parseSpeed("max"))
                    .target(target)).run();
            }
            catch (final JournalException ex)
            {
                if (!target.capped)
                {
                    throw ex;
                }
                capped = true;
                events = target.published;
                errors.add("stopped after " + ctx.maxEvents + " events (the most one dry run replays): the events " +
                    "after them were not tried");
            }
            if (!node.awaitDrained(DRAIN_TIMEOUT_MS))
            {
                errors.add("the plugins had not handled every replayed event after " + DRAIN_TIMEOUT_MS +
                    " ms (outputs may be missing)");
            }
        }
        if (collector.truncated)
        {
            errors.add("only the first " + ctx.maxFires + " fires (and " + ctx.maxOutputs +
                " outputs) are listed: the rest were left out");
        }
        final Map<String, Integer> fired;
        synchronized (collector)
        {
            fired = new LinkedHashMap<>(collector.fired);
        }
        return new Result(events, capped || collector.truncated, List.copyOf(collector.outputs), fired,
            collector.skipped, errors);
    }

    /**
     * A replay target that takes at most a number of events, then answers as a halted engine would, which stops the
     * replay.
     */
    private static final class Bounded implements RecordedEventPublisher
    {
        private final RecordedEventPublisher delegate;
        private final long maxEvents;
        private long published;
        private boolean capped;

        Bounded(final RecordedEventPublisher delegate, final long maxEvents)
        {
            this.delegate = delegate;
            this.maxEvents = maxEvents;
        }

        public long publishRecorded(
            final long sequence,
            final long timestampNs,
            final int source,
            final DirectBuffer buffer,
            final int offset,
            final int length)
        {
            if (published >= maxEvents)
            {
                capped = true;
                return EventPublisher.HALTED;
            }
            final long result = delegate.publishRecorded(sequence, timestampNs, source, buffer, offset, length);
            if (result >= 0)
            {
                published++;
            }
            return result;
        }

        public <A> long publishRecorded(
            final long sequence, final long timestampNs, final int source, final MessageWriter<A> writer, final A arg)
        {
            if (published >= maxEvents)
            {
                capped = true;
                return EventPublisher.HALTED;
            }
            final long result = delegate.publishRecorded(sequence, timestampNs, source, writer, arg);
            if (result >= 0)
            {
                published++;
            }
            return result;
        }
    }

    /**
     * Keeps the automation plugin's outputs, up to the bounds, and counts fires per rule.
     */
    private static final class Collector implements EgressHandler
    {
        private final int maxFires;
        private final int maxOutputs;
        private final List<Output> outputs = new ArrayList<>();
        private final Map<String, Integer> fired = new TreeMap<>();
        private int fires;
        private int skipped;
        private volatile boolean truncated;

        Collector(final int maxFires, final int maxOutputs)
        {
            this.maxFires = maxFires;
            this.maxOutputs = maxOutputs;
        }

        public synchronized void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            if (!AutomationRuntime.PLUGIN_ID.equals(event.pluginId()))
            {
                return;
            }
            final StringWriter writer = new StringWriter();
            JsonView.instance().toJson(event.buffer(), event.offset(), writer, null);
            final String jsonLine = writer.toString();
            final JsonNode node;
            try
            {
                node = JSON.readTree(jsonLine);
            }
            catch (final IOException ex)
            {
                return;
            }
            final String type = node.path("type").asText();
            if ("AutomationState".equals(type))
            {
                return;
            }
            final boolean fire = "AutomationFired".equals(type);
            if (fire)
            {
                if ("FIRED".equals(node.path("outcome").asText()))
                {
                    fired.merge(node.path("ruleId").asText(), 1, Integer::sum);
                }
                else
                {
                    skipped++;
                }
                fires++;
            }
            if (fires > maxFires || outputs.size() >= maxOutputs)
            {
                truncated = true;
                return;
            }
            outputs.add(new Output(type, jsonLine, node));
        }
    }

    /**
     * What a dry run runs; {@link #conclude()} validates.
     */
    public static final class Context
    {
        private boolean concluded;
        private Path dataDir;
        private AppConfig config;
        private String rulesText;
        private String rulesOrigin = "rules";
        private TimeRange range = TimeRange.ALL;
        private long maxEvents = Long.MAX_VALUE;
        private int maxFires = Integer.MAX_VALUE;
        private int maxOutputs = Integer.MAX_VALUE;
        private ErrorHandler errorListener;
        private ReplayLauncher launcher;

        /**
         * Validate.
         *
         * @return this.
         * @throws IllegalStateException if called twice.
         * @throws IllegalArgumentException naming what is missing or wrong.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            concluded = true;
            if (null == dataDir)
            {
                throw new IllegalArgumentException("dry run: expected a data dir");
            }
            if (null == launcher)
            {
                throw new IllegalArgumentException("dry run: expected a launcher of the replay node");
            }
            if (null == rulesText)
            {
                throw new IllegalArgumentException("dry run: expected the rules to try");
            }
            if (rulesText.length() > MAX_RULES_BYTES)
            {
                throw new IllegalArgumentException("rules: expected at most " + MAX_RULES_BYTES + " bytes (1 MiB), " +
                    "got " +
                    rulesText.length() + " characters");
            }
            if (maxEvents < 1 || maxFires < 1 || maxOutputs < 1)
            {
                throw new IllegalArgumentException("dry run: expected bounds of 1 or more");
            }
            if (null == config)
            {
                config = new AppConfig();
            }
            return this;
        }

        /**
         * The data dir whose journal is read; the replay keeps its engine files in its
         * {@code replay/} folder.
         *
         * @param dataDir the data dir.
         * @return this.
         */
        public Context dataDir(final Path dataDir)
        {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * The configuration the replay node runs with (plugin settings apply); changed by the run, so give a copy
         * ({@link AutomationDryRun#configFrom(AppConfig)}) of one in use.
         *
         * @param config the configuration; a default one when null.
         * @return this.
         */
        public Context config(final AppConfig config)
        {
            this.config = config;
            return this;
        }

        /**
         * The rules to try.
         *
         * @param text   YAML or JSON.
         * @param origin its name in errors, such as the file name.
         * @return this.
         */
        public Context rules(final String text, final String origin)
        {
            this.rulesText = text;
            this.rulesOrigin = null == origin ? "rules" : origin;
            return this;
        }

        /**
         * The events to replay, by time.
         *
         * @param range the range; all by default.
         * @return this.
         */
        public Context range(final TimeRange range)
        {
            this.range = range;
            return this;
        }

        /**
         * Most events replayed; the run stops there and says so.
         *
         * @param maxEvents 1 or more; unbounded by default.
         * @return this.
         */
        public Context maxEvents(final long maxEvents)
        {
            this.maxEvents = maxEvents;
            return this;
        }

        /**
         * Most fires kept in the result (and what follows them); the rest are counted, not kept.
         *
         * @param maxFires 1 or more; unbounded by default.
         * @return this.
         */
        public Context maxFires(final int maxFires)
        {
            this.maxFires = maxFires;
            return this;
        }

        /**
         * Most outputs (fires and what follows them) kept in the result.
         *
         * @param maxOutputs 1 or more; unbounded by default.
         * @return this.
         */
        public Context maxOutputs(final int maxOutputs)
        {
            this.maxOutputs = maxOutputs;
            return this;
        }

        /**
         * What starts the replay node: {@code CommandCenterNode::launchReplay}.
         *
         * @param launcher the launcher.
         * @return this.
         */
        public Context launcher(final ReplayLauncher launcher)
        {
            this.launcher = launcher;
            return this;
        }

        /**
         * Told of the replay node's errors after they are counted and logged in its error log.
         *
         * @param listener the listener, or null.
         * @return this.
         */
        public Context errorListener(final ErrorHandler listener)
        {
            this.errorListener = listener;
            return this;
        }
    }
}
