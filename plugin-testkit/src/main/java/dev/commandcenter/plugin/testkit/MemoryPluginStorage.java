package dev.commandcenter.plugin.testkit;

import dev.commandcenter.engine.plugin.PluginStorage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link PluginStorage} in memory for the {@link PluginHarness}: the same names and caps as the host's, so a
 * plugin's unit tests meet the refusals it would meet in an engine.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class MemoryPluginStorage implements PluginStorage
{
    /** Largest entry, as the host's default ({@code plugins.storage.maxEntryBytes}). */
    public static final long MAX_ENTRY_BYTES_DEFAULT = 1024 * 1024;
    /** Entries, as the host's default ({@code plugins.storage.maxEntries}). */
    public static final int MAX_ENTRIES_DEFAULT = 1024;

    private final Map<String, byte[]> entries = new TreeMap<>();
    private final long maxEntryBytes;
    private final int maxEntries;
    private long latestWrites;

    /**
     * Empty storage with the host's default caps.
     */
    public MemoryPluginStorage()
    {
        this(MAX_ENTRY_BYTES_DEFAULT, MAX_ENTRIES_DEFAULT);
    }

    /**
     * Empty storage with given caps.
     *
     * @param maxEntryBytes largest entry.
     * @param maxEntries    number of entries.
     */
    public MemoryPluginStorage(final long maxEntryBytes, final int maxEntries)
    {
        this.maxEntryBytes = maxEntryBytes;
        this.maxEntries = maxEntries;
    }

    /**
     * {@inheritDoc}
     */
    public synchronized byte[] read(final String name)
    {
        final byte[] bytes = entries.get(PluginStorage.requireValidName(name));
        return null == bytes ? null : bytes.clone();
    }

    /**
     * {@inheritDoc}
     */
    public synchronized void write(final String name, final byte[] bytes)
    {
        PluginStorage.requireValidName(name);
        if (bytes.length > maxEntryBytes)
        {
            throw new IllegalStateException("storage: entry '" + name + "' of " + bytes.length +
                " bytes refused, expected at most " + maxEntryBytes + " (plugins.storage.maxEntryBytes)");
        }
        if (!entries.containsKey(name) && entries.size() >= maxEntries)
        {
            throw new IllegalStateException("storage: new entry '" + name + "' refused, expected at most " +
                maxEntries + " entries (plugins.storage.maxEntries)");
        }
        entries.put(name, bytes.clone());
    }

    /**
     * {@inheritDoc} Here it is written at once, and counted in {@link #latestWrites()}.
     */
    public synchronized void writeLatest(final String name, final byte[] bytes, final int length)
    {
        latestWrites++;
        PluginStorage.super.writeLatest(name, bytes, length);
    }

    /**
     * How many writes came through {@link #writeLatest}: a test can check that a plugin saves its state on the event
     * thread without waiting for the disk.
     *
     * @return the count.
     */
    public synchronized long latestWrites()
    {
        return latestWrites;
    }

    /**
     * {@inheritDoc}
     */
    public synchronized boolean delete(final String name)
    {
        return null != entries.remove(PluginStorage.requireValidName(name));
    }

    /**
     * {@inheritDoc}
     */
    public synchronized List<String> list()
    {
        return new ArrayList<>(entries.keySet());
    }
}
