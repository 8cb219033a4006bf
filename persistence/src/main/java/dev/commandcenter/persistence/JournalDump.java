package dev.commandcenter.persistence;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.commandcenter.codecs.json.JsonView;
import dev.commandcenter.engine.Sources;

import java.io.BufferedWriter;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Prints journal records as JSON lines, one object per event: {@code sequence}, {@code timestamp}
 * (ISO-8601 UTC), {@code timestampNs}, {@code source} (name), {@code type} (message name), then the
 * message's own fields as the JSON view renders them.
 * <pre>
 * {"sequence":0,"timestamp":"2026-11-22T10:00:00.000000001Z","timestampNs":1795600000000000001,"source":"websocket","type":"ChatMessage","messageId":1,...}
 * </pre>
 */
public final class JournalDump
{
    private JournalDump()
    {
    }

    /**
     * Dump the records of a journal that pass the filters.
     *
     * @param journalDir directory of the cycle files.
     * @param range      of timestamps, {@link TimeRange#ALL} for every record.
     * @param types      message names to include, null or empty for all.
     * @param out        receives the JSON lines.
     * @param err        receives a one-line message when the tool fails or finds nothing.
     * @return {@link ToolExit#OK}, {@link ToolExit#NO_EVENTS} when nothing passes the filters, or
     * {@link ToolExit#ERROR}.
     */
    public static int dump(
        final Path journalDir,
        final TimeRange range,
        final Collection<String> types,
        final PrintStream out,
        final PrintStream err)
    {
        final Writer writer = new NonClosingWriter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)));
        try (JournalReader reader = JournalReader.open(journalDir).range(range).types(types))
        {
            final Prefix prefix = new Prefix();
            long count = 0;
            while (reader.next())
            {
                final JournalRecord record = reader.record();
                prefix.record = record;
                JsonView.instance().toJson(record.buffer(), record.offset(), writer, prefix);
                writer.write('\n');
                count++;
            }
            writer.flush();
            if (0 == count)
            {
                err.println(noEvents(journalDir, range, types));
                return ToolExit.NO_EVENTS;
            }
            return ToolExit.OK;
        }
        catch (final JournalException | IllegalArgumentException ex)
        {
            flushQuietly(writer);
            err.println(ex.getMessage());
            return ToolExit.ERROR;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * The message the tools print when no record passes the filters.
     *
     * @param journalDir the journal.
     * @param range      of timestamps.
     * @param types      message names, null or empty for all.
     * @return one line.
     */
    static String noEvents(final Path journalDir, final TimeRange range, final Collection<String> types)
    {
        final String what = null == types || types.isEmpty() ? "events" : String.join("/", types) + " events";
        return range.isBounded() ?
            "no " + what + " in journal " + journalDir + " " + range.describe() :
            "no " + what + " in journal " + journalDir;
    }

    private static void flushQuietly(final Writer writer)
    {
        try
        {
            writer.flush();
        }
        catch (final IOException ignore)
        {
        }
    }

    /** Writes the envelope properties before the message's own. */
    private static final class Prefix implements JsonView.PropertyWriter
    {
        JournalRecord record;

        public void write(final JsonGenerator generator) throws IOException
        {
            generator.writeNumberField("sequence", record.sequence());
            generator.writeStringField("timestamp", TimeRange.format(record.timestampNs()));
            generator.writeNumberField("timestampNs", record.timestampNs());
            generator.writeStringField("source", Sources.name(record.source()));
        }
    }

    /** Lets the JSON generator close its target without closing the caller's stream. */
    private static final class NonClosingWriter extends FilterWriter
    {
        NonClosingWriter(final Writer out)
        {
            super(out);
        }

        public void close() throws IOException
        {
            flush();
        }
    }
}
