package dev.commandcenter.plugin.host;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.commandcenter.config.ConfigBinder;
import dev.commandcenter.config.InvalidValueException;
import dev.commandcenter.engine.BackPressure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code plugins:} configuration section, bound by {@link ConfigBinder}: where plugins are found, dev mode's
 * quiet time, hosting defaults, and one section per plugin id. Unknown keys are refused except inside a plugin's
 * section, where every key that is not a hosting key goes to the plugin.
 * <pre>
 * plugins:
 *   dir: /srv/cc/plugins
 *   watchDebounceMs: 500
 *   defaults: { backPressure: detach, lagLimit: 4096 }
 *   storage: { maxEntryBytes: 1048576, maxEntries: 1024 }
 *   tip-alerts: { enabled: true, backPressure: block, minAmountSats: 1000 }
 * </pre>
 * <b>Note:</b> immutable.
 *
 * @param dir             the plugins dir, null for {@code <data-dir>/plugins}.
 * @param watchDebounceMs quiet time in dev mode before a change is acted on, null for the default.
 * @param defaults        hosting defaults of every plugin.
 * @param storage         caps of every plugin's storage ({@code PluginContext.storage()}).
 * @param plugins         sections by plugin id.
 */
public record PluginsSettings(
    String dir,
    Long watchDebounceMs,
    Defaults defaults,
    Storage storage,
    @JsonAnySetter Map<String, Section> plugins)
{
    /** No settings: every default. */
    public static final PluginsSettings NONE = new PluginsSettings(null, null, null, null, null);

    /**
     * Validate and fill in the defaults.
     */
    public PluginsSettings
    {
        if (null != dir && dir.isBlank())
        {
            throw new InvalidValueException("dir", "expected a directory path, got '" + dir + "'");
        }
        atLeast("watchDebounceMs", watchDebounceMs, 0);
        defaults = null == defaults ? Defaults.NONE : defaults;
        storage = null == storage ? Storage.DEFAULT : storage;
        final Map<String, Section> sections = new LinkedHashMap<>();
        if (null != plugins)
        {
            plugins.forEach((id, section) -> sections.put(id, null == section ? Section.NONE : section));
        }
        plugins = Collections.unmodifiableMap(sections);
    }

    /**
     * Bind the section from maps, as an embedding program or a test may give it.
     *
     * @param section the {@code plugins} section as maps and scalars, or null.
     * @return the settings.
     * @throws dev.commandcenter.config.ConfigException naming the key and what was expected.
     */
    public static PluginsSettings of(final Map<String, ?> section)
    {
        final Configuration bound = ConfigBinder.convert(Map.of("plugins", null == section ? Map.of() : section),
            "plugin settings", Configuration.class);
        return null == bound || null == bound.plugins() ? NONE : bound.plugins();
    }

    /**
     * The section of a plugin.
     *
     * @param id plugin id.
     * @return its section, empty when it has none.
     */
    public Section section(final String id)
    {
        final Section section = plugins.get(id);
        return null == section ? Section.NONE : section;
    }

    /**
     * These settings with one key of a plugin's section set when the section does not set it, as a setting outside
     * the plugins section (such as {@code wallet.alertOn} for the stream bridge) gives a plugin its default.
     *
     * @param id    plugin id.
     * @param key   key of the plugin's own configuration.
     * @param value its value when the section has none.
     * @return the settings.
     */
    public PluginsSettings withPluginDefault(final String id, final String key, final Object value)
    {
        final Section section = section(id);
        if (null != section.config() && section.config().containsKey(key))
        {
            return this;
        }
        final Map<String, Object> config = new LinkedHashMap<>(null == section.config() ? Map.of() : section.config());
        config.put(key, value);
        final Map<String, Section> sections = new LinkedHashMap<>(plugins);
        sections.put(id, new Section(section.enabled(), section.backPressure(), section.lagLimit(), section.stallTimeoutMs(),
            section.quarantineAfterFailures(), section.hosting(), config));
        return new PluginsSettings(dir, watchDebounceMs, defaults, storage, sections);
    }

    /**
     * Hosting defaults of every plugin ({@code plugins.defaults}); a plugin's descriptor and then its section
     * override them.
     *
     * @param backPressure            {@code block} or {@code detach}.
     * @param lagLimit                events a plugin may fall behind, 1 or more.
     * @param stallTimeoutMs          time without progress before a plugin is STALLED, 0 for never.
     * @param quarantineAfterFailures failures after which a plugin is quarantined, 1 or more.
     */
    public record Defaults(
        @JsonDeserialize(using = PluginBackPressureDeserializer.class) BackPressure backPressure,
        Integer lagLimit,
        Long stallTimeoutMs,
        Integer quarantineAfterFailures)
    {
        /** No defaults set. */
        public static final Defaults NONE = new Defaults(null, null, null, null);

        /**
         * Validate.
         */
        public Defaults
        {
            atLeast("lagLimit", lagLimit, 1);
            atLeast("stallTimeoutMs", stallTimeoutMs, 0);
            atLeast("quarantineAfterFailures", quarantineAfterFailures, 1);
        }
    }

    /**
     * Caps of every plugin's storage ({@code plugins.storage}): what a plugin can put in the data dir.
     *
     * @param maxEntryBytes largest entry, bytes, 1 or more (default {@value #MAX_ENTRY_BYTES_DEFAULT}).
     * @param maxEntries    entries per plugin, 1 or more (default {@value #MAX_ENTRIES_DEFAULT}).
     */
    public record Storage(Long maxEntryBytes, Integer maxEntries)
    {
        /** Default largest entry: 1 MiB. */
        public static final long MAX_ENTRY_BYTES_DEFAULT = 1024 * 1024;
        /** Default entries per plugin. */
        public static final int MAX_ENTRIES_DEFAULT = 1024;
        /** Every default. */
        public static final Storage DEFAULT = new Storage(null, null);

        /**
         * Validate and fill in the defaults.
         */
        public Storage
        {
            atLeast("maxEntryBytes", maxEntryBytes, 1);
            atLeast("maxEntries", maxEntries, 1);
            if (null != maxEntryBytes && maxEntryBytes > Integer.MAX_VALUE - 8)
            {
                throw new InvalidValueException("maxEntryBytes", "expected at most " + (Integer.MAX_VALUE - 8) +
                    ", got '" + maxEntryBytes + "'");
            }
            maxEntryBytes = null == maxEntryBytes ? MAX_ENTRY_BYTES_DEFAULT : maxEntryBytes;
            maxEntries = null == maxEntries ? MAX_ENTRIES_DEFAULT : maxEntries;
        }
    }

    /**
     * One plugin's section: its hosting keys, and the rest for the plugin.
     *
     * @param enabled                 false to load it stopped.
     * @param backPressure            {@code block} or {@code detach}.
     * @param lagLimit                events it may fall behind, 1 or more.
     * @param stallTimeoutMs          time without progress before it is STALLED, 0 for never.
     * @param quarantineAfterFailures failures after which it is quarantined, 1 or more.
     * @param hosting                 {@code in-process} or {@code process}, over the descriptor's; null for the
     *                                descriptor's.
     * @param config                  every other key, for the plugin.
     */
    public record Section(
        Boolean enabled,
        @JsonDeserialize(using = PluginBackPressureDeserializer.class) BackPressure backPressure,
        Integer lagLimit,
        Long stallTimeoutMs,
        Integer quarantineAfterFailures,
        String hosting,
        @JsonAnySetter Map<String, Object> config)
    {
        /** An empty section. */
        public static final Section NONE = new Section(null, null, null, null, null, null, null);

        /**
         * Validate and fill in the defaults.
         */
        public Section
        {
            atLeast("lagLimit", lagLimit, 1);
            atLeast("stallTimeoutMs", stallTimeoutMs, 0);
            atLeast("quarantineAfterFailures", quarantineAfterFailures, 1);
            if (null != hosting)
            {
                PluginDescriptor.requireHosting("hosting", hosting);
            }
            config = null == config ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(config));
        }

        /**
         * Whether the plugin starts enabled.
         *
         * @return true unless {@code enabled: false}.
         */
        public boolean isEnabled()
        {
            return null == enabled || enabled;
        }
    }

    /** The section inside a configuration, so that messages name keys as {@code plugins.<id>.<key>}. */
    private record Configuration(PluginsSettings plugins)
    {
    }

    private static void atLeast(final String key, final Number value, final long min)
    {
        if (null != value && value.longValue() < min)
        {
            throw new InvalidValueException(key, "expected a whole number of " + min + " or more, got '" + value + "'");
        }
    }
}
