package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.core.internal.EventSlot;
import dev.commandcenter.engine.plugin.Messages;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DetachedBufferTest
{
    private final AtomicCounter dropped = SlotFixture.counter();

    @Test
    void shouldRoundItsCapacityUpToAPowerOfTwoOfAtLeastTwo()
    {
        assertThat(new DetachedBuffer(0, dropped).capacity()).isEqualTo(2);
        assertThat(new DetachedBuffer(5, dropped).capacity()).isEqualTo(8);
        assertThat(new DetachedBuffer(1024, dropped).capacity()).isEqualTo(1024);
    }

    @Test
    void shouldCopyWholeEventsAndDropAndCountWhenFull()
    {
        final DetachedBuffer buffer = new DetachedBuffer(2, dropped);
        final EventSlot event = new EventSlot();

        assertThat(buffer.offer(fill(event, 1))).isTrue();
        assertThat(buffer.offer(fill(event, 2))).isTrue();
        assertThat(buffer.offer(fill(event, 3))).isFalse();
        assertThat(dropped.get()).isEqualTo(1);
        assertThat(buffer.backlog()).isEqualTo(2);

        final List<String> seen = new ArrayList<>();
        assertThat(buffer.poll((copy) -> seen.add(describe(copy)), Long.MAX_VALUE)).isEqualTo(2);

        assertThat(seen).containsExactly(describe(fill(new EventSlot(), 1)), describe(fill(new EventSlot(), 2)));
        assertThat(buffer.backlog()).isZero();
        assertThat(buffer.offer(fill(event, 4))).isTrue();
        assertThat(dropped.get()).isEqualTo(1);
    }

    @Test
    void shouldHandOverOnlyUpToTheGivenPosition()
    {
        final DetachedBuffer buffer = new DetachedBuffer(4, dropped);
        final EventSlot event = new EventSlot();
        buffer.offer(fill(event, 1));
        buffer.offer(fill(event, 2));
        buffer.offer(fill(event, 3));

        assertThat(buffer.poll((copy) -> {}, 1)).isEqualTo(2);
        assertThat(buffer.consumed()).isEqualTo(1);
        assertThat(buffer.backlog()).isEqualTo(1);
    }

    @Test
    @Timeout(30)
    void shouldHandEveryEventAcrossThreadsInOrderOrCountItAsDropped() throws Exception
    {
        final DetachedBuffer buffer = new DetachedBuffer(8, dropped);
        final int events = 100_000;
        final AtomicLong last = new AtomicLong();
        final AtomicLong seen = new AtomicLong();
        final AtomicLong bad = new AtomicLong();
        final Thread consumer = Thread.ofPlatform().start(() ->
        {
            while (seen.get() + dropped.get() < events)
            {
                buffer.poll((copy) ->
                {
                    final long id = copy.sequence;
                    if (id <= last.get() || copy.timestampNs != id * 10 || !describe(copy).equals(expected(id)))
                    {
                        bad.incrementAndGet();
                    }
                    last.set(id);
                    seen.incrementAndGet();
                }, Long.MAX_VALUE);
                Thread.onSpinWait();
            }
        });
        final EventSlot event = new EventSlot();
        for (int i = 1; i <= events; i++)
        {
            buffer.offer(fill(event, i));
        }
        consumer.join();

        assertThat(bad.get()).isZero();
        assertThat(seen.get() + dropped.get()).isEqualTo(events);
    }

    private static EventSlot fill(final EventSlot event, final long id)
    {
        event.sequence = id;
        event.timestampNs = id * 10;
        event.source = (int)(id % 7);
        event.presequenced = 0 == (id & 1);
        event.length = Messages.chat(event.buffer, 0, id);
        return event;
    }

    private static String expected(final long id)
    {
        return describe(fill(new EventSlot(), id));
    }

    private static String describe(final EventSlot event)
    {
        final byte[] bytes = new byte[event.length];
        event.buffer.getBytes(0, bytes);
        return event.sequence + "/" + event.timestampNs + "/" + event.source + "/" + event.presequenced + "/" +
            Arrays.toString(bytes);
    }
}
