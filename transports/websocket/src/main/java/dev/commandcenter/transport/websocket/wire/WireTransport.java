package dev.commandcenter.transport.websocket.wire;

import org.agrona.DirectBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * A transport that owns the listening socket and the connections on it, parses HTTP requests and WebSocket frames
 * itself (handshake, masking, fragments, control frames, UTF-8 validation of text) and exchanges whole requests,
 * whole messages and connection events with the server. Connections are named by ids the transport hands out,
 * never reused while the transport runs.
 * <p>
 * <b>Note:</b> {@link #start(WireSettings, WireListener)} and {@link #close()} are called by one thread; every
 * other method is thread safe (event loops of the server call them concurrently) and never blocks.
 */
public interface WireTransport extends AutoCloseable
{
    /** {@link #send} queued the message. */
    int SENT = 0;

    /** {@link #send} did not queue the message: the connection is closed or unknown. */
    int GONE = -1;

    /**
     * {@link #send} did not queue the message: the connection's queue holds {@link
     * WireSettings#maxQueuedBytesPerConnection()} or more, or the transport's command ring is full. The message is
     * dropped; the server applies its slow-client policy.
     */
    int FULL = -2;

    /**
     * Name of the backend for the start log line, e.g. {@code native}.
     *
     * @return the name.
     */
    String name();

    /**
     * Version of what runs underneath, e.g. {@code libwebsockets 4.1.6}.
     *
     * @return the version text.
     */
    String version();

    /**
     * Bind and start serving; from now on the listener is called from the transport's own thread, or inside
     * {@link WireEvents#poll()} when {@link #hostEvents()} gave the events to the server.
     *
     * @param settings what to bind and the limits to apply.
     * @param listener told of requests, messages and connection events.
     * @return the address bound (the port is the real one when settings asked for 0).
     * @throws IOException when the address cannot be bound; the message names the address.
     */
    InetSocketAddress start(WireSettings settings, WireListener listener) throws IOException;

    /**
     * Ask to read the transport's events on a thread of the server's choosing: called before
     * {@link #start(WireSettings, WireListener)}, it makes the transport start no thread of its own for them, and the
     * listener is then called inside {@link WireEvents#poll()}. A transport that cannot do so answers null and keeps
     * calling the listener from its own thread.
     * <p>
     * The default answers null.
     *
     * @return the events to read, or null.
     */
    default WireEvents hostEvents()
    {
        return null;
    }

    /**
     * Answer an HTTP request given to {@link WireListener#onRequest(long, WireRequest)}, once.
     *
     * @param connection  the connection the request came on.
     * @param status      HTTP status code.
     * @param headers     response header names and values, alternating ({@code content-length} is added).
     * @param body        the body, read from offset to offset + length.
     * @param offset      of the body in the buffer.
     * @param length      of the body; 0 for none.
     * @param closeAfter  close the connection once the response is written, else keep it alive.
     * @return {@link #SENT}, {@link #GONE} or {@link #FULL}.
     */
    int respond(
        long connection, int status, String[] headers, DirectBuffer body, int offset, int length, boolean closeAfter);

    /**
     * Queue one whole WebSocket message on an open connection.
     *
     * @param connection an open WebSocket connection.
     * @param binary     binary message, else text (UTF-8).
     * @param buffer     the payload, read from offset to offset + length before this returns.
     * @param offset     of the payload in the buffer.
     * @param length     of the payload.
     * @return {@link #SENT}, {@link #GONE} or {@link #FULL}.
     */
    int send(long connection, boolean binary, DirectBuffer buffer, int offset, int length);

    /**
     * Queue whole WebSocket frames on an open connection: unmasked server frames, one or more back to back, as the
     * server's frame encoder (Netty's) wrote them, header and payload. A transport that can write bytes on the
     * connection queues them as they are, without framing them again; its own control frames (pongs, the close
     * handshake) go between two frames, never inside one.
     * <p>
     * The default sends the payload of each frame with {@link #send}, for a transport that frames every message
     * itself; only text and binary frames (no fragments) may be given to it.
     *
     * @param connection an open WebSocket connection.
     * @param frames     the frames, read from offset to offset + length before this returns.
     * @param offset     of the first frame's header in the buffer.
     * @param length     of the frames, headers included; they end at offset + length.
     * @return {@link #SENT}, {@link #GONE} or {@link #FULL} (for the default, the first answer that is not
     *         {@link #SENT}; the frames after it are not sent).
     */
    default int sendFrames(final long connection, final DirectBuffer frames, final int offset, final int length)
    {
        int index = offset;
        final int end = offset + length;
        while (end - index >= 2)
        {
            final int opcode = frames.getByte(index) & 0x0F;
            final int lengthCode = frames.getByte(index + 1) & 0x7F;
            final int headerLength;
            final long payloadLength;
            if (lengthCode < 126)
            {
                headerLength = 2;
                payloadLength = lengthCode;
            }
            else if (126 == lengthCode)
            {
                headerLength = 4;
                payloadLength = ((frames.getByte(index + 2) & 0xFF) << 8) | (frames.getByte(index + 3) & 0xFF);
            }
            else
            {
                headerLength = 10;
                payloadLength = frames.getLong(index + 2, ByteOrder.BIG_ENDIAN);
            }
            if (payloadLength > end - index - headerLength)
            {
                throw new IllegalArgumentException("frames: a frame of " + payloadLength + " bytes at " + (index - offset) +
                    " reaches past the " + length + " bytes given, expected whole frames");
            }
            final int result = send(connection, 2 == opcode, frames, index + headerLength, (int)payloadLength);
            if (SENT != result)
            {
                return result;
            }
            index += headerLength + (int)payloadLength;
        }
        return SENT;
    }

    /**
     * Whether {@link #broadcastFrames} hands frames to many connections for less than one {@link #sendFrames} each:
     * the server's egress then gives each output's frame to this transport once for all of its clients, instead of
     * once per client through the client's channel.
     *
     * @return true when the transport overrides {@link #broadcastFrames} with a cheaper path; false for the default.
     */
    default boolean broadcasts()
    {
        return false;
    }

    /**
     * Queue the same whole WebSocket frames (as for {@link #sendFrames}) on several open connections, in the order
     * they are given on each; what each connection got is written to {@code results}.
     * <p>
     * The default calls {@link #sendFrames} once per connection.
     *
     * @param connections open WebSocket connections, read from 0 to count before this returns.
     * @param count       how many of them.
     * @param frames      the frames, read from offset to offset + length before this returns.
     * @param offset      of the first frame's header in the buffer.
     * @param length      of the frames, headers included.
     * @param results     at least count long: {@link #SENT}, {@link #GONE} or {@link #FULL} for each connection.
     * @return how many connections the frames were queued on.
     */
    default int broadcastFrames(
        final long[] connections,
        final int count,
        final DirectBuffer frames,
        final int offset,
        final int length,
        final int[] results)
    {
        int sent = 0;
        for (int i = 0; i < count; i++)
        {
            final int result = sendFrames(connections[i], frames, offset, length);
            results[i] = result;
            if (SENT == result)
            {
                sent++;
            }
        }
        return sent;
    }

    /**
     * Send a ping on an open WebSocket connection (the pong comes to {@link WireListener#onPong(long)}).
     *
     * @param connection an open WebSocket connection.
     * @return {@link #SENT}, {@link #GONE} or {@link #FULL}.
     */
    int ping(long connection);

    /**
     * Start the close handshake on a WebSocket connection, after what is queued for it; the transport drops the
     * connection when the peer does not answer in time. {@link WireListener#onClosed} follows.
     *
     * @param connection a WebSocket connection.
     * @param code       close code, e.g. 1008.
     * @param reason     close reason, at most 123 bytes of UTF-8 (longer is cut).
     */
    void close(long connection, int code, String reason);

    /**
     * Drop a connection (HTTP or WebSocket) now, without a close handshake and without writing what is queued.
     *
     * @param connection the connection.
     */
    void abort(long connection);

    /**
     * Stop reading from a connection (back-pressure towards the peer) or start again.
     *
     * @param connection the connection.
     * @param read       true to read, false to stop reading.
     */
    void read(long connection, boolean read);

    /**
     * Stop serving: close the listening socket and every connection, stop the transport's threads, free its
     * memory. Idempotent.
     */
    @Override
    void close();
}
