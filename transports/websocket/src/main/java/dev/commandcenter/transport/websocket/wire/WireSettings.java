package dev.commandcenter.transport.websocket.wire;

/**
 * What a {@link WireTransport} binds and the limits it applies, taken from the web server's configuration so both
 * backends enforce the same numbers.
 *
 * @param bindAddress                 address to bind, e.g. {@code 127.0.0.1}.
 * @param port                        port to bind; 0 for any free port.
 * @param maxFrameLength              largest WebSocket message accepted, in bytes; larger closes with 1009.
 * @param maxRequestBodyLength        largest HTTP request body, in bytes; larger is answered 413.
 * @param maxHeaderBytes              largest request head (request line and headers), in bytes; larger is answered 431
 *                                    or dropped.
 * @param maxQueuedBytesPerConnection bytes queued for one connection above which {@link WireTransport#send} says
 *                                    {@link WireTransport#FULL}.
 * @param highWaterMark               queued bytes above which the connection is reported not writable.
 * @param lowWaterMark                queued bytes below which it is reported writable again.
 * @param maxConnections              connections open at once; more are refused at accept.
 * @param headerTimeoutMs             time to receive a request head before the connection is dropped.
 * @param idleTimeoutMs               time an HTTP connection may sit idle between requests.
 * @param closeTimeoutMs              time the peer has to answer a close before the connection is dropped.
 */
public record WireSettings(
    String bindAddress,
    int port,
    int maxFrameLength,
    int maxRequestBodyLength,
    int maxHeaderBytes,
    int maxQueuedBytesPerConnection,
    int highWaterMark,
    int lowWaterMark,
    int maxConnections,
    long headerTimeoutMs,
    long idleTimeoutMs,
    long closeTimeoutMs)
{
}
