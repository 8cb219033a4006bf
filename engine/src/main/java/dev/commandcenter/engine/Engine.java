package dev.commandcenter.engine;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.EventHandlerGroup;
import com.lmax.disruptor.dsl.ProducerType;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.counters.CountersFile;
import dev.commandcenter.engine.counters.TelemetryListener;
import dev.commandcenter.engine.egress.EgressHandler;
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
    private final List<PluginHandler> plugins = new ArrayList<>();
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
        final RingBuffer<OutputSlot> outputRing = output.getRingBuffer();

        journaller = new JournalHandler(ctx.journal(), journaled);
        final EventHandlerGroup<EventSlot> journalGroup = input.handleEventsWith(journaller);

        final List<EngineSampler.Lag> lags = new ArrayList<>();
        final List<EngineSampler.Latency> latencies = new ArrayList<>();
        for (final Plugin plugin : ctx.plugins())
        {
            final String id = plugin.id();
            final PluginHandler handler = new PluginHandler(plugin, ctx.pluginConfig(id), outputRing,
                ctx.epochClock(), ctx.nanoClock(), errorHandler, ctx.quarantineAfterFailures(),
                newCounter(CounterType.PLUGIN_PROCESSED, id), newCounter(CounterType.PLUGIN_ERRORS, id),
                newCounter(CounterType.PLUGIN_STATE, id), newCounter(CounterType.PLUGIN_EMITTED, id));
            plugins.add(handler);
            latencies.add(new EngineSampler.Latency(handler,
                newCounter(CounterType.PLUGIN_P50_NS, id), newCounter(CounterType.PLUGIN_P99_NS, id)));
        }
        if (!plugins.isEmpty())
        {
            journalGroup.then(plugins.toArray(new PluginHandler[0]));
        }
        for (final PluginHandler handler : plugins)
        {
            lags.add(new EngineSampler.Lag(newCounter(CounterType.PLUGIN_LAG, handler.plugin().id()),
                input::getCursor, () -> input.getSequenceValueFor(handler)));
        }

        for (final Map.Entry<String, EgressHandler> entry : ctx.egressHandlers().entrySet())
        {
            egresses.add(new EgressAdapter(entry.getKey(), entry.getValue(), errorHandler));
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
        publisher.journalSequence(new JournalSequenceView(input, journaller));

        sampler = new EngineSampler(ctx.epochClock(), ctx.sampleIntervalMs(), countersFile, input.getRingBuffer(),
            outputRing, inputRemaining, outputRemaining, lags, latencies, ctx.telemetryListener());
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
     * The publisher with the replay entry point, for the replayer.
     *
     * @return the input publisher.
     */
    public InputPublisher inputPublisher()
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
            final Plugin plugin = handler.plugin();
            result.add(new PluginHealth(plugin.id(), plugin.version(), handler.state(), handler.reason(),
                readCounter(CounterType.PLUGIN_PROCESSED, plugin.id()), readCounter(CounterType.PLUGIN_ERRORS, plugin.id()),
                Math.max(0, cursor - input.getSequenceValueFor(handler)), handler.lastError()));
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
        for (final PluginHandler handler : plugins)
        {
            if (handler.plugin().id().equals(pluginId))
            {
                return handler.state();
            }
        }
        return null;
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
            if (input.getSequenceValueFor(handler) < inputCursor)
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
     * Take a counters sample now rather than waiting for the sampler (status commands, tests).
     */
    public void sampleNow()
    {
        sampler.sample(ctx.epochClock().time());
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

    private AtomicCounter newCounter(final CounterType type, final String suffix)
    {
        return countersManager.newCounter(label(type, suffix), type.id());
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

        private boolean concluded;
        private Path dataDir = Path.of("data");
        private int inputRingSize = INPUT_RING_SIZE_DEFAULT;
        private int outputRingSize = OUTPUT_RING_SIZE_DEFAULT;
        private String waitStrategy = WAIT_STRATEGY_DEFAULT;
        private BackPressurePolicy backPressure = BackPressurePolicy.BLOCK;
        private int quarantineAfterFailures = QUARANTINE_AFTER_FAILURES_DEFAULT;
        private long sampleIntervalMs = SAMPLE_INTERVAL_MS_DEFAULT;
        private long shutdownTimeoutMs = SHUTDOWN_TIMEOUT_MS_DEFAULT;
        private int maxCounters = MAX_COUNTERS_DEFAULT;
        private int errorLogLength = ERROR_LOG_LENGTH_DEFAULT;
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
            final java.util.Set<String> ids = new java.util.HashSet<>();
            for (final Plugin plugin : plugins)
            {
                if (!ids.add(plugin.id()))
                {
                    throw new IllegalArgumentException("plugin id '" + plugin.id() + "' is used twice");
                }
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
        public Context backPressure(final BackPressurePolicy policy)
        {
            this.backPressure = policy;
            return this;
        }

        /**
         * Back-pressure policy.
         *
         * @return the policy.
         */
        public BackPressurePolicy backPressure()
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
            plugins.add(plugin);
            pluginConfigs.put(plugin.id(), new PluginConfig(plugin.id(), config));
            return this;
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
