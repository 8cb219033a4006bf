package dev.commandcenter.perf.jcstress;

import dev.commandcenter.engine.core.internal.EventSlot;
import dev.commandcenter.engine.core.internal.slot.DetachedBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.function.Consumer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The detached hand-off: the ring thread copies three events into a buffer of two while the detached
 * thread polls once; the arbiter polls the rest. Every copy the detached thread sees must carry all the
 * fields and bytes of its event, in order, and every event is either seen or counted as dropped.
 * Result: (torn or out-of-order copies, or -1 when seen + dropped is not 3; events dropped; copies seen
 * by the racing poll).
 */
@JCStressTest
@Description("A copy in the detached buffer is seen whole and in order; a full buffer drops and counts")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "the poll took one, freeing room for the third")
@Outcome(id = "0, 0, 2", expect = ACCEPTABLE, desc = "the poll took two, nothing dropped")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the poll came first; the third was dropped")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the poll took one after the third was dropped")
@Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "the poll took two after the third was dropped")
@Outcome(expect = FORBIDDEN, desc = "a torn or out-of-order copy, or an event neither seen nor counted")
@State
public class DetachedHandOffStress implements Consumer<EventSlot>
{
    private static final int EVENTS = 3;

    private final AtomicCounter dropped = new AtomicCounter(new UnsafeBuffer(new byte[CountersReader.COUNTER_LENGTH]), 0);
    private final DetachedBuffer buffer = new DetachedBuffer(2, dropped);
    private final EventSlot source = new EventSlot();
    private long expected = 1;
    private int seen;
    private int torn;

    /**
     * The ring thread offers three events, reusing one source slot as the input ring does.
     */
    @Actor
    public void ringThread()
    {
        for (int i = 1; i <= EVENTS; i++)
        {
            source.sequence = i;
            source.timestampNs = i * 1_000L;
            source.source = i;
            source.presequenced = 0 == (i & 1);
            source.length = 8 + i;
            for (int b = 0; b < source.length; b++)
            {
                source.buffer.putByte(b, (byte)i);
            }
            buffer.offer(source);
        }
    }

    /**
     * The detached thread polls once.
     *
     * @param r copies seen by this poll.
     */
    @Actor
    public void detachedThread(final III_Result r)
    {
        r.r3 = buffer.poll(this, Long.MAX_VALUE);
    }

    /**
     * After both: take what is left and check every event was seen or dropped.
     *
     * @param r torn copies and drops.
     */
    @Arbiter
    public void after(final III_Result r)
    {
        buffer.poll(this, Long.MAX_VALUE);
        final long drops = dropped.get();
        r.r1 = seen + drops == EVENTS ? torn : -1;
        r.r2 = (int)drops;
    }

    /**
     * Check one copy against the event it must hold.
     *
     * @param copy the buffered copy.
     */
    public void accept(final EventSlot copy)
    {
        final long i = copy.sequence;
        boolean whole = i == expected && copy.timestampNs == i * 1_000L && copy.source == i &&
            copy.presequenced == (0 == (i & 1)) && copy.length == 8 + i;
        for (int b = 0; whole && b < copy.length; b++)
        {
            whole = copy.buffer.getByte(b) == (byte)i;
        }
        expected = i + 1;
        seen++;
        if (!whole)
        {
            torn++;
        }
    }
}
