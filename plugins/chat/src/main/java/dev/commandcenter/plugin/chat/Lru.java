package dev.commandcenter.plugin.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that forgets its least recently used entry beyond a capacity: every memory the chat keeps about viewers is
 * one, so a flood of distinct names or keys cannot grow it. Iteration runs from the least to the most recently used,
 * the order a snapshot keeps so a restored map forgets in the same order.
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

    /**
     * A map of at most {@code capacity} entries.
     *
     * @param capacity most entries kept.
     */
    Lru(final int capacity)
    {
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    /**
     * The most entries kept.
     *
     * @return the capacity.
     */
    int capacity()
    {
        return capacity;
    }

    protected boolean removeEldestEntry(final Map.Entry<K, V> eldest)
    {
        return size() > capacity;
    }
}
