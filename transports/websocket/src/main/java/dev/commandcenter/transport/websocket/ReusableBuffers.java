package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.util.Arrays;

/**
 * Buffers handed out again and again instead of being freed: the pool keeps one reference to each, a buffer is
 * handed out with one more, and it is free again once its users have released theirs (its reference count is back
 * to 1). The buffer objects therefore live as long as the pool, with their cached NIO views, so taking one
 * allocates nothing: neither a buffer object (Netty's recycler does not pool them on threads that are not Netty's,
 * such as the egress thread) nor the {@code ByteBuffer} view a socket write takes of a buffer new to the thread
 * cache.
 * <p>
 * Buffers are scanned round robin from where the last one was found, so with users that release roughly in the
 * order they took (frames written, retained messages evicted) the next one is free at once. When none of the next
 * few is free a new one is added, up to a limit; past it the caller gets an ordinary buffer of the allocator.
 * <p>
 * New buffers are appended, out of the round's order, so when users hold buffers for long (the egress's retained
 * rings) the pool grows to its limit within seconds and the allocator serves what the round cannot: its thread
 * cache hands back the memory freed last, still in the processor's caches. A pool kept in the order taken (new
 * buffers inserted at the cursor) stayed at what the rings hold, but every frame then went into the buffer freed
 * longest ago, and a saturated post at 1 client cost more (perf/README.md, "JSON rendered only for live clients, the frame
 * pool's order, ...").
 * <p>
 * <b>Note:</b> taking and {@link #close()} are for one thread at a time (the egress hands the pool between threads
 * under its lock); users may release from any thread (the release
 * of a reference count is a volatile write and its read here a volatile read, so the bytes a user read before
 * releasing are never overwritten under it).
 */
final class ReusableBuffers
{
    /** Buffers looked at for a free one before a new one is added. */
    static final int SCAN = 16;

    /**
     * Where kept buffers come from: allocated once and freed by {@link #close()}, they need no pool of Netty's, and
     * no leak tracking (a tracked buffer handed out again would record a trace at every release of a sampled one).
     */
    private static final ByteBufAllocator KEPT = new UnpooledByteBufAllocator(true, true, true);

    private final ByteBufAllocator allocator;
    private final int limit;
    private final int minCapacity;
    private ByteBuf[] buffers = new ByteBuf[64];
    private int count;
    private int cursor;
    private boolean closed;

    /**
     * @param allocator   of the buffers handed out past the limit or after {@link #close()}, normally pooled.
     * @param limit       most buffers kept.
     * @param minCapacity initial capacity of a new buffer; a buffer grows when a larger one is asked for.
     */
    ReusableBuffers(final ByteBufAllocator allocator, final int limit, final int minCapacity)
    {
        this.allocator = allocator;
        this.limit = limit;
        this.minCapacity = minCapacity;
    }

    /**
     * An empty direct buffer of at least the given capacity, with one reference owned by the caller.
     *
     * @param capacity bytes the caller will write.
     * @return the buffer.
     */
    ByteBuf take(final int capacity)
    {
        final ByteBuf[] buffers = this.buffers;
        final int count = this.count;
        int index = cursor;
        for (int i = 0, scan = Math.min(count, SCAN); i < scan; i++)
        {
            final ByteBuf buffer = buffers[index];
            index = index + 1 == count ? 0 : index + 1;
            if (1 == buffer.refCnt() && buffer.maxCapacity() >= capacity)
            {
                cursor = index;
                buffer.clear().ensureWritable(capacity);
                return buffer.retain();
            }
        }
        if (closed || count == limit)
        {
            return allocator.directBuffer(capacity);
        }
        final ByteBuf fresh = KEPT.directBuffer(Math.max(capacity, minCapacity));
        if (count == buffers.length)
        {
            this.buffers = Arrays.copyOf(buffers, count * 2);
        }
        this.buffers[count] = fresh;
        this.count = count + 1;
        return fresh.retain();
    }

    /**
     * An allocator whose {@code buffer(int)}, {@code directBuffer(int)} and {@code ioBuffer(int)} (with or without a
     * maximum capacity) take from this pool, for code that allocates through an allocator it is given (Netty's frame
     * encoder); everything else goes to the pool's allocator.
     *
     * @return the allocator, used by the pool's thread only.
     */
    ByteBufAllocator allocator()
    {
        return new Allocator();
    }

    /**
     * Buffers kept now.
     *
     * @return the count.
     */
    int size()
    {
        return count;
    }

    /**
     * Give back the pool's reference to each buffer; those still in use are freed when their users release them.
     * Buffers taken afterwards are ordinary ones.
     */
    void close()
    {
        for (int i = 0; i < count; i++)
        {
            buffers[i].release();
            buffers[i] = null;
        }
        count = 0;
        cursor = 0;
        closed = true;
    }

    private final class Allocator implements ByteBufAllocator
    {
        public ByteBuf buffer()
        {
            return allocator.buffer();
        }

        public ByteBuf buffer(final int initialCapacity)
        {
            return take(initialCapacity);
        }

        public ByteBuf buffer(final int initialCapacity, final int maxCapacity)
        {
            return take(initialCapacity);
        }

        public ByteBuf ioBuffer()
        {
            return allocator.ioBuffer();
        }

        public ByteBuf ioBuffer(final int initialCapacity)
        {
            return take(initialCapacity);
        }

        public ByteBuf ioBuffer(final int initialCapacity, final int maxCapacity)
        {
            return take(initialCapacity);
        }

        public ByteBuf heapBuffer()
        {
            return allocator.heapBuffer();
        }

        public ByteBuf heapBuffer(final int initialCapacity)
        {
            return allocator.heapBuffer(initialCapacity);
        }

        public ByteBuf heapBuffer(final int initialCapacity, final int maxCapacity)
        {
            return allocator.heapBuffer(initialCapacity, maxCapacity);
        }

        public ByteBuf directBuffer()
        {
            return allocator.directBuffer();
        }

        public ByteBuf directBuffer(final int initialCapacity)
        {
            return take(initialCapacity);
        }

        public ByteBuf directBuffer(final int initialCapacity, final int maxCapacity)
        {
            return take(initialCapacity);
        }

        public CompositeByteBuf compositeBuffer()
        {
            return allocator.compositeBuffer();
        }

        public CompositeByteBuf compositeBuffer(final int maxNumComponents)
        {
            return allocator.compositeBuffer(maxNumComponents);
        }

        public CompositeByteBuf compositeHeapBuffer()
        {
            return allocator.compositeHeapBuffer();
        }

        public CompositeByteBuf compositeHeapBuffer(final int maxNumComponents)
        {
            return allocator.compositeHeapBuffer(maxNumComponents);
        }

        public CompositeByteBuf compositeDirectBuffer()
        {
            return allocator.compositeDirectBuffer();
        }

        public CompositeByteBuf compositeDirectBuffer(final int maxNumComponents)
        {
            return allocator.compositeDirectBuffer(maxNumComponents);
        }

        public boolean isDirectBufferPooled()
        {
            return true;
        }

        public int calculateNewCapacity(final int minNewCapacity, final int maxCapacity)
        {
            return allocator.calculateNewCapacity(minNewCapacity, maxCapacity);
        }
    }
}
