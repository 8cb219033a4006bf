package dev.commandcenter.engine.plugin;

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
