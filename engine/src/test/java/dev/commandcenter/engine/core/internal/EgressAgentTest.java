package dev.commandcenter.engine.core.internal;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import dev.commandcenter.engine.egress.EgressHandler;
import dev.commandcenter.engine.egress.OutputEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An egress agent driven on the test thread: it takes the contiguous run of published outputs in ring order,
 * ends the run with {@code endOfBatch}, skips empty slots, stops at a slot claimed but not yet published, and
 * reports what its handler throws without losing its place.
 */
class EgressAgentTest
{
    private final RingBuffer<OutputSlot> ring =
        RingBuffer.createMultiProducer(OutputSlot::new, 16, new BusySpinWaitStrategy());
    private final List<Throwable> errors = new ArrayList<>();
    private final Recording handler = new Recording();
    private final EgressAgent agent = new EgressAgent("rec", handler, ring, errors::add);

    EgressAgentTest()
    {
        ring.addGatingSequences(agent.sequence());
    }

    @Test
    void shouldTakeTheContiguousPublishedRunAndEndItsBatchOnTheLast()
    {
        publish(10, 0, 12);
        final long unpublished = ring.next();
        publish(14);

        assertThat(agent.hasWork()).isTrue();
        assertThat(agent.doWork()).isEqualTo(3);
        assertThat(handler.taken).containsExactly("0:10:false", "2:12:true");
        assertThat(agent.sequence().get()).isEqualTo(2);

        fill(unpublished, 13);
        ring.publish(unpublished);
        assertThat(agent.doWork()).isEqualTo(2);
        assertThat(handler.taken).containsExactly("0:10:false", "2:12:true", "3:13:false", "4:14:true");
        assertThat(agent.hasWork()).isFalse();
        assertThat(agent.doWork()).isZero();
    }

    @Test
    void shouldReportAThrowingHandlerAndKeepItsPlace()
    {
        handler.failOn = 11;
        publish(10, 11, 12);

        agent.onStart();
        assertThat(agent.doWork()).isEqualTo(3);
        agent.onClose();

        assertThat(handler.taken).containsExactly("0:10:false", "1:11:false", "2:12:true");
        assertThat(agent.sequence().get()).isEqualTo(2);
        assertThat(errors).hasSize(3);
        assertThat(errors.get(0)).hasMessage("start failed");
        assertThat(errors.get(1)).hasMessage("cannot send 11");
        assertThat(errors.get(2)).hasMessage("shutdown failed");
    }

    @Test
    void shouldEndTheBatchWhenTheRunEndsOnAnEmptySlot()
    {
        publish(10, 11, 0);

        assertThat(agent.doWork()).isEqualTo(3);

        assertThat(handler.taken).containsExactly("0:10:false", "1:11:false", "end");
    }

    @Test
    void shouldNotEndTheBatchTwiceWhenTheLastOutputEndedIt()
    {
        publish(0, 10);

        assertThat(agent.doWork()).isEqualTo(2);

        assertThat(handler.taken).containsExactly("1:10:true");
    }

    @Test
    void shouldEndTheBatchOfAnEgressWhoseLastOutputIsAnotherPluginsOutput()
    {
        final Recording permitted = new Recording();
        final EgressHandler filtered = new RingPipeline.PermittedOutputs(
            "websocket", permitted, (pluginId, egress) -> "shown".equals(pluginId));
        final OutputSlot shown = new OutputSlot();
        shown.pluginId = "shown";
        shown.length = 10;
        final OutputSlot hidden = new OutputSlot();
        hidden.pluginId = "hidden";
        hidden.length = 20;

        filtered.onOutput(shown, false);
        filtered.onOutput(hidden, true);
        filtered.onOutput(hidden, true);
        filtered.onOutput(shown, true);
        filtered.onOutput(hidden, true);

        assertThat(permitted.taken).containsExactly("0:10:false", "end", "0:10:true");
    }

    @Test
    void shouldHoldAnOutputTheHandlerIsNotReadyForAndEverythingAfterIt()
    {
        publish(10, 11, 12, 13);
        handler.notReadyFor = 12;

        assertThat(agent.doWork()).isEqualTo(2);
        assertThat(handler.taken).containsExactly("0:10:false", "1:11:false", "end");
        assertThat(agent.sequence().get()).isEqualTo(1);
        assertThat(agent.hasWork()).isTrue();
        assertThat(agent.doWork()).isZero();
        assertThat(agent.hasWork()).isTrue();

        handler.notReadyFor = -1;
        assertThat(agent.doWork()).isEqualTo(2);
        assertThat(handler.taken).containsExactly("0:10:false", "1:11:false", "end", "2:12:false", "3:13:true");
        assertThat(agent.hasWork()).isFalse();
    }

    @Test
    void shouldAskOnlyThePermittedEgressWhetherItIsReady()
    {
        final Recording permitted = new Recording();
        permitted.notReadyFor = 10;
        final EgressHandler filtered = new RingPipeline.PermittedOutputs(
            "websocket", permitted, (pluginId, egress) -> "shown".equals(pluginId));
        final OutputSlot slot = new OutputSlot();
        slot.length = 10;

        slot.pluginId = "hidden";
        assertThat(filtered.ready(slot)).isTrue();
        slot.pluginId = "shown";
        assertThat(filtered.ready(slot)).isFalse();
    }

    private void publish(final int... lengths)
    {
        for (final int length : lengths)
        {
            final long position = ring.next();
            fill(position, length);
            ring.publish(position);
        }
    }

    private void fill(final long position, final int length)
    {
        final OutputSlot slot = ring.get(position);
        slot.outputSequence = position;
        slot.length = length;
    }

    /** Notes each output as {@code outputSequence:length:endOfBatch}; throws from its lifecycle methods. */
    private static final class Recording implements EgressHandler
    {
        final List<String> taken = new ArrayList<>();
        int failOn = -1;
        int notReadyFor = -1;

        public boolean ready(final OutputEvent event)
        {
            return event.length() != notReadyFor;
        }

        public void onOutput(final OutputEvent event, final boolean endOfBatch)
        {
            taken.add(event.outputSequence() + ":" + event.length() + ":" + endOfBatch);
            if (event.length() == failOn)
            {
                throw new IllegalStateException("cannot send " + failOn);
            }
        }

        public void onBatchEnd()
        {
            taken.add("end");
        }

        public void onStart()
        {
            if (failOn >= 0)
            {
                throw new IllegalStateException("start failed");
            }
        }

        public void onShutdown()
        {
            if (failOn >= 0)
            {
                throw new IllegalStateException("shutdown failed");
            }
        }
    }
}
