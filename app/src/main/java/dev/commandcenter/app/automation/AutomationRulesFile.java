package dev.commandcenter.app.automation;

import dev.commandcenter.codecs.sbe.AutomationRulesEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.plugin.automation.AutomationPlugin;
import dev.commandcenter.plugin.automation.rules.RuleError;
import dev.commandcenter.plugin.automation.rules.RuleSet;
import dev.commandcenter.plugin.automation.rules.RulesParser;
import dev.commandcenter.plugin.automation.rules.TimerSpec;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.function.Consumer;

/**
 * The automation's rules file ({@code automation.rules}): read at start and whenever it changes (a cheap poll, one
 * {@code stat} per duty cycle, as the chat filters file), checked by {@link RulesParser#parse(String, String)}, and
 * published as {@code AutomationRules} events, so the rules in force are in the journal and a replay fires alike.
 * <p>
 * Every error is one log line ({@code automation rules: rules.yaml:14:9: rule big-tip: ...}) and is counted
 * ({@code automation rule errors}); a file with errors still loads its good rules. A file that cannot be read or
 * parsed at all (over 1 MiB, refused without reading it; not YAML or JSON) is one line, and the rules in force stay.
 * After each published file the timers of its rules go to the {@link TimerSource}.
 * <p>
 * An event's slot holds {@value EventPublisher#MAX_MESSAGE_LENGTH} bytes, the file up to 1 MiB: a file is journaled
 * as written, byte for byte, in as many consecutive parts as needed (at most {@value #MAX_PARTS}), cut on UTF-8
 * character boundaries only, each part naming the load's id (strictly increasing, the epoch ms of the read when
 * later than the last), its index and the count. When a part cannot be published, that is one line and one error,
 * and the rules in force stay: the automation plugin discards a load with a part missing.
 * <p>
 * <b>Note:</b> runs on its own agent thread after {@link #publishInitial()}.
 */
public final class AutomationRulesFile implements Agent
{
    /** Time between two looks at the file, in milliseconds. */
    public static final long POLL_INTERVAL_MS = 250;
    /** Largest rules file read, as the rules format allows. */
    public static final long MAX_FILE_BYTES = 1024 * 1024;
    /** Most parts of one published file, as the automation plugin assembles them. */
    public static final int MAX_PARTS = AutomationPlugin.MAX_RULES_PARTS;
    /** Prefix of every log line. */
    public static final String LOG_PREFIX = "automation rules: ";

    private static final int ENVELOPE_BYTES =
        MessageHeaderEncoder.ENCODED_LENGTH + AutomationRulesEncoder.BLOCK_LENGTH + 2 * 4;

    private final Path file;
    private final EventPublisher publisher;
    private final Consumer<String> log;
    private final Consumer<List<TimerSpec>> timers;
    private final AtomicCounter reloads;
    private final AtomicCounter errors;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final AutomationRulesEncoder encoder = new AutomationRulesEncoder();
    private volatile RuleSet inForce;
    private volatile String inForceText;
    private String version = "";
    private long lastLoadId;

    /**
     * @param file      the rules file.
     * @param publisher where the AutomationRules events go.
     * @param counters  where the reload and error counters are allocated.
     * @param log       where the one-line errors go.
     * @param timers    told the timers of every published file, may be null.
     */
    public AutomationRulesFile(
        final Path file,
        final EventPublisher publisher,
        final CounterAllocator counters,
        final Consumer<String> log,
        final Consumer<List<TimerSpec>> timers)
    {
        this.file = file;
        this.publisher = publisher;
        this.log = log;
        this.timers = timers;
        this.reloads = counters.allocate(CounterType.AUTOMATION_RULE_RELOADS, "");
        this.errors = counters.allocate(CounterType.AUTOMATION_RULE_ERRORS, "");
    }

    /**
     * The rules file a configuration names.
     *
     * @param configured {@code automation.rules}, empty when not set.
     * @return the file, or null when none is configured.
     * @throws IllegalArgumentException when a configured file does not exist.
     */
    public static Path resolve(final String configured)
    {
        if (null == configured || configured.isBlank())
        {
            return null;
        }
        final Path path = Path.of(configured.trim());
        if (!Files.isRegularFile(path))
        {
            throw new IllegalArgumentException("automation.rules: expected an existing rules file (YAML or JSON), got '" +
                configured + "' (no such file)");
        }
        return path;
    }

