package dev.commandcenter.app.cli;

import dev.commandcenter.persistence.TelemetryHistory;
import dev.commandcenter.persistence.TelemetryRecorder;
import dev.commandcenter.persistence.TimeArgs;
import org.agrona.concurrent.SystemEpochClock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Telemetry history as a table, one row per snapshot.
 */
@Command(name = "telemetry", description = "Print the telemetry history: one row per snapshot of the counters.")
public final class TelemetryCommand implements Callable<Integer>
{
    @Mixin
    private CommonOptions common;

    @Option(names = "--since", paramLabel = "T", description = "Only snapshots from T: an instant, a date, or 10m/2h/1d ago.")
    private String since;

    @Option(names = "--metric", paramLabel = "NAME", description = "Only counters whose label contains NAME.")
    private String metric;

    public Integer call()
    {
        final Path telemetryDir = common.dataDir.resolve(TelemetryRecorder.Context.TELEMETRY_DIR_NAME);
        if (!Files.isDirectory(telemetryDir))
        {
            Console.err().println("commandcenter: no telemetry at " + telemetryDir +
                " (expected a data dir written by demo or run with telemetry enabled)");
            return 1;
        }
        return TelemetryHistory.print(telemetryDir,
            TimeArgs.range(null, null, since, SystemEpochClock.INSTANCE), metric, Console.out(), Console.err());
    }
}
