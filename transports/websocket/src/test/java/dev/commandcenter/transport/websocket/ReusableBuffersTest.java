package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

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
}
