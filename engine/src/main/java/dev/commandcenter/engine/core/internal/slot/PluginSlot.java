package dev.commandcenter.engine.core.internal.slot;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.core.internal.EventSlot;
import org.agrona.concurrent.AgentTerminationException;

/**
 * The slot's agent: a consumer of the input ring with its own sequence, behind the journaller (or, without a
 * journal, behind the publishers' sequenced position), that stays in place for the life of the slot while the
 * plugin activation it feeds is swapped at a sequence boundary. It runs on a thread of its own or in a shared
 * {@link AgentGroup}, as the threading mode decides. Each duty cycle first applies a pending
 * {@link SlotCommand} from the {@link SlotMailbox}, then offers every event the journaller has passed to the
 * current {@link Delivery} as one batch ({@link Delivery#beginBatch()}, {@link Delivery#endBatch()}), without
 * blocking, stopping early when a command arrives; the old activation sees every event up to the boundary,
 * the new one every event after it. A shutdown command stops the plugin and ends the agent.
 * <p>
 * <b>Note:</b> {@link #onStart}, {@link #doWork} and the slot-thread fields run on the slot thread only. The
 * slot's sequence is written with release stores ({@link Sequence#set}) and read by the control thread and
 * the sampler with acquire loads; {@link #spec}, {@link #enabled} and {@link #delivery} are volatile, written
 * by the slot thread (or by the control thread before the slot thread starts) and read by any thread.
 */
public final class PluginSlot implements WakeableAgent
{
    /** Within a long batch the slot's sequence is published every {@code PROGRESS_MASK + 1} events. */
    private static final long PROGRESS_MASK = 63;

    /**
     * Most events one duty cycle hands over. Slots sharing a thread take turns in chunks this size, so each chunk's
     * events are still in the cache when the next slot reads them, rather than each slot walking the whole backlog.
     */
    private static final long BATCH_LIMIT = 256;

    private final SlotResources res;
    private final RingBuffer<EventSlot> input;
    private final SequenceBarrier barrier;
    private final Sequence sequence;
    private final SlotMailbox mailbox;
    private final String roleName;
    private volatile PluginSpec spec;
    private volatile boolean enabled;
    private volatile Delivery delivery;
    private Delivery current;
    private PluginSpec instanceUsedBy;
    private DetachedBuffer spareBuffer;
    private long next;
    private long lastSequence;
    private boolean sequenceKnown;

    /**
     * A slot that does nothing until its agent starts.
     *
     * @param res      what the slot's parts share.
     * @param input    the input ring.
     * @param barrier  this slot's barrier: its cursor is the last event the journaller has passed, so every
     *                 event up to it is published (a barrier with no dependents only on a single-producer ring).
     * @param sequence the slot's sequence, already gating the ring.
     * @param mailbox  where the control thread posts commands.
     * @param spec     what to run first.
     * @param enabled  false to follow the ring without running the plugin.
     */
    public PluginSlot(
        final SlotResources res,
        final RingBuffer<EventSlot> input,
        final SequenceBarrier barrier,
        final Sequence sequence,
        final SlotMailbox mailbox,
        final PluginSpec spec,
        final boolean enabled)
    {
        this.res = res;
        this.input = input;
        this.barrier = barrier;
        this.sequence = sequence;
        this.mailbox = mailbox;
        this.roleName = "cc-plugin-" + res.id();
        this.spec = spec;
        this.enabled = enabled;
    }

    /**
     * Set what to run first, before the agent starts (control thread).
     *
     * @param newSpec what to run.
     * @param enable  false to follow the ring without running the plugin.
     */
    public void prepare(final PluginSpec newSpec, final boolean enable)
    {
        spec = newSpec;
        enabled = enable;
    }

    /**
     * Open the first activation at the slot's current sequence.
     */
    public void onStart()
    {
        next = sequence.get() + 1;
        if (0 == next)
        {
            lastSequence = res.recovery().firstSequence() - 1;
            sequenceKnown = true;
        }
        open(spec, enabled);
    }

