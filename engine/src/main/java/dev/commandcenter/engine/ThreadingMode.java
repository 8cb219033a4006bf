package dev.commandcenter.engine;

import java.util.Locale;

/**
 * How the engine spreads its stages over threads, after the threading modes of Aeron's media
 * driver. Each stage (the journaller, each plugin slot, each egress handler) is an agent; the mode decides which agents share a
 * thread.
 * <pre>
 *   mode             threads                                                      suits
 *   dedicated        journaller, one per plugin, one for the egress handlers      many cores, heavy plugins
 *   shared-plugins   journaller alone, all plugins on one, egress on one          a journal on a slow disk
 *   shared           journaller, all plugins and the egress handlers on one       few cores, light plugins
 *   auto             shared on up to {@value #AUTO_SHARED_MAX_CORES} cores, else dedicated
 * </pre>
 * Without a journal there is no journaller stage in any mode. A plugin with {@code backPressure: detach} keeps
 * a thread of its own in every mode. In the shared modes a slow {@code block} plugin holds back the plugins
 * (and in {@code shared} the journaller and the egress) that share its thread: the price of fewer threads.
 */
public enum ThreadingMode
{
    /** {@link #SHARED} on a machine of up to {@link #AUTO_SHARED_MAX_CORES} cores, else {@link #DEDICATED}. */
    AUTO("auto"),

    /** A thread for the journaller and one for each plugin. */
    DEDICATED("dedicated"),

    /** The journaller on its own thread, every plugin together on a second one. */
    SHARED_PLUGINS("shared-plugins"),

    /** The journaller and every plugin on one thread, each handling the same batch in turn. */
    SHARED("shared");

    /** The accepted names, for error messages. */
    public static final String NAMES = "auto, dedicated, shared-plugins or shared";

    /**
     * Most cores on which {@link #AUTO} chooses {@link #SHARED}: with two cores, one thread for the producers
     * and one for the whole pipeline beat threads that wake each other up (measured on the 2-core machine).
     */
    public static final int AUTO_SHARED_MAX_CORES = 2;

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
     * The concrete mode to run: this one, or for {@link #AUTO} the one that suits the number of cores.
     *
     * @param cores available processors.
     * @return a mode other than {@link #AUTO}.
     */
    public ThreadingMode resolve(final int cores)
    {
        if (this != AUTO)
        {
            return this;
        }
        return cores <= AUTO_SHARED_MAX_CORES ? SHARED : DEDICATED;
    }

    /**
     * Parse a mode name as written in configuration.
     *
     * @param name {@code auto}, {@code dedicated}, {@code shared-plugins} or {@code shared}, any case.
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
