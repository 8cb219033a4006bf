package dev.commandcenter.persistence;

import net.openhft.chronicle.queue.RollCycle;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;

/**
 * The settings every appended queue of a data dir shares, and their validation: where it lives (a folder of the
 * data dir, or a directory of its own), its roll cycle, which cycle files it keeps, and the wall clock that
 * decides a record's cycle and a cycle's age. The journal's and the telemetry history's contexts extend it.
 * Defaults come from system properties the subclass names, else its defaults; {@link #conclude()} validates.
 *
 * @param <C> the concrete context, returned by every setter.
 */
public abstract class QueueContext<C extends QueueContext<C>>
{
    /** Default roll cycle: one file per UTC day. */
    public static final String ROLL_CYCLE_DEFAULT = RollCycleNames.DEFAULT;
    /** Default retention: keep every cycle. */
    public static final String RETENTION_DEFAULT = "forever";

    private final String what;
    private final String dirName;
    private boolean concluded;
    private Path dataDir;
    private Path queueDir;
    private String rollCycleName;
    private RollCycle rollCycle;
    private String retentionText;
    private Retention retention;
    private EpochClock epochClock = SystemEpochClock.INSTANCE;

    /**
     * Create a context holding the defaults.
     *
     * @param what              how messages name the queue, such as {@code "journal"}.
     * @param dirName           folder of the data dir the queue lives in.
     * @param rollCyclePropName system property naming the roll cycle, else {@link #ROLL_CYCLE_DEFAULT}.
     * @param retentionPropName system property giving the retention, else {@link #RETENTION_DEFAULT}.
     */
    protected QueueContext(
        final String what, final String dirName, final String rollCyclePropName, final String retentionPropName)
    {
        this.what = what;
        this.dirName = dirName;
        this.rollCycleName = System.getProperty(rollCyclePropName, ROLL_CYCLE_DEFAULT);
        this.retentionText = System.getProperty(retentionPropName, RETENTION_DEFAULT);
    }

    /**
     * Validate the configuration and resolve the queue dir, roll cycle and retention. Subclasses add their own
     * settings after calling this.
     *
     * @return this.
     * @throws IllegalStateException if called twice.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public C conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        concluded = true;
        if (null == queueDir)
        {
            if (null == dataDir)
            {
                throw new IllegalArgumentException(what + ": expected a data dir or a " + what + " dir");
            }
            queueDir = dataDir.resolve(dirName);
        }
        if (null == rollCycle)
        {
            rollCycle = RollCycleNames.of(rollCycleName);
        }
        if (null == retention)
        {
            retention = Retention.parse(retentionText);
        }
        if (null == epochClock)
        {
            throw new IllegalArgumentException(what + ": expected an epoch clock");
        }
        return self();
    }

    /**
     * How messages name the queue.
     *
     * @return such as {@code "journal"}.
     */
    public String what()
    {
        return what;
    }

    /**
     * Data dir; the queue lives in a folder of it unless a directory of its own is given.
     *
     * @param dataDir the engine's data dir.
     * @return this.
     */
    public C dataDir(final Path dataDir)
    {
        this.dataDir = dataDir;
        return self();
    }

    /**
     * Data dir.
     *
     * @return the data dir, or null when only the queue's own directory was given.
     */
    public Path dataDir()
    {
        return dataDir;
    }

    /**
     * Put the queue in this directory instead of its folder of the data dir.
     *
     * @param queueDir directory of the cycle files.
     * @return this.
     */
    protected C queueDir(final Path queueDir)
    {
        this.queueDir = queueDir;
        return self();
    }

    /**
     * Directory of the cycle files.
     *
     * @return the queue dir (resolved from the data dir once concluded).
     */
    public Path queueDir()
    {
        return queueDir;
    }

    /**
     * Roll cycle by name (see {@link RollCycleNames}).
     *
     * @param name such as {@code HOURLY} or {@code FAST_DAILY}.
     * @return this.
     */
    public C rollCycle(final String name)
    {
        this.rollCycleName = name;
        this.rollCycle = null;
        return self();
    }

    /**
     * Roll cycle.
     *
     * @param rollCycle a Chronicle roll cycle.
     * @return this.
     */
    public C rollCycle(final RollCycle rollCycle)
    {
        this.rollCycle = rollCycle;
        return self();
    }

    /**
     * Roll cycle (resolved once concluded). An existing queue keeps the roll cycle it was created with.
     *
     * @return the roll cycle.
     */
    public RollCycle rollCycle()
    {
        return rollCycle;
    }

    /**
     * Which cycle files to keep.
     *
     * @param retention the retention.
     * @return this.
     */
    public C retention(final Retention retention)
    {
        this.retention = retention;
        return self();
    }

    /**
     * Which cycle files to keep, as {@link Retention#parse(String)} reads it.
     *
     * @param text such as {@code forever}, {@code 7d} or {@code 10 cycles}.
     * @return this.
     */
    public C retention(final String text)
    {
        this.retentionText = text;
        this.retention = null;
        return self();
    }

    /**
     * Retention (resolved once concluded).
     *
     * @return the retention.
     */
    public Retention retention()
    {
        return retention;
    }

    /**
     * Wall clock that decides the cycle a record goes to and the age of cycles for retention.
     *
     * @param clock epoch milliseconds.
     * @return this.
     */
    public C epochClock(final EpochClock clock)
    {
        this.epochClock = clock;
        return self();
    }

    /**
     * Wall clock.
     *
     * @return the clock.
     */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    @SuppressWarnings("unchecked")
    private C self()
    {
        return (C)this;
    }
}