    /**
     * Apply a pending command, or offer the events the journaller has passed to the delivery.
     *
     * @return commands applied plus events passed.
     */
    public int doWork()
    {
        final SlotCommand command = mailbox.peek();
        if (null != command)
        {
            apply(command);
            return 1;
        }

        long next = this.next;
        final long available = Math.min(barrier.getCursor(), next + BATCH_LIMIT - 1);
        if (next > available)
        {
            return 0;
        }
        final Delivery current = this.current;
        current.beginBatch();
        int work = 0;
        while (next <= available && !mailbox.hasCommand())
        {
            final EventSlot slot = input.get(next);
            try
            {
                if (0 != slot.length)
                {
                    lastSequence = slot.sequence;
                    sequenceKnown = true;
                    if (current.admits(slot))
                    {
                        current.onEvent(slot);
                    }
                }
            }
            catch (final Throwable ex)
            {
                res.errorHandler().onError(new PluginException(res.id(), ex));
            }
            if (0 == (next & PROGRESS_MASK))
            {
                sequence.set(next);
            }
            next++;
            work++;
        }
        // The ring's producers read this sequence to reuse slots: a store per batch (and every PROGRESS_MASK + 1
        // events of a long one) instead of per event keeps its cache line from moving between cores per event.
        sequence.set(next - 1);
        this.next = next;
        current.endBatch();
        return work;
    }

    /**
     * Whether a command is pending or the journaller has passed events this slot has not taken (slot thread).
     *
     * @return true when a duty cycle would find work.
     */
    public boolean hasWork()
    {
        return mailbox.hasCommand() || barrier.getCursor() >= next;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }

    /**
     * The spec the slot runs.
     *
     * @return the spec.
     */
    public PluginSpec spec()
    {
        return spec;
    }

    /**
     * Whether the slot runs its plugin.
     *
     * @return true when enabled.
     */
    public boolean enabled()
    {
        return enabled;
    }

    /**
     * The current delivery, once the agent has started.
     *
     * @return the delivery, or null.
     */
    public Delivery delivery()
    {
        return delivery;
    }

    private void apply(final SlotCommand command)
    {
        final Delivery old = current;
        old.close(res.controlTimeoutMs());
        if (old instanceof DetachedDelivery detached && detached.isClosed())
        {
            spareBuffer = detached.buffer();
        }
        if (command.kind() == SlotCommand.Kind.SHUTDOWN)
        {
            res.health().apply(HealthTransition.STOP, enabled ? "" : "disabled");
            mailbox.complete(command, sequence.get() + 1);
            throw new AgentTerminationException("plugin '" + res.id() + "' slot shut down");
        }
        spec = command.spec();
        enabled = command.enable();
        res.health().version(command.spec().version());
        res.health().apply(HealthTransition.STARTING, "starting");
        open(command.spec(), command.enable());
        mailbox.complete(command, sequence.get() + 1);
    }

    private void open(final PluginSpec newSpec, final boolean enable)
    {
        final boolean useInstance =
            null != newSpec.instance() && (instanceUsedBy != newSpec || null == newSpec.factory());
        if (useInstance)
        {
            instanceUsedBy = newSpec;
        }
        final PluginActivation activation = new PluginActivation(res, newSpec, enable, useInstance, liveFrom());
        final Delivery newDelivery = enable && newSpec.backPressure() == BackPressure.DETACH ?
            new DetachedDelivery(activation, takeBuffer(newSpec.lagLimit()), res) :
            new InlineDelivery(activation, sequence);
        current = newDelivery;
        delivery = newDelivery;
        newDelivery.open();
    }

    // The engine sequence of the first event a new activation is offered: one past the last this slot passed, or the
    // engine's first when the slot starts with the ring. A slot joining a running ring takes the first event the
    // journaller has passed from its join point (those ring slots are not reused while this slot holds its sequence
    // before them), else the sequence the journaller gives next.
    private long liveFrom()
    {
        if (sequenceKnown)
        {
            return lastSequence + 1;
        }
        final long nextSequence = res.recovery().nextSequence().getAsLong();
        final long passed = barrier.getCursor();
        for (long position = next; position <= passed; position++)
        {
            final EventSlot slot = input.get(position);
            if (0 != slot.length)
            {
                return slot.sequence;
            }
        }
        return nextSequence;
    }

    private DetachedBuffer takeBuffer(final int lagLimit)
    {
        final DetachedBuffer spare = spareBuffer;
        spareBuffer = null;
        return null != spare && spare.capacity() == DetachedBuffer.capacityFor(lagLimit) ? spare :
            new DetachedBuffer(lagLimit, res.counters().dropped);
    }
}
