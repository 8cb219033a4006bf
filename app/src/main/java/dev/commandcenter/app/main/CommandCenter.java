package dev.commandcenter.app.main;

import dev.commandcenter.app.bench.BenchCommand;
import dev.commandcenter.app.cli.ChatCommand;
import dev.commandcenter.app.cli.RulesCommand;
import dev.commandcenter.app.cli.OverlayCommand;
import dev.commandcenter.app.cli.DemoCommand;
import dev.commandcenter.app.cli.EdgeCommand;
import dev.commandcenter.app.cli.JournalCommand;
import dev.commandcenter.app.cli.ReplayCommand;
import dev.commandcenter.app.cli.Console;
import dev.commandcenter.app.cli.RunCommand;
import dev.commandcenter.app.cli.SendCommand;
import dev.commandcenter.app.cli.TailCommand;
import dev.commandcenter.app.cli.StatCommand;
import dev.commandcenter.app.cli.TelemetryCommand;
import dev.commandcenter.app.cli.TokenCommand;
import dev.commandcenter.app.cli.PluginHostCommand;
import dev.commandcenter.app.cli.PluginsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code commandcenter} command line: the top of the application, naming every command; nothing else in the
 * application depends on it. Errors are one line on stderr with a non-zero exit code;
 * {@code --verbose} adds the stack trace.
 */
@Command(
    name = "commandcenter",
    mixinStandardHelpOptions = true,
    versionProvider = CommandCenter.Version.class,
    description = "Low-latency event engine for live-stream creators: wallet payments become overlay alerts.",
    subcommands = {
        DemoCommand.class, RunCommand.class, StatCommand.class, JournalCommand.class, ReplayCommand.class,
        TelemetryCommand.class, PluginsCommand.class, PluginHostCommand.class, BenchCommand.class, TokenCommand.class,
        EdgeCommand.class, ChatCommand.class, RulesCommand.class, OverlayCommand.class, TailCommand.class,
        SendCommand.class,
        CommandLine.HelpCommand.class
    })
public final class CommandCenter implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Run the command line.
     *
     * @param args arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args, System.out, System.err));
    }

    /**
     * Run a command line and return its exit code, for tests and embedding.
     *
     * @param args arguments.
     * @param stdout standard output.
     * @param stderr standard error.
     * @return exit code: 0 success, 1 failure, 2 usage error (tools add 2 nothing found, 3 corrupt).
     */
    public static int execute(final String[] args, final PrintStream stdout, final PrintStream stderr)
    {
        Console.use(stdout, stderr);
        final PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true);
        final PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        final CommandLine commandLine = new CommandLine(new CommandCenter());
        addHelpOption(commandLine);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setParameterExceptionHandler((ex, arguments) ->
        {
            final CommandLine command = ex.getCommandLine();
            err.println("commandcenter: " + firstLine(ex.getMessage()) + " (see '" +
                command.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((ex, command, parseResult) ->
        {
            final boolean verbose = parseResult.hasMatchedOption("--verbose") || anyVerbose(parseResult);
            err.println("commandcenter: " + Console.describe(ex));
            if (verbose)
            {
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        final int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Give {@code -h, --help} to every command under the top one that has no help option of its own, so that the
     * {@code (see '... --help')} of a usage error works for each of them.
     *
     * @param commandLine the command whose sub-commands get it, and theirs in turn.
     */
    static void addHelpOption(final CommandLine commandLine)
    {
        for (final CommandLine sub : commandLine.getSubcommands().values())
        {
            final CommandLine.Model.CommandSpec subSpec = sub.getCommandSpec();
            if (null == subSpec.findOption("--help") && !(sub.getCommand() instanceof CommandLine.HelpCommand))
            {
                final String[] names = null == subSpec.findOption("-h") ? new String[] { "-h", "--help" } :
                    new String[] { "--help" };
                subSpec.addOption(CommandLine.Model.OptionSpec.builder(names)
                    .usageHelp(true)
                    .description("Show this help and exit.")
                    .build());
            }
            addHelpOption(sub);
        }
    }

    private static boolean anyVerbose(final CommandLine.ParseResult parseResult)
    {
        for (CommandLine.ParseResult sub = parseResult; null != sub; sub = sub.subcommand())
        {
            if (sub.hasMatchedOption("--verbose"))
            {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(final String text)
    {
        return text.lines().findFirst().orElse(text);
    }

    /** Version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider
    {
        public String[] getVersion()
        {
            final String version = CommandCenter.class.getPackage().getImplementationVersion();
            return new String[] { "commandcenter " + (null == version ? "development build" : version) };
        }
    }
}
