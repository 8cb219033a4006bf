package dev.commandcenter.app.automation;

import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TimerFiredEncoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.engine.counters.CounterAllocator;
import dev.commandcenter.engine.counters.CounterType;
import dev.commandcenter.plugin.automation.rules.TimerSpec;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.List;

/**
 * The automation's timer source: for the timers of the rules in force it publishes a {@code TimerFired} event
 * (source {@link Sources#TIMER}) into the input ring each time one is due, so rules triggered by a timer fire on a
 * journaled event and a replay fires exactly what the live run fired.
 * <p>
 * When each timer is due comes from {@link TimerSpec#nextAfter(long)}. A new set of timers (each successful reload of
 * the rules file) restarts every timer's count and schedule from now. Firings missed while the engine was down or the
 * thread was held up are not made up: a late timer fires once, then waits for its next due time after now. An event
 * the input ring refuses is tried again at the next duty cycle.
 * <p>
 * <b>Note:</b> {@link #timers(List)} may be called from any thread; {@link #doWork()} runs on the source's agent
 * thread and allocates nothing unless a timer fires.
 */
public final class TimerSource implements Agent
{
    /** Time between two looks at the clock, in milliseconds: the timers' precision. */
    public static final long POLL_INTERVAL_MS = 20;

    private final EventPublisher publisher;
    private final EpochClock clock;
    private final AtomicCounter fired;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TimerFiredEncoder encoder = new TimerFiredEncoder();
    private volatile List<TimerSpec> pending;
    private TimerSpec[] timers = new TimerSpec[0];
    private long[] dueAt = new long[0];
    private long[] counts = new long[0];

    /**
     * @param publisher where the TimerFired events go.
     * @param counters  where {@code automation timers fired} is allocated.
     * @param clock     the wall clock timers are due by.
     */
    public TimerSource(final EventPublisher publisher, final CounterAllocator counters, final EpochClock clock)
    {
        this.publisher = publisher;
        this.clock = clock;
        this.fired = counters.allocate(CounterType.AUTOMATION_TIMERS_FIRED, "");
    }

    /**
     * The timers of the rules now in force: replaces the previous ones at the next duty cycle, counts from 0.
     *
     * @param specs the timers; empty for none.
     */
    public void timers(final List<TimerSpec> specs)
    {
        pending = List.copyOf(specs);
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long now = clock.time();
        int work = 0;
        final List<TimerSpec> changed = pending;
        if (null != changed)
        {
            pending = null;
            load(changed, now);
            work++;
        }
        for (int i = 0; i < timers.length; i++)
        {
            if (now >= dueAt[i])
            {
                if (fire(i))
                {
                    dueAt[i] = timers[i].nextAfter(now);
                    work++;
                }
            }
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "cc-automation-timers";
    }

    /**
     * When a timer is next due, for status and tests.
     *
     * @param name the timer's name.
     * @return ms since the epoch, or -1 when no such timer is loaded.
     */
    public long nextDue(final String name)
    {
        final TimerSpec[] loaded = timers;
        for (int i = 0; i < loaded.length; i++)
        {
            if (loaded[i].name().equals(name))
            {
                return dueAt[i];
            }
        }
        return -1;
    }

    private void load(final List<TimerSpec> specs, final long now)
    {
        final TimerSpec[] loaded = specs.toArray(new TimerSpec[0]);
        final long[] due = new long[loaded.length];
        for (int i = 0; i < loaded.length; i++)
        {
            due[i] = loaded[i].nextAfter(now);
        }
        counts = new long[loaded.length];
        dueAt = due;
        timers = loaded;
    }

    private boolean fire(final int index)
    {
        final long count = counts[index] + 1;
        encoder.wrapAndApplyHeader(buffer, 0, header)
            .scheduledAtEpochMs(dueAt[index])
            .count(count)
            .name(timers[index].name());
        final long sequence = publisher.publish(
            Sources.TIMER, buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        if (sequence < 0)
        {
            return false;
        }
        counts[index] = count;
        fired.increment();
        return true;
    }
}
