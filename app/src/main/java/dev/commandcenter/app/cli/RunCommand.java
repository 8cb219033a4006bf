package dev.commandcenter.app.cli;

import dev.commandcenter.app.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The engine from a YAML configuration file (every key is in the README).
 */
@Command(name = "run", description = "Run the engine from a YAML configuration file.")
public final class RunCommand implements Callable<Integer>
{
    @Mixin
    private CommonOptions common;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "YAML configuration file.")
    private Path config;

    @Option(names = "--dev", description = "Reload a plugin when its jar or plugin.yaml in the plugins dir changes.")
    private boolean dev;

    @Spec
    private CommandSpec spec;

    public Integer call()
    {
        return NodeRunner.runUntilInterrupted(ConfigLoader.load(config), common.dataDir, dev, "Command Center",
            common.verbose, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
