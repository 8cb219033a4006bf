package dev.commandcenter.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.commandcenter.app.CommandCenterNode;
import dev.commandcenter.app.automation.AutomationClient;
import dev.commandcenter.app.automation.AutomationDryRun;
import dev.commandcenter.app.automation.AutomationRuntime;
import dev.commandcenter.app.automation.AutomationRulesFile;
import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.app.config.ConfigLoader;
import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.TimeRange;
import dev.commandcenter.plugin.automation.rules.RuleError;
import dev.commandcenter.plugin.automation.rules.RuleSet;
import dev.commandcenter.plugin.automation.rules.RulesParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code commandcenter rules check|test|list|enable|disable|set}: the automation's rules from the terminal.
 * {@code check} reads a file without an engine; {@code test} runs the journal of a data dir through a file's rules
 * in a replay node with nothing external performed; the others read and change the running engine through its REST
 * routes with the data dir's admin token (each change is an {@code AutomationControl} event in the journal).
 */
@Command(name = "rules", description = "Check, dry-run, list and change the automation's rules.",
    subcommands = {
        RulesCommand.Check.class, RulesCommand.Test.class, RulesCommand.ListRules.class, RulesCommand.Enable.class,
        RulesCommand.Disable.class, RulesCommand.Set.class
    })
public final class RulesCommand implements Runnable
{
    /** Exit code of a clean file. */
    static final int CLEAN = 0;
    /** Exit code of a file with errors. */
    static final int ERRORS = 1;
    /** Exit code of a file that cannot be read. */
    static final int UNREADABLE = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    private CommandSpec spec;

