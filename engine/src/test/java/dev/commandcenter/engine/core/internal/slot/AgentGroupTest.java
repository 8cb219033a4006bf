package dev.commandcenter.engine.core.internal.slot;

import org.agrona.concurrent.AgentTerminationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Agents sharing one thread: members join while it runs, one that ends itself leaves alone, one that throws
 * costs only its own duty cycle, a parked group is woken by work posted to a member, and closing the group
 * closes the members left; members hosted last run after every other.
 */
@Timeout(60)
class AgentGroupTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long LONG_PARK_NS = Duration.ofSeconds(120).toNanos();

    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final AgentGroup group = new AgentGroup("cc-test-group", errors::add);
    private final ParkingIdleStrategy idle = new ParkingIdleStrategy(0, 0, LONG_PARK_NS);

    @AfterEach
    void close()
    {
        group.requestClose();
        final AgentThread thread = group.thread();
        if (null != thread)
        {
            thread.join(WAIT.toMillis());
        }
    }

    @Test
    void shouldRunMembersThatJoinWhileItRunsAndLetOneLeaveWithoutStoppingTheOthers()
    {
        group.start(idle, Thread.ofPlatform().daemon().factory(), null);
        final Counting first = new Counting();
        final Counting second = new Counting();
        final HostedAgent firstHandle = group.host(first);
        final HostedAgent secondHandle = group.host(second);
        first.post(3);
        second.post(3);
        // Posted after the members joined: the group may have parked in between.
        firstHandle.wake();
        await().atMost(WAIT).until(() -> first.done.get() == 3 && second.done.get() == 3);

        first.terminate.set(true);
        firstHandle.wake();
        assertThat(firstHandle.join(WAIT.toMillis())).isTrue();
        assertThat(firstHandle.isAlive()).isFalse();
        assertThat(first.closed).isTrue();

        second.post(2);
        secondHandle.wake();
        await().atMost(WAIT).until(() -> second.done.get() == 5);
        assertThat(secondHandle.isAlive()).isTrue();
        assertThat(second.started).isTrue();
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldReportAThrowingMemberAndKeepRunningTheOthers()
    {
        group.start(idle, Thread.ofPlatform().daemon().factory(), null);
        final Counting failing = new Counting();
        failing.fail.set(true);
        final Counting healthy = new Counting();
        group.host(failing).wake();
        final HostedAgent healthyHandle = group.host(healthy);
        failing.post(1);
        healthy.post(4);
        healthyHandle.wake();

        await().atMost(WAIT).until(() -> healthy.done.get() == 4 && !errors.isEmpty());
        assertThat(errors.get(0)).hasMessage("member failed");
    }

    @Test
    void shouldBeWokenFromAParkByWorkPostedToAMember()
    {
        final AgentThread thread = group.start(idle, Thread.ofPlatform().daemon().factory(), null);
        final Counting member = new Counting();
        final HostedAgent handle = group.host(member);

        for (int round = 1; round <= 3; round++)
        {
            await().atMost(WAIT).until(() -> LockSupport.getBlocker(thread.runner().thread()) == idle);
            member.post(1);
            handle.wake();
            final int expected = round;
            await().atMost(WAIT).until(() -> member.done.get() == expected);
        }
        assertThat(idle.parks()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void shouldCloseTheMembersLeftAndRefuseNewOnes()
    {
        final AgentThread thread = group.start(idle, Thread.ofPlatform().daemon().factory(), null);
        final Counting member = new Counting();
        final HostedAgent handle = group.host(member);
        await().atMost(WAIT).until(() -> member.started);

        group.requestClose();

        assertThat(thread.join(WAIT.toMillis())).isTrue();
        assertThat(handle.isAlive()).isFalse();
        assertThat(member.closed).isTrue();
        assertThatThrownBy(() -> group.host(new Counting())).isInstanceOf(IllegalStateException.class)
            .hasMessage("cc-test-group is closed");
    }

    @Test
    void shouldRunMembersHostedLastAfterTheOthersEvenOnesThatJoinLater()
    {
        final List<String> order = new CopyOnWriteArrayList<>();
        group.host(new Named("first", order));
        group.hostLast(new Named("last-1", order));
        group.hostLast(new Named("last-2", order));
        group.host(new Named("second", order));
        group.doWork();
        group.host(new Named("late", order));
        order.clear();

        group.doWork();

        assertThat(order).containsExactly("first", "second", "late", "last-1", "last-2");
    }

    /** Notes its name each duty cycle. */
    private record Named(String roleName, List<String> order) implements WakeableAgent
    {
        public int doWork()
        {
            order.add(roleName);
            return 0;
        }

        public boolean hasWork()
        {
            return false;
        }
    }

    /** Does the work posted to it, one unit per duty cycle. */
    private static final class Counting implements WakeableAgent
    {
        final AtomicLong posted = new AtomicLong();
        final AtomicLong done = new AtomicLong();
        final AtomicBoolean terminate = new AtomicBoolean();
        final AtomicBoolean fail = new AtomicBoolean();
        volatile boolean started;
        volatile boolean closed;

        void post(final long units)
        {
            posted.addAndGet(units);
        }

        public void onStart()
        {
            started = true;
        }

        public int doWork()
        {
            if (terminate.get())
            {
                throw new AgentTerminationException("done");
            }
            if (done.get() < posted.get())
            {
                done.incrementAndGet();
                if (fail.get())
                {
                    throw new IllegalStateException("member failed");
                }
                return 1;
            }
            return 0;
        }

        public boolean hasWork()
        {
            return terminate.get() || done.get() < posted.get();
        }

        public void onClose()
        {
            closed = true;
        }

        public String roleName()
        {
            return "counting";
        }
    }
}
