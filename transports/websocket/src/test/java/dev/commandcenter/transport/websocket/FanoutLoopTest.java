package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class FanoutLoopTest
{
    private static final int SESSIONS = 3;
    private static final int OUTPUTS = 10;

    private final AtomicInteger tasks = new AtomicInteger();
    private final DefaultEventLoop eventLoop = new DefaultEventLoop()
    {
        public void execute(final Runnable task)
        {
            tasks.incrementAndGet();
            super.execute(task);
        }
    };

    @AfterEach
    void after()
    {
        eventLoop.shutdownGracefully().syncUninterruptibly();
    }

    @Test
    void shouldWriteABatchForManyChannelsInOneTaskInOrderAndGiveEveryReferenceBack()
    {
        final FanoutLoop loop = new FanoutLoop(eventLoop);
        final WebSocketSession[] sessions = new WebSocketSession[SESSIONS];
        final EmbeddedChannel[] channels = new EmbeddedChannel[SESSIONS];
        for (int i = 0; i < SESSIONS; i++)
        {
            sessions[i] = new WebSocketSession("all", false, false, null, null, 8, 1000, new WebSocketEgress(0), (error) -> {}, null);
            channels[i] = new EmbeddedChannel(sessions[i]);
        }
        final ByteBuf[] frames = new ByteBuf[OUTPUTS];
        for (int o = 0; o < OUTPUTS; o++)
        {
            frames[o] = PooledByteBufAllocator.DEFAULT.buffer().writeBytes(("frame-" + o).getBytes(StandardCharsets.US_ASCII));
            frames[o].retain(SESSIONS);
            for (final WebSocketSession session : sessions)
            {
                assertThat(loop.offer(session, frames[o])).isTrue();
            }
        }

        assertThat(tasks.get()).isZero();
        loop.publish();

        assertThat(tasks.get()).isEqualTo(1);
        // Tasks run in order: once this one has run, the drain has too.
        assertThat(eventLoop.submit(() -> {}).awaitUninterruptibly(10_000)).isTrue();
        for (final EmbeddedChannel channel : channels)
        {
            for (int o = 0; o < OUTPUTS; o++)
            {
                final ByteBuf written = channel.readOutbound();
                assertThat(written.toString(StandardCharsets.US_ASCII)).isEqualTo("frame-" + o);
                written.release();
            }
            assertThat((Object)channel.readOutbound()).isNull();
        }
        for (final ByteBuf frame : frames)
        {
            assertThat(frame.refCnt()).isEqualTo(1);
            frame.release();
        }
    }

    @Test
    void shouldRefuseWhenTheRingIsFull()
    {
        final FanoutLoop loop = new FanoutLoop(eventLoop);
        final WebSocketSession session = new WebSocketSession("all", false, false, null, null, 8, 1000, new WebSocketEgress(0),
            (error) -> {}, null);
        final ByteBuf frame = PooledByteBufAllocator.DEFAULT.buffer(1).writeByte(1);
        for (int i = 0; i < FanoutLoop.CAPACITY; i++)
        {
            assertThat(loop.offer(session, frame)).isTrue();
        }
        assertThat(loop.offer(session, frame)).isFalse();
        frame.release();
    }
}
