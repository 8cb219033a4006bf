package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.codecs.sbe.PluginState;
import dev.commandcenter.engine.BackPressure;
import dev.commandcenter.engine.core.PluginSpec;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.AgentInvoker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slot agent driven duty cycle by duty cycle on the test thread with an {@link AgentInvoker}.
 */
@Timeout(30)
class PluginSlotTest
{
    private final SlotFixture fixture = new SlotFixture("rec", 3);
    private final RecordingPlugin first = new RecordingPlugin("rec");
    private final RecordingPlugin second = new RecordingPlugin("rec");
    private AgentInvoker invoker;

    @AfterEach
    void after()
    {
        if (null != invoker)
        {
            invoker.close();
        }
    }

    @Test
    void shouldOfferOnlyWhatTheJournallerHasPassedWithoutBlocking()
    {
        start(new PluginSpec("rec").instance(first));
        fixture.publish(10, 11, 12);
        fixture.journalled.set(1);

        assertThat(invoker.invoke()).isEqualTo(2);
        assertThat(first.seen).containsExactly(0L, 1L);
        assertThat(fixture.sequence.get()).isEqualTo(1);
        assertThat(invoker.invoke()).isZero();

        fixture.journal();
        assertThat(invoker.invoke()).isEqualTo(1);
        assertThat(first.seen).containsExactly(0L, 1L, 2L);
        assertThat(fixture.counters.processed.get()).isEqualTo(3);
    }

    @Test
    void shouldApplyACommandPostedMidBatchAtTheNextEventBoundary()
    {
        final PluginSpec spec = new PluginSpec("rec").factory(new Generations(first, second));
        start(spec);
        final SlotCommand swap = SlotCommand.swap(spec, true);
        first.onSequence = (sequence) ->
        {
            if (1 == sequence)
            {
                fixture.mailbox.offer(swap);
            }
        };
        fixture.publish(10, 11, 12, 13, 14);
        fixture.journal();

        assertThat(invoker.invoke()).isEqualTo(2);
        assertThat(first.seen).containsExactly(0L, 1L);
        assertThat(swap.result()).isNotDone();

        assertThat(invoker.invoke()).isEqualTo(1);
        assertThat(swap.result()).isCompletedWithValue(2L);
        assertThat(first.stopped).isTrue();
        assertThat(second.started).isTrue();
        assertThat(fixture.health.state()).isEqualTo(PluginState.RUNNING);
        assertThat(fixture.mailbox.hasCommand()).isFalse();

        assertThat(invoker.invoke()).isEqualTo(3);
        assertThat(first.seen).containsExactly(0L, 1L);
        assertThat(second.seen).containsExactly(2L, 3L, 4L);
    }

    @Test
    void shouldFollowTheRingWithoutThePluginOnceDisabled()
    {
        final PluginSpec spec = new PluginSpec("rec").instance(first);
        start(spec);
        fixture.mailbox.offer(SlotCommand.swap(spec, false));
        invoker.invoke();
        assertThat(fixture.health.state()).isEqualTo(PluginState.STOPPED);
        assertThat(fixture.health.reason()).isEqualTo("disabled");

        fixture.publish(10, 11);
        fixture.journal();
        assertThat(invoker.invoke()).isEqualTo(2);
        assertThat(fixture.sequence.get()).isEqualTo(1);
        assertThat(first.seen).isEmpty();
    }

    @Test
    void shouldStopThePluginAndEndOnShutdown()
    {
        start(new PluginSpec("rec").instance(first));
        fixture.publish(10);
        fixture.journal();
        final SlotCommand shutdown = SlotCommand.shutdown();
        fixture.mailbox.offer(shutdown);

        invoker.invoke();

        assertThat(shutdown.result()).isCompletedWithValue(0L);
        assertThat(first.seen).isEmpty();
        assertThat(first.stopped).isTrue();
        assertThat(invoker.isRunning()).isFalse();
        assertThat(fixture.health.state()).isEqualTo(PluginState.STOPPED);
        assertThat(fixture.errors).isEmpty();
    }

