package dev.commandcenter.app.cli;

import picocli.CommandLine;
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

    /**
     * Refuse a {@code --port} outside 0..65535 as a usage error, before anything starts.
     *
     * @param commandLine the command that took it.
     * @param port        the port given, or null when none was.
     * @throws CommandLine.ParameterException when it is out of range.
     */
    public static void checkPort(final CommandLine commandLine, final Integer port)
    {
        if (null != port && (port < 0 || port > 65_535))
        {
            throw new CommandLine.ParameterException(commandLine,
                "--port must be 0..65535 (0 picks a free port), got " + port);
        }
    }
}
