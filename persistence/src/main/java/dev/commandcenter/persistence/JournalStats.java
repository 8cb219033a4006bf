package dev.commandcenter.persistence;

import dev.commandcenter.persistence.internal.QueueFiles;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarises a journal: events per message type, first and last timestamp and sequence, cycle
 * files and their size.
 */
public final class JournalStats
{
    private JournalStats()
    {
    }

    /**
     * What {@link #compute(Path, TimeRange)} found.
     *
     * @param journalDir       the journal.
     * @param cycleFiles       number of cycle files.
     * @param sizeBytes        apparent size of the cycle files (pre-sized and sparse on disk).
     * @param events           records in the range.
     * @param recordBytes      bytes of those records (header and message).
     * @param firstSequence    sequence of the first record in the range, -1 when none.
     * @param lastSequence     sequence of the last record in the range, -1 when none.
     * @param firstTimestampNs timestamp of the first record in the range.
     * @param lastTimestampNs  timestamp of the last record in the range.
     * @param countsByType     events per message name, sorted by name.
     */
    public record Stats(
        Path journalDir,
        int cycleFiles,
        long sizeBytes,
        long events,
        long recordBytes,
        long firstSequence,
        long lastSequence,
        long firstTimestampNs,
        long lastTimestampNs,
        Map<String, Long> countsByType)
    {
    }

    /**
     * Read a journal and summarise the records in a range.
     *
     * @param journalDir directory of the cycle files.
     * @param range      of timestamps.
     * @return the summary.
     * @throws JournalException when the journal is missing, foreign or unreadable.
     */
    public static Stats compute(final Path journalDir, final TimeRange range)
    {
        try (JournalReader reader = JournalReader.open(journalDir).range(range))
        {
            final Map<String, Long> counts = new TreeMap<>();
            long events = 0;
            long recordBytes = 0;
            long firstSequence = -1;
            long lastSequence = -1;
            long firstTimestampNs = 0;
            long lastTimestampNs = 0;
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                if (0 == events)
                {
                    firstSequence = record.sequence();
                    firstTimestampNs = record.timestampNs();
                }
                lastSequence = record.sequence();
                lastTimestampNs = record.timestampNs();
                counts.merge(record.messageName(), 1L, Long::sum);
                recordBytes += JournalRecord.HEADER_LENGTH + record.length();
                events++;
            }
            final List<Path> files = QueueFiles.cycleFiles(journalDir);
            return new Stats(journalDir, files.size(), QueueFiles.totalSize(files), events, recordBytes,
                firstSequence, lastSequence, firstTimestampNs, lastTimestampNs, Collections.unmodifiableMap(counts));
        }
    }

    /**
     * Print the summary of the records in a range.
     *
     * @param journalDir directory of the cycle files.
     * @param range      of timestamps.
     * @param out        receives the summary.
     * @param err        receives a one-line message when the tool fails or finds nothing.
     * @return {@link ToolExit#OK}, {@link ToolExit#NO_EVENTS} or {@link ToolExit#ERROR}.
     */
    public static int print(final Path journalDir, final TimeRange range, final PrintStream out, final PrintStream err)
    {
        final Stats stats;
        try
        {
            stats = compute(journalDir, range);
        }
        catch (final JournalException ex)
        {
            err.println(ex.getMessage());
            return ToolExit.ERROR;
        }
        if (0 == stats.events())
        {
            err.println(JournalDump.noEvents(journalDir, range, null));
            return ToolExit.NO_EVENTS;
        }
        out.println("journal      " + stats.journalDir());
        if (range.isBounded())
        {
            out.println("range        " + range.describe());
        }
        out.println("cycle files  " + stats.cycleFiles());
        out.println("size         " + stats.sizeBytes() + " bytes (cycle files are pre-sized and sparse)");
        out.println("events       " + stats.events() + " (" + stats.recordBytes() + " bytes of records)");
        out.println("sequences    " + stats.firstSequence() + " to " + stats.lastSequence());
        out.println("first        " + TimeRange.format(stats.firstTimestampNs()));
        out.println("last         " + TimeRange.format(stats.lastTimestampNs()));
        out.println("by type");
        int width = 0;
        for (final String type : stats.countsByType().keySet())
        {
            width = Math.max(width, type.length());
        }
        for (final Map.Entry<String, Long> entry : stats.countsByType().entrySet())
        {
            out.printf("  %-" + width + "s  %d%n", entry.getKey(), entry.getValue());
        }
        out.flush();
        return ToolExit.OK;
    }
}
