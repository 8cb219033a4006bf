package dev.commandcenter.transport.websocket;

import org.agrona.DirectBuffer;

/**
 * A WebSocket endpoint of another part of the application at a fixed path under {@code /ws/} (beside the feeds),
 * registered with {@link WebServer.Context#webSocketRoute(String, WebSocketRoute, String...)}. The server checks
 * Host, Origin and the admin token (a refusal completes the handshake, then closes with 1008 and the reason, as
 * for feeds), agrees one of the route's subprotocols (else closes with 1002), joins fragments into messages of at
 * most {@code websocket.maxFrameLength} (else 1009), validates text as UTF-8 (else 1007), answers pings and runs
 * the closing handshake; the route sees whole messages. It works the same on every backend.
 * <p>
 * <b>Note:</b> {@link #open} and every {@link Listener} method are called on the connection's event loop and
 * must not block it.
 */
@FunctionalInterface
public interface WebSocketRoute
{
    /**
     * A connection was accepted and its handshake written.
     *
     * @param peer        the connection.
     * @param subprotocol the subprotocol agreed, one of those the route was registered with.
     * @return what its messages and its close are passed to.
     */
    Listener open(Peer peer, String subprotocol);

    /**
     * What a route is told about one connection.
     */
    interface Listener
    {
        /**
         * One text message, UTF-8 validated.
         *
         * @param text the message.
         */
        void onText(String text);

        /**
         * One binary message; the buffer is valid only during the call.
         *
         * @param buffer holding it.
         * @param offset of its first byte.
         * @param length of it.
         */
        void onBinary(DirectBuffer buffer, int offset, int length);

        /**
         * The connection is gone. Called once; nothing follows.
         *
         * @param reason the close reason sent or received, or why the connection was lost.
         */
        void onClosed(String reason);
    }

    /**
     * One connection to a route.
     * <p>
     * <b>Note:</b> thread safe: messages may be sent from any one thread at a time, close from any thread.
     */
    interface Peer
    {
        /**
         * Send a text message without blocking.
         *
         * @param text the message.
         * @return false when the connection is closed or has too much queued already; nothing was sent.
         */
        boolean sendText(CharSequence text);

        /**
         * Send a binary message without blocking; the bytes are copied.
         *
         * @param buffer holding it.
         * @param offset of its first byte.
         * @param length of it.
         * @return false when the connection is closed or has too much queued already; nothing was sent.
         */
        boolean sendBinary(DirectBuffer buffer, int offset, int length);

        /**
         * Whether the connection is closed or closing: nothing more can be sent.
         *
         * @return true once a close was sent or received, or the connection was lost.
         */
        boolean isClosed();

        /**
         * Close with a status and a reason (cut to what a close frame carries); the connection closes when the
         * client answers or the close timeout passes. Later calls do nothing.
         *
         * @param status such as 1000, 1007, 1008, 1009.
         * @param reason one line.
         */
        void close(int status, String reason);

        /**
         * The client's address, for logs.
         *
         * @return such as {@code 127.0.0.1:51234}.
         */
        String remoteAddress();
    }
}
