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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Prints the live counters of a running engine from its data dir, like AeronStat, grouped by what they
 * measure: the engine, its journal, plugins, egresses, the web server (WebSocket clients, frames, bytes,
 * drops and slow-client closes, then HTTP responses by status code and peer resets), the wallet, and
 * counters of types this build does not know.
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
            final List<Row> rows = new ArrayList<>();
            reader.forEach((counterId, typeId, keyBuffer, label) ->
            {
                final long value = reader.getCounterValue(counterId);
                final String shown = (typeId == CounterType.PLUGIN_STATE.id() || typeId == CounterType.PLUGIN_STATUS.id()) &&
                    null != PluginState.get((short)value) ?
                    PluginState.get((short)value).name() : Long.toString(value);
                rows.add(new Row(counterId, typeId, label, shown, Group.of(typeId)));
            });
            rows.sort(Comparator.comparing(Row::group).thenComparing(Row::sortKey));
            out.printf("%4s %-48s %20s%n", "id", "counter", "value");
            Group current = null;
            for (final Row row : rows)
            {
                if (row.group() != current)
                {
                    current = row.group();
                    out.printf("[%s]%n", current.title);
                }
                out.printf("%4d %-48s %20s%n", row.counterId(), row.label(), row.shown());
            }
            out.println(dev.commandcenter.app.automation.AutomationRuntime.statLine(common.dataDir, reader,
                ageMs <= STALE_MS));
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

    /**
     * Sections of the listing, in the order printed, by counter type id range.
     */
    enum Group
    {
        ENGINE("engine"),
        JOURNAL("journal"),
        PLUGINS("plugins"),
        EGRESS("egress"),
        WEB("web: websocket and http"),
        WALLET("wallet"),
        EDGES("aeron output stream and edges"),
        OTHER("other");

        final String title;

        Group(final String title)
        {
            this.title = title;
        }

        static Group of(final int typeId)
        {
            if (typeId >= 1 && typeId <= 9)
            {
                return ENGINE;
            }
            if (typeId >= 10 && typeId <= 19)
            {
                return PLUGINS;
            }
            if (typeId == CounterType.EGRESS_LAG.id())
            {
                return EGRESS;
            }
            if (typeId >= 21 && typeId <= 29)
            {
                return JOURNAL;
            }
            if (typeId >= 30 && typeId <= 39 || typeId == CounterType.WEB_REQUESTS_REFUSED.id())
            {
                return WEB;
            }
            if (typeId >= 40 && typeId <= 49)
            {
                return WALLET;
            }
            if (typeId >= 53 && typeId <= 59)
            {
                return EDGES;
            }
            return OTHER;
        }
    }

    /**
     * One counter as printed. Web counters sort by type, so WebSocket counters come first and the HTTP
     * responses follow in status order; every other section keeps allocation order (a plugin's counters together).
     */
    record Row(int counterId, int typeId, String label, String shown, Group group)
    {
        String sortKey()
        {
            return group == Group.WEB ?
                String.format("%04d %s", typeId, label) : String.format("%010d", counterId);
        }
    }
}
