package dev.commandcenter.transport.websocket;

import dev.commandcenter.transport.websocket.wire.WireTransport;
import io.netty.buffer.ByteBuf;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Arrays;

/**
 * The clients of one output's frame (in one format) whose connections belong to a transport that broadcasts
 * ({@link WireTransport#broadcasts()}): the egress collects them as it fans the output out and then hands the frame
 * to the transport once for all of them ({@link WireTransport#broadcastFrames}), rather than once per client through
 * the client's channel, pipeline and event loop. The frame's bytes are read in place; nothing is allocated once the
 * arrays have grown to the number of clients.
 * <p>
 * A client's frames all take this path once it has subscribed: its replay is handed to the transport through its
 * channel before it joins its feed (synchronously, in {@link WebSocketEgress#subscribe}), and live frames follow
 * from the egress thread, so the transport queues them in order.
 * <p>
 * <b>Note:</b> egress thread only, under the egress lock.
 */
final class DirectFanout
{
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private ExpandableArrayBuffer scratch;
    private WireTransport transport;
    private WebSocketSession[] sessions = new WebSocketSession[16];
    private WireChannel[] channels = new WireChannel[16];
    private long[] connections = new long[16];
    private int[] results = new int[16];
    private int count;

    /**
     * Add a client of the frame; when its transport is not the one of the clients added so far, the frame is
     * first handed to theirs.
     *
     * @param session       the client's session.
     * @param channel       its channel.
     * @param frame         the frame, as {@link #send} will be given it.
     * @param payloadLength the frame's payload length, counted in the egress's bytes sent.
     * @param counters      the egress's counters.
     */
    void add(
        final WebSocketSession session,
        final WireChannel channel,
        final ByteBuf frame,
        final int payloadLength,
        final EgressCounters counters)
    {
        final WireTransport transport = channel.transport();
        if (count > 0 && transport != this.transport)
        {
            send(frame, payloadLength, counters);
        }
        this.transport = transport;
        if (count == connections.length)
        {
            final int capacity = count * 2;
            sessions = Arrays.copyOf(sessions, capacity);
            channels = Arrays.copyOf(channels, capacity);
            connections = Arrays.copyOf(connections, capacity);
            results = Arrays.copyOf(results, capacity);
        }
        sessions[count] = session;
        channels[count] = channel;
        connections[count] = channel.connection();
        count++;
    }

    /**
     * Forget the clients added since the last send, without sending.
     */
    void clear()
    {
        for (int i = 0; i < count; i++)
        {
            sessions[i] = null;
            channels[i] = null;
        }
        count = 0;
        transport = null;
    }

    /**
     * Hand the frame to the transport for every client added since the last send, and count what it took: a
     * client whose connection was {@link WireTransport#FULL} is a drop, and its channel backs off as when its own
     * write is refused; one that is {@link WireTransport#GONE} is closing and gets nothing more.
     *
     * @param frame         the whole frame, header included; not released.
     * @param payloadLength its payload length, counted in the egress's bytes sent.
     * @param counters      the egress's counters.
     */
    void send(final ByteBuf frame, final int payloadLength, final EgressCounters counters)
    {
        final int count = this.count;
        if (0 == count)
        {
            return;
        }
        final int length = frame.readableBytes();
        scratch = WireChannel.wrap(view, frame, frame.readerIndex(), length, scratch);
        final int sent = transport.broadcastFrames(connections, count, view, 0, length, results);
        view.wrap(0, 0);
        for (int i = 0; i < count; i++)
        {
            final int result = results[i];
            if (WireTransport.SENT == result)
            {
                sessions[i].consecutiveDrops = 0;
            }
            else if (WireTransport.FULL == result)
            {
                counters.drops.increment();
                channels[i].deliverFull();
            }
            sessions[i] = null;
            channels[i] = null;
        }
        this.count = 0;
        this.transport = null;
        if (sent > 0)
        {
            counters.framesSent.getAndAdd(sent);
            counters.bytesSent.getAndAdd((long)sent * payloadLength);
        }
    }
}
