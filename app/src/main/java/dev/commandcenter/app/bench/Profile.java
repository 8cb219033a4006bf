package dev.commandcenter.app.bench;

import dev.commandcenter.app.config.AppConfig;
import dev.commandcenter.engine.ThreadingMode;

import java.util.Locale;

/**
 * Engine settings a benchmark runs the embedded engine with: a wait strategy for the rings and a threading mode.
 * <pre>
 *   profile      engine.waitStrategy   threading mode   suits
 *   default      blocking              auto             the engine's defaults: shared on up to 2 cores, else dedicated
 *   latency      busy-spin             shared           one spinning thread; wants a spare core for it
 *   throughput   yielding              dedicated        a thread per stage, pipelined; wants a core each
 * </pre>
 */
public enum Profile
{
    /** The embedded defaults. */
    DEFAULT("default", AppConfig.WaitStrategy.BLOCKING, ThreadingMode.AUTO),

    /** Lowest latency: the input ring's stages on one busy-spinning thread. */
    LATENCY("latency", AppConfig.WaitStrategy.BUSY_SPIN, ThreadingMode.SHARED),

    /** Most events per second: each stage on its own yielding thread. */
    THROUGHPUT("throughput", AppConfig.WaitStrategy.YIELDING, ThreadingMode.DEDICATED);

    /** The accepted names, for error messages. */
    public static final String NAMES = "default, latency or throughput";

    private final String label;
    private final AppConfig.WaitStrategy waitStrategy;
    private final ThreadingMode threadingMode;

    Profile(final String label, final AppConfig.WaitStrategy waitStrategy, final ThreadingMode threadingMode)
    {
        this.label = label;
        this.waitStrategy = waitStrategy;
        this.threadingMode = threadingMode;
    }

    /**
     * Name as written on the command line.
     *
     * @return the label.
     */
    public String label()
    {
        return label;
    }

    /**
     * Wait strategy of the rings ({@code engine.waitStrategy}).
     *
     * @return the strategy.
     */
    public AppConfig.WaitStrategy waitStrategy()
    {
        return waitStrategy;
    }

    /**
     * Threading mode of the input ring's stages.
     *
     * @return the mode.
     */
    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    /**
     * Parse a profile name.
     *
     * @param name as given, any case.
     * @return the profile.
     * @throws IllegalArgumentException naming the value and the accepted names.
     */
    public static Profile parse(final String name)
    {
        final String value = null == name ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (final Profile profile : values())
        {
            if (profile.label.equals(value))
            {
                return profile;
            }
        }
        throw new IllegalArgumentException("unknown profile '" + name + "', expected " + NAMES);
    }
}
