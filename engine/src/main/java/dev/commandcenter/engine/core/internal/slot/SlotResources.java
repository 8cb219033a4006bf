package dev.commandcenter.engine.core.internal.slot;

import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * What the parts of one plugin slot share: its identity, the engine services it uses, its counters,
 * health and latency recorder. Built once per slot by the {@code PluginHandler}.
 *
 * @param id                     plugin id.
 * @param output                 where emits made on the slot's thread go (the output ring).
 * @param detachedOutput         where emits made on a detached plugin's thread go (the output ring).
 * @param epochClock             given to the plugin.
 * @param epochNanoClock         stamps when a batch is handled and when a message is emitted.
 * @param nanoClock              times handling for the latency recorder.
 * @param errorHandler           the engine's distinct error log.
 * @param threadFactory          makes the slot's threads (the slot thread and a detached plugin's thread).
 * @param idleStrategies         a new idle strategy for each of the slot's agents.
 * @param defaultQuarantineAfter failures before quarantine, unless the spec says otherwise.
 * @param controlTimeoutMs       how long a detached plugin may take to finish its buffered events on a swap.
 * @param counters               the slot's counters.
 * @param health                 the slot's health.
 * @param latency                handling latency; written by the plugin's thread, read by the sampler.
 * @param recovery               the journal and settings for recovering a plugin's state at start.
 */
public record SlotResources(
    String id,
    OutputPort output,
    OutputPort detachedOutput,
    EpochClock epochClock,
    EpochNanoClock epochNanoClock,
    NanoClock nanoClock,
    ErrorHandler errorHandler,
    ThreadFactory threadFactory,
    Supplier<IdleStrategy> idleStrategies,
    int defaultQuarantineAfter,
    long controlTimeoutMs,
    SlotCounters counters,
    SlotHealth health,
    SingleWriterRecorder latency,
    SlotRecovery recovery)
{
}
