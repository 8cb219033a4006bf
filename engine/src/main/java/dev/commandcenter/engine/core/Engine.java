package dev.commandcenter.engine.core;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.CommonContext;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Journal;
import dev.commandcenter.engine.EngineCycle;
import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.engine.WaitStrategies;
import dev.commandcenter.engine.core.internal.DataDirLock;
import dev.commandcenter.engine.core.internal.EngineCounters;
import dev.commandcenter.engine.core.internal.EngineSampler;
import dev.commandcenter.engine.core.internal.EngineThreads;
import dev.commandcenter.engine.core.internal.PluginSlots;
import dev.commandcenter.engine.core.internal.RingPipeline;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.engine.counters.TelemetryListener;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.RecordedEventPublisher;
import dev.commandcenter.engine.core.internal.PluginHandler;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginHealth;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.status.CountersReader;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine: an input ring (multi-producer Disruptor) whose consumers are, in order, the journaller (when
 * there is a journal) and then every plugin in parallel on its own sequence; plugins emit into an output ring
 * drained by the egress handlers. The {@link ThreadingMode} decides which of these stages share a thread. Counters and the distinct error log live in a memory-mapped file in the data
 * dir, readable by {@code commandcenter stat} while the engine runs.
 * <pre>{@code
 * try (Engine engine = Engine.launch(new Engine.Context().dataDir(dir).journal(journal).plugin(p)))
 * {
 *     engine.publisher().publish(Sources.WALLET, writer, payment);
 * }
 * }</pre>
 * A facade over the parts that do the work: the data dir lock, the counters file with the one error
 * path, the ring pipeline, the plugin slots and the sampler.
 * <p>
 * <b>Note:</b> launch and close from one thread; {@link #publisher()} is thread safe.
 */
public final class Engine implements AutoCloseable
{
    private final Context ctx;
    private final DataDirLock lock;
    private final EngineCounters counters;
    private final EngineThreads threads;
    private final RingPipeline pipeline;
    private final PluginSlots slots;
    private final AgentRunner samplerRunner;
    private final AgentInvoker samplerInvoker;
    private volatile boolean closed;

    private Engine(final Context ctx)
    {
        this.ctx = ctx;
        lock = DataDirLock.acquire(ctx.dataDir());
        counters = new EngineCounters(ctx.dataDir(), ctx.maxCounters(), ctx.errorLogLength(), ctx.epochClock(),
            ctx.errorHandler());
        final ErrorHandler errorHandler = counters.errorHandler();
        threads = new EngineThreads(errorHandler);

        final RingPipeline rings = new RingPipeline(ctx, counters, threads);
        pipeline = rings;
        slots = new PluginSlots(rings::newSlot, ctx.pluginControlTimeoutMs(), errorHandler);
        rings.attachEgress(ctx.egressHandlers(), slots::permitsOutput);
        rings.start();
        // Launch returns once every plugin has started (or failed), unless one takes longer than the control timeout.
        slots.startAll(ctx.pluginSpecs());

        final EngineSampler sampler = new EngineSampler(ctx.epochClock(), ctx.sampleIntervalMs(), counters, rings,
            slots, ctx.telemetryListener());
        if (ctx.useSamplerAgentInvoker())
        {
            samplerRunner = null;
            samplerInvoker = new AgentInvoker(errorHandler, null, sampler);
            samplerInvoker.start();
        }
        else
        {
            samplerInvoker = null;
            samplerRunner = new AgentRunner(ctx.samplerIdleStrategy(), errorHandler, null, sampler);
            AgentRunner.startOnThread(samplerRunner, threads.factory("cc-sampler"));
        }
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
        return pipeline.publisher();
    }

    /**
     * Where a replay publishes recorded events, each with its recorded sequence and timestamp.
     *
     * @return the thread-safe publisher of recorded events.
     */
    public RecordedEventPublisher recordedEventPublisher()
    {
        return pipeline.publisher();
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
        return pipeline.nextSequence();
    }

    /**
     * Why the engine stopped accepting events: the journal failed and the journaller halted. Producers then
     * get {@link EventPublisher#HALTED}; the node should stop and be restarted.
     *
     * @return {@code "journal halted: <reason>"} on one line, or null while the journal works.
     */
    public String haltReason()
    {
        return pipeline.haltReason();
    }

    /**
     * Whether every published event has been handled by the journaller and every plugin, and every
     * output by every egress.
     *
     * @return true when idle.
     */
    public boolean isDrained()
    {
        return pipeline.isDrained() && slots.isDrained(pipeline.inputCursor());
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
        return counters.read(type, suffix);
    }

    /**
     * The engine's one error path: counts the error and records it in the distinct error log of the
     * counters file ({@code commandcenter stat --errors}). Every component of a node reports through it.
     *
     * @return the thread-safe error handler.
     */
    public ErrorHandler errorHandler()
    {
        return counters.errorHandler();
    }

    /**
     * Allocates counters in this engine's counters file, for components outside the engine (transports,
     * wallet, plugin host), so their metrics reach {@code stat}, the telemetry history and {@code /metrics}.
     *
     * @return the allocator; allocating, and freeing with {@code AtomicCounter.close()}, are thread safe.
     */
    public CounterAllocator counters()
    {
        return counters;
    }

    /**
     * Reads every counter of this engine's counters file (for {@code /metrics} and status views).
     *
     * @return the reader; values may be read from any thread.
     */
    public CountersReader countersReader()
    {
        return counters.reader();
    }

    /**
     * The engine's duty cycle, to lend to a host that runs a loop of its own (an event loop), so that a publish wakes
     * that loop instead of the engine's thread: available in the {@code shared} threading mode with the
     * {@code blocking} wait strategy, where one thread runs the whole engine.
     *
     * @return the cycle, or null in the other modes and strategies.
     */
    public EngineCycle lendableCycle()
    {
        return pipeline.lendableCycle();
    }

    /**
     * The sampler's invoker when the context asked for one ({@link Context#useSamplerAgentInvoker(boolean)}):
     * each {@code invoke()} samples if the sample interval has passed on the context's epoch clock.
     *
     * @return the invoker, or null when the sampler runs on its own thread.
     */
    public AgentInvoker samplerAgentInvoker()
    {
        return samplerInvoker;
    }

    /**
     * Health of every plugin.
     *
     * @return one entry per plugin, in configuration order.
     */
    public List<PluginHealth> pluginHealth()
    {
        return slots.health(pipeline.inputCursor());
    }

    /**
     * Health of one plugin.
     *
     * @param pluginId id of the plugin.
     * @return the snapshot, or null when there is no such plugin.
     */
    public PluginHealth pluginHealth(final String pluginId)
    {
        final PluginHandler slot = slots.get(pluginId);
        return null == slot ? null : slot.health(pipeline.inputCursor());
    }

    /**
     * Current state of one plugin.
     *
     * @param pluginId id of the plugin.
     * @return its state, or null if there is no such plugin.
     */
    public PluginState pluginState(final String pluginId)
    {
        final PluginHandler slot = slots.get(pluginId);
        return null == slot ? null : slot.state();
    }

    /**
     * The spec a plugin runs with (or last failed to load with).
     *
     * @param pluginId id of the plugin.
     * @return the spec, or null when there is no such plugin.
     */
    public PluginSpec pluginSpec(final String pluginId)
    {
        final PluginHandler slot = slots.get(pluginId);
        return null == slot ? null : slot.spec();
    }

    /**
     * Whether a plugin is enabled and did not fail to load or start.
     *
     * @param pluginId id of the plugin.
     * @return true when enabled, false when disabled, failed or unknown.
     */
    public boolean isPluginEnabled(final String pluginId)
    {
        final PluginHandler slot = slots.get(pluginId);
        return null != slot && slot.enabled() && slot.state() != PluginState.FAILED;
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
        return slots.add(spec);
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
        return slots.reload(spec);
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
        return slots.enable(pluginId, true);
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
        return slots.enable(pluginId, false);
    }

    /**
     * Unload a plugin: stop it after the events it was offered, take it out of sampling, then take its
     * sequence off the ring and free its counters.
     *
     * @param pluginId id of the plugin.
     * @return true when it stopped within the control timeout.
     * @throws IllegalArgumentException when there is no such plugin.
     */
    public boolean removePlugin(final String pluginId)
    {
        return slots.remove(pluginId);
    }

    /**
     * Stop: drain what was published (bounded by the context's shutdown timeout; at once when the journal
     * has halted), stop plugins and egress, then, once every engine thread has stopped, close the journal,
     * unmap the counters and release the data dir. When a thread does not stop in time the journal is left
     * open (never closed under a running journaller), the counters stay mapped and the data dir stays
     * locked; the error handler is told.
     */
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        CloseHelper.quietCloseAll(samplerRunner, samplerInvoker);
        final long timeoutMs = ctx.shutdownTimeoutMs();
        pipeline.drainInput(timeoutMs);
        // Plugins only ever see what the journaller has passed; a halted journaller stops short of the cursor.
        slots.shutdownAll(pipeline.journalPosition(), timeoutMs);
        pipeline.closeAgents();
        pipeline.drainOutput(timeoutMs);
        if (threads.joinAll(timeoutMs))
        {
            CloseHelper.quietClose(ctx.journal()::close);
            CloseHelper.quietClose(counters);
            CloseHelper.quietClose(lock);
        }
        else
        {
            // Unmapping while a ring thread could still write a counter would crash the JVM, and closing the
            // journal under a running journaller would lose or corrupt what it writes.
            counters.errorHandler().onError(new IllegalStateException("engine threads still running " + timeoutMs +
                " ms after close: journal left open, counters file left mapped, data dir left locked"));
        }
    }

    /**
     * Configuration of an engine. Defaults come from the named constants; {@link #conclude()} validates
     * and may be called once. The data dir, clocks and error handler are the {@link CommonContext}'s.
     */
    public static final class Context extends CommonContext<Context>
    {
        /** Default input ring size (slots, power of two). */
        public static final int INPUT_RING_SIZE_DEFAULT = 8192;
        /** Default output ring size (slots, power of two). */
        public static final int OUTPUT_RING_SIZE_DEFAULT = 4096;
        /** Default threading mode: chosen from the number of cores when the engine launches. */
        public static final ThreadingMode THREADING_MODE_DEFAULT = ThreadingMode.AUTO;
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
        /** Longest the default sampler idle strategy sleeps between duty cycles. */
        public static final long SAMPLER_IDLE_MS_MAX = 100;
        /** Default data dir, relative to the working directory. */
        public static final Path DATA_DIR_DEFAULT = Path.of("data");

        private int inputRingSize = INPUT_RING_SIZE_DEFAULT;
        private int outputRingSize = OUTPUT_RING_SIZE_DEFAULT;
        private String waitStrategy = WAIT_STRATEGY_DEFAULT;
        private ThreadingMode threadingMode = THREADING_MODE_DEFAULT;
        private BackPressure backPressure = BackPressure.BLOCK;
        private int quarantineAfterFailures = QUARANTINE_AFTER_FAILURES_DEFAULT;
        private boolean recoverPlugins = true;
        private long sampleIntervalMs = SAMPLE_INTERVAL_MS_DEFAULT;
        private long shutdownTimeoutMs = SHUTDOWN_TIMEOUT_MS_DEFAULT;
        private int maxCounters = MAX_COUNTERS_DEFAULT;
        private int errorLogLength = ERROR_LOG_LENGTH_DEFAULT;
        private long pluginControlTimeoutMs = PLUGIN_CONTROL_TIMEOUT_MS_DEFAULT;
        private final List<PluginSpec> pluginSpecs = new ArrayList<>();
        private Journal journal = Journal.NONE;
        private final Map<String, EgressHandler> egressHandlers = new LinkedHashMap<>();
        private TelemetryListener telemetryListener;
        private IdleStrategy samplerIdleStrategy;
        private boolean useSamplerAgentInvoker;

        /**
         * A context with every setting at its default.
         */
        public Context()
        {
            dataDir(DATA_DIR_DEFAULT);
        }

        /**
         * Validate the configuration. Called by {@link Engine#launch(Context)}.
         *
         * @return this.
         * @throws IllegalStateException if called twice.
         * @throws IllegalArgumentException naming the setting that is wrong.
         */
        public Context conclude()
        {
            super.conclude();
            Settings.requirePowerOfTwo("engine.inputRingSize", inputRingSize);
            Settings.requirePowerOfTwo("engine.outputRingSize", outputRingSize);
            WaitStrategies.of(waitStrategy);
            if (null == threadingMode)
            {
                throw new IllegalArgumentException("engine.threadingMode is missing, expected " + ThreadingMode.NAMES);
            }
            threadingMode = threadingMode.resolve(Runtime.getRuntime().availableProcessors());
            Settings.requireAtLeast("engine.quarantineAfterFailures", quarantineAfterFailures, 1);
            Settings.requireAtLeast("engine.sampleIntervalMs", sampleIntervalMs, 1);
            Settings.requireAtLeast("engine.shutdownTimeoutMs", shutdownTimeoutMs, 1);
            Settings.requireAtLeast("engine.pluginControlTimeoutMs", pluginControlTimeoutMs, 1);
            if (null == samplerIdleStrategy)
            {
                samplerIdleStrategy = new SleepingMillisIdleStrategy(Math.min(SAMPLER_IDLE_MS_MAX, sampleIntervalMs));
            }
            final Set<String> ids = new HashSet<>();
            for (final PluginSpec spec : pluginSpecs)
            {
                if (!ids.add(spec.id()))
                {
                    throw new IllegalArgumentException("plugin id '" + spec.id() + "' is used twice");
                }
                spec.validate();
            }
            return this;
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
         * Which input-ring stages share a thread (see {@link ThreadingMode}); {@link ThreadingMode#AUTO} is
         * resolved by {@link #conclude()}.
         *
         * @param mode the threading mode.
         * @return this.
         */
        public Context threadingMode(final ThreadingMode mode)
        {
            this.threadingMode = mode;
            return this;
        }

        /**
         * Which input-ring stages share a thread.
         *
         * @return the threading mode; never {@link ThreadingMode#AUTO} once concluded.
         */
        public ThreadingMode threadingMode()
        {
            return threadingMode;
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
         * Whether plugins that declare a {@link dev.commandcenter.engine.plugin.Recovery} get their state back at
         * start (from their snapshot and the journal's tail); a replay sets false so every plugin starts empty.
         *
         * @param recover true (the default) to recover.
         * @return this.
         */
        public Context recoverPlugins(final boolean recover)
        {
            this.recoverPlugins = recover;
            return this;
        }

        /**
         * Whether plugins recover their state at start.
         *
         * @return true to recover.
         */
        public boolean recoverPlugins()
        {
            return recoverPlugins;
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
            /**
         * Idle strategy of the sampler's thread between duty cycles.
         *
         * @param idleStrategy the strategy, or null for a sleep of the sample interval (at most
         *                     {@value #SAMPLER_IDLE_MS_MAX} ms).
         * @return this.
         */
        public Context samplerIdleStrategy(final IdleStrategy idleStrategy)
        {
            this.samplerIdleStrategy = idleStrategy;
            return this;
        }

        /**
         * Idle strategy of the sampler's thread.
         *
         * @return the strategy (set by {@link #conclude()} when not given).
         */
        public IdleStrategy samplerIdleStrategy()
        {
            return samplerIdleStrategy;
        }

        /**
         * Run the sampler on an {@link org.agrona.concurrent.AgentInvoker} the caller drives
         * ({@link Engine#samplerAgentInvoker()}) instead of a thread of its own, as Aeron's
         * {@code useConductorAgentInvoker}: for tests and for embedding in a caller's duty cycle.
         *
         * @param useInvoker true for an invoker.
         * @return this.
         */
        public Context useSamplerAgentInvoker(final boolean useInvoker)
        {
            this.useSamplerAgentInvoker = useInvoker;
            return this;
        }

        /**
         * Whether the sampler runs on an invoker the caller drives.
         *
         * @return true for an invoker.
         */
        public boolean useSamplerAgentInvoker()
        {
            return useSamplerAgentInvoker;
        }
    }
}
