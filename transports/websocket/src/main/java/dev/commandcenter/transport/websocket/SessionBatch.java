package dev.commandcenter.transport.websocket;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The batch a batching WebSocket client ({@code batch=<ms>}, or its feed's window) is building on its event loop:
 * the payloads of the shared frames the {@link FanoutLoop} drains for it are copied, as they were rendered once for
 * every client, into one pooled buffer, which is sent as ONE frame when the window that the first of them opened
 * ends (at the first tick of its {@link FanoutLoop}'s batch ticker after that: one periodic task per event loop
 * while it carries batching clients, every {@link FanoutLoop#BATCH_TICK_MS} ms, so no timer is scheduled per window),
 * or earlier when it holds {@value #MAX_MESSAGES} messages or the next message would take it past
 * {@value #MAX_BYTES} bytes of messages.
 * <p>
 * A JSON batch is a text frame:
 * <pre>
 * {"type":"batch","seq":&lt;seq of the last message&gt;,"count":N,"messages":[&lt;the N usual messages, each with its seq&gt;]}
 * </pre>
 * An SBE batch is a binary frame: a 12-byte batch header, then the N SBE messages back to back, each with its own
 * message header (a decoder walks them as SBE's framing allows: header, block length, variable-length fields):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |             seq of the last message (int64, little endian)    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 count N (int32, little endian)                |
 *  +---------------------------------------------------------------+
 *  |             N SBE messages, each with its message header     ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The batch buffers come from those the client's {@link FanoutLoop} reuses, and the frame object handed to the
 * channel's encoder is reused, so a batch allocates nothing in steady state.
 * <p>
 * Slow clients are handled per batch frame: a batch that finds the connection unwritable is dropped whole (its
 * messages counted as drops) and, past the drop limit of batches in a row, the client is closed with 1013.
 * <p>
 * <b>Note:</b> not thread safe; used on the session's event loop only.
 */
final class SessionBatch
{
    /** Longest batch window a client or a feed may ask for, ms. */
    static final int MAX_WINDOW_MS = 1000;

    /** Messages after which a batch is sent before its window ends. */
    static final int MAX_MESSAGES = 256;

    /**
     * Bytes of messages a batch holds at most: with its envelope the frame's payload stays under 64 KiB (a 16-bit
     * length in the frame header). A message that would take the batch past it goes into the next batch; a
     * message longer than this is sent in a batch of its own.
     */
    static final int MAX_BYTES = 65_000;

    /** Offset of the seq of the last message in an SBE batch frame. */
    static final int SBE_SEQ_OFFSET = 0;

    /** Offset of the message count in an SBE batch frame. */
    static final int SBE_COUNT_OFFSET = 8;

    /** Length of the header in front of the messages of an SBE batch frame. */
    static final int SBE_HEADER_LENGTH = 12;

    private static final byte[] JSON_SEQ = "{\"type\":\"batch\",\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON_COUNT = ",\"count\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON_MESSAGES = ",\"messages\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON_END = "]}".getBytes(StandardCharsets.US_ASCII);
    /** Room kept in front of a JSON batch's messages for its opening, written when the batch is sent. */
    private static final int JSON_RESERVED = JSON_SEQ.length + 20 + JSON_COUNT.length + 10 + JSON_MESSAGES.length;

    private final WebSocketSession session;
    private final WebSocketEgress egress;
    private final long windowNs;
    private final int reserved;
    private final UnsafeBuffer digits = new UnsafeBuffer(new byte[24]);
    private final FrameEncoder.ReusableTextFrame textFrame = new FrameEncoder.ReusableTextFrame();
    private final FrameEncoder.ReusableBinaryFrame binaryFrame = new FrameEncoder.ReusableBinaryFrame();
    /** Whether the channel's pipeline encodes frames, releasing them before a write returns: then they are reused. */
    private final boolean reuseFrames;
    private ByteBuf buffer;
    private int count;
    private long lastSeq;
    private long openedNs;
    private boolean released;
    private final FanoutLoop loop;
    /** Index in its loop's list of open batches, -1 when no batch is open. */
    int openIndex = -1;
    private int consecutiveDrops;

    /**
     * @param session  the batching client, subscribed: its {@link FanoutLoop} is set.
     * @param egress   whose counters the batches are counted in.
     * @param windowMs batch window, 1 to {@value #MAX_WINDOW_MS} ms.
     */
    SessionBatch(final WebSocketSession session, final WebSocketEgress egress, final int windowMs)
    {
        this.session = session;
        this.egress = egress;
        this.windowNs = TimeUnit.MILLISECONDS.toNanos(windowMs);
        this.reserved = session.sbe ? SBE_HEADER_LENGTH : JSON_RESERVED;
        this.reuseFrames = null != session.channel().pipeline().get(WebSocketFrameEncoder.class);
        this.loop = session.fanoutLoop;
        loop.addBatchingSession();
    }

    /**
     * A {@code batch=} value: a window in ms, 0 for none.
     *
     * @param value as the client sent it.
     * @return 0 to {@value #MAX_WINDOW_MS}, or -1 when it is not a decimal number in that range.
     */
    static int parseWindow(final String value)
    {
        if (value.isEmpty() || value.length() > 4)
        {
            return -1;
        }
        int window = 0;
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            window = window * 10 + (c - '0');
        }
        return window <= MAX_WINDOW_MS ? window : -1;
    }

    /**
     * Messages in the batch being built.
     *
     * @return the count.
     */
    int count()
    {
        return count;
    }

    /**
     * Add the payload of a shared frame to the batch, opening one (and its window) when none is open, and send the
     * batch when it is full.
     *
     * @param frame a whole server-to-client WebSocket frame, header included; not released here.
     * @param seq   output sequence of its message.
     */
    void append(final ByteBuf frame, final long seq)
    {
        final int payloadOffset = payloadOffset(frame);
        final int payloadLength = frame.readableBytes() - payloadOffset;
        if (count > 0 && buffer.writerIndex() - reserved + 1 + payloadLength > MAX_BYTES)
        {
            send();
        }
        if (0 == count)
        {
            open(payloadLength);
        }
        else if (!session.sbe)
        {
            buffer.writeByte(',');
        }
        buffer.writeBytes(frame, frame.readerIndex() + payloadOffset, payloadLength);
        count++;
        lastSeq = seq;
        if (count >= MAX_MESSAGES || buffer.writerIndex() - reserved >= MAX_BYTES)
        {
            send();
        }
    }

    /**
     * Send the batch when its window has ended; called by the loop's batch ticker.
     *
     * @param nowNs {@link System#nanoTime()} of the tick.
     */
    void sendIfDue(final long nowNs)
    {
        if (count > 0 && nowNs - openedNs >= windowNs)
        {
            send();
        }
    }

    /**
     * Send the batch being built, if any: one frame, or a counted drop when the connection is not writable.
     */
    void send()
    {
        if (0 == count)
        {
            return;
        }
        final int messages = count;
        loop.closed(this);
        final ByteBuf batch = finish();
        final Channel channel = session.channel();
        final EgressCounters counters = egress.counters();
        if (session.closing || !channel.isActive())
        {
            batch.release();
            return;
        }
        if (!channel.isWritable())
        {
            batch.release();
            counters.drops.getAndAdd(messages);
            if (++consecutiveDrops > session.dropLimit)
            {
                counters.slowCloses.increment();
                session.closeWith(WebSocketSession.TRY_AGAIN_LATER, "slow consumer");
            }
            return;
        }
        consecutiveDrops = 0;
        final int length = batch.readableBytes();
        // Counted before the write: on the epoll transport the flush writes to the socket at once, and the client may
        // read the frame before this thread gets past the write.
        counters.framesSent.increment();
        counters.bytesSent.getAndAdd(length);
        counters.batchesSent.increment();
        counters.messagesBatched.getAndAdd(messages);
        // The channel's frame encoder runs on this thread and releases the frame before this returns: reuse it.
        if (!reuseFrames)
        {
            channel.writeAndFlush(session.sbe ? new BinaryWebSocketFrame(batch) : new TextWebSocketFrame(batch),
                channel.voidPromise());
        }
        else if (session.sbe)
        {
            binaryFrame.payload = batch;
            channel.writeAndFlush(binaryFrame, channel.voidPromise());
            binaryFrame.payload = null;
        }
        else
        {
            textFrame.payload = batch;
            channel.writeAndFlush(textFrame, channel.voidPromise());
            textFrame.payload = null;
        }
    }

    /**
     * Release the batch being built; the connection has closed.
     */
    void release()
    {
        if (released)
        {
            return;
        }
        released = true;
        if (null != buffer)
        {
            loop.closed(this);
            buffer.release();
            buffer = null;
        }
        count = 0;
        loop.removeBatchingSession();
    }

    /**
     * Offset of the payload in a server-to-client (unmasked) WebSocket frame: after the 2-byte header and its
     * 2- or 8-byte extended length.
     */
    static int payloadOffset(final ByteBuf frame)
    {
        final int length7 = frame.getByte(frame.readerIndex() + 1) & 0x7F;
        return length7 < 126 ? 2 : length7 == 126 ? 4 : 10;
    }

    private void open(final int firstLength)
    {
        final int capacity = reserved + Math.max(1024, 2 * firstLength + JSON_END.length);
        buffer = loop.batchBuffer(session.channel(), capacity);
        buffer.writerIndex(reserved);
        openedNs = System.nanoTime();
        loop.opened(this);
    }

    /**
     * Write the batch's header in front of its messages and hand the buffer over.
     */
    private ByteBuf finish()
    {
        final ByteBuf batch = buffer;
        buffer = null;
        if (session.sbe)
        {
            batch.setLongLE(SBE_SEQ_OFFSET, lastSeq);
            batch.setIntLE(SBE_COUNT_OFFSET, count);
        }
        else
        {
            batch.writeBytes(JSON_END);
            final int seqLength = digits.putLongAscii(0, lastSeq);
            final int countLength = digits.putIntAscii(seqLength, count);
            final int start = reserved - JSON_MESSAGES.length - countLength - JSON_COUNT.length - seqLength - JSON_SEQ.length;
            int index = start;
            batch.setBytes(index, JSON_SEQ);
            index += JSON_SEQ.length;
            batch.setBytes(index, digits.byteArray(), 0, seqLength);
            index += seqLength;
            batch.setBytes(index, JSON_COUNT);
            index += JSON_COUNT.length;
            batch.setBytes(index, digits.byteArray(), seqLength, countLength);
            index += countLength;
            batch.setBytes(index, JSON_MESSAGES);
            batch.readerIndex(start);
        }
        count = 0;
        return batch;
    }
}
