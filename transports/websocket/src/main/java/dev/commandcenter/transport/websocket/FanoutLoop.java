package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fan-out writes bound for one event loop: a single-producer single-consumer ring of (session, frame)
 * entries that the egress thread fills and the event loop drains in ONE task per batch, writing each frame
 * to its channel with the channel's void promise and flushing each written channel once (or every
 * {@link WebSocketEgress#FLUSH_EVERY} writes). Netty therefore sees one task per event loop per batch instead of
 * one task per write, and the ring's arrays are allocated once.
 * <p>
 * Each entry owns one reference to its frame (a pooled buffer holding the whole WebSocket frame, header
 * included, as Netty's frame encoder wrote it once for every client of the output: see {@link FrameEncoder});
 * the event loop writes a copy of it in a buffer of its own pool (a retained duplicate when it is longer than
 * {@link #COPY_MAX_LENGTH}), which the channel's own frame encoder passes through
 * untouched, and then gives the entry's reference back. For a batching session the frame's payload is copied into
 * the session's {@link SessionBatch} instead, which sends it with the others of its window as one frame; each
 * entry carries its output's seq for the batch frame.
 * <p>
 * <b>Note:</b> {@link #offer}, {@link #publish} and {@link #schedule} are called by the egress thread only (under
 * the egress lock); {@link #run()} runs on the event loop only. The head is handed back with a release store and
 * read with an acquire load; the tail and the scheduled flag are volatile on both sides (a Dekker pair).
 */
final class FanoutLoop implements Runnable
{
    /** Entries a loop's ring holds: writes queued for it and not yet drained. */
    static final int CAPACITY = 64 * 1024;

    private static final int MASK = CAPACITY - 1;

    /** Frames up to this length are copied per channel (recycled, no garbage); longer ones are written as duplicates. */
    static final int COPY_MAX_LENGTH = 4096;

    final EventLoop eventLoop;
    private final WebSocketSession[] sessions = new WebSocketSession[CAPACITY];
    private final ByteBuf[] frames = new ByteBuf[CAPACITY];
    private final long[] sequences = new long[CAPACITY];
    private final AtomicLong publishedTail = new AtomicLong();
    private final AtomicLong consumedHead = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    /** Egress thread: next slot to fill. */
    private long tail;
    /** Egress thread: head last seen, to avoid reading the consumer's field for every entry. */
    private long headCache;
    /** Egress thread: in the egress's list of loops to publish at the end of the batch. */
    boolean pending;

    /** Most per-channel copies a loop keeps for reuse; past it a copy is an ordinary pooled buffer. */
    static final int COPIES_KEPT = 8192;

    /** Most batch buffers a loop keeps for reuse; past it a batch is an ordinary pooled buffer. */
    static final int BATCHES_KEPT = 1024;

    /** Event loop: the buffers per-channel copies are written into, created with the first. */
    private ReusableBuffers copies;
    /** Event loop: the buffers batches are built in, created with the first. */
    private ReusableBuffers batchBuffers;

    /** Period of the batch ticker, which sends the batches whose window has ended. */
    static final int BATCH_TICK_MS = 1;

    private final Runnable batchTick = this::tickBatches;
    /** Event loop: batches being built, each knowing its index. */
    private SessionBatch[] openBatches = new SessionBatch[16];
    private int openBatchCount;
    /** Event loop: subscribed sessions that batch; the ticker runs while there are any. */
    private int batchingSessions;
    private ScheduledFuture<?> batchTicker;

    /** Event loop: sessions written in the current drain and not yet flushed. */
    private WebSocketSession[] dirty = new WebSocketSession[64];
    private int dirtyCount;

    /**
     * @param eventLoop whose channels this ring feeds.
     */
    FanoutLoop(final EventLoop eventLoop)
    {
        this.eventLoop = eventLoop;
    }

    /**
     * Queue a frame for a session; the caller has already taken the reference the entry will own.
     *
     * @return false when the ring is full (the event loop is far behind); the reference is then the caller's.
     */
    boolean offer(final WebSocketSession session, final ByteBuf frame)
    {
        return offer(session, frame, -1);
    }

    /**
     * Whether the ring has room for this many more entries now (the producer's view: entries offered and not yet
     * published count as taken).
     *
     * @param entries to queue.
     * @return true when they fit.
     */
    boolean hasRoom(final int entries)
    {
        if (tail - headCache + entries <= CAPACITY)
        {
            return true;
        }
        headCache = consumedHead.getAcquire();
        return tail - headCache + entries <= CAPACITY;
    }

    /**
     * Queue a frame of an output for a session; the caller has already taken the reference the entry will own.
     *
     * @param seq output sequence of the frame's message, which a batching session's batch frame carries.
     * @return false when the ring is full (the event loop is far behind); the reference is then the caller's.
     */
    boolean offer(final WebSocketSession session, final ByteBuf frame, final long seq)
    {
        final long tail = this.tail;
        if (tail - headCache >= CAPACITY)
        {
            headCache = consumedHead.getAcquire();
            if (tail - headCache >= CAPACITY)
            {
                return false;
            }
        }
        final int index = (int)tail & MASK;
        sessions[index] = session;
        frames[index] = frame;
        sequences[index] = seq;
        this.tail = tail + 1;
        return true;
    }

    /**
     * Make the entries queued so far visible to the event loop and make sure a drain task is on its way.
     */
    void publish()
    {
        // Volatile store then volatile load, paired with the event loop's volatile store of the flag then load of the
        // tail: one side always sees the other's store, so an entry is never left without a drain on its way.
        publishedTail.set(tail);
        schedule();
    }

    /**
     * Write what is queued now, on the event loop itself, when the egress runs there (the engine's cycle on the HTTP
     * loop) and has filled the ring: the drain task cannot run while this thread fills it. The caller has taken the
     * references of every entry queued so far.
     */
    void drainHere()
    {
        publishedTail.set(tail);
        run();
    }

    private void schedule()
    {
        if (!scheduled.get() && scheduled.compareAndSet(false, true))
        {
            try
            {
                eventLoop.execute(this);
            }
            catch (final RejectedExecutionException ex)
            {
                // The event loop is shutting down with the server: its channels are closing and will get nothing.
                scheduled.setRelease(false);
            }
        }
    }

    /**
     * Drain: write every published entry to its channel, then flush the written channels.
     */
    public void run()
    {
        long head = consumedHead.getPlain();
        while (true)
        {
            final long tail = publishedTail.getAcquire();
            while (head < tail)
            {
                final int index = (int)head & MASK;
                final WebSocketSession session = sessions[index];
                final ByteBuf frame = frames[index];
                sessions[index] = null;
                frames[index] = null;
                head++;
                write(session, frame, sequences[index]);
            }
            consumedHead.setRelease(head);
            flushDirty();
            scheduled.set(false);
            // An entry published after the tail was read, whose producer saw the flag still set, is ours to drain.
            if (publishedTail.get() == head || !scheduled.compareAndSet(false, true))
            {
                return;
            }
        }
    }

    private void write(final WebSocketSession session, final ByteBuf frame, final long seq)
    {
        final Channel channel = session.channel();
        try
        {
            final SessionBatch batch = session.batch;
            if (session.closing || !channel.isActive())
            {
                return;
            }
            if (null != batch)
            {
                batch.append(frame, seq);
            }
            else
            {
                channel.write(perChannel(channel, frame), channel.voidPromise());
                addDirty(session);
                if (++session.unflushed >= WebSocketEgress.FLUSH_EVERY)
                {
                    session.unflushed = 0;
                    channel.flush();
                }
            }
        }
        finally
        {
            frame.release();
        }
    }

    /**
     * What to write to one channel: a copy of a small frame in a buffer the loop reuses ({@link ReusableBuffers}:
     * the buffer object and its cached NIO view live on, so the socket write allocates nothing, however many copies
     * are in flight), or a retained duplicate of a large one. A duplicate costs the NIO transport two
     * {@code ByteBuffer} views per write, which only pays off against copying a large frame.
     */
    private ByteBuf perChannel(final Channel channel, final ByteBuf frame)
    {
        final int length = frame.readableBytes();
        if (length > COPY_MAX_LENGTH)
        {
            return frame.retainedDuplicate();
        }
        ReusableBuffers copies = this.copies;
        if (null == copies)
        {
            copies = new ReusableBuffers(channel.alloc(), COPIES_KEPT, 512);
            this.copies = copies;
        }
        final ByteBuf copy = copies.take(length);
        copy.writeBytes(frame, frame.readerIndex(), length);
        return copy;
    }

    /**
     * A buffer to build a batch in, from those the loop reuses. Called on the event loop.
     *
     * @param channel   whose allocator the buffers come from.
     * @param capacity  bytes needed at first.
     * @return the buffer, with one reference owned by the caller.
     */
    ByteBuf batchBuffer(final Channel channel, final int capacity)
    {
        ReusableBuffers batchBuffers = this.batchBuffers;
        if (null == batchBuffers)
        {
            batchBuffers = new ReusableBuffers(channel.alloc(), BATCHES_KEPT, 8192);
            this.batchBuffers = batchBuffers;
        }
        return batchBuffers.take(capacity);
    }

    /**
     * A session that batches subscribed on this loop: start the batch ticker with the first. Called on the event
     * loop.
     */
    void addBatchingSession()
    {
        if (0 == batchingSessions++)
        {
            try
            {
                batchTicker = eventLoop.scheduleAtFixedRate(batchTick, BATCH_TICK_MS, BATCH_TICK_MS, TimeUnit.MILLISECONDS);
            }
            catch (final RejectedExecutionException ex)
            {
                // The event loop is shutting down with the server: its channels are closing and will get nothing.
                batchTicker = null;
            }
        }
    }

    /**
     * A session that batches went away: stop the batch ticker with the last. Called on the event loop.
     */
    void removeBatchingSession()
    {
        if (0 == --batchingSessions && null != batchTicker)
        {
            batchTicker.cancel(false);
            batchTicker = null;
        }
    }

    /**
     * A batch opened: the ticker sends it when its window ends. Called on the event loop.
     */
    void opened(final SessionBatch batch)
    {
        if (openBatchCount == openBatches.length)
        {
            openBatches = Arrays.copyOf(openBatches, openBatchCount * 2);
        }
        batch.openIndex = openBatchCount;
        openBatches[openBatchCount++] = batch;
    }

    /**
     * A batch was sent or dropped, if it was open. Called on the event loop.
     */
    void closed(final SessionBatch batch)
    {
        final int index = batch.openIndex;
        if (index < 0)
        {
            return;
        }
        final int last = --openBatchCount;
        final SessionBatch moved = openBatches[last];
        openBatches[index] = moved;
        moved.openIndex = index;
        openBatches[last] = null;
        batch.openIndex = -1;
    }

    private void tickBatches()
    {
        final long nowNs = System.nanoTime();
        // From the end: a batch sent here is replaced by the last one, already looked at.
        for (int i = openBatchCount - 1; i >= 0; i--)
        {
            if (i < openBatchCount)
            {
                openBatches[i].sendIfDue(nowNs);
            }
        }
    }

    /**
     * Give back the buffers kept for per-channel copies and batches, on the event loop (or here when it has
     * stopped).
     */
    void close()
    {
        try
        {
            eventLoop.execute(this::closeCopies);
        }
        catch (final RejectedExecutionException ex)
        {
            closeCopies();
        }
    }

    private void closeCopies()
    {
        if (null != copies)
        {
            copies.close();
        }
        if (null != batchBuffers)
        {
            batchBuffers.close();
        }
    }

    private void addDirty(final WebSocketSession session)
    {
        if (!session.dirty)
        {
            session.dirty = true;
            if (dirtyCount == dirty.length)
            {
                dirty = Arrays.copyOf(dirty, dirtyCount * 2);
            }
            dirty[dirtyCount++] = session;
        }
    }

    private void flushDirty()
    {
        final WebSocketSession[] dirty = this.dirty;
        for (int i = 0, count = dirtyCount; i < count; i++)
        {
            final WebSocketSession session = dirty[i];
            dirty[i] = null;
            session.dirty = false;
            if (session.unflushed > 0)
            {
                session.unflushed = 0;
                session.channel().flush();
            }
        }
        dirtyCount = 0;
    }
}
