package dev.commandcenter.transport.websocket.wire;

/**
 * A backend found with {@link java.util.ServiceLoader}: the native libwebsockets backend registers one in {@code
 * META-INF/services}, so the application and the conformance suite find it when its module is on the class path
 * and learn why it cannot run when it cannot.
 */
public interface WireTransportProvider
{
    /**
     * Name used by {@code websocket.backend}, e.g. {@code native}.
     *
     * @return the name.
     */
    String name();

    /**
     * Why this backend cannot run here, in one line (library missing, a symbol missing, the library too old, the
     * shim failed its self-check), or null when it can.
     *
     * @return the reason, or null.
     */
    String unavailableReason();

    /**
     * Version of what runs underneath, e.g. {@code libwebsockets 4.1.6}; valid when available.
     *
     * @return the version text.
     */
    String version();

    /**
     * A new transport, not started.
     *
     * @return the transport.
     * @throws IllegalStateException when {@link #unavailableReason()} is not null; the message is that reason.
     */
    WireTransport create();
}
