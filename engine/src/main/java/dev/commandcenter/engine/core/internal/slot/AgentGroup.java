package dev.commandcenter.engine.core.internal.slot;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.lang.invoke.VarHandle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Several agents on one thread, after Aeron's shared threading modes: each duty cycle runs every member once,
 * in the order they joined, except that members added by {@link #hostLast} always run after the others. Unlike
 * Agrona's {@code CompositeAgent} a member may join at any time (plugins are added and reloaded while the
 * engine runs) and may end itself by throwing {@link AgentTerminationException}:
 * it then leaves the group (its {@code onClose} runs) while the others carry on, and whoever waits on its
 * {@link HostedAgent} handle is released. A throw of any other kind goes to the error handler and costs the
 * member only the rest of its duty cycle. The group ends when {@link #requestClose()} is called, closing the
 * members still in it.
 * <p>
 * A member that takes long in a duty cycle (a slow {@code block} plugin) holds back every other member: the
 * trade-off of sharing a thread.
 * <p>
 * <b>Note:</b> {@link #host}, {@link #hostLast} and {@link #requestClose()} may be called by any thread (members
 * join through a concurrent queue, taken in the next duty cycle); everything else runs on the group's thread.
 */
public final class AgentGroup implements WakeableAgent, AgentHost
{
    private static final Member[] EMPTY = new Member[0];
    private static final int JOIN_QUEUE_CAPACITY = 1024;

    private final String roleName;
    private final ErrorHandler errorHandler;
    private final ManyToOneConcurrentArrayQueue<Member> joining =
        new ManyToOneConcurrentArrayQueue<>(JOIN_QUEUE_CAPACITY);
    private volatile boolean closeRequested;
    private volatile AgentThread thread;
    private volatile Waker lentTo;
    private Member[] members = EMPTY;

    /**
     * An empty group; nothing runs until {@link #start}.
     *
     * @param roleName     name of the group and its thread.
     * @param errorHandler receives what members throw, apart from their own termination.
     */
    public AgentGroup(final String roleName, final ErrorHandler errorHandler)
    {
        this.roleName = roleName;
        this.errorHandler = errorHandler;
    }

    /**
     * Start the group's thread.
     *
     * @param idleStrategy  how the thread idles when no member had work.
     * @param threadFactory makes the thread.
     * @param wakeGroup     woken when the members' input is published, or null for none.
     * @return the thread's handle.
     */
    public AgentThread start(final IdleStrategy idleStrategy, final ThreadFactory threadFactory, final WakeGroup wakeGroup)
    {
        final AgentThread started = AgentThread.start(this, idleStrategy, errorHandler, threadFactory, wakeGroup);
        thread = started;
        return started;
    }

    /**
     * Start the group on a new thread that can lend it to a host ({@link LendableCycle}).
     *
     * @param idleStrategy  how the thread idles; parking, so that a lent cycle's thread sleeps.
     * @param threadFactory makes the thread.
     * @param wakeGroups    the groups that wake the group when they publish: the thread joins the first.
     * @return the cycle to lend; its thread is {@link #thread()}.
     */
    public LendableCycle startLendable(
        final ParkingIdleStrategy idleStrategy, final ThreadFactory threadFactory, final WakeGroup... wakeGroups)
    {
        final LendableCycle cycle = new LendableCycle(this, errorHandler, wakeGroups);
        cycle.threadIdle(idleStrategy);
        thread = AgentThread.start(cycle.threadAgent(), idleStrategy, errorHandler, threadFactory, wakeGroups[0]);
        for (int i = 1; i < wakeGroups.length; i++)
        {
            wakeGroups[i].add(idleStrategy);
        }
        return cycle;
    }

    /**
     * Add an agent to the group; its {@code onStart} runs on the group's thread before its first duty cycle.
     *
     * @param agent the member.
     * @return its handle.
     * @throws IllegalStateException when the group is closed.
     */
    public HostedAgent host(final WakeableAgent agent)
    {
        return join(agent, false);
    }

    /**
     * Add an agent that runs after every other member in each duty cycle, even after members that join later
     * (the egress behind the plugin slots that feed it); such members run among themselves in the order they
     * joined. Its {@code onStart} runs on the group's thread before its first duty cycle.
     *
     * @param agent the member.
     * @return its handle.
     * @throws IllegalStateException when the group is closed.
     */
    public HostedAgent hostLast(final WakeableAgent agent)
    {
        return join(agent, true);
    }

    private HostedAgent join(final WakeableAgent agent, final boolean last)
    {
        if (closeRequested)
        {
            throw new IllegalStateException(roleName + " is closed");
        }
        final Member member = new Member(agent, last);
        while (!joining.offer(member))
        {
            Thread.onSpinWait();
        }
        member.wake();
        return member;
    }

    /**
     * Ask the group to close its members and end, at its next duty cycle.
     */
    public void requestClose()
    {
        closeRequested = true;
        wake();
    }

    /**
     * The group's thread, once started.
     *
     * @return the handle, or null.
     */
    public AgentThread thread()
    {
        return thread;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        if (closeRequested)
        {
            throw new AgentTerminationException(roleName + " closed");
        }
        int work = 0;
        if (!joining.isEmpty())
        {
            work += admit();
        }
        final Member[] current = members;
        for (final Member member : current)
        {
            try
            {
                work += member.agent.doWork();
            }
            catch (final AgentTerminationException ex)
            {
                leave(member);
                work++;
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
            }
        }
        return work;
    }

    /**
     * {@inheritDoc}
     */
    public boolean hasWork()
    {
        if (closeRequested || !joining.isEmpty())
        {
            return true;
        }
        for (final Member member : members)
        {
            if (member.agent.hasWork())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Close the members still in the group.
     */
    public void onClose()
    {
        Member member;
        while (null != (member = joining.poll()))
        {
            member.ended();
        }
        for (final Member current : members)
        {
            leave(current);
        }
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }

    private int admit()
    {
        int admitted = 0;
        Member member;
        while (null != (member = joining.poll()))
        {
            admitted++;
            try
            {
                member.agent.onStart();
            }
            catch (final Throwable ex)
            {
                errorHandler.onError(ex);
                member.ended();
                continue;
            }
            final Member[] current = members;
            int index = current.length;
            if (!member.last)
            {
                while (index > 0 && current[index - 1].last)
                {
                    index--;
                }
            }
            final Member[] grown = new Member[current.length + 1];
            System.arraycopy(current, 0, grown, 0, index);
            grown[index] = member;
            System.arraycopy(current, index, grown, index + 1, current.length - index);
            members = grown;
        }
        return admitted;
    }

    private void leave(final Member member)
    {
        final Member[] current = members;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == member)
            {
                final Member[] shrunk = new Member[current.length - 1];
                System.arraycopy(current, 0, shrunk, 0, i);
                System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                members = shrunk;
                break;
            }
        }
        try
        {
            member.agent.onClose();
        }
        catch (final Throwable ex)
        {
            errorHandler.onError(ex);
        }
        finally
        {
            member.ended();
        }
    }

    /** One member and the latch its owner waits on. */
    private final class Member implements HostedAgent
    {
        private final WakeableAgent agent;
        private final boolean last;
        private final CountDownLatch end = new CountDownLatch(1);

        Member(final WakeableAgent agent, final boolean last)
        {
            this.agent = agent;
            this.last = last;
        }

        public void wake()
        {
            AgentGroup.this.wake();
        }

        public boolean join(final long timeoutMs)
        {
            try
            {
                return end.await(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return 0 == end.getCount();
            }
        }

        public boolean isAlive()
        {
            return 0 != end.getCount();
        }

        void ended()
        {
            end.countDown();
        }
    }

    private void wake()
    {
        final Waker host = lentTo;
        if (null != host)
        {
            VarHandle.fullFence();
            host.wakeIfParked();
        }
        final AgentThread current = thread;
        if (null != current)
        {
            current.wake();
        }
    }

    /**
     * The host the group is lent to, woken with the group's thread ({@link LendableCycle}).
     *
     * @param host the host's waker, or null when not lent.
     */
    void lentTo(final Waker host)
    {
        this.lentTo = host;
    }
}
