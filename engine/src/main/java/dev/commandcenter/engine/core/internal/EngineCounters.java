package dev.commandcenter.engine.core.internal;

import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.counters.CountersFile;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The engine's counters file and the one error path of a node: the memory-mapped {@link CountersFile}, the
 * counters manager over it, the distinct error log in it and the error handler that counts every error
 * ({@link CounterType#ERRORS}) and records it there.
 * <p>
 * <b>Note:</b> {@link #allocate}, {@link AtomicCounter#close()} on an allocated counter and the error handler
 * are thread safe (a {@link ConcurrentCountersManager}; the distinct log is thread safe); {@link #close()}
 * only once nothing writes a counter any more.
 */
public final class EngineCounters implements CounterAllocator, AutoCloseable
{
    private final CountersFile file;
    private final CountersManager manager;
    private final DistinctErrorLog errorLog;
    private final AtomicCounter errors;
    private final ErrorHandler errorHandler;

    /**
     * Create the counters file in a data dir.
     *
     * @param dataDir        the data dir (locked by the caller).
     * @param maxCounters    counters the file holds.
     * @param errorLogLength bytes of the distinct error log.
     * @param clock          time of the file's start, heartbeat and error records.
     * @param listener       also told of every error, or null.
     */
    public EngineCounters(
        final Path dataDir,
        final int maxCounters,
        final int errorLogLength,
        final EpochClock clock,
        final ErrorHandler listener)
    {
        this(CountersFile.create(dataDir.resolve(CountersFile.FILE_NAME), maxCounters, errorLogLength,
            ProcessHandle.current().pid(), clock.time()), clock, listener);
    }

    private EngineCounters(final CountersFile file, final EpochClock clock, final ErrorHandler listener)
    {
        this.file = file;
        this.manager = new ConcurrentCountersManager(file.metadata(), file.values(), StandardCharsets.US_ASCII);
        this.errorLog = new DistinctErrorLog(file.errorLog(), clock);
        this.errors = allocate(CounterType.ERRORS, "");
        this.errorHandler = (throwable) ->
        {
            errors.incrementRelease();
            errorLog.record(throwable);
            if (null != listener)
            {
                listener.onError(throwable);
            }
        };
    }

    /**
     * {@inheritDoc}
     */
    public AtomicCounter allocate(final CounterType type, final String suffix)
    {
        return manager.newCounter(label(type, suffix), type.id());
    }

    /**
     * Value of a counter by type and label suffix.
     *
     * @param type   of the counter.
     * @param suffix plugin id or egress name; empty for engine-wide counters.
     * @return the value, or -1 when there is no such counter.
     */
    public long read(final CounterType type, final String suffix)
    {
        final String label = label(type, suffix);
        final long[] value = { -1 };
        manager.forEach((counterId, typeId, keyBuffer, counterLabel) ->
        {
            if (typeId == type.id() && counterLabel.equals(label))
            {
                value[0] = manager.getCounterValue(counterId);
            }
        });
        return value[0];
    }

    /**
     * The error handler every component reports through.
     *
     * @return the thread-safe handler.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * Reads every counter.
     *
     * @return the reader.
     */
    public CountersReader reader()
    {
        return manager;
    }

    /**
     * The counters file, for its heartbeat.
     *
     * @return the file.
     */
    public CountersFile file()
    {
        return file;
    }

    /**
     * Unmap the file. Writing a counter afterwards would crash the JVM: call only once every thread that
     * writes counters has stopped.
     */
    public void close()
    {
        file.close();
    }

    /**
     * The label of a counter: the type's label, then {@code ": suffix"} unless the suffix is empty.
     *
     * @param type   of the counter.
     * @param suffix what it counts for.
     * @return the label.
     */
    public static String label(final CounterType type, final String suffix)
    {
        return suffix.isEmpty() ? type.label() : type.label() + ": " + suffix;
    }
}
