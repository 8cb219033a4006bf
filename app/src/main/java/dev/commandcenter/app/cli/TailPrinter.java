package dev.commandcenter.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Prints {@code tail}'s messages: JSON lines (one object per message, flushed at once, for pipes and {@code --json}),
 * or on a terminal a table of time (local), kind, type, source or feed, sequence and the message's fields as
 * {@code k=v} (those that say something: no zero, empty text or all-zero hash; the JSON lines keep every field),
 * each row cut to the terminal's width.
 * <p>
 * <b>Note:</b> not thread safe; used by the printing thread.
 */
final class TailPrinter
{
    /** Width when the terminal's cannot be found. */
    static final int DEFAULT_WIDTH = 120;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ENVELOPE = Set.of("kind", "seq", "timestamp", "source", "plugin", "sequence", "type");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final String ZERO_HASH = "0".repeat(64);
    private static final int LONGEST_VALUE = 60;

    private final PrintWriter out;
    private final boolean table;
    private final int width;
    private boolean headerPrinted;

    /**
     * @param out   standard output.
     * @param table a table rather than JSON lines.
     * @param width the terminal's width in columns, for the table.
     */
    TailPrinter(final PrintWriter out, final boolean table, final int width)
    {
        this.out = out;
        this.table = table;
        this.width = Math.max(40, width);
    }

    /**
     * Print one message.
     *
     * @param message its JSON line.
     */
    void print(final ObjectNode message)
    {
        if (!table)
        {
            try
            {
                out.println(JSON.writeValueAsString(message));
            }
            catch (final JsonProcessingException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
        else
        {
            if (!headerPrinted)
            {
                headerPrinted = true;
                out.println(cut(String.format("%-12s  %-6s  %-20s  %-14s  %9s  %s", "TIME", "KIND", "TYPE", "FROM", "SEQ",
                    "FIELDS")));
            }
            out.println(row(message));
        }
        out.flush();
    }

    /**
     * The table row of a message, cut to the width.
     *
     * @param message its JSON line.
     * @return the row.
     */
    String row(final ObjectNode message)
    {
        final boolean event = "event".equals(message.path("kind").asText());
        final StringBuilder fields = new StringBuilder();
        for (final Map.Entry<String, JsonNode> field : message.properties())
        {
            final String value = value(field.getValue());
            if (!ENVELOPE.contains(field.getKey()) && null != value)
            {
                fields.append(fields.isEmpty() ? "" : " ").append(field.getKey()).append('=').append(value);
            }
        }
        return cut(String.format("%-12s  %-6s  %-20s  %-14s  %9s  %s",
            time(message.path("timestamp").asText()),
            message.path("kind").asText(),
            message.path("type").asText(),
            message.path(event ? "source" : "plugin").asText(),
            message.path("seq").asText(),
            fields));
    }

    /**
     * Columns of the terminal: {@code COLUMNS} when set, else what {@code stty} says of the controlling terminal,
     * else {@link #DEFAULT_WIDTH}.
     *
     * @return the width.
     */
    static int terminalWidth()
    {
        final String columns = System.getenv("COLUMNS");
        if (null != columns)
        {
            try
            {
                return Integer.parseInt(columns.strip());
            }
            catch (final NumberFormatException ignore)
            {
                // asked the terminal instead
            }
        }
        try
        {
            final Process stty = new ProcessBuilder("stty", "size")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/tty")))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
            if (stty.waitFor(1, TimeUnit.SECONDS) && 0 == stty.exitValue())
            {
                final String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .strip().split("\\s+");
                if (2 == size.length)
                {
                    return Integer.parseInt(size[1]);
                }
            }
            stty.destroy();
        }
        catch (final Exception ignore)
        {
            // not a terminal that stty knows: the default
        }
        return DEFAULT_WIDTH;
    }

    private String cut(final String line)
    {
        return line.length() <= width ? line : line.substring(0, width - 1) + "…";
    }

    private static String time(final String timestamp)
    {
        try
        {
            return TIME.format(Instant.parse(timestamp));
        }
        catch (final DateTimeParseException ex)
        {
            return timestamp;
        }
    }

    /**
     * A field's value as the table shows it, or null to leave it out (zero, empty text, an all-zero hash).
     */
    private static String value(final JsonNode value)
    {
        if (value.isTextual())
        {
            final String text = value.asText();
            if (text.isEmpty() || ZERO_HASH.equals(text))
            {
                return null;
            }
            final String shown = text.length() > LONGEST_VALUE ? text.substring(0, LONGEST_VALUE - 1) + "…" : text;
            return shown.chars().anyMatch((c) -> Character.isWhitespace(c) || '"' == c || '=' == c) ?
                JSON.getNodeFactory().textNode(shown).toString() : shown;
        }
        if (value.isArray())
        {
            return "[" + value.size() + "]";
        }
        if (value.isObject())
        {
            return "{…}";
        }
        if (value.isNumber() && 0 == value.asDouble())
        {
            return null;
        }
        return value.asText();
    }
}
