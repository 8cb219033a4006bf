package dev.commandcenter.transport.electrum.client;

/**
 * A failure talking to an Electrum server, classified by {@link Kind} so the wallet source can
 * report it as a network state: transport failures leave the source disconnected, protocol
 * misbehaviour marks the server degraded before it is abandoned.
 */
public final class ElectrumException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * What went wrong.
     */
    public enum Kind
    {
        /** The TCP connection could not be made or was lost. */
        CONNECTION,
        /** The TLS handshake failed, usually an untrusted or mismatched certificate. */
        TLS,
        /** The server sent something the protocol does not allow (malformed JSON, over-long line, unknown id). */
        PROTOCOL,
        /** The server answered a request with a JSON-RPC error. */
        SERVER_ERROR,
        /** The server did not answer a request in time. */
        TIMEOUT
    }

    private final Kind kind;

    /**
     * A failure of a kind with a one-line message.
     *
     * @param kind    of failure.
     * @param message one line naming what happened and where.
     */
    public ElectrumException(final Kind kind, final String message)
    {
        super(message);
        this.kind = kind;
    }

    /**
     * A failure of a kind with a one-line message and its cause.
     *
     * @param kind    of failure.
     * @param message one line naming what happened and where.
     * @param cause   underlying exception.
     */
    public ElectrumException(final Kind kind, final String message, final Throwable cause)
    {
        super(message, cause);
        this.kind = kind;
    }

    /**
     * What went wrong.
     *
     * @return the kind of failure.
     */
    public Kind kind()
    {
        return kind;
    }
}
