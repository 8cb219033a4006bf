package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReusableBuffersTest
{
    @Test
    void shouldHandOutTheSameBufferAgainOnceItsUserReleasedIt()
    {
        final ReusableBuffers buffers = new ReusableBuffers(PooledByteBufAllocator.DEFAULT, 8, 64);

        final ByteBuf first = buffers.take(10);
        first.writeLong(42);
        assertThat(first.refCnt()).isEqualTo(2);
        first.release();
        final ByteBuf again = buffers.take(10);

        assertThat(again).isSameAs(first);
        assertThat(again.readableBytes()).isZero();
        assertThat(buffers.size()).isEqualTo(1);
        again.release();
        buffers.close();
        assertThat(first.refCnt()).isZero();
    }

    @Test
    void shouldNeverHandOutABufferStillInUseAndGrowItForALargerRequest()
    {
        final ReusableBuffers buffers = new ReusableBuffers(PooledByteBufAllocator.DEFAULT, 8, 64);

        final ByteBuf inUse = buffers.take(10);
        final ByteBuf other = buffers.take(10);
        assertThat(other).isNotSameAs(inUse);
        other.release();
        final ByteBuf larger = buffers.take(4096);

        assertThat(larger).isSameAs(other);
        assertThat(larger.writableBytes()).isGreaterThanOrEqualTo(4096);
        assertThat(buffers.size()).isEqualTo(2);
        larger.release();
        inUse.release();
        buffers.close();
    }

    @Test
    void shouldHandOutOrdinaryBuffersPastItsLimitAndAfterClose()
    {
        final ReusableBuffers buffers = new ReusableBuffers(PooledByteBufAllocator.DEFAULT, 1, 64);

        final ByteBuf kept = buffers.take(10);
        final ByteBuf extra = buffers.take(10);

        assertThat(extra.refCnt()).isEqualTo(1);
        assertThat(buffers.size()).isEqualTo(1);
        extra.release();
        kept.release();
        buffers.close();
        final ByteBuf afterClose = buffers.take(10);
        assertThat(afterClose.refCnt()).isEqualTo(1);
        assertThat(afterClose).isNotSameAs(kept);
        afterClose.release();
    }

    @Test
    void shouldGrowOnlyToWhatItsUsersHoldWhenEachBufferIsHeldByHistoriesOfDifferentLengths()
    {
        // The egress's pattern: each output takes a JSON and an SBE frame; the output's plugin feed keeps its last
        // `history` outputs and the all-feed the last `history` of every plugin, each with a reference to both
        // frames. Two plugins alternate, so a frame is held for 2 x history outputs; a third plugin emitted once and
        // its frames stay held. The pool's limit is far above what is held.
        final int history = 1024;
        final ReusableBuffers buffers = new ReusableBuffers(PooledByteBufAllocator.DEFAULT, 16 * history, 64);
        final ArrayDeque<ByteBuf> allFeed = new ArrayDeque<>();
        final List<ArrayDeque<ByteBuf>> pluginFeeds = List.of(new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>());

        for (int output = 0; output < 40 * history; output++)
        {
            final int plugin = 100 == output ? 2 : output & 1;
            for (int frame = 0; frame < 2; frame++)
            {
                final ByteBuf buffer = buffers.take(400);
                keep(allFeed, buffer.retain(), 2 * history);
                keep(pluginFeeds.get(plugin), buffer.retain(), 2 * history);
                buffer.release();
            }
        }

        // Held: the last 1,024 outputs of each of the two plugins, two frames each, and the third plugin's two. The
        // third plugin's output shifts the others' order once, which costs a few more.
        final int held = 2 * 2 * history + 2;
        assertThat(buffers.size()).isBetween(held, held + held / 32);
        allFeed.forEach(ByteBuf::release);
        pluginFeeds.forEach(feed -> feed.forEach(ByteBuf::release));
        buffers.close();
    }

    private static void keep(final ArrayDeque<ByteBuf> feed, final ByteBuf buffer, final int frames)
    {
        feed.addLast(buffer);
        if (feed.size() > frames)
        {
            feed.removeFirst().release();
        }
    }
}
