package dev.commandcenter.app.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.commandcenter.codecs.sbe.ChatFiltersEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.plugin.chat.ChatFilterSet;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The chat's filters file ({@code chat.filtersFile}, else {@code <data-dir>/chat-filters.yaml} when it exists): read
 * at start and whenever it changes (a cheap poll, one {@code stat} per duty cycle), checked by
 * {@link ChatFilterSet#fromMap}, and published as a {@code ChatFilters} event, so the filter set in force is in the
 * journal and a replay filters alike. A bad file at start publishes the defaults; a bad file is one WARNING line
 * naming the file, the line and what is wrong ({@code chat-filters.yaml line 3: words: expected a list of strings,
 * got 5}), counted, and the previous set stays.
 * <p>
 * <b>Note:</b> runs on its own agent thread after {@link #publishInitial()}.
 */
public final class ChatFiltersFile implements Agent
{
    /** File name looked for in the data dir. */
    public static final String DEFAULT_FILE_NAME = "chat-filters.yaml";
    /** Time between two looks at the file, in milliseconds. */
    public static final long POLL_INTERVAL_MS = 250;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Largest filters file read: far above what a filter set that fits in one event can take. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>()
    {
    };

    private final Path file;
    private final EventPublisher publisher;
    private final Consumer<String> warnings;
    private final AtomicCounter reloads;
    private final AtomicCounter errors;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final ChatFiltersEncoder encoder = new ChatFiltersEncoder();
    private String version = "";
    private volatile ChatFilterSet inForce = ChatFilterSet.defaults();

    /**
     * @param file      the filters file, or null for none (the defaults).
     * @param publisher where the ChatFilters events go.
     * @param counters  where the reload and error counters are allocated.
     * @param warnings  where the one-line warnings go.
     */
    public ChatFiltersFile(
        final Path file, final EventPublisher publisher, final CounterAllocator counters, final Consumer<String> warnings)
    {
        this.file = file;
        this.publisher = publisher;
        this.warnings = warnings;
        this.reloads = counters.allocate(CounterType.CHAT_FILTER_RELOADS, "");
        this.errors = counters.allocate(CounterType.CHAT_FILTER_ERRORS, "");
    }

    /**
     * The file a configuration names: {@code chat.filtersFile} when set (it must exist), else
     * {@code <data-dir>/chat-filters.yaml} when that exists, else none.
     *
     * @param configured {@code chat.filtersFile}, empty when not set.
     * @param dataDir    the data dir.
     * @return the file, or null.
     * @throws IllegalArgumentException when a configured file does not exist.
     */
    public static Path resolve(final String configured, final Path dataDir)
    {
        if (null != configured && !configured.isBlank())
        {
            final Path path = Path.of(configured.trim());
            if (!Files.isRegularFile(path))
            {
                throw new IllegalArgumentException("chat.filtersFile: expected an existing YAML file, got '" + configured +
                    "' (no such file)");
            }
            return path;
        }
        final Path fallback = dataDir.resolve(DEFAULT_FILE_NAME);
        return Files.isRegularFile(fallback) ? fallback : null;
    }

    /**
     * Publish the filter set at start when there is a file: the file's, or the defaults when it is bad. Without a
     * file nothing is published: the plugin starts on the defaults (or the set its snapshot kept), and a node that
     * never had a filters file journals no filter event.
     *
     * @return the engine sequence of the ChatFilters event, or -1 when none was published.
     */
    public long publishInitial()
    {
        if (null == file)
        {
            return -1;
        }
        version = version(file);
        final ChatFilterSet read = read();
        return null != read ? publish(read, file.getFileName().toString()) : publish(ChatFilterSet.defaults(), "defaults");
    }

    /**
     * The filter set this file last published, the defaults before: what the tip page masks a viewer's name and
     * message with before they are journaled, so the alert and the chat show the same text.
     * <p>
     * <b>Note:</b> thread safe (a volatile read).
     *
     * @return the set in force.
     */
    public ChatFilterSet inForce()
    {
        return inForce;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        if (null == file)
        {
            return 0;
        }
        final String now = version(file);
        if (now.equals(version))
        {
            return 0;
        }
        version = now;
        if ("missing".equals(now))
        {
            return 0;
        }
        final ChatFilterSet read = read();
        if (null != read)
        {
            publish(read, file.getFileName().toString());
        }
        return 1;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "cc-chat-filters";
    }

    private ChatFilterSet read()
    {
        final String name = file.getFileName().toString();
        final String text;
        try
        {
            final long size = Files.size(file);
            if (size > MAX_FILE_BYTES)
            {
                return bad(name + ": the file is " + size + " bytes, expected at most " + MAX_FILE_BYTES);
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return bad(name + ": cannot read the file (" + ex.getClass().getSimpleName() + ")");
        }
        final Map<String, Object> values;
        try
        {
            values = text.isBlank() ? Map.of() : YAML.readValue(text, MAP);
        }
        catch (final JsonProcessingException ex)
        {
            final int line = null == ex.getLocation() ? 1 : ex.getLocation().getLineNr();
            return bad(name + " line " + line + ": expected a YAML map of words, patterns, links and allowedDomains, " +
                "got " + ex.getOriginalMessage().lines().findFirst().orElse("invalid YAML"));
        }
        try
        {
            final ChatFilterSet set = ChatFilterSet.fromMap(values);
            final String json = set.toJson();
            if (json.getBytes(StandardCharsets.UTF_8).length > EventPublisher.MAX_MESSAGE_LENGTH - 256)
            {
                return bad(name + ": the filter set is " + json.length() + " characters as JSON, expected at most " +
                    (EventPublisher.MAX_MESSAGE_LENGTH - 256) + " (fewer words or patterns)");
            }
            return set;
        }
        catch (final IllegalArgumentException ex)
        {
            final String message = String.valueOf(ex.getMessage()).lines().findFirst().orElse("invalid");
            final int line = lineOf(text, message);
            return bad(name + (line > 0 ? " line " + line : "") + ": " + message);
        }
    }

    private ChatFilterSet bad(final String line)
    {
        errors.increment();
        warnings.accept(line + " (the previous chat filters stay)");
        return null;
    }

    private long publish(final ChatFilterSet set, final String origin)
    {
        encoder.wrapAndApplyHeader(buffer, 0, header).filtersJson(set.toJson()).origin(origin);
        final long sequence = publisher.publish(
            Sources.ENGINE, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        if (sequence >= 0)
        {
            reloads.increment();
            inForce = set;
        }
        return sequence;
    }

    /**
     * The line of the file where the key an error names starts, or 0 when it cannot be told.
     */
    static int lineOf(final String text, final String message)
    {
        String key = null;
        if (message.startsWith("unknown key '"))
        {
            final int end = message.indexOf('\'', "unknown key '".length());
            key = end > 0 ? message.substring("unknown key '".length(), end) : null;
        }
        else if (message.indexOf(':') > 0)
        {
            key = message.substring(0, message.indexOf(':')).trim();
        }
        if (null == key || key.isEmpty() || key.indexOf(' ') >= 0)
        {
            return 0;
        }
        final Pattern start = Pattern.compile("^\\s*[\"']?" + Pattern.quote(key) + "[\"']?\\s*:");
        final List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++)
        {
            if (start.matcher(lines.get(i)).find())
            {
                return i + 1;
            }
        }
        return 0;
    }

    private static String version(final Path file)
    {
        try
        {
            final BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return attributes.fileKey() + "/" + attributes.size() + "/" + attributes.lastModifiedTime().toMillis();
        }
        catch (final IOException ex)
        {
            return "missing";
        }
    }
}
