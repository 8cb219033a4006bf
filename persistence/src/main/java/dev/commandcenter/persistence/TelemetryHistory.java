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
     * Read the snapshots between two times thinned evenly to at most {@code maxSamples}: the span is cut into
     * {@code maxSamples} equal slices of time and the last snapshot of each slice is kept. One pass; memory is bounded
     * by {@code maxSamples} rows, whatever the history holds.
     *
     * @param telemetryDir directory of the telemetry queue ({@code <dataDir>/telemetry}).
     * @param fromMs       first snapshot time kept, epoch milliseconds.
     * @param toMs         last snapshot time kept (included), epoch milliseconds.
     * @param labels       counter labels to keep (exactly as labelled), in this order; null or empty for every counter,
     *                     in order of first appearance.
     * @param maxSamples   most rows returned, 1 or more.
     * @return the table, possibly without rows; a requested label no snapshot has is a column of
     * {@link Long#MIN_VALUE}.
     * @throws JournalException when the directory is missing or foreign, or holds a record that is not a snapshot.
     * @throws IllegalArgumentException when maxSamples is less than 1 or the times are reversed.
     */
    public static Table sample(
        final Path telemetryDir, final long fromMs, final long toMs, final List<String> labels, final int maxSamples)
    {
        if (maxSamples < 1 || toMs < fromMs)
        {
            throw new IllegalArgumentException("telemetry sample: expected 1 or more samples and from <= to, got " +
                maxSamples + " samples from " + fromMs + " to " + toMs);
        }
        QueueFiles.requireQueueDir(telemetryDir, "telemetry");
        final Thinning thinning = new Thinning(fromMs, toMs, labels, maxSamples);
        if (!QueueFiles.cycleFiles(telemetryDir).isEmpty())
        {
            forEachSnapshot(telemetryDir, thinning);
        }
        return thinning.table();
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
        forEachSnapshot(dir, (sampledAtMs, snapshot) ->
        {
            if (!range.contains(toEpochNs(sampledAtMs)))
            {
                return;
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
        });
    }

    /** Told of each snapshot of the history, oldest first. */
    @FunctionalInterface
    private interface SnapshotVisitor
    {
        void onSnapshot(long sampledAtMs, TelemetrySnapshotDecoder snapshot);
    }

    private static void forEachSnapshot(final Path dir, final SnapshotVisitor visitor)
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
                    visitor.onSnapshot(snapshot.sampledAtEpochMs(), snapshot);
                }
            }
        }
        catch (final InternalError ex)
        {
            throw JournalReader.unreadable(dir, "telemetry", ex);
        }
    }

    /**
     * Keeps the last snapshot of each of {@code maxSamples} equal slices of a span of time.
     */
    private static final class Thinning implements SnapshotVisitor
    {
        private final long fromMs;
        private final long toMs;
        private final int maxSamples;
        private final boolean fixedColumns;
        private final Map<String, Integer> columns = new LinkedHashMap<>();
        private final long[] times;
        private final long[][] rows;
        private int kept;
        private long lastSlice = -1;

        Thinning(final long fromMs, final long toMs, final List<String> labels, final int maxSamples)
        {
            this.fromMs = fromMs;
            this.toMs = toMs;
            this.maxSamples = maxSamples;
            this.fixedColumns = null != labels && !labels.isEmpty();
            if (fixedColumns)
            {
                for (final String label : labels)
                {
                    columns.putIfAbsent(label, columns.size());
                }
            }
            this.times = new long[maxSamples];
            this.rows = new long[maxSamples][];
        }

        public void onSnapshot(final long sampledAtMs, final TelemetrySnapshotDecoder snapshot)
        {
            if (sampledAtMs < fromMs || sampledAtMs > toMs)
            {
                return;
            }
            final long slice = Math.min(maxSamples - 1,
                (sampledAtMs - fromMs) * maxSamples / (toMs - fromMs + 1));
            final int index;
            if (kept > 0 && slice <= lastSlice)
            {
                // The same slice (or a clock step back): the later snapshot takes the slice's place.
                index = kept - 1;
            }
            else
            {
                index = kept++;
                lastSlice = slice;
            }
            long[] row = rows[index];
            if (null == row || row.length < columns.size())
            {
                row = new long[Math.max(columns.size(), 8)];
            }
            Arrays.fill(row, Long.MIN_VALUE);
            for (final TelemetrySnapshotDecoder.CountersDecoder counter : snapshot.counters())
            {
                final long value = counter.value();
                final String label = counter.label();
                final Integer known = columns.get(label);
                final int column;
                if (null != known)
                {
                    column = known;
                }
                else if (fixedColumns)
                {
                    continue;
                }
                else
                {
                    column = columns.size();
                    columns.put(label, column);
                }
                if (column >= row.length)
                {
                    final int oldLength = row.length;
                    row = Arrays.copyOf(row, Math.max(column + 1, oldLength * 2));
                    Arrays.fill(row, oldLength, row.length, Long.MIN_VALUE);
                }
                row[column] = value;
            }
            rows[index] = row;
            times[index] = sampledAtMs;
        }

        Table table()
        {
            final List<Long> timeList = new ArrayList<>(kept);
            final List<long[]> rowList = new ArrayList<>(kept);
            for (int i = 0; i < kept; i++)
            {
                timeList.add(times[i]);
                final long[] row = Arrays.copyOf(rows[i], columns.size());
                if (rows[i].length < columns.size())
                {
                    Arrays.fill(row, rows[i].length, row.length, Long.MIN_VALUE);
                }
                rowList.add(row);
            }
            return new Table(List.copyOf(columns.keySet()), timeList, rowList);
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