    /**
     * Without a subcommand: print the usage.
     */
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Read a rules file, refusing one over 1 MiB without reading it.
     *
     * @return the text, or null after printing why it cannot be read.
     */
    static String read(final Path file, final PrintWriter err)
    {
        try
        {
            final long size = Files.size(file);
            if (size > AutomationRulesFile.MAX_FILE_BYTES)
            {
                err.println(file.getFileName() + ": the file is " + size + " bytes, expected at most " +
                    AutomationRulesFile.MAX_FILE_BYTES + " (1 MiB)");
                return null;
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException | UncheckedIOException ex)
        {
            err.println(file + ": cannot read the file (" + (Files.exists(file) ? ex.getClass().getSimpleName() :
                "no such file") + ")");
            return null;
        }
    }

    /** {@code rules check FILE}. */
    @Command(name = "check", description = "Check a rules file without an engine: one line per problem; " +
        "exit 0 clean, 1 with errors, 2 unreadable.")
    static final class Check implements Callable<Integer>
    {
        @Parameters(index = "0", paramLabel = "FILE", description = "The rules file (YAML or JSON).")
        Path file;

        @Spec
        CommandSpec spec;

        public Integer call()
        {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final String text = read(file, err);
            if (null == text)
            {
                err.flush();
                return UNREADABLE;
            }
            final RuleSet rules = RulesParser.parse(text, file.getFileName().toString());
            for (final RuleError error : rules.errors())
            {
                out.println(error);
            }
            out.println(file.getFileName() + ": " + rules.ruleCount() + " rules, " + rules.timers().size() +
                " timers, " + rules.errors().size() + " errors");
            out.flush();
            return rules.errors().isEmpty() ? CLEAN : ERRORS;
        }
    }

    /** {@code rules test --rules FILE [--from T] [--to T]}. */
    @Command(name = "test", description = "Dry run: the journal through a rules file's rules; prints what would have " +
        "fired (a table on a terminal, JSON lines when piped). Nothing external happens.")
    static final class Test implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        @Mixin
        TimeOptions time;

        @Option(names = "--rules", paramLabel = "FILE", required = true, description = "The rules file to try.")
        Path rules;

        @Option(names = "--config", paramLabel = "FILE", description = "Configuration as for run: plugin settings apply.")
        Path config;

        @Option(names = "--json", description = "JSON lines even on a terminal.")
        boolean json;

        @Spec
        CommandSpec spec;

        public Integer call() throws Exception
        {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final String text = read(rules, err);
            if (null == text)
            {
                err.flush();
                return UNREADABLE;
            }
            final String origin = rules.getFileName().toString();
            final RuleSet parsed = RulesParser.parse(text, origin);
            for (final RuleError error : parsed.errors())
            {
                err.println(error);
            }
            if (!parsed.readable())
            {
                err.flush();
                return ERRORS;
            }
            final Path journalDir = common.dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME);
            if (!Files.isDirectory(journalDir))
            {
                err.println("commandcenter: no journal at " + journalDir + " (expected a data dir written by demo or run)");
                err.flush();
                return ERRORS;
            }
            final TimeRange range = time.range();
            final AppConfig appConfig = null == config ? new AppConfig() : ConfigLoader.load(config);
            final boolean table = !json && null != System.console();
            final Path replayDir = common.dataDir.resolve(CommandCenterNode.REPLAY_DIR_NAME);
            final AutomationDryRun.Result result = AutomationDryRun.run(new AutomationDryRun.Context()
                .dataDir(common.dataDir)
                .launcher(CommandCenterNode::launchReplay)
                .config(appConfig)
                .rules(text, origin)
                .range(range)
                .errorListener(new FirstErrorLine(err, replayDir)));
            // The rules' own errors were printed above; what else went wrong follows them.
            for (final String problem : result.errors().subList(parsed.errors().size(), result.errors().size()))
            {
                err.println("commandcenter: " + problem);
            }
            if (table)
            {
                out.println(String.format("%-24s %-20s %-16s %-16s %s", "time", "rule", "outcome", "user", "trigger"));
            }
            for (final AutomationDryRun.Output output : result.outputs())
            {
                out.println(table ? row(output.type(), output.node()) : output.json());
            }
            out.flush();
            (table ? out : err).println(result.summary(origin));
            out.flush();
            err.flush();
            return 0;
        }
    }

    /**
     * One output of a dry run as a table row: a fire's time, rule, outcome, user and trigger, or what follows it
     * indented.
     */
    static String row(final String type, final JsonNode node)
    {
        if ("AutomationFired".equals(type))
        {
            return String.format("%-24s %-20s %-16s %-16s %s", Instant.ofEpochMilli(node.path("atEpochMs").asLong()),
                node.path("ruleId").asText(), node.path("outcome").asText(), node.path("user").asText(),
                node.path("summary").asText());
        }
        final StringBuilder rest = new StringBuilder();
        for (final Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); )
        {
            final Map.Entry<String, JsonNode> field = fields.next();
            if (!"type".equals(field.getKey()) && !"ruleId".equals(field.getKey()))
            {
                rest.append(' ').append(field.getKey()).append('=').append(field.getValue().isTextual() ?
                    field.getValue().asText() : field.getValue().toString());
            }
        }
        return "    " + type + rest;
    }

    /** Options of the commands that talk to the running engine. */
    abstract static class Live implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        AutomationClient client()
        {
            return AutomationClient.connect(common.dataDir, Duration.ofSeconds(10));
        }

        Integer control(final Map<String, Object> body, final String done)
        {
            final long receipt = client().control(body);
            final PrintWriter out = spec.commandLine().getOut();
            out.println(done + " (event " + receipt + ")");
            out.flush();
            return 0;
        }
    }

    /** {@code rules list}. */
    @Command(name = "list", description = "List the rules in force in the running engine, the variables and OBS.")
    static final class ListRules extends Live
    {
        public Integer call() throws Exception
        {
            final JsonNode status = client().status();
            final PrintWriter out = spec.commandLine().getOut();
            final JsonNode state = status.path("state");
            if (state.isMissingNode() || state.isNull())
            {
                out.println("no rules in force yet (the automation has not reported its state)");
            }
            else
            {
                out.println("origin: " + state.path("origin").asText() + ", " + state.path("rulesLoaded").asInt() +
                    " rules in force, " + state.path("rulesRejected").asInt() + " left out with errors");
                final JsonNode rules = JSON.readTree(state.path("rulesJson").asText("[]"));
                for (final JsonNode rule : rules)
                {
                    out.println(String.format("  %-24s %-8s %-36s %s", rule.path("id").asText(),
                        rule.path("enabled").asBoolean(true) ? "enabled" : "disabled", rule.path("trigger").asText(),
                        "fired " + rule.path("fired").asLong()));
                }
                final JsonNode variables = JSON.readTree(state.path("variablesJson").asText("{}"));
                for (final Iterator<Map.Entry<String, JsonNode>> it = variables.fields(); it.hasNext(); )
                {
                    final Map.Entry<String, JsonNode> variable = it.next();
                    out.println("  var." + variable.getKey() + " = " + variable.getValue());
                }
                final String errors = state.path("errors").asText("");
                if (!errors.isEmpty())
                {
                    out.println(errors);
                }
            }
            out.println(AutomationRuntime.obsLine(JSON.convertValue(status.path("obs"), Map.class)));
            out.flush();
            return 0;
        }
    }

    /** A command that turns one rule on or off in the running engine. */
    abstract static class Toggle extends Live
    {
        @Parameters(index = "0", paramLabel = "ID", description = "The rule's id.")
        String id;

        private final String action;

        Toggle(final String action)
        {
            this.action = action;
        }

        public Integer call()
        {
            return control(Map.of("action", action, "rule", id), action + "d " + id);
        }
    }

    /** {@code rules enable ID}. */
    @Command(name = "enable", description = "Enable a rule in the running engine.")
    static final class Enable extends Toggle
    {
        Enable()
        {
            super("enable");
        }
    }

    /** {@code rules disable ID}. */
    @Command(name = "disable", description = "Disable a rule in the running engine (until enabled again).")
    static final class Disable extends Toggle
    {
        Disable()
        {
            super("disable");
        }
    }

    /** {@code rules set NAME VALUE}. */
    @Command(name = "set", description = "Set a variable of the rules in the running engine.")
    static final class Set extends Live
    {
        @Parameters(index = "0", paramLabel = "NAME", description = "The variable's name.")
        String name;

        @Parameters(index = "1", paramLabel = "VALUE", description = "Its value (a number for a number variable).")
        String value;

        public Integer call()
        {
            return control(Map.of("action", "set", "variable", name, "value", value), "set " + name + " = " + value);
        }
    }
}
