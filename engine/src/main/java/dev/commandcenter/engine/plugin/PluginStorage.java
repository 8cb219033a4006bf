package dev.commandcenter.engine.plugin;

import java.util.Arrays;
import java.util.List;

/**
 * A plugin's own folder, kept by the host in the data dir ({@code <data-dir>/plugins-data/<plugin-id>/}, owner
 * only): named entries of bytes that survive restarts and reloads. Plugins without the {@code files} permission
 * are refused the JDK's file classes and keep their data here.
 * <p>
 * Names are 1 to {@value #MAX_NAME_LENGTH} letters, digits, {@code .}, {@code _} or {@code -}, not starting with
 * {@code .}: no path separators, no {@code ..}, no control characters. Entries and their number are capped by the
 * host ({@code plugins.storage.maxEntryBytes}, {@code plugins.storage.maxEntries}); a write beyond a cap is refused
 * with an {@link IllegalStateException} naming the cap.
 * <p>
 * <b>Note:</b> thread safe; a write replaces an entry atomically, so a reader sees the old bytes or the new ones.
 */
public interface PluginStorage
{
    /** Longest entry name. */
    int MAX_NAME_LENGTH = 128;

    /**
     * The bytes of an entry.
     *
     * @param name entry name.
     * @return its bytes, or null when there is no such entry.
     * @throws IllegalArgumentException when the name is not valid.
     */
    byte[] read(String name);

    /**
     * Create or replace an entry, atomically.
     *
     * @param name  entry name.
     * @param bytes its new content.
     * @throws IllegalArgumentException when the name is not valid.
     * @throws IllegalStateException when the entry or the number of entries would pass the host's cap.
     */
    void write(String name, byte[] bytes);

    /**
     * Replace an entry later, off the caller's thread where the host can: for state a plugin saves often from its
     * event thread (a snapshot every so many events), which should not wait for the disk. The first {@code length}
     * bytes are copied before this returns, so the caller may reuse its buffer. A later call for the same name before
     * they are written replaces them: only the latest is written. A {@link #write} or {@link #delete} of the same
     * name drops what is still waiting and lands after what is being written; {@link #read} sees the latest bytes.
     * A write that fails later (a full disk, the number of entries past its cap) is counted and reported by the host,
     * not thrown to the caller, and the old entry stays. This default writes at once.
     *
     * @param name   entry name.
     * @param bytes  holds its new content from index 0.
     * @param length how many bytes.
     * @throws IllegalArgumentException when the name is not valid or the length is not within the bytes.
     * @throws IllegalStateException when the entry would pass the host's cap on its size.
     */
    default void writeLatest(final String name, final byte[] bytes, final int length)
    {
        if (length < 0 || length > bytes.length)
        {
            throw new IllegalArgumentException("storage entry " + quote(name) + ": length " + length +
                " is not within the " + bytes.length + " bytes given");
        }
        write(name, Arrays.copyOf(bytes, length));
    }

    /**
     * Delete an entry.
     *
     * @param name entry name.
     * @return true when it existed.
     * @throws IllegalArgumentException when the name is not valid.
     */
    boolean delete(String name);

    /**
     * Names of the entries, sorted.
     *
     * @return the names.
     */
    List<String> list();

    /**
     * Check an entry name.
     *
     * @param name entry name.
     * @return the name.
     * @throws IllegalArgumentException naming the name and what was expected.
     */
    static String requireValidName(final String name)
    {
        if (null == name || name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.charAt(0) == '.')
        {
            throw new IllegalArgumentException("storage entry name " + quote(name) + ": expected 1 to " +
                MAX_NAME_LENGTH + " letters, digits, '.', '_' or '-', not starting with '.'");
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-'))
            {
                throw new IllegalArgumentException("storage entry name " + quote(name) + ": expected 1 to " +
                    MAX_NAME_LENGTH + " letters, digits, '.', '_' or '-', not starting with '.'");
            }
        }
        return name;
    }

    private static String quote(final String name)
    {
        if (null == name)
        {
            return "null";
        }
        final StringBuilder quoted = new StringBuilder("'");
        final int length = Math.min(name.length(), MAX_NAME_LENGTH);
        for (int i = 0; i < length; i++)
        {
            final char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f)
            {
                quoted.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                quoted.append(c);
            }
        }
        return quoted.append(name.length() > length ? "...'" : "'").toString();
    }
}
