package dev.commandcenter.engine.internal;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.plugin.Emitter;
import dev.commandcenter.engine.plugin.Plugin;
import dev.commandcenter.engine.plugin.PluginConfig;
import dev.commandcenter.engine.plugin.PluginContext;
import dev.commandcenter.engine.plugin.Subscription;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Runs one plugin on its own sequence of the input ring and isolates it: a throw is counted, kept
 * in the distinct error log, and after {@code quarantineAfter} failures the plugin is quarantined
 * (it keeps its sequence moving so it never holds the ring back, but receives nothing more).
 * <p>
 * <b>Note:</b> {@link #onEvent} runs on the plugin's thread; state and reason are read by others.
 */
public final class PluginHandler implements EventHandler<EventSlot>, PluginContext, Emitter
{
    private final Plugin plugin;
    private final PluginConfig config;
    private final RingBuffer<OutputSlot> output;
    private final EpochClock epochClock;
    private final NanoClock nanoClock;
    private final ErrorHandler errorHandler;
    private final int quarantineAfter;
    private final AtomicCounter processed;
    private final AtomicCounter errors;
    private final AtomicCounter stateCounter;
    private final AtomicCounter emitted;
    private final SingleWriterRecorder latency = new SingleWriterRecorder(1, 60_000_000_000L, 2);
    private Subscription subscription;
    private long currentSequence;
    private long currentTimestampNs;
    private volatile PluginState state = PluginState.LOADED;
    private volatile String reason = "";
    private volatile String lastError = "";

    /**
     * Create the handler of one plugin.
     *
     * @param plugin          to run.
     * @param config          its configuration.
     * @param output          ring its emissions go to.
     * @param epochClock      given to the plugin.
     * @param nanoClock       times handling for the latency histogram.
     * @param errorHandler    distinct error log.
     * @param quarantineAfter failures before quarantine.
     * @param counters        of this plugin: processed, errors, state, emitted.
     */
    public PluginHandler(
        final Plugin plugin,
        final PluginConfig config,
        final RingBuffer<OutputSlot> output,
        final EpochClock epochClock,
        final NanoClock nanoClock,
        final ErrorHandler errorHandler,
        final int quarantineAfter,
        final AtomicCounter... counters)
    {
        this.plugin = plugin;
        this.config = config;
        this.output = output;
        this.epochClock = epochClock;
        this.nanoClock = nanoClock;
        this.errorHandler = errorHandler;
        this.quarantineAfter = quarantineAfter;
        this.processed = counters[0];
        this.errors = counters[1];
        this.stateCounter = counters[2];
        this.emitted = counters[3];
        stateCounter.setRelease(state.value());
    }

    public void onStart()
    {
        try
        {
            subscription = plugin.subscription();
            plugin.onStart(this);
            transition(PluginState.RUNNING, "");
        }
        catch (final Throwable ex)
        {
            record(ex);
            transition(PluginState.FAILED, "start failed: " + describe(ex));
        }
    }

    public void onShutdown()
    {
        if (state == PluginState.RUNNING || state == PluginState.QUARANTINED)
        {
            try
            {
                plugin.onStop();
            }
            catch (final Throwable ex)
            {
                record(ex);
            }
            transition(PluginState.STOPPED, state == PluginState.QUARANTINED ? reason : "");
        }
    }

    public void onEvent(final EventSlot slot, final long position, final boolean endOfBatch)
    {
        if (state != PluginState.RUNNING || 0 == slot.length || !subscription.admits(slot))
        {
            return;
        }
        currentSequence = slot.sequence;
        currentTimestampNs = slot.timestampNs;
        final long start = nanoClock.nanoTime();
        try
        {
            plugin.onEvent(slot);
        }
        catch (final Throwable ex)
        {
            record(ex);
            final long failures = errors.incrementRelease() + 1;
            if (failures >= quarantineAfter)
            {
                transition(PluginState.QUARANTINED, "quarantined after " + failures + " failures, last: " + describe(ex));
            }
        }
        latency.recordValue(Math.max(1, Math.min(nanoClock.nanoTime() - start, 60_000_000_000L)));
        processed.incrementRelease();
    }

    public PluginConfig config()
    {
        return config;
    }

    public Emitter emitter()
    {
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    public boolean emit(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > EventPublisher.MAX_MESSAGE_LENGTH || null != MessageSchema.validate(buffer, offset, length))
        {
            return false;
        }
        final long position = output.next();
        final OutputSlot slot = output.get(position);
        slot.buffer.putBytes(0, buffer, offset, length);
        return commit(slot, position, length);
    }

    public <A> boolean emit(final MessageWriter<A> writer, final A arg)
    {
        final long position = output.next();
        final OutputSlot slot = output.get(position);
        int length = 0;
        try
        {
            length = writer.write(slot.buffer, 0, arg);
            if (length > EventPublisher.MAX_MESSAGE_LENGTH || null != MessageSchema.validate(slot.buffer, 0, length))
            {
                length = 0;
            }
        }
        finally
        {
            commit(slot, position, length);
        }
        return 0 != length;
    }

    private boolean commit(final OutputSlot slot, final long position, final int length)
    {
        slot.outputSequence = position;
        slot.inputSequence = currentSequence;
        slot.timestampNs = currentTimestampNs;
        slot.pluginId = plugin.id();
        slot.length = length;
        output.publish(position);
        if (0 != length)
        {
            emitted.incrementRelease();
        }
        return 0 != length;
    }

    /**
     * The plugin run by this handler.
     *
     * @return the plugin.
     */
    public Plugin plugin()
    {
        return plugin;
    }

    /**
     * Current state.
     *
     * @return the state.
     */
    public PluginState state()
    {
        return state;
    }

    /**
     * Why the plugin is in its state.
     *
     * @return the reason, empty when healthy.
     */
    public String reason()
    {
        return reason;
    }

    /**
     * Message of the last error the plugin threw.
     *
     * @return the message, empty when none.
     */
    public String lastError()
    {
        return lastError;
    }

    /**
     * Handling latency recorder; the sampler takes interval histograms from it.
     *
     * @return the recorder.
     */
    public SingleWriterRecorder latency()
    {
        return latency;
    }

    private void record(final Throwable ex)
    {
        lastError = describe(ex);
        errorHandler.onError(new PluginException(plugin.id(), ex));
    }

    private void transition(final PluginState newState, final String newReason)
    {
        reason = newReason;
        state = newState;
        stateCounter.setRelease(newState.value());
    }

    private static String describe(final Throwable ex)
    {
        return ex.getClass().getSimpleName() + (null == ex.getMessage() ? "" : ": " + ex.getMessage());
    }

    /** Wraps a plugin's error so the distinct log names the plugin. */
    static final class PluginException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        PluginException(final String pluginId, final Throwable cause)
        {
            super("plugin " + pluginId + " failed", cause, false, true);
        }
    }
}
