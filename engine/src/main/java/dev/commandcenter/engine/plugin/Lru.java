package dev.commandcenter.engine.plugin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that forgets its least recently used entry beyond a capacity, for what outside input can make a plugin
 * remember (per-viewer cooldowns, bans, names, payments seen): a flood of distinct keys cannot grow it. Iteration
 * runs from the least to the most recently used, the order a snapshot keeps so a restored map forgets alike.
 * <p>
 * <b>Note:</b> not thread safe; owned by the plugin's thread.
 *
 * @param <K> key type.
 * @param <V> value type.
 */
public final class Lru<K, V> extends LinkedHashMap<K, V>
{
    private static final long serialVersionUID = 1L;

    private final int capacity;

    /**
     * A map of at most {@code capacity} entries.
     *
     * @param capacity most entries kept.
     */
    public Lru(final int capacity)
    {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    /**
     * The most entries kept.
     *
     * @return the capacity.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Forget the least recently used entry once there are more than the capacity.
     *
     * @param eldest the least recently used entry.
     * @return true to remove it.
     */
    protected boolean removeEldestEntry(final Map.Entry<K, V> eldest)
    {
        return size() > capacity;
    }
}
