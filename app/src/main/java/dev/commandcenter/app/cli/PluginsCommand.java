package dev.commandcenter.app.cli;

import dev.commandcenter.app.plugins.PluginControlClient;
import dev.commandcenter.app.plugins.PluginTable;
import dev.commandcenter.app.plugins.PluginScaffold;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.commandcenter.plugin.host.PluginView;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code commandcenter plugins}: lists and controls the plugins of the engine running on a data dir, through its
 * local control channel ({@code control.json} in the data dir), and scaffolds new plugin projects.
 */
@Command(
    name = "plugins",
    description = "List and control the plugins of a running engine, or start a new plugin project.",
    subcommands = {
        PluginsCommand.ListCommand.class, PluginsCommand.InfoCommand.class, PluginsCommand.EnableCommand.class,
        PluginsCommand.DisableCommand.class, PluginsCommand.ReloadCommand.class, PluginsCommand.NewCommand.class
    })
public final class PluginsCommand implements Runnable
{
    @Spec
    private CommandSpec spec;

    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code plugins list}: one row per plugin with its status, including those that failed to load. */
    @Command(name = "list", description = "One row per plugin: id, status, version, processed, errors, lag, reason.")
    public static final class ListCommand implements Callable<Integer>
    {
        @Mixin
        private CommonOptions common;

        @Option(names = "--json", description = "Print the plugins as JSON instead of a table.")
        private boolean json;

        @Spec
        private CommandSpec spec;

        public Integer call() throws Exception
        {
            final List<PluginView> views = PluginControlClient.connect(common.dataDir).list();
            final PrintWriter out = spec.commandLine().getOut();
            if (json)
            {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(views));
            }
            else
            {
                out.print(PluginTable.list(views));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code plugins info ID}: everything about one plugin. */
    @Command(name = "info", description = "Status, reason, version, counts, latency, declarations of one plugin.")
    public static final class InfoCommand implements Callable<Integer>
    {
        @Mixin
        private CommonOptions common;

        @Parameters(paramLabel = "ID", description = "Plugin id, as shown by 'plugins list'.")
        private String id;

        @Spec
        private CommandSpec spec;

        public Integer call()
        {
            final PrintWriter out = spec.commandLine().getOut();
            out.print(PluginTable.info(PluginControlClient.connect(common.dataDir).info(id)));
            out.flush();
            return 0;
        }
    }

    /** {@code plugins enable ID}. */
    @Command(name = "enable", description = "Start a stopped, quarantined or failed plugin again, with a fresh instance.")
    public static final class EnableCommand extends PluginAction
    {
        EnableCommand()
        {
            super(PluginControlClient::enable);
        }
    }

    /** {@code plugins disable ID}. */
    @Command(name = "disable", description = "Stop a plugin at an event boundary; the engine carries on without it.")
    public static final class DisableCommand extends PluginAction
    {
        DisableCommand()
        {
            super(PluginControlClient::disable);
        }
    }

    /** {@code plugins reload ID}. */
    @Command(name = "reload", description = "Load a plugin again from its jar or folder and swap it in at an event " +
        "boundary, missing and repeating nothing; the running version stays if the new one cannot load.")
    public static final class ReloadCommand extends PluginAction
    {
        ReloadCommand()
        {
            super(PluginControlClient::reload);
        }
    }

    /** A control action on one plugin of the running engine: enable, disable or reload. */
    abstract static class PluginAction implements Callable<Integer>
    {
        @Mixin
        private CommonOptions common;

        @Parameters(paramLabel = "ID", description = "Plugin id (for a plugin that failed to load, as listed).")
        private String id;

        @Spec
        private CommandSpec spec;

        private final java.util.function.BiFunction<PluginControlClient, String, PluginControlClient.Outcome> action;

        PluginAction(final java.util.function.BiFunction<PluginControlClient, String, PluginControlClient.Outcome> action)
        {
            this.action = action;
        }

        public Integer call()
        {
            return print(spec, action.apply(PluginControlClient.connect(common.dataDir), id));
        }
    }

    /** {@code plugins new NAME}: scaffold a plugin project. */
    @Command(name = "new", description = "Create a plugin project (Maven, plugin.yaml, plugin class, contract test).")
    public static final class NewCommand implements Callable<Integer>
    {
        @Parameters(paramLabel = "NAME", description = "Plugin id, also the project folder: lowercase, digits, dashes.")
        private String name;

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".",
            description = "Folder to create the project in. Default: the current folder.")
        private Path dir;

        @Option(names = "--package", paramLabel = "PACKAGE",
            description = "Java package of the plugin class. Default: com.example.<name without dashes>.")
        private String javaPackage;

        @Option(names = "--verbose", description = "Print stack traces with errors.")
        private boolean verbose;

        @Spec
        private CommandSpec spec;

        public Integer call()
        {
            final List<Path> written = PluginScaffold.create(dir, name, javaPackage);
            final PrintWriter out = spec.commandLine().getOut();
            out.printf("created %s%n", written.get(0));
            for (final Path file : written.subList(1, written.size()))
            {
                out.printf("  %s%n", written.get(0).relativize(file));
            }
            out.printf("build it with 'mvn package' in %s, then copy target/%s-0.1.0.jar into <data-dir>/plugins%n",
                written.get(0), name);
            out.flush();
            return 0;
        }
    }

    private static int print(final CommandSpec spec, final PluginControlClient.Outcome outcome)
    {
        final PrintWriter out = spec.commandLine().getOut();
        out.println(outcome.message());
        out.flush();
        return 0;
    }

    /**
     * Run {@code plugins} on its own, for tests and embedding.
     *
     * @param out  standard output.
     * @param err  standard error.
     * @param args arguments after {@code plugins}.
     * @return exit code.
     */
    public static int execute(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new PluginsCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((ex, command, parseResult) ->
        {
            err.println("commandcenter: " + (null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage()));
            err.flush();
            return 1;
        });
        return commandLine.execute(args);
    }
}
