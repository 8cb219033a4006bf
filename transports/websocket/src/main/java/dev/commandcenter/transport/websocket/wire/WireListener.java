package dev.commandcenter.transport.websocket.wire;

import org.agrona.DirectBuffer;

/**
 * What a {@link WireTransport} tells the server. Called from one thread of the transport, in order for each
 * connection; a listener must not block that thread.
 */
public interface WireListener
{
    /**
     * A whole HTTP request that is not a WebSocket upgrade; answer it with {@link WireTransport#respond} once,
     * from any thread.
     *
     * @param connection the connection it came on.
     * @param request    the request; its body is complete.
     */
    void onRequest(long connection, WireRequest request);

    /**
     * A WebSocket handshake completed. The server decides from the request (path, query, token, origin, offered
     * subprotocols) whether to serve the connection or to close it with a code and reason.
     *
     * @param connection  the new WebSocket connection.
     * @param request     the upgrade request.
     * @param subprotocol the subprotocol the transport agreed, or null when none was agreed.
     */
    void onOpen(long connection, WireRequest request, String subprotocol);

    /**
     * A whole WebSocket message (fragments already joined).
     *
     * @param connection the connection.
     * @param binary     binary, else text (valid UTF-8).
     * @param buffer     the payload, valid only during this call.
     * @param offset     of the payload.
     * @param length     of the payload.
     */
    void onMessage(long connection, boolean binary, DirectBuffer buffer, int offset, int length);

    /**
     * A pong arrived (answering a ping, or unsolicited).
     *
     * @param connection the connection.
     */
    void onPong(long connection);

    /**
     * The connection's send queue crossed the high-water mark (not writable) or fell back below the low-water
     * mark (writable again).
     *
     * @param connection the connection.
     * @param writable   whether it is writable now.
     */
    void onWritabilityChanged(long connection, boolean writable);

    /**
     * The connection is gone: closed by either side, dropped, or timed out. Nothing more is told of it.
     *
     * @param connection the connection.
     * @param code       the WebSocket close code received or sent, 1006 when there was none, 0 for HTTP.
     * @param reason     the close reason, or empty.
     */
    void onClosed(long connection, int code, String reason);
}
