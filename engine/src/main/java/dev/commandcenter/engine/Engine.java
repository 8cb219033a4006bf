package dev.commandcenter.engine;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.ProducerType;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.counters.CountersFile;
import dev.commandcenter.engine.counters.TelemetryListener;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import dev.commandcenter.engine.internal.EgressAdapter;
import dev.commandcenter.engine.internal.EngineSampler;
import dev.commandcenter.engine.internal.EventSlot;
import dev.commandcenter.engine.internal.InputPublisher;
import dev.commandcenter.engine.internal.JournalHandler;
import dev.commandcenter.engine.internal.OutputSlot;
import dev.commandcenter.engine.internal.PluginHandler;
import dev.commandcenter.engine.journal.Journal;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginHealth;
import dev.commandcenter.engine.PluginSpec;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine: an input ring (multi-producer Disruptor) whose consumers are, in order, the journaller
 * and then every plugin in parallel on its own sequence; plugins emit into an output ring drained by
 * the egress handlers. Counters and the distinct error log live in a memory-mapped file in the data
 * dir, readable by {@code commandcenter stat} while the engine runs.
 * <pre>{@code
 * try (Engine engine = Engine.launch(new Engine.Context().dataDir(dir).journal(journal).plugin(p)))
 * {
 *     engine.publisher().publish(Sources.WALLET, writer, payment);
 * }
 * }</pre>
 * <b>Note:</b> launch and close from one thread; {@link #publisher()} is thread safe.
 */
public final class Engine implements AutoCloseable
{
    private final Context ctx;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final CountersFile countersFile;
    private final CountersManager countersManager;
    private final DistinctErrorLog errorLog;
    private final AtomicCounter errorCounter;
    private final Disruptor<EventSlot> input;
    private final Disruptor<OutputSlot> output;
    private final InputPublisher publisher;
    private final JournalHandler journaller;
    private final List<PluginHandler> plugins = new CopyOnWriteArrayList<>();
    private final Object pluginLock = new Object();
    private final EventHandlerGroup<EventSlot> journalGroup;
    private final RingBuffer<OutputSlot> outputRing;
    private volatile Map<String, PluginHandler> pluginsById = Map.of();
    private final List<EgressAdapter> egresses = new ArrayList<>();
    private final EngineSampler sampler;
    private final AgentRunner samplerRunner;
    private final ErrorHandler errorHandler;
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private Engine(final Context ctx)
    {
        this.ctx = ctx;
        final Path dataDir = ctx.dataDir();
        try
        {
            Files.createDirectories(dataDir);
            lockChannel = FileChannel.open(dataDir.resolve("engine.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("data dir " + dataDir + " is not writable: " + ex.getMessage());
        }
        FileLock acquired;
        try
        {
            acquired = lockChannel.tryLock();
        }
        catch (final IOException | OverlappingFileLockException ex)
        {
            acquired = null;
        }
        if (null == acquired)
        {
            CloseHelper.quietClose(lockChannel);
            throw new IllegalStateException("data dir " + dataDir + " is in use by another running engine");
        }
        lock = acquired;

        countersFile = CountersFile.create(dataDir.resolve(CountersFile.FILE_NAME), ctx.maxCounters(),
            ctx.errorLogLength(), ProcessHandle.current().pid(), ctx.epochClock().time());
        countersManager = new CountersManager(countersFile.metadata(), countersFile.values(), StandardCharsets.US_ASCII);
        errorLog = new DistinctErrorLog(countersFile.errorLog(), ctx.epochClock());
        errorCounter = newCounter(CounterType.ERRORS, "");
        final ErrorHandler userErrorHandler = ctx.errorHandler();
        errorHandler = (throwable) ->
        {
            errorCounter.incrementRelease();
            errorLog.record(throwable);
            if (null != userErrorHandler)
            {
                userErrorHandler.onError(throwable);
            }
        };

        final AtomicCounter eventsIn = newCounter(CounterType.EVENTS_IN, "");
        final AtomicCounter rejected = newCounter(CounterType.EVENTS_REJECTED, "");
        final AtomicCounter invalid = newCounter(CounterType.EVENTS_INVALID, "");
        final AtomicCounter journaled = newCounter(CounterType.EVENTS_JOURNALED, "");
        final AtomicCounter inputRemaining = newCounter(CounterType.INPUT_RING_REMAINING, "");
        final AtomicCounter outputRemaining = newCounter(CounterType.OUTPUT_RING_REMAINING, "");

        output = new Disruptor<>(OutputSlot::new, ctx.outputRingSize(), threadFactory("cc-egress"),
            ProducerType.MULTI, WaitStrategies.of(ctx.waitStrategy()));
        input = new Disruptor<>(EventSlot::new, ctx.inputRingSize(), threadFactory("cc-input"),
            ProducerType.MULTI, WaitStrategies.of(ctx.waitStrategy()));
        outputRing = output.getRingBuffer();

        journaller = new JournalHandler(ctx.journal(), journaled);
        journalGroup = input.handleEventsWith(journaller);

        final List<EngineSampler.Lag> lags = new ArrayList<>();
        final List<EngineSampler.Latency> latencies = new ArrayList<>();
        for (final PluginSpec spec : ctx.pluginSpecs())
        {
            plugins.add(newPluginHandler(spec));
        }
        indexPlugins();

        for (final Map.Entry<String, EgressHandler> entry : ctx.egressHandlers().entrySet())
        {
            egresses.add(new EgressAdapter(entry.getKey(),
                new PermittedOutputs(entry.getKey(), entry.getValue(), this), errorHandler));
        }
        if (egresses.isEmpty())
        {
            egresses.add(new EgressAdapter("discard", (event, endOfBatch) -> {}, errorHandler));
        }
        output.handleEventsWith(egresses.toArray(new EgressAdapter[0]));
        for (final EgressAdapter egress : egresses)
        {
            lags.add(new EngineSampler.Lag(newCounter(CounterType.EGRESS_LAG, egress.name()),
                output::getCursor, () -> output.getSequenceValueFor(egress)));
        }

        final com.lmax.disruptor.ExceptionHandler<Object> exceptionHandler = new LoggingExceptionHandler(errorHandler);
        input.setDefaultExceptionHandler(exceptionHandler);
        output.setDefaultExceptionHandler(exceptionHandler);

        publisher = new InputPublisher(input.getRingBuffer(), ctx.backPressure(), ctx.epochNanoClock(),
            eventsIn, rejected, invalid, errorHandler);

        output.start();
        input.start();
        for (final PluginHandler handler : plugins)
        {
            handler.start();
        }
        // Launch returns once every plugin has started (or failed), unless one takes longer than the control timeout.
        final long startDeadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.pluginControlTimeoutMs());
        for (final PluginHandler handler : plugins)
        {
            handler.awaitStarted(startDeadlineNs);
        }
        publisher.journalSequence(new JournalSequenceView(input, journaller));

        final TelemetryListener userListener = ctx.telemetryListener();
        final TelemetryListener pluginSampler = (nowMs, reader) ->
        {
            samplePlugins(nowMs);
            if (null != userListener)
            {
                userListener.onSample(nowMs, reader);
            }
        };
        sampler = new EngineSampler(ctx.epochClock(), ctx.sampleIntervalMs(), countersFile, input.getRingBuffer(),
            outputRing, inputRemaining, outputRemaining, lags, latencies, pluginSampler);
        sampler.sample(ctx.epochClock().time());
        samplerRunner = new AgentRunner(new SleepingMillisIdleStrategy(Math.min(100, ctx.sampleIntervalMs())),
            errorHandler, null, sampler);
        AgentRunner.startOnThread(samplerRunner, threadFactory("cc-sampler"));
    }

    /**
     * Launch an engine.
     *
     * @param ctx configuration; concluded here.
     * @return the running engine.
     * @throws IllegalStateException when the data dir is unusable or in use.
     */
    public static Engine launch(final Context ctx)
    {
        ctx.conclude();
        return new Engine(ctx);
    }

    /**
     * Where producers publish events.
     *
     * @return the thread-safe publisher.
     */
    public EventPublisher publisher()
    {
        return publisher;
    }

    /**
     * Where a replay publishes recorded events, each with its recorded sequence and timestamp.
     *
     * @return the thread-safe publisher of recorded events.
     */
    public RecordedEventPublisher recordedEventPublisher()
    {
        return publisher;
    }

    /**
     * The context this engine was launched with.
     *
     * @return the context.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Sequence the next journaled event will get (exact once the input ring is drained).
     *
     * @return the next engine sequence.
     */
    public long nextSequence()
    {
        return journaller.nextSequence();
    }

    /**
     * Health of every plugin.
     *
     * @return one entry per plugin, in configuration order.
     */
    public List<PluginHealth> pluginHealth()
    {
        final List<PluginHealth> result = new ArrayList<>(plugins.size());
        final long cursor = input.getCursor();
        for (final PluginHandler handler : plugins)
        {
            result.add(handler.health(cursor));
        }
        return result;
    }

    /**
     * Current state of one plugin.
     *
     * @param pluginId id of the plugin.
     * @return its state, or null if there is no such plugin.
     */
    public PluginState pluginState(final String pluginId)
    {
        final PluginHandler handler = pluginsById.get(pluginId);
        return null == handler ? null : handler.state();
    }

    /**
     * Whether every published event has been handled by the journaller and every plugin, and every
     * output by every egress.
     *
     * @return true when idle.
     */
    public boolean isDrained()
    {
        final long inputCursor = input.getCursor();
        if (input.getSequenceValueFor(journaller) < inputCursor)
        {
            return false;
        }
        for (final PluginHandler handler : plugins)
        {
            if (!handler.isDrained(inputCursor))
            {
                return false;
            }
        }
        final long outputCursor = output.getCursor();
        for (final EgressAdapter egress : egresses)
        {
            if (output.getSequenceValueFor(egress) < outputCursor)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Value of a counter by type and label suffix (plugin id, egress name, or empty for engine-wide).
     *
     * @param type   of the counter.
     * @param suffix plugin id or egress name; empty for engine-wide counters.
     * @return the value, or -1 when there is no such counter.
     */
    public long readCounter(final CounterType type, final String suffix)
    {
        final String label = label(type, suffix);
        final long[] value = { -1 };
        countersManager.forEach((counterId, typeId, keyBuffer, counterLabel) ->
        {
            if (typeId == type.id() && counterLabel.equals(label))
            {
                value[0] = countersManager.getCounterValue(counterId);
            }
        });
        return value[0];
    }

    /**
     * The engine's one error path: counts the error and records it in the distinct error log of the
     * counters file ({@code commandcenter stat --errors}). Every component of a node reports through it.
     *
     * @return the thread-safe error handler.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * Allocates counters in this engine's counters file, for components outside the engine (transports,
     * wallet, plugin host), so their metrics reach {@code stat}, the telemetry history and {@code /metrics}.
     *
     * @return the thread-safe allocator.
     */
    public CounterAllocator counters()
    {
        return this::newCounter;
    }

    /**
     * Reads every counter of this engine's counters file (for {@code /metrics} and status views).
     *
     * @return the reader; values may be read from any thread.
     */
    public org.agrona.concurrent.status.CountersReader countersReader()
    {
        return countersManager;
    }

    /**
     * Take a counters sample now rather than waiting for the sampler (status commands, tests).
     */
    public void sampleNow()
    {
        sampler.sample(ctx.epochClock().time());
    }

    /**
     * Add a plugin while the engine runs. It joins the ring at the current cursor: it is offered the
     * events published from now on. A spec with a failure is listed as FAILED and does not run.
     *
     * @param spec what to run.
     * @return the plugin's state once started (or failed).
     * @throws IllegalArgumentException when a plugin with that id exists.
     * @throws IllegalStateException when the engine is closed.
     */
    public PluginState addPlugin(final PluginSpec spec)
    {
        spec.validate();
        synchronized (pluginLock)
        {
            requireOpen();
            if (pluginsById.containsKey(spec.id()))
            {
                throw new IllegalArgumentException("plugin id '" + spec.id() + "' is used twice");
            }
            final PluginHandler handler = newPluginHandler(spec);
            plugins.add(handler);
            indexPlugins();
            handler.swap(spec, spec.enabled(), ctx.pluginControlTimeoutMs());
            return handler.state();
        }
    }

    /**
     * Replace a plugin at a sequence boundary: the running instance handles every event up to the
     * boundary and is stopped, the instance made from the new spec handles every event after it; no event
     * is missed or handled twice. A plugin that failed to load joins the ring at the current cursor.
     *
     * @param spec what to run from the boundary on, with the id of the plugin to replace.
     * @return the first ring position the new instance is offered.
     * @throws IllegalArgumentException when there is no such plugin.
     * @throws IllegalStateException when the plugin does not reach a boundary within the control timeout.
     */
    public long reloadPlugin(final PluginSpec spec)
    {
        spec.validate();
        synchronized (pluginLock)
        {
            final PluginHandler handler = requirePlugin(spec.id());
            if (null != spec.failure())
            {
                handler.fail(spec);
                return -1;
            }
            return handler.swap(spec, true, ctx.pluginControlTimeoutMs());
        }
    }

    /**
     * Start a stopped, quarantined or failed plugin again with a fresh instance, at a sequence boundary.
     *
     * @param pluginId id of the plugin.
     * @return its state after the start.
     * @throws IllegalArgumentException when there is no such plugin.
     */
    public PluginState enablePlugin(final String pluginId)
    {
        synchronized (pluginLock)
        {
            final PluginHandler handler = requirePlugin(pluginId);
            handler.swap(handler.spec(), true, ctx.pluginControlTimeoutMs());
            return handler.state();
        }
    }

    /**
     * Stop a plugin at a sequence boundary; its sequence keeps following the ring (it never holds the ring
     * back) and it is STOPPED with reason "disabled" until enabled again.
     *
     * @param pluginId id of the plugin.
     * @return its state after the stop.
     * @throws IllegalArgumentException when there is no such plugin.
     */
    public PluginState disablePlugin(final String pluginId)
    {
        synchronized (pluginLock)
        {
            final PluginHandler handler = requirePlugin(pluginId);
            handler.swap(handler.spec(), false, ctx.pluginControlTimeoutMs());
            return handler.state();
        }
    }

    /**
     * Unload a plugin: stop it after the events it was offered, take its sequence off the ring and free its
     * counters.
     *
     * @param pluginId id of the plugin.
     * @return true when it stopped within the control timeout.
     * @throws IllegalArgumentException when there is no such plugin.
     */
    public boolean removePlugin(final String pluginId)
    {
        synchronized (pluginLock)
        {
            final PluginHandler handler = requirePlugin(pluginId);
            final boolean stopped = handler.shutdown(ctx.pluginControlTimeoutMs());
            if (stopped)
            {
                handler.release(true);
                plugins.remove(handler);
                indexPlugins();
            }
            return stopped;
        }
    }

    /**
     * The spec a plugin runs with (or last failed to load with).
     *
     * @param pluginId id of the plugin.
     * @return the spec, or null when there is no such plugin.
     */
    public PluginSpec pluginSpec(final String pluginId)
    {
        final PluginHandler handler = pluginsById.get(pluginId);
        return null == handler ? null : handler.spec();
    }

    /**
     * Health of one plugin.
     *
     * @param pluginId id of the plugin.
     * @return the snapshot, or null when there is no such plugin.
     */
    public PluginHealth pluginHealth(final String pluginId)
    {
        final PluginHandler handler = pluginsById.get(pluginId);
        return null == handler ? null : handler.health(input.getCursor());
    }

    /**
     * Whether a plugin is enabled and did not fail to load or start.
     *
     * @param pluginId id of the plugin.
     * @return true when enabled, false when disabled, failed or unknown.
     */
    public boolean isPluginEnabled(final String pluginId)
    {
        final PluginHandler handler = pluginsById.get(pluginId);
        return null != handler && handler.enabled() && handler.state() != PluginState.FAILED;
    }

    /**
     * Stop: drain what was published (bounded by the context's shutdown timeout), stop plugins and
     * egress, close the journal and release the data dir.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        CloseHelper.quietClose(samplerRunner);
        final long timeoutMs = ctx.shutdownTimeoutMs();
        try
        {
            input.shutdown(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            errorHandler.onError(new IllegalStateException("input ring not drained in " + timeoutMs + " ms, halting"));
            input.halt();
        }
        synchronized (pluginLock)
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            // Plugins only ever see what the journaller has passed; a halted journaller stops short of the cursor.
            final long journaled = input.getSequenceValueFor(journaller);
            for (final PluginHandler handler : plugins)
            {
                if (!handler.awaitDrained(journaled, deadlineNs))
                {
                    errorHandler.onError(new IllegalStateException("plugin '" + handler.id() + "' not drained in " +
                        timeoutMs + " ms, stopping it"));
                }
            }
            for (final PluginHandler handler : plugins)
            {
                handler.shutdown(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime())));
            }
        }
        try
        {
            output.shutdown(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            output.halt();
        }
        boolean stopped = true;
        for (final Thread thread : threads)
        {
            try
            {
                thread.join(timeoutMs);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            stopped &= !thread.isAlive();
        }
        CloseHelper.quietClose(ctx.journal()::close);
        if (stopped)
        {
            // Unmapping while a ring thread could still write a counter would crash the JVM.
            CloseHelper.quietClose(countersFile);
        }
        try
        {
            lock.release();
        }
        catch (final IOException ignore)
        {
        }
        CloseHelper.quietClose(lockChannel);
    }

    private PluginHandler newPluginHandler(final PluginSpec spec)
    {
        return new PluginHandler(spec, input.getRingBuffer(), journalGroup.asSequenceBarrier(), outputRing,
            ctx.epochClock(), ctx.nanoClock(), errorHandler, threadFactory("cc-plugin"), ctx.waitStrategy(),
            ctx.quarantineAfterFailures(), ctx.pluginControlTimeoutMs(), this::newCounter);
    }

    private void indexPlugins()
    {
        final Map<String, PluginHandler> index = new java.util.HashMap<>();
        for (final PluginHandler handler : plugins)
        {
            index.put(handler.id(), handler);
        }
        pluginsById = Map.copyOf(index);
    }

    private PluginHandler requirePlugin(final String pluginId)
    {
        requireOpen();
        final PluginHandler handler = pluginsById.get(pluginId);
        if (null == handler)
        {
            throw new IllegalArgumentException("no plugin '" + pluginId + "', expected one of " +
                new java.util.TreeSet<>(pluginsById.keySet()));
        }
        return handler;
    }

    private void requireOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("the engine is closed");
        }
    }

    private synchronized void samplePlugins(final long nowMs)
    {
        final long cursor = input.getCursor();
        final long journalPosition = input.getSequenceValueFor(journaller);
        for (final PluginHandler handler : plugins)
        {
            handler.sample(nowMs, cursor, journalPosition);
        }
    }

    private AtomicCounter newCounter(final CounterType type, final String suffix)
    {
        // CountersManager is not thread safe: transports and the wallet allocate from their own threads.
        synchronized (countersManager)
        {
            return countersManager.newCounter(label(type, suffix), type.id());
        }
    }

    private static String label(final CounterType type, final String suffix)
    {
        return suffix.isEmpty() ? type.label() : type.label() + ": " + suffix;
    }

    private ThreadFactory threadFactory(final String prefix)
    {
        final AtomicInteger count = new AtomicInteger();
        return (runnable) ->
        {
            final Thread thread = new Thread(runnable, prefix + "-" + count.getAndIncrement());
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, ex) ->
            {
                // A halted journaller was already recorded by the exception handler.
                if (!(ex instanceof JournalHandler.JournalFailedException))
                {
                    errorHandler.onError(ex);
                }
            });
            // Plugin reloads start new threads; forget the finished ones rather than keep them all.
            threads.removeIf((finished) -> finished.getState() == Thread.State.TERMINATED);
            threads.add(thread);
            return thread;
        };
    }

    /** A read-only Sequence that reports the journaller's position. */
    private static final class JournalSequenceView extends com.lmax.disruptor.Sequence
    {
        private final Disruptor<EventSlot> input;
        private final JournalHandler journaller;

        JournalSequenceView(final Disruptor<EventSlot> input, final JournalHandler journaller)
        {
            this.input = input;
            this.journaller = journaller;
        }

        public long get()
        {
            return input.getSequenceValueFor(journaller);
        }
    }

    /** Passes an egress only the outputs of plugins whose permissions name it. */
    private static final class PermittedOutputs implements EgressHandler
    {
        private final String name;
        private final EgressHandler delegate;
        private final Engine engine;

        PermittedOutputs(final String name, final EgressHandler delegate, final Engine engine)
        {
            this.name = name;
            this.delegate = delegate;
            this.engine = engine;
        }

        public void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            final PluginHandler handler = engine.pluginsById.get(event.pluginId());
            if (null == handler || handler.permitsOutput(name))
            {
                delegate.onOutput(event, endOfBatch);
            }
        }

        public void onStart()
        {
            delegate.onStart();
        }

        public void onShutdown()
        {
            delegate.onShutdown();
        }
    }

    /** Routes ring exceptions to the error log instead of halting the processor. */
    private static final class LoggingExceptionHandler implements com.lmax.disruptor.ExceptionHandler<Object>
    {
        private final ErrorHandler errorHandler;

        LoggingExceptionHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
        }

        public void handleEventException(final Throwable ex, final long sequence, final Object event)
        {
            errorHandler.onError(ex);
            if (ex instanceof JournalHandler.JournalFailedException failed)
            {
                // Rethrowing halts the journaller's processor without advancing its sequence.
                throw failed;
            }
        }

        public void handleOnStartException(final Throwable ex)
        {
            errorHandler.onError(ex);
        }

        public void handleOnShutdownException(final Throwable ex)
        {
            errorHandler.onError(ex);
        }
    }

    /**
     * Configuration of an engine. Defaults come from the named constants; {@link #conclude()} validates
     * and may be called once.
     */
    public static final class Context
    {
        /** Default input ring size (slots, power of two). */
        public static final int INPUT_RING_SIZE_DEFAULT = 8192;
        /** Default output ring size (slots, power of two). */
        public static final int OUTPUT_RING_SIZE_DEFAULT = 4096;
        /** Default wait strategy: no CPU while idle. */
        public static final String WAIT_STRATEGY_DEFAULT = "blocking";
        /** Default failures after which a plugin is quarantined. */
        public static final int QUARANTINE_AFTER_FAILURES_DEFAULT = 5;
        /** Default sampling interval of the counters sampler. */
        public static final long SAMPLE_INTERVAL_MS_DEFAULT = 1000;
        /** Default time allowed to drain on close. */
        public static final long SHUTDOWN_TIMEOUT_MS_DEFAULT = 10_000;
        /** Default number of counters the counters file holds. */
        public static final int MAX_COUNTERS_DEFAULT = 1024;
        /** Default size of the distinct error log. */
        public static final int ERROR_LOG_LENGTH_DEFAULT = 1024 * 1024;
        /** Default time a plugin control command (reload, enable, disable, unload) waits for a sequence boundary. */
        public static final long PLUGIN_CONTROL_TIMEOUT_MS_DEFAULT = 5_000;

        private boolean concluded;
        private Path dataDir = Path.of("data");
        private int inputRingSize = INPUT_RING_SIZE_DEFAULT;
        private int outputRingSize = OUTPUT_RING_SIZE_DEFAULT;
        private String waitStrategy = WAIT_STRATEGY_DEFAULT;
        private BackPressure backPressure = BackPressure.BLOCK;
        private int quarantineAfterFailures = QUARANTINE_AFTER_FAILURES_DEFAULT;
        private long sampleIntervalMs = SAMPLE_INTERVAL_MS_DEFAULT;
        private long shutdownTimeoutMs = SHUTDOWN_TIMEOUT_MS_DEFAULT;
        private int maxCounters = MAX_COUNTERS_DEFAULT;
        private int errorLogLength = ERROR_LOG_LENGTH_DEFAULT;
        private long pluginControlTimeoutMs = PLUGIN_CONTROL_TIMEOUT_MS_DEFAULT;
        private final List<PluginSpec> pluginSpecs = new ArrayList<>();
        private Journal journal = Journal.NONE;
        private final List<Plugin> plugins = new ArrayList<>();
        private final Map<String, PluginConfig> pluginConfigs = new LinkedHashMap<>();
        private final Map<String, EgressHandler> egressHandlers = new LinkedHashMap<>();
        private EpochClock epochClock = SystemEpochClock.INSTANCE;
        private EpochNanoClock epochNanoClock = new SystemEpochNanoClock();
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;
        private ErrorHandler errorHandler;
        private TelemetryListener telemetryListener;

        /**
         * Validate the configuration. Called by {@link Engine#launch(Context)}.
         *
         * @return this.
         * @throws IllegalStateException if called twice.
         * @throws IllegalArgumentException naming the setting that is wrong.
         */
        public Context conclude()
        {
            if (concluded)
            {
                throw new IllegalStateException("context already concluded");
            }
            concluded = true;
            requirePowerOfTwo("engine.inputRingSize", inputRingSize);
            requirePowerOfTwo("engine.outputRingSize", outputRingSize);
            WaitStrategies.of(waitStrategy);
            if (quarantineAfterFailures < 1)
            {
                throw new IllegalArgumentException(
                    "engine.quarantineAfterFailures: expected 1 or more, got " + quarantineAfterFailures);
            }
            if (sampleIntervalMs < 1)
            {
                throw new IllegalArgumentException("engine.sampleIntervalMs: expected 1 or more, got " + sampleIntervalMs);
            }
            if (pluginControlTimeoutMs < 1)
            {
                throw new IllegalArgumentException(
                    "engine.pluginControlTimeoutMs: expected 1 or more, got " + pluginControlTimeoutMs);
            }
            final java.util.Set<String> ids = new java.util.HashSet<>();
            for (final PluginSpec spec : pluginSpecs)
            {
                if (!ids.add(spec.id()))
                {
                    throw new IllegalArgumentException("plugin id '" + spec.id() + "' is used twice");
                }
                spec.validate();
            }
            if (null == dataDir)
            {
                throw new IllegalArgumentException("data dir: expected a directory");
            }
            return this;
        }

        private static void requirePowerOfTwo(final String name, final int value)
        {
            if (value < 2 || !BitUtil.isPowerOfTwo(value))
            {
                throw new IllegalArgumentException(name + ": expected a power of two >= 2, got " + value);
            }
        }

        /**
         * Data dir for counters, the lock file, and (set up by the caller) the journal.
         *
         * @param dataDir directory, created if missing.
         * @return this.
         */
        public Context dataDir(final Path dataDir)
        {
            this.dataDir = dataDir;
            return this;
        }

        /**
         * Data dir.
         *
         * @return the data dir.
         */
        public Path dataDir()
        {
            return dataDir;
        }

        /**
         * Slots in the input ring.
         *
         * @param size power of two.
         * @return this.
         */
        public Context inputRingSize(final int size)
        {
            this.inputRingSize = size;
            return this;
        }

        /**
         * Slots in the input ring.
         *
         * @return the size.
         */
        public int inputRingSize()
        {
            return inputRingSize;
        }

        /**
         * Slots in the output ring.
         *
         * @param size power of two.
         * @return this.
         */
        public Context outputRingSize(final int size)
        {
            this.outputRingSize = size;
            return this;
        }

        /**
         * Slots in the output ring.
         *
         * @return the size.
         */
        public int outputRingSize()
        {
            return outputRingSize;
        }

        /**
         * Wait strategy of both rings, by name (see {@link WaitStrategies}).
         *
         * @param name of the strategy.
         * @return this.
         */
        public Context waitStrategy(final String name)
        {
            this.waitStrategy = name;
            return this;
        }

        /**
         * Wait strategy name.
         *
         * @return the name.
         */
        public String waitStrategy()
        {
            return waitStrategy;
        }

        /**
         * What producers do when the input ring is full.
         *
         * @param policy back-pressure policy.
         * @return this.
         */
        public Context backPressure(final BackPressure policy)
        {
            this.backPressure = policy;
            return this;
        }

        /**
         * Back-pressure policy.
         *
         * @return the policy.
         */
        public BackPressure backPressure()
        {
            return backPressure;
        }

        /**
         * Failures after which a plugin is quarantined.
         *
         * @param failures 1 or more.
         * @return this.
         */
        public Context quarantineAfterFailures(final int failures)
        {
            this.quarantineAfterFailures = failures;
            return this;
        }

        /**
         * Failures after which a plugin is quarantined.
         *
         * @return the threshold.
         */
        public int quarantineAfterFailures()
        {
            return quarantineAfterFailures;
        }

        /**
         * Interval of the counters sampler (lag, capacity, latency, heartbeat, telemetry).
         *
         * @param intervalMs milliseconds.
         * @return this.
         */
        public Context sampleIntervalMs(final long intervalMs)
        {
            this.sampleIntervalMs = intervalMs;
            return this;
        }

        /**
         * Sampler interval.
         *
         * @return milliseconds.
         */
        public long sampleIntervalMs()
        {
            return sampleIntervalMs;
        }

        /**
         * Time allowed on close to drain the rings before halting.
         *
         * @param timeoutMs milliseconds.
         * @return this.
         */
        public Context shutdownTimeoutMs(final long timeoutMs)
        {
            this.shutdownTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * Shutdown timeout.
         *
         * @return milliseconds.
         */
        public long shutdownTimeoutMs()
        {
            return shutdownTimeoutMs;
        }

        /**
         * Counters the counters file can hold.
         *
         * @param maxCounters count.
         * @return this.
         */
        public Context maxCounters(final int maxCounters)
        {
            this.maxCounters = maxCounters;
            return this;
        }

        /**
         * Counters capacity.
         *
         * @return count.
         */
        public int maxCounters()
        {
            return maxCounters;
        }

        /**
         * Bytes of the distinct error log.
         *
         * @param length bytes.
         * @return this.
         */
        public Context errorLogLength(final int length)
        {
            this.errorLogLength = length;
            return this;
        }

        /**
         * Error log size.
         *
         * @return bytes.
         */
        public int errorLogLength()
        {
            return errorLogLength;
        }

        /**
         * Journal every event is appended to before plugins see it; closed by the engine.
         *
         * @param journal the journal, {@link Journal#NONE} for none.
         * @return this.
         */
        public Context journal(final Journal journal)
        {
            this.journal = journal;
            return this;
        }

        /**
         * The journal.
         *
         * @return the journal.
         */
        public Journal journal()
        {
            return journal;
        }

        /**
         * Add a plugin with its configuration.
         *
         * @param plugin to run.
         * @param config its section, or null for none.
         * @return this.
         */
        public Context plugin(final Plugin plugin, final Map<String, ?> config)
        {
            return plugin(PluginSpec.of(plugin, config));
        }

        /**
         * Add a plugin with its hosting options (from the plugin manager): descriptor subscription and
         * permissions, back-pressure policy, lag limit, stall timeout; or a plugin that failed to load.
         *
         * @param spec the plugin's spec.
         * @return this.
         */
        public Context plugin(final PluginSpec spec)
        {
            pluginSpecs.add(spec);
            if (null != spec.instance())
            {
                plugins.add(spec.instance());
            }
            pluginConfigs.put(spec.id(), spec.config());
            return this;
        }

        /**
         * Every plugin spec, in order, failed ones included.
         *
         * @return the specs.
         */
        public List<PluginSpec> pluginSpecs()
        {
            return pluginSpecs;
        }

        /**
         * How long a plugin control command (reload, enable, disable, unload) waits for the plugin to reach a
         * sequence boundary before reporting it busy.
         *
         * @param timeoutMs milliseconds.
         * @return this.
         */
        public Context pluginControlTimeoutMs(final long timeoutMs)
        {
            this.pluginControlTimeoutMs = timeoutMs;
            return this;
        }

        /**
         * Plugin control timeout.
         *
         * @return milliseconds.
         */
        public long pluginControlTimeoutMs()
        {
            return pluginControlTimeoutMs;
        }

        /**
         * Add a plugin with no configuration.
         *
         * @param plugin to run.
         * @return this.
         */
        public Context plugin(final Plugin plugin)
        {
            return plugin(plugin, null);
        }

        /**
         * Plugins in order.
         *
         * @return the plugins.
         */
        public List<Plugin> plugins()
        {
            return plugins;
        }

        /**
         * Configuration of a plugin.
         *
         * @param pluginId id.
         * @return its configuration, empty if none.
         */
        public PluginConfig pluginConfig(final String pluginId)
        {
            return pluginConfigs.getOrDefault(pluginId, PluginConfig.empty(pluginId));
        }

        /**
         * Add an egress on the output ring.
         *
         * @param name    for counters.
         * @param handler the egress.
         * @return this.
         */
        public Context egress(final String name, final EgressHandler handler)
        {
            egressHandlers.put(name, handler);
            return this;
        }

        /**
         * Egress handlers by name.
         *
         * @return the handlers.
         */
        public Map<String, EgressHandler> egressHandlers()
        {
            return egressHandlers;
        }

        /**
         * Millisecond wall clock.
         *
         * @param clock the clock.
         * @return this.
         */
        public Context epochClock(final EpochClock clock)
        {
            this.epochClock = clock;
            return this;
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
        public Context epochNanoClock(final EpochNanoClock clock)
        {
            this.epochNanoClock = clock;
            return this;
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
         * Monotonic clock for latency.
         *
         * @param clock the clock.
         * @return this.
         */
        public Context nanoClock(final NanoClock clock)
        {
            this.nanoClock = clock;
            return this;
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
        public Context errorHandler(final ErrorHandler handler)
        {
            this.errorHandler = handler;
            return this;
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

        /**
         * Told after each counters sample.
         *
         * @param listener the listener, or null.
         * @return this.
         */
        public Context telemetryListener(final TelemetryListener listener)
        {
            this.telemetryListener = listener;
            return this;
        }

        /**
         * Telemetry listener.
         *
         * @return the listener, or null.
         */
        public TelemetryListener telemetryListener()
        {
            return telemetryListener;
        }
    }
}
