package dev.commandcenter.engine;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;

/**
 * The settings every component Context shares, as Aeron's {@code CommonContext}: the data dir, the clocks
 * and the error handler, with the guard against a second {@link #conclude()}. Setters return the concrete
 * Context, so a chain of settings keeps its type.
 * <p>
 * <b>Note:</b> fill in on one thread and hand over once concluded.
 *
 * @param <T> the concrete Context.
 */
public abstract class CommonContext<T extends CommonContext<T>>
{
    private boolean concluded;
    private Path dataDir;
    private EpochClock epochClock = SystemEpochClock.INSTANCE;
    private EpochNanoClock epochNanoClock = new SystemEpochNanoClock();
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private ErrorHandler errorHandler;

    /**
     * Validate the common settings; subclasses call this first from their own {@code conclude()}.
     *
     * @return this.
     * @throws IllegalStateException    if called twice.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public T conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        concluded = true;
        if (null == dataDir)
        {
            throw new IllegalArgumentException("data dir: expected a directory");
        }
        return self();
    }

    /**
     * The data dir: counters, lock file, journal and telemetry live in it.
     *
     * @param dataDir directory, created if missing.
     * @return this.
     */
    public T dataDir(final Path dataDir)
    {
        this.dataDir = dataDir;
        return self();
    }

    /**
     * The data dir.
     *
     * @return the directory.
     */
    public Path dataDir()
    {
        return dataDir;
    }

    /**
     * Millisecond wall clock.
     *
     * @param clock the clock.
     * @return this.
     */
    public T epochClock(final EpochClock clock)
    {
        this.epochClock = clock;
        return self();
    }

    /**
     * Millisecond wall clock.
     *
     * @return the clock.
     */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * Nanosecond wall clock that stamps events.
     *
     * @param clock the clock.
     * @return this.
     */
    public T epochNanoClock(final EpochNanoClock clock)
    {
        this.epochNanoClock = clock;
        return self();
    }

    /**
     * Event timestamp clock.
     *
     * @return the clock.
     */
    public EpochNanoClock epochNanoClock()
    {
        return epochNanoClock;
    }

    /**
     * Monotonic clock for latency and durations.
     *
     * @param clock the clock.
     * @return this.
     */
    public T nanoClock(final NanoClock clock)
    {
        this.nanoClock = clock;
        return self();
    }

    /**
     * Monotonic clock.
     *
     * @return the clock.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * Also told of every error (besides the distinct log), for example to print the first of each.
     *
     * @param handler the handler, or null.
     * @return this.
     */
    public T errorHandler(final ErrorHandler handler)
    {
        this.errorHandler = handler;
        return self();
    }

    /**
     * Extra error handler.
     *
     * @return the handler, or null.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    @SuppressWarnings("unchecked")
    private T self()
    {
        return (T)this;
    }
}
