package dev.commandcenter.app.cli;

import dev.commandcenter.persistence.TimeArgs;
import dev.commandcenter.persistence.TimeRange;
import org.agrona.concurrent.SystemEpochClock;
import picocli.CommandLine.Option;

/**
 * {@code --from} and {@code --to}: ISO-8601 instants, dates, or durations before now (10m, 2h, 1d).
 */
public final class TimeOptions
{
    @Option(names = "--from", paramLabel = "T", description = "Start (included): 2026-11-22T10:00:00Z, 2026-11-22, or 10m/2h/1d ago.")
    String from;

    @Option(names = "--to", paramLabel = "T", description = "End (excluded), same forms as --from.")
    String to;

    TimeRange range()
    {
        return TimeArgs.range(from, to, null, SystemEpochClock.INSTANCE);
    }
}
