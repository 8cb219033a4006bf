package dev.commandcenter.plugin.host;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.commandcenter.config.InvalidValueException;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.plugin.PluginApi;
import dev.commandcenter.engine.plugin.Recovery;
import dev.commandcenter.engine.plugin.Subscription;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A {@code plugin.yaml}: who the plugin is, what it needs and what it may do, bound by
 * {@link DescriptorParser} and validated here, so every mistake names its key. See the plugin developer guide
 * for the full reference.
 * <p>
 * <b>Note:</b> immutable.
 *
 * @param source         the descriptor file, for messages (not a key of the file).
 * @param id             stable id.
 * @param name           human-readable name, the id when not given.
 * @param version        plugin version.
 * @param description    one line, may be empty.
 * @param main           class implementing the plugin, null for built-in plugins.
 * @param engine         plugin API versions it works with.
 * @param requires       other plugins it needs, by id, with their version ranges.
 * @param subscribes     what it receives.
 * @param permissions    what it may do.
 * @param backPressure   declared policy when it falls behind ({@code block} or {@code detach}), null for the default.
 * @param lagLimit       declared lag limit, null for the default.
 * @param stallTimeoutMs declared stall timeout, null for the default.
 * @param hosting        {@value #IN_PROCESS} (the default) or {@value #PROCESS}: run by a plugin host out of process,
 *                       the engine reading only this descriptor (then {@code main} is not needed).
 * @param recovery       how the plugin gets its state back at start ({@code none}, {@code journal}, {@code snapshot} or
 *                       a mapping with {@code mode} and {@code maxEvents}), null to let the plugin decide.
 */
public record PluginDescriptor(
    @JacksonInject(value = DescriptorParser.SOURCE, useInput = OptBoolean.FALSE) String source,
    String id,
    String name,
    SemanticVersion version,
    String description,
    String main,
    VersionRange engine,
    Map<String, VersionRange> requires,
    List<Subscribe> subscribes,
    Permissions permissions,
    @JsonDeserialize(using = PluginBackPressureDeserializer.class) BackPressure backPressure,
    Integer lagLimit,
    Long stallTimeoutMs,
    String hosting,
    RecoveryKey recovery)
{
    /** {@code hosting} value: the engine loads and runs the plugin's code. */
    public static final String IN_PROCESS = "in-process";
    /** {@code hosting} value: a plugin host out of process runs it in a remote slot. */
    public static final String PROCESS = "process";

    /** Ids a plugin cannot have: they are settings of the {@code plugins} configuration section. */
    public static final Set<String> RESERVED_IDS = Set.of("dir", "defaults", "watchDebounceMs");

    /** What an id must look like. */
    public static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    private static final Pattern CLASS_NAME = Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*\\.)*[A-Za-z_$][A-Za-z0-9_$]*");
    private static final String SUBSCRIBES_EXPECTED = "a list of message types, each a name (such as " +
        "TransactionReceived) or '*' or a mapping with type, where and source";

    /**
     * Validate every field and fill in the defaults.
     */
    public PluginDescriptor
    {
        if (null == id || id.isBlank())
        {
            throw new InvalidValueException("id", "missing: expected a plugin id such as 'tip-alerts'");
        }
        if (!ID.matcher(id).matches())
        {
            throw new InvalidValueException("id", "expected lowercase letters, digits and dashes, starting " +
                "with a letter, at most 63 characters, got '" + id + "'");
        }
        if (RESERVED_IDS.contains(id))
        {
            throw new InvalidValueException("id", "'" + id + "' is reserved for settings, expected another id");
        }
        name = null == name ? id : name;
        if (null == version)
        {
            throw new InvalidValueException("version", "missing: expected " + SemanticVersion.EXPECTED);
        }
        description = null == description ? "" : description;
        if (null != main && !CLASS_NAME.matcher(main).matches())
        {
            throw new InvalidValueException("main", "expected a fully qualified class name, got '" + main + "'");
        }
        if (null == engine)
        {
            throw new InvalidValueException("engine", "missing: expected " + VersionRange.EXPECTED);
        }
        if (!engine.admits(SemanticVersion.parse(PluginApi.VERSION)))
        {
            throw new InvalidValueException("engine", "the plugin needs plugin API " + engine +
                ", this engine provides " + PluginApi.VERSION);
        }
        requires = null == requires ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(requires));
        for (final String required : requires.keySet())
        {
            if (!ID.matcher(required).matches())
            {
                throw new InvalidValueException("requires." + required, "expected a plugin id, got '" + required + "'");
            }
            if (required.equals(id))
            {
                throw new InvalidValueException("requires." + required, "a plugin cannot require itself");
            }
        }
        if (null == subscribes)
        {
            throw new InvalidValueException("subscribes", "missing: expected " + SUBSCRIBES_EXPECTED);
        }
        if (subscribes.isEmpty())
        {
            throw new InvalidValueException("subscribes", "expected " + SUBSCRIBES_EXPECTED);
        }
        subscribes = List.copyOf(subscribes);
        permissions = null == permissions ? Permissions.NONE : permissions;
        hosting = null == hosting ? IN_PROCESS : hosting;
        requireHosting("hosting", hosting);
        if (PROCESS.equals(hosting) && null != recovery && Recovery.Mode.NONE != recovery.value().mode())
        {
            throw new InvalidValueException("recovery", "'" + recovery.value().mode().label() + "' is not possible " +
                "with hosting: process (a plugin run out of process does not recover its state), expected " +
                "recovery: none or hosting: in-process");
        }
        if (null != lagLimit && lagLimit < 1)
        {
            throw new InvalidValueException("lagLimit", "expected a whole number of 1 or more, got '" + lagLimit + "'");
        }
        if (null != stallTimeoutMs && stallTimeoutMs < 0)
        {
            throw new InvalidValueException("stallTimeoutMs", "expected a whole number of 0 or more, got '" +
                stallTimeoutMs + "'");
        }
    }

    /**
     * The recovery the descriptor declares.
     *
     * @return the declaration, or null when the plugin's own decides.
     */
    public Recovery recoveryOrNull()
    {
        return null == recovery ? null : recovery.value();
    }

    /**
     * Whether the plugin runs out of process, by the descriptor alone.
     *
     * @return true for {@code hosting: process}.
     */
    public boolean isRemote()
    {
        return PROCESS.equals(hosting);
    }

    /**
     * Check a {@code hosting} value.
     *
     * @param key   for the message.
     * @param value to check, not null.
     * @return the value.
     * @throws InvalidValueException naming the key and what was expected.
     */
    public static String requireHosting(final String key, final String value)
    {
        if (!IN_PROCESS.equals(value) && !PROCESS.equals(value))
        {
            throw new InvalidValueException(key, "expected '" + IN_PROCESS + "' or '" + PROCESS + "', got '" +
                value + "'");
        }
        return value;
    }

    /**
     * The {@code recovery:} key: {@code none}, {@code journal} or {@code snapshot}, or a mapping with {@code mode} and
     * {@code maxEvents} (default {@value Recovery#MAX_EVENTS_DEFAULT}).
     *
     * @param value the declaration.
     */
    public record RecoveryKey(Recovery value)
    {
        private static final String MODES = "none, journal or snapshot";

        /**
         * The key written as a mode.
         *
         * @param mode {@code none}, {@code journal} or {@code snapshot}.
         * @return the key.
         */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static RecoveryKey of(final String mode)
        {
            return new RecoveryKey(recovery("", mode, Recovery.MAX_EVENTS_DEFAULT));
        }

        /**
         * The key written as a mapping.
         *
         * @param mode      {@code none}, {@code journal} or {@code snapshot}.
         * @param maxEvents most journal events read back, 1 or more; the default when null.
         * @return the key.
         */
        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public static RecoveryKey of(
            @JsonProperty("mode") final String mode, @JsonProperty("maxEvents") final Long maxEvents)
        {
            if (null == mode)
            {
                throw new InvalidValueException("mode", "missing: expected " + MODES);
            }
            if (null != maxEvents && maxEvents < 1)
            {
                throw new InvalidValueException("maxEvents", "expected a whole number of 1 or more, got '" +
                    maxEvents + "'");
            }
            return new RecoveryKey(recovery("mode", mode, null == maxEvents ? Recovery.MAX_EVENTS_DEFAULT : maxEvents));
        }

        private static Recovery recovery(final String key, final String mode, final long maxEvents)
        {
            return switch (null == mode ? "" : mode)
            {
                case "none" -> Recovery.NONE;
                case "journal" -> Recovery.journal(maxEvents);
                case "snapshot" -> Recovery.snapshot(maxEvents);
                default -> throw new InvalidValueException(key, "expected " + MODES + ", got '" + mode + "'");
            };
        }
    }

    /**
     * One subscription entry: a message type name (or {@code *}), or a mapping with {@code type},
     * {@code where} and {@code source}.
     *
     * @param type    message type name, or {@code *}.
     * @param where   field tests that must all hold.
     * @param sources source names admitted, empty for any.
     * @param clause  the compiled entry.
     */
    public record Subscribe(String type, List<String> where, List<String> sources, EventFilters.Clause clause)
    {
        /**
         * An entry written as a message type name.
         *
         * @param type the name, or {@code *}.
         * @return the compiled entry.
         */
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static Subscribe of(final String type)
        {
            return compile("", type, List.of(), List.of());
        }

        /**
         * An entry written as a mapping.
         *
         * @param type    the message type name, or {@code *}.
         * @param where   field tests such as {@code amountSats >= 1000}, one or a list.
         * @param sources source names, one or a list.
         * @return the compiled entry.
         */
        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public static Subscribe of(
            @JsonProperty("type") final String type,
            @JsonProperty("where") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            final List<String> where,
            @JsonProperty("source") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            final List<String> sources)
        {
            if (null == type)
            {
                throw new InvalidValueException("type", "missing: expected a message type, one of " +
                    EventFilters.messageNames() + ", or '*'");
            }
            return compile("type", type, null == where ? List.of() : where, null == sources ? List.of() : sources);
        }

        private static Subscribe compile(
            final String typeKey, final String type, final List<String> where, final List<String> sources)
        {
            final int templateId = "*".equals(type) ? -1 : EventFilters.templateId(type);
            if (!"*".equals(type) && templateId < 0)
            {
                throw new InvalidValueException(typeKey, "expected a message type, one of " +
                    EventFilters.messageNames() + ", or '*', got '" + type + "'");
            }
            final List<Integer> sourceIds = new ArrayList<>();
            for (final String sourceName : sources)
            {
                final int sourceId = EventFilters.sourceId(sourceName);
                if (sourceId < 0)
                {
                    throw new InvalidValueException("source", "expected a source, one of " +
                        EventFilters.sourceNames() + ", got '" + sourceName + "'");
                }
                sourceIds.add(sourceId);
            }
            final EventFilters.Clause clause;
            try
            {
                clause = EventFilters.clause(templateId, where, sourceIds);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new InvalidValueException("where", ex.getMessage());
            }
            return new Subscribe(type, List.copyOf(where), List.copyOf(sources), clause);
        }

        /**
         * A one-line summary such as {@code TransactionReceived where amountSats >= 1000 from wallet}.
         *
         * @return the summary.
         */
        public String describe()
        {
            return type + (where.isEmpty() ? "" : " where " + String.join(" and ", where)) +
                (sources.isEmpty() ? "" : " from " + String.join(", ", sources));
        }
    }

    /**
     * What the plugin may do.
     *
     * @param emits   message types it may emit, null for any ({@code *}).
     * @param outputs outputs (egress names) its messages may go to, null for any ({@code *}).
     * @param network whether it may reach the network.
     * @param files   whether it may use files, processes and native code: trusting it fully.
     */
    public record Permissions(List<String> emits, List<String> outputs, boolean network, boolean files)
    {
        /** Nothing permitted: the default when a descriptor has no permissions section. */
        public static final Permissions NONE = new Permissions(List.of(), List.of(), false, false);

        /**
         * Bind the {@code permissions} section.
         *
         * @param emits   message types, one or a list, {@code *} for any.
         * @param outputs output names, one or a list, {@code *} for any.
         * @param network true when it may reach the network.
         * @param files   true when it may use files, processes and native code.
         * @return the permissions.
         */
        @JsonCreator
        public static Permissions of(
            @JsonProperty("emits") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            final List<String> emits,
            @JsonProperty("outputs") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            final List<String> outputs,
            @JsonProperty("network") final Boolean network,
            @JsonProperty("files") final Boolean files)
        {
            final List<String> emitted = null == emits ? List.of() : List.copyOf(emits);
            for (final String type : emitted)
            {
                if (!"*".equals(type) && EventFilters.templateId(type) < 0)
                {
                    throw new InvalidValueException("emits", "expected message types, one of " +
                        EventFilters.messageNames() + ", or '*', got '" + type + "'");
                }
            }
            final List<String> outputNames = null == outputs ? List.of() : List.copyOf(outputs);
            return new Permissions(emitted.contains("*") ? null : emitted, outputNames.contains("*") ? null : outputNames,
                null != network && network, null != files && files);
        }
    }

    /**
     * The subscription the descriptor declares.
     *
     * @return the compiled subscription.
     */
    public Subscription subscription()
    {
        final List<EventFilters.Clause> clauses = new ArrayList<>();
        for (final Subscribe subscribe : subscribes)
        {
            clauses.add(subscribe.clause());
        }
        return EventFilters.subscription(clauses);
    }

    /**
     * Template ids the plugin may emit.
     *
     * @return the ids, or null for any.
     */
    public int[] emitTemplateIds()
    {
        if (null == permissions.emits())
        {
            return null;
        }
        return permissions.emits().stream().mapToInt(EventFilters::templateId).toArray();
    }
}