    @Test
    void shouldQuarantineAFailingPluginAndKeepFollowingTheRing()
    {
        start(new PluginSpec("rec").instance(first));
        first.fail = true;
        fixture.publish(10, 11, 12, 13, 14);
        fixture.journal();

        assertThat(invoker.invoke()).isEqualTo(5);

        assertThat(first.seen).containsExactly(0L, 1L, 2L);
        assertThat(fixture.sequence.get()).isEqualTo(4);
        assertThat(fixture.counters.errors.get()).isEqualTo(3);
        assertThat(fixture.health.state()).isEqualTo(PluginState.QUARANTINED);
        assertThat(fixture.health.reason())
            .isEqualTo("quarantined after 3 failures, last: IllegalStateException: boom at 2");
        assertThat(fixture.health.lastError()).isEqualTo("IllegalStateException: boom at 2");
        assertThat(fixture.errors).hasSize(3).allMatch((ex) -> ex instanceof PluginException);
    }

    @Test
    void shouldHandDetachedEventsToTheirOwnThreadAndFinishThemOnSwap()
    {
        final PluginSpec detached = new PluginSpec("rec").instance(first)
            .backPressure(BackPressure.DETACH).lagLimit(8);
        start(detached);
        fixture.publish(10, 11, 12);
        fixture.journal();
        assertThat(invoker.invoke()).isEqualTo(3);

        final SlotCommand swap = SlotCommand.swap(new PluginSpec("rec").instance(second), true);
        fixture.mailbox.offer(swap);
        invoker.invoke();

        // The swap closes the detached thread only after it handled every event buffered before the boundary.
        assertThat(swap.result()).isCompletedWithValue(3L);
        assertThat(first.seen).containsExactly(0L, 1L, 2L);
        assertThat(first.stopped).isTrue();
        assertThat(second.started).isTrue();
        assertThat(fixture.errors).isEmpty();
    }

    @Test
    void shouldTimeOneBatchInEveryFewRecordingItsMeanOncePerEvent()
    {
        start(new PluginSpec("rec").instance(first));
        first.onSequence = (sequence) -> fixture.nanoClock.advance(1_000);

        fixture.publish(1, 2, 3, 4);
        fixture.journal();
        assertThat(invoker.invoke()).isEqualTo(4);
        final Histogram timed = fixture.res.latency().getIntervalHistogram();
        assertThat(timed.getTotalCount()).isEqualTo(4);
        assertThat(timed.getValueAtPercentile(50)).isBetween(990L, 1_010L);

        for (int batch = 1; batch < PluginActivation.LATENCY_SAMPLE_EVERY; batch++)
        {
            fixture.publish(batch);
            fixture.journal();
            assertThat(invoker.invoke()).isEqualTo(1);
        }
        assertThat(fixture.res.latency().getIntervalHistogram().getTotalCount()).as("untimed batches").isZero();

        fixture.publish(9, 10);
        fixture.journal();
        assertThat(invoker.invoke()).isEqualTo(2);
        assertThat(fixture.res.latency().getIntervalHistogram().getTotalCount()).isEqualTo(2);
        assertThat(fixture.counters.processed.get()).isEqualTo(4 + PluginActivation.LATENCY_SAMPLE_EVERY - 1 + 2);
    }

    private void start(final PluginSpec spec)
    {
        invoker = new AgentInvoker(AgentThread.ignoringTermination(fixture.errors::add), null, fixture.slot(spec));
        invoker.start();
    }

    /** Hands out the given instances in turn. */
    private static final class Generations implements Supplier<RecordingPlugin>
    {
        private final RecordingPlugin[] instances;
        private int next;

        Generations(final RecordingPlugin... instances)
        {
            this.instances = instances;
        }

        public RecordingPlugin get()
        {
            return instances[next++];
        }
    }
}
