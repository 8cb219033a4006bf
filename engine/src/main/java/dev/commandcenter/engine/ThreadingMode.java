package dev.commandcenter.engine;

import java.util.Locale;

/**
 * How the engine spreads its input-ring stages over threads, after the threading modes of Aeron's media
 * driver. Each stage (the journaller, each plugin slot) is an agent; the mode decides which agents share a
 * thread.
 * <pre>
 *   mode             threads on the input ring                          suits
 *   dedicated        journaller, and one per plugin                     many cores, heavy plugins
 *   shared-plugins   journaller alone, all plugins on one               a journal on a slow disk
 *   shared           journaller and all plugins on one                  few cores, light plugins
 * </pre>
 */
public enum ThreadingMode
{
    /** A thread for the journaller and one for each plugin. */
    DEDICATED("dedicated"),

    /** The journaller on its own thread, every plugin together on a second one. */
    SHARED_PLUGINS("shared-plugins"),

    /** The journaller and every plugin on one thread, each handling the same batch in turn. */
    SHARED("shared");

    /** The accepted names, for error messages. */
    public static final String NAMES = "dedicated, shared-plugins or shared";

    private final String label;

    ThreadingMode(final String label)
    {
        this.label = label;
    }

    /**
     * Name as written in configuration.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }

    /**
     * Parse a mode name as written in configuration.
     *
     * @param name {@code dedicated}, {@code shared-plugins} or {@code shared}, any case.
     * @return the mode.
     * @throws IllegalArgumentException naming the value and the accepted names.
     */
    public static ThreadingMode parse(final String name)
    {
        final String value = null == name ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (final ThreadingMode mode : values())
        {
            if (mode.label.equals(value))
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown threading mode '" + name + "', expected " + NAMES);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return label;
    }
}
