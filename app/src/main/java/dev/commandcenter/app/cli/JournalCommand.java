package dev.commandcenter.app.cli;

import dev.commandcenter.persistence.ChronicleJournal;
import dev.commandcenter.persistence.JournalDump;
import dev.commandcenter.persistence.JournalStats;
import dev.commandcenter.persistence.JournalVerify;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Journal tools: dump, stats, verify.
 */
@Command(name = "journal", description = "Read the event journal of a data dir.",
    subcommands = { JournalCommand.Dump.class, JournalCommand.Stats.class, JournalCommand.Verify.class })
public final class JournalCommand implements Runnable
{
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Path journalDir(final CommonOptions common)
    {
        return common.dataDir.resolve(ChronicleJournal.Context.JOURNAL_DIR_NAME);
    }

    /** One JSON line per journaled event. */
    @Command(name = "dump", description = "Print one JSON line per journaled event (sequence, timestamp, source, type, fields).")
    static final class Dump implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        @Mixin
        TimeOptions time;

        @Option(names = "--type", paramLabel = "TYPE", split = ",",
            description = "Only these message types, e.g. TransactionReceived,OverlayAlert.")
        List<String> types;

        public Integer call()
        {
            return JournalDump.dump(journalDir(common), time.range(), types, Console.out(), Console.err());
        }
    }

    /** Counts per type, time range, size on disk. */
    @Command(name = "stats", description = "Print counts per type, time range and size on disk.")
    static final class Stats implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        @Mixin
        TimeOptions time;

        public Integer call()
        {
            return JournalStats.print(journalDir(common), time.range(), Console.out(), Console.err());
        }
    }

    /** Walks every record and reports the first bad one. */
    @Command(name = "verify", description = "Check every record; report the first bad index and exit non-zero if any.")
    static final class Verify implements Callable<Integer>
    {
        @Mixin
        CommonOptions common;

        public Integer call()
        {
            return JournalVerify.run(journalDir(common), Console.out(), Console.err());
        }
    }
}
