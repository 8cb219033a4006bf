package dev.commandcenter.perf.jcstress;

import dev.commandcenter.engine.core.PluginSpec;
import dev.commandcenter.engine.core.internal.slot.SlotCommand;
import dev.commandcenter.engine.core.internal.slot.SlotMailbox;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The plugin slot's mailbox: a command the control thread posts is seen by the slot thread exactly once,
 * whole (its fields and what the control thread wrote before posting it). The slot thread runs two duty
 * cycles racing the post; the arbiter runs one more after both. Each cycle reports 0 (nothing pending),
 * 1 (the command, whole, then completed) or -1 (the command, torn or already completed).
 */
@JCStressTest
@Description("A command posted to the slot mailbox is applied exactly once, with its payload visible")
@Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "seen on the first duty cycle")
@Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "seen on the second duty cycle")
@Outcome(id = "0, 0, 1", expect = ACCEPTABLE, desc = "posted after both cycles, seen on the next")
@Outcome(expect = FORBIDDEN, desc = "seen twice, never, or torn")
@State
public class SlotMailboxStress
{
    private static final PluginSpec SPEC = new PluginSpec("stress");
    private static final int NOTE = 42;

    private final SlotMailbox mailbox = new SlotMailbox();
    private int note;

    /**
     * The control thread: a plain write, then the post.
     */
    @Actor
    public void control()
    {
        note = NOTE;
        mailbox.offer(SlotCommand.swap(SPEC, true));
    }

    /**
     * The slot thread: two duty cycles.
     *
     * @param r what each cycle saw.
     */
    @Actor
    public void slot(final III_Result r)
    {
        r.r1 = dutyCycle();
        r.r2 = dutyCycle();
    }

    /**
     * One more duty cycle after both.
     *
     * @param r what it saw.
     */
    @Arbiter
    public void after(final III_Result r)
    {
        r.r3 = dutyCycle();
    }

    private int dutyCycle()
    {
        final SlotCommand command = mailbox.peek();
        if (null == command)
        {
            return 0;
        }
        final boolean whole = command.kind() == SlotCommand.Kind.SWAP && command.spec() == SPEC &&
            command.enable() && !command.result().isDone() && NOTE == note;
        mailbox.complete(command, 1);
        return whole ? 1 : -1;
    }
}
