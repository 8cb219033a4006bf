package dev.commandcenter.engine.core.internal;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.core.internal.slot.WakeableAgent;
import org.agrona.ErrorHandler;

/**
 * One egress handler on the output ring, as an agent with its own {@link Sequence} gating the ring: each duty
 * cycle takes every output published in order since the last (the contiguous run of slots
 * {@code isAvailable} on the multi-producer ring: plugin slots and detached consumers publish), hands each to
 * {@link EgressHandler#onOutput} in ring order ({@code endOfBatch} true on the last of the run; a slot of
 * length 0, a failed emit, is skipped), then moves its sequence past the run. Runs in the engine thread's
 * agent group after the plugin slots ({@code shared} mode) or with the other egress agents on the
 * {@code cc-egress} thread.
 * <p>
 * An output the handler is not {@link EgressHandler#ready} for stops the run there: it and the ones after it stay
 * on the ring, and {@link #hasWork()} says so until a duty cycle gets past it, so the hosting thread keeps polling
 * (back-pressure, never a loss).
 * <p>
 * A throw from the handler goes to the error handler and costs only that output: the egress keeps its place
 * and carries on, and so do the others. {@link EgressHandler#onStart()} and {@link EgressHandler#onShutdown()}
 * run on the hosting thread when the agent starts and closes; a throw from either is reported too.
 * <p>
 * <b>Note:</b> {@link #doWork()} and {@link #drain()} run on the hosting thread only (a plugin slot on the same
 * thread may call {@link #drain()} between two of its emits when the output ring is full); the sequence is
 * written with release stores and may be read by any thread; allocates nothing per output.
 */
public final class EgressAgent implements WakeableAgent
{
    private final String name;
    private final EgressHandler handler;
    private final RingBuffer<OutputSlot> ring;
    private final ErrorHandler errorHandler;
    private final Sequence sequence = new Sequence(RingBuffer.INITIAL_CURSOR_VALUE);
    private final String roleName;
    private boolean held;

    /**
     * An egress agent that has taken nothing yet; add its {@link #sequence()} to the ring's gating sequences.
     *
     * @param name         of the egress, for counters and the role name.
     * @param handler      to run.
     * @param ring         the output ring.
     * @param errorHandler for the handler's failures.
     */
    public EgressAgent(
        final String name, final EgressHandler handler, final RingBuffer<OutputSlot> ring,
        final ErrorHandler errorHandler)
    {
        this.name = name;
        this.handler = handler;
        this.ring = ring;
        this.errorHandler = errorHandler;
        this.roleName = "cc-egress-" + name;
    }

    /**
     * Name of the egress.
     *
     * @return the name.
     */
    public String name()
    {
        return name;
    }

    /**
     * The last output ring position the egress has taken.
     *
     * @return the sequence.
     */
    public Sequence sequence()
    {
        return sequence;
    }

    /**
     * Start the handler.
     */
    public void onStart()
    {
        try
        {
            handler.onStart();
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }
    }

    /**
     * Take every output published since the last duty cycle.
     *
     * @return outputs taken.
     */
    public int doWork()
    {
        return drain();
    }

    /**
     * Hand every output published in order since the last call to the handler and move the sequence past them.
     *
     * @return ring positions passed.
     */
    public int drain()
    {
        final long first = sequence.get() + 1;
        final long available = PublishedRun.lastOf(ring, first);
        if (available < first)
        {
            held = false;
            return 0;
        }

        boolean unended = false;
        long passed = available;
        held = false;
        for (long position = first; position <= available; position++)
        {
            final OutputSlot slot = ring.get(position);
            if (0 != slot.length)
            {
                if (!isReady(slot))
                {
                    // Held for a later duty cycle: this output and the ones after it stay on the ring.
                    held = true;
                    passed = position - 1;
                    break;
                }
                final boolean endOfBatch = position == available;
                unended = !endOfBatch;
                try
                {
                    handler.onOutput(slot, endOfBatch);
                }
                catch (final Throwable ex)
                {
                    errorHandler.onError(ex);
                }
            }
        }
        if (unended)
        {
            // The run ended on an empty slot, or on an output held: the handler was never told its batch ended.
            try
            {
                handler.onBatchEnd();
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
        }
        sequence.set(passed);
        return (int)Math.min(Integer.MAX_VALUE, passed - first + 1);
    }

    private boolean isReady(final OutputSlot slot)
    {
        try
        {
            return handler.ready(slot);
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
            return true;
        }
    }

    /**
     * {@inheritDoc}
     */
    public boolean hasWork()
    {
        return held || ring.getCursor() > sequence.get();
    }

    /**
     * Shut the handler down.
     */
    public void onClose()
    {
        try
        {
            handler.onShutdown();
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }
}
