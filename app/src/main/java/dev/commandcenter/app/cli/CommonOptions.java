package dev.commandcenter.app.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Options every command takes.
 */
public final class CommonOptions
{
    /** The data dir: journal, telemetry, counters, token. */
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
        description = "Data directory (journal, telemetry, counters, token). Default: ${DEFAULT-VALUE}")
    public Path dataDir;

    /** Print stack traces with errors. */
    @Option(names = "--verbose", description = "Print stack traces with errors.")
    public boolean verbose;
}
