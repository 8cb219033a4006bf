package dev.commandcenter.transport.websocket;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.local.LocalIoHandler;
import io.netty.util.concurrent.ThreadAwareExecutor;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first HTTP loop reading a transport's events: its handler run by a test thread with a context whose wait would
 * last an hour, so a run ends within the test's bounds only when what the test says ends it does.
 */
@Timeout(60)
class WireEventsLoopTest
{
    private static final long HOUR_NS = TimeUnit.HOURS.toNanos(1);

    private final ExecutorService loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-loop"));
    private final QueuedWireEvents events = new QueuedWireEvents();
    private final LoopContext context = new LoopContext();
    private IoHandler reading;
    private IoHandler second;

    @AfterEach
    void tearDown()
    {
        loop.shutdownNow();
    }

    private void newHandlers()
    {
        events.running = true;
        final WireEventsLoop factory = new WireEventsLoop(LocalIoHandler.newFactory(), events);
        final ThreadAwareExecutor executor = new ThreadAwareExecutor()
        {
            public boolean isExecutorThread(final Thread thread)
            {
                return "test-loop".equals(thread.getName());
            }

            public void execute(final Runnable command)
            {
                loop.execute(command);
            }
        };
        reading = factory.newHandler(executor);
        second = factory.newHandler(executor);
    }

    @Test
    void shouldGiveTheEventsToTheFirstLoopOnly()
    {
        newHandlers();
        assertThat(reading).isInstanceOf(WireEventsLoop.Reading.class);
        assertThat(second).isInstanceOf(LocalIoHandler.class);
    }

    @Test
    void shouldReadWaitingEventsWithoutBlocking() throws Exception
    {
        newHandlers();
        events.arrive(3);
        assertThat(loop.submit(() -> reading.run(context)).get(20, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(events.awaits).as("events were waiting: no wait").hasValue(0);
    }

    @Test
    void shouldWaitOnTheTransportWhenIdleAndReadWhatEndedTheWait() throws Exception
    {
        newHandlers();
        final Future<Integer> run = loop.submit(() -> reading.run(context));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(events::isWaiting);
        events.arrive(2);
        assertThat(run.get(20, TimeUnit.SECONDS)).as("the events read after the wait").isEqualTo(2);
        assertThat(events.lastTimeoutNs).as("the loop's own deadline").isEqualTo(HOUR_NS);
    }

    @Test
    void shouldEndTheWaitOnATask() throws Exception
    {
        newHandlers();
        final Future<Integer> run = loop.submit(() -> reading.run(context));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(events::isWaiting);
        reading.wakeup();
        assertThat(run.get(20, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void shouldAskTheLoopWhetherItIsIdleOnceTheTransportRecordedTheWait() throws Exception
    {
        newHandlers();
        // idle when the loop looks first; a task arrives before the transport asks again
        context.canBlockAnswers.set(1);
        assertThat(loop.submit(() -> reading.run(context)).get(20, TimeUnit.SECONDS)).isZero();
        assertThat(events.awaits).hasValue(1);
        assertThat(events.blocked).as("the task was seen: no wait").hasValue(0);
    }

    @Test
    void shouldWaitAsItsOwnHandlerWhileTheTransportIsNotRunningAndWakeOnATask() throws Exception
    {
        newHandlers();
        events.running = false;
        final Future<Integer> run = loop.submit(() -> reading.run(context));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> loopParked());
        reading.wakeup();
        assertThat(run.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(events.awaits).as("not the transport's wait").hasValue(0);
    }

    private static boolean loopParked()
    {
        for (final var entry : Thread.getAllStackTraces().entrySet())
        {
            if ("test-loop".equals(entry.getKey().getName()) && Thread.State.TIMED_WAITING == entry.getKey().getState())
            {
                for (final StackTraceElement frame : entry.getValue())
                {
                    if (frame.getClassName().equals(LocalIoHandler.class.getName()))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The loop's context: idle, with its next scheduled task an hour away. */
    private static final class LoopContext implements IoHandlerContext
    {
        /** How many times canBlock answers true before it answers false; negative: always true. */
        final AtomicInteger canBlockAnswers = new AtomicInteger(-1);

        public boolean canBlock()
        {
            return canBlockAnswers.get() < 0 || canBlockAnswers.getAndDecrement() > 0;
        }

        public long delayNanos(final long currentTimeNanos)
        {
            return HOUR_NS;
        }

        public long deadlineNanos()
        {
            return System.nanoTime() + HOUR_NS;
        }
    }
}
