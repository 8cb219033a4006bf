package dev.commandcenter.app.cli;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.counters.CountersFile;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.CountersReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Prints the live counters of a running engine from its data dir, like AeronStat.
 */
@Command(name = "stat", description = "Print the live counters of the engine running on a data dir.")
public final class StatCommand implements Callable<Integer>
{
    /** A heartbeat older than this means the engine is not running. */
    static final long STALE_MS = 5_000;

    @Mixin
    private CommonOptions common;

    @Option(names = "--errors", description = "Also print the distinct error log.")
    private boolean errors;

    @Spec
    private CommandSpec spec;

    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        try (CountersFile file = CountersFile.open(common.dataDir.resolve(CountersFile.FILE_NAME)))
        {
            final long now = System.currentTimeMillis();
            final long ageMs = now - file.heartbeatMs();
            out.printf("engine pid %d, started %s, heartbeat %d ms ago%s%n", file.pid(),
                Instant.ofEpochMilli(file.startTimestampMs()), ageMs,
                ageMs > STALE_MS ? " (NOT RUNNING: values are the last it wrote)" : "");
            final CountersReader reader = file.reader();
            out.printf("%4s %-48s %20s%n", "id", "counter", "value");
            reader.forEach((counterId, typeId, keyBuffer, label) ->
            {
                final long value = reader.getCounterValue(counterId);
                final String shown = (typeId == CounterType.PLUGIN_STATE.id() || typeId == CounterType.PLUGIN_STATUS.id()) &&
                    null != PluginState.get((short)value) ?
                    PluginState.get((short)value).name() : Long.toString(value);
                out.printf("%4d %-48s %20s%n", counterId, label, shown);
            });
            if (errors)
            {
                out.println();
                final int count = ErrorLogReader.read(file.errorLog(), (observations, first, last, text) ->
                    out.printf("%d observations from %s to %s:%n%s%n", observations, Instant.ofEpochMilli(first),
                        Instant.ofEpochMilli(last), text));
                out.printf("%d distinct errors%n", count);
            }
            out.flush();
        }
        return 0;
    }
}
