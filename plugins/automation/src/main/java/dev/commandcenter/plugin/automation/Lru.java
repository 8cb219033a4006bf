package dev.commandcenter.plugin.automation;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that forgets its least recently used entry beyond a capacity, so what viewers can make the plugin remember
 * (per-user cooldowns, bans, payments seen) stays bounded. Iteration runs from the least to the most recently used.
 * <p>
 * <b>Note:</b> not thread safe; owned by the plugin's thread.
 *
 * @param <K> key type.
 * @param <V> value type.
 */
final class Lru<K, V> extends LinkedHashMap<K, V>
{
    private static final long serialVersionUID = 1L;

    private final int capacity;

    Lru(final int capacity)
    {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    protected boolean removeEldestEntry(final Map.Entry<K, V> eldest)
    {
        return size() > capacity;
    }
}
