package dev.commandcenter.persistence;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.TelemetrySnapshotDecoder;
import dev.commandcenter.persistence.internal.QueueFiles;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the telemetry history a {@link TelemetryRecorder} keeps and prints it as a table: one row
 * per snapshot, one column per counter (selected by label), oldest first.
 * <pre>
 * time                  events in  events journaled  plugin lag: chat
 * 2026-11-22T10:00:00Z       1200              1200                 0
 * 2026-11-22T10:00:10Z       1390              1390                 2
 * </pre>
 */
public final class TelemetryHistory
{
    /** Printed where a snapshot has no value for a column. */
    public static final String MISSING = "-";

    private TelemetryHistory()
    {
    }

    /**
     * Snapshots as a table.
     *
     * @param columns  counter labels, in order of first appearance.
     * @param times    epoch milliseconds of each row.
     * @param rows     values per row, {@link Long#MIN_VALUE} where a snapshot lacks a column.
     */
    public record Table(List<String> columns, List<Long> times, List<long[]> rows)
    {
    }

    /**
     * Read the snapshots in a range, keeping the columns a metric selects.
     *
     * @param telemetryDir directory of the telemetry queue ({@code <dataDir>/telemetry}).
     * @param range        of snapshot times, as epoch nanoseconds.
     * @param metric       a counter label, case-insensitive, selecting the counters so named; else part of a
     *                     label, selecting every counter whose label contains it; null or empty for all counters.
     * @return the table, possibly without rows.
     * @throws JournalException when the directory is missing or foreign, or holds a record that is not a snapshot.
     * @throws IllegalArgumentException when the metric matches no counter in the range.
     */
    public static Table read(final Path telemetryDir, final TimeRange range, final String metric)
    {
        QueueFiles.requireQueueDir(telemetryDir, "telemetry");
        final Map<String, Integer> allColumns = new LinkedHashMap<>();
        final List<Long> times = new ArrayList<>();
        final List<long[]> rows = new ArrayList<>();
        if (!QueueFiles.cycleFiles(telemetryDir).isEmpty())
        {
            readAll(telemetryDir, range, allColumns, times, rows);
        }
        for (int r = 0; r < rows.size(); r++)
        {
            final long[] row = rows.get(r);
            if (row.length != allColumns.size())
            {
                final long[] resized = Arrays.copyOf(row, allColumns.size());
                if (allColumns.size() > row.length)
                {
                    Arrays.fill(resized, row.length, resized.length, Long.MIN_VALUE);
                }
                rows.set(r, resized);
            }
        }
        if (rows.isEmpty() || null == metric || metric.isBlank())
        {
            return new Table(List.copyOf(allColumns.keySet()), times, rows);
        }

        final String wanted = metric.trim().toLowerCase(Locale.ROOT);
        final List<String> columns = new ArrayList<>();
        final List<Integer> selected = new ArrayList<>();
        for (final Map.Entry<String, Integer> entry : allColumns.entrySet())
        {
            if (entry.getKey().toLowerCase(Locale.ROOT).equals(wanted))
            {
                columns.add(entry.getKey());
                selected.add(entry.getValue());
            }
        }
        if (columns.isEmpty())
        {
            for (final Map.Entry<String, Integer> entry : allColumns.entrySet())
            {
                if (entry.getKey().toLowerCase(Locale.ROOT).contains(wanted))
                {
                    columns.add(entry.getKey());
                    selected.add(entry.getValue());
                }
            }
        }
        if (columns.isEmpty())
        {
            throw new IllegalArgumentException("no counter label matches '" + metric + "': the counters are " +
                String.join(", ", allColumns.keySet()));
        }
        final List<long[]> narrowed = new ArrayList<>(rows.size());
        for (final long[] row : rows)
        {
            final long[] values = new long[selected.size()];
            for (int i = 0; i < values.length; i++)
            {
                values[i] = row[selected.get(i)];
            }
            narrowed.add(values);
        }
        return new Table(Collections.unmodifiableList(columns), times, narrowed);
    }