    /**
     * Read, check and publish the file as it is now.
     *
     * @return the rules read, or null when the file could not be read or published (the rules in force stay).
     */
    public RuleSet publishInitial()
    {
        version = version(file);
        return load();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
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
        load();
        return 1;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "cc-automation-rules";
    }

    /**
     * The rules last published, for the start line and status.
     *
     * @return the rule set, or null before the first.
     */
    public RuleSet inForce()
    {
        return inForce;
    }

    /**
     * The text of the rules last published, for a dry run of the rules in force.
     *
     * @return the text, or null before the first.
     */
    public String inForceText()
    {
        return inForceText;
    }

    /**
     * The file.
     *
     * @return the path.
     */
    public Path file()
    {
        return file;
    }

    private RuleSet load()
    {
        final String name = file.getFileName().toString();
        final String text;
        try
        {
            final long size = Files.size(file);
            if (size > MAX_FILE_BYTES)
            {
                return refused(name + ": the file is " + size + " bytes, expected at most " + MAX_FILE_BYTES +
                    " (1 MiB)");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return refused(name + ": cannot read the file (" + ex.getClass().getSimpleName() + ")");
        }
        final RuleSet rules = RulesParser.parse(text, name);
        if (!rules.readable())
        {
            errors.increment();
            final String first = rules.errors().isEmpty() ? name + ": cannot be parsed" : rules.errors().get(0).toString();
            log.accept(LOG_PREFIX + first + " (the rules in force stay)");
            return null;
        }
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final int[] ends = partEnds(bytes, maxTextBytes(name));
        if (ends.length > MAX_PARTS)
        {
            return refused(name + ": the file needs " + ends.length + " journaled parts, expected at most " +
                MAX_PARTS + " (a shorter file name)");
        }
        for (final RuleError error : rules.errors())
        {
            errors.increment();
            log.accept(LOG_PREFIX + error);
        }
        final long loadId = Math.max(System.currentTimeMillis(), lastLoadId + 1);
        lastLoadId = loadId;
        int start = 0;
        for (int part = 0; part < ends.length; part++)
        {
            if (publish(loadId, part, ends.length, bytes, start, ends[part] - start, name) < 0)
            {
                return refused(name + ": the engine refused part " + part + " of " + ends.length +
                    " of the AutomationRules load " + loadId);
            }
            start = ends[part];
        }
        reloads.increment();
        inForceText = text;
        inForce = rules;
        if (null != timers)
        {
            timers.accept(rules.timers());
        }
        return rules;
    }

    private RuleSet refused(final String line)
    {
        errors.increment();
        log.accept(LOG_PREFIX + line + " (the rules in force stay)");
        return null;
    }

    /**
     * Where each part of the file ends: at most {@code maxBytes} bytes each, never inside a UTF-8 character.
     *
     * @param bytes    the file.
     * @param maxBytes most text bytes of one part.
     * @return the exclusive end of each part, in order; one empty part for an empty file.
     */
    static int[] partEnds(final byte[] bytes, final int maxBytes)
    {
        final IntArrayList ends = new IntArrayList();
        int start = 0;
        do
        {
            int end = Math.min(bytes.length, start + maxBytes);
            while (end < bytes.length && end > start && (bytes[end] & 0xC0) == 0x80)
            {
                end--;
            }
            ends.addInt(end);
            start = end;
        }
        while (start < bytes.length);
        return ends.toIntArray();
    }

    /**
     * Most text bytes of one part whose origin is this.
     *
     * @param origin the file name journaled with each part.
     * @return the bytes.
     */
    static int maxTextBytes(final String origin)
    {
        return EventPublisher.MAX_MESSAGE_LENGTH - ENVELOPE_BYTES - origin.getBytes(StandardCharsets.UTF_8).length;
    }

    private long publish(
        final long loadId,
        final int part,
        final int parts,
        final byte[] bytes,
        final int offset,
        final int length,
        final String origin)
    {
        encoder.wrapAndApplyHeader(buffer, 0, header)
            .loadId(loadId)
            .part(part)
            .parts(parts)
            .putText(bytes, offset, length)
            .origin(origin);
        return publisher.publish(
            Sources.ENGINE, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
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
