package dev.commandcenter.engine.plugin;

import dev.commandcenter.engine.Sources;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plugin's configuration section with typed getters whose errors name the key and what was expected.
 * <p>
 * <b>Note:</b> immutable.
 */
public final class PluginConfig
{
    private final String pluginId;
    private final Map<String, Object> values;
    private final PluginStorage storage;

    /**
     * Wrap a plugin's section, without storage.
     *
     * @param pluginId for error messages.
     * @param values   as parsed from configuration.
     */
    public PluginConfig(final String pluginId, final Map<String, ?> values)
    {
        this(pluginId, values, null);
    }

    /**
     * Wrap a plugin's section with the storage the host gives the plugin.
     *
     * @param pluginId for error messages.
     * @param values   as parsed from configuration.
     * @param storage  the plugin's own folder, or null when the host gives none.
     */
    public PluginConfig(final String pluginId, final Map<String, ?> values, final PluginStorage storage)
    {
        this.pluginId = pluginId;
        this.values = null == values ? Map.of() : Map.copyOf(new TreeMap<>(values));
        this.storage = storage;
    }

    /**
     * The plugin's own folder of named entries, kept by the host ({@link PluginContext#storage()}).
     *
     * @return the storage.
     * @throws IllegalStateException when the host gives this plugin none.
     */
    public PluginStorage storage()
    {
        if (null == storage)
        {
            throw new IllegalStateException("plugin '" + pluginId + "' has no storage: the host that runs it keeps " +
                "no data dir for it");
        }
        return storage;
    }

    /**
     * Whether the host gives this plugin storage ({@link #storage()} would not throw).
     *
     * @return true when it has storage.
     */
    public boolean hasStorage()
    {
        return null != storage;
    }

    /**
     * An empty configuration.
     *
     * @param pluginId for error messages.
     * @return empty configuration.
     */
    public static PluginConfig empty(final String pluginId)
    {
        return new PluginConfig(pluginId, Map.of());
    }

    /**
     * Id of the plugin this section belongs to.
     *
     * @return the plugin id.
     */
    public String pluginId()
    {
        return pluginId;
    }

    /**
     * Reject keys the plugin does not know.
     *
     * @param known the keys the plugin reads.
     * @throws IllegalArgumentException naming the first unknown key and the known ones.
     */
    public void requireOnly(final Collection<String> known)
    {
        for (final String key : values.keySet())
        {
            if (!known.contains(key))
            {
                throw new IllegalArgumentException("plugins." + pluginId + ": unknown key '" + key +
                    "', expected one of " + new java.util.TreeSet<>(known));
            }
        }
    }

    /**
     * A whole number.
     *
     * @param key          to read.
     * @param defaultValue when absent.
     * @return the value.
     */
    public long getLong(final String key, final long defaultValue)
    {
        final Object value = values.get(key);
        if (null == value)
        {
            return defaultValue;
        }
        if (value instanceof Number number && !(value instanceof Double || value instanceof Float))
        {
            return number.longValue();
        }
        throw new IllegalArgumentException("plugins." + pluginId + "." + key + ": expected a whole number, got '" + value + "'");
    }

    /**
     * A string.
     *
     * @param key          to read.
     * @param defaultValue when absent.
     * @return the value.
     */
    public String getString(final String key, final String defaultValue)
    {
        final Object value = values.get(key);
        if (null == value)
        {
            return defaultValue;
        }
        if (value instanceof String text)
        {
            return text;
        }
        throw new IllegalArgumentException("plugins." + pluginId + "." + key + ": expected a string, got '" + value + "'");
    }

    /**
     * A boolean.
     *
     * @param key          to read.
     * @param defaultValue when absent.
     * @return the value.
     */
    public boolean getBoolean(final String key, final boolean defaultValue)
    {
        final Object value = values.get(key);
        if (null == value)
        {
            return defaultValue;
        }
        if (value instanceof Boolean flag)
        {
            return flag;
        }
        throw new IllegalArgumentException("plugins." + pluginId + "." + key + ": expected true or false, got '" + value + "'");
    }

    /**
     * The names a list value holds: either a comma separated string ({@code wallet,rest}) or a list
     * ({@code [wallet, rest]}). Names are not trimmed or checked; an empty string gives one empty name.
     *
     * @param key      the full key, for the error message, such as {@code plugins.chat.rooms}.
     * @param value    the raw value, not null (callers put their default in its place).
     * @param expected what the key takes, for the error message, such as {@code a list of room names}.
     * @return the names, in order.
     * @throws IllegalArgumentException naming the key and what was expected when the value is neither.
     */
    public static List<String> names(final String key, final Object value, final String expected)
    {
        final List<String> names = new ArrayList<>();
        if (value instanceof String text)
        {
            names.addAll(Arrays.asList(text.split(",")));
        }
        else if (value instanceof List<?> list)
        {
            for (final Object item : list)
            {
                names.add(String.valueOf(item));
            }
        }
        else
        {
            throw new IllegalArgumentException(key + ": expected " + expected + ", got '" + value + "'");
        }
        return names;
    }

    /**
     * All values, for plugins with nested configuration.
     *
     * @return an unmodifiable view.
     */
    public Map<String, Object> asMap()
    {
        return values;
    }

    /**
     * Parse a configured list of accepted sources, such as a plugin's {@code acceptPaymentsFrom}: either a comma
     * separated string ({@code wallet,rest}) or a list ({@code [wallet, rest]}) of source names.
     *
     * @param key   the full configuration key, for error messages, such as
     *              {@code plugins.stream-bridge.acceptPaymentsFrom}.
     * @param value the raw value, not null (callers put their default in its place).
     * @return flags indexed by source id ({@link Sources#MAX_ID} {@code + 1} entries), true for each accepted source.
     * @throws IllegalArgumentException with one line naming the key and what was expected.
     */
    public static boolean[] acceptedSources(final String key, final Object value)
    {
        final List<String> names = names(key, value, "source names such as wallet or [wallet, rest]");
        final boolean[] sources = new boolean[Sources.MAX_ID + 1];
        for (final String raw : names)
        {
            final String name = raw.trim();
            final int source = Sources.id(name);
            if (source <= 0)
            {
                throw new IllegalArgumentException(key + ": unknown source '" + name +
                    "', expected wallet, websocket, aeron, timer, cli, rest or engine");
            }
            sources[source] = true;
        }
        return sources;
    }
}