    /**
     * Print the snapshots in a range as a table.
     *
     * @param telemetryDir directory of the telemetry queue.
     * @param range        of snapshot times; {@code --since} gives its start.
     * @param metric       a counter label or part of one; null or empty for all counters.
     * @param out          receives the table.
     * @param err          receives a one-line message when the tool fails or finds nothing.
     * @return {@link ToolExit#OK}, {@link ToolExit#NO_EVENTS} when no snapshot lies in the range, or
     * {@link ToolExit#ERROR}.
     */
    public static int print(
        final Path telemetryDir, final TimeRange range, final String metric, final PrintStream out, final PrintStream err)
    {
        final Table table;
        try
        {
            table = read(telemetryDir, range, metric);
        }
        catch (final JournalException | IllegalArgumentException ex)
        {
            err.println(ex.getMessage());
            return ToolExit.ERROR;
        }
        if (table.rows().isEmpty())
        {
            err.println("no telemetry snapshots in " + telemetryDir + (range.isBounded() ? " " + range.describe() : ""));
            return ToolExit.NO_EVENTS;
        }

        final List<String> times = new ArrayList<>(table.times().size());
        int timeWidth = "time".length();
        for (final long time : table.times())
        {
            final String text = Instant.ofEpochMilli(time).toString();
            times.add(text);
            timeWidth = Math.max(timeWidth, text.length());
        }
        final int[] widths = new int[table.columns().size()];
        for (int i = 0; i < widths.length; i++)
        {
            widths[i] = table.columns().get(i).length();
            for (final long[] row : table.rows())
            {
                widths[i] = Math.max(widths[i], format(row[i]).length());
            }
        }

        final StringBuilder line = new StringBuilder(256);
        pad(line, "time", timeWidth, false);
        for (int i = 0; i < widths.length; i++)
        {
            line.append("  ");
            pad(line, table.columns().get(i), widths[i], true);
        }
        out.println(line.toString().stripTrailing());
        for (int r = 0; r < table.rows().size(); r++)
        {
            line.setLength(0);
            pad(line, times.get(r), timeWidth, false);
            final long[] row = table.rows().get(r);
            for (int i = 0; i < widths.length; i++)
            {
                line.append("  ");
                pad(line, format(row[i]), widths[i], true);
            }
            out.println(line);
        }
        out.flush();
        return ToolExit.OK;
    }

    private static void readAll(
        final Path dir,
        final TimeRange range,
        final Map<String, Integer> columns,
        final List<Long> times,
        final List<long[]> rows)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16 * 1024);
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final TelemetrySnapshotDecoder snapshot = new TelemetrySnapshotDecoder();
        try (SingleChronicleQueue queue = JournalReader.openReadOnly(dir, "telemetry");
            ExcerptTailer tailer = queue.createTailer())
        {
            tailer.singleThreadedCheckDisabled(true);
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        return;
                    }
                    if (!dc.isData())
                    {
                        continue;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final int length = (int)bytes.readRemaining();
                    buffer.checkLimit(length);
                    bytes.read(buffer.byteArray(), 0, length);
                    final String problem = MessageSchema.validate(buffer, 0, length);
                    final int templateId = length >= MessageSchema.HEADER_LENGTH ? MessageSchema.templateId(buffer, 0) : -1;
                    if (null != problem || templateId != TelemetrySnapshotDecoder.TEMPLATE_ID)
                    {
                        throw new JournalException("telemetry record at index " + JournalRecord.formatIndex(dc.index()) +
                            " in " + dir + " is not a TelemetrySnapshot: " +
                            (null != problem ? problem : "template id " + templateId));
                    }
                    snapshot.wrapAndApplyHeader(buffer, 0, header);
                    final long sampledAtMs = snapshot.sampledAtEpochMs();
                    if (!range.contains(toEpochNs(sampledAtMs)))
                    {
                        continue;
                    }
                    long[] row = new long[Math.max(columns.size(), 8)];
                    Arrays.fill(row, Long.MIN_VALUE);
                    for (final TelemetrySnapshotDecoder.CountersDecoder counter : snapshot.counters())
                    {
                        final long value = counter.value();
                        final String label = counter.label();
                        final int column = columns.computeIfAbsent(label, (key) -> columns.size());
                        if (column >= row.length)
                        {
                            final int oldLength = row.length;
                            row = Arrays.copyOf(row, Math.max(column + 1, oldLength * 2));
                            Arrays.fill(row, oldLength, row.length, Long.MIN_VALUE);
                        }
                        row[column] = value;
                    }
                    times.add(sampledAtMs);
                    rows.add(row);
                }
            }
        }
        catch (final InternalError ex)
        {
            throw JournalReader.unreadable(dir, "telemetry", ex);
        }
    }

    private static long toEpochNs(final long epochMs)
    {
        if (epochMs > Long.MAX_VALUE / 1_000_000L)
        {
            return Long.MAX_VALUE;
        }
        return epochMs < Long.MIN_VALUE / 1_000_000L ? Long.MIN_VALUE : epochMs * 1_000_000L;
    }

    private static String format(final long value)
    {
        return Long.MIN_VALUE == value ? MISSING : Long.toString(value);
    }

    private static void pad(final StringBuilder line, final String text, final int width, final boolean right)
    {
        if (right)
        {
            line.repeat(' ', width - text.length()).append(text);
        }
        else
        {
            line.append(text).repeat(' ', width - text.length());
        }
    }
}
