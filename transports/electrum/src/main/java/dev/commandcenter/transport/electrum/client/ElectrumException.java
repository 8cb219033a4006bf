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
    private final String limit;

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
        this.limit = null;
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
        this.limit = null;
    }

    private ElectrumException(final String limit, final String message)
    {
        super(message);
        this.kind = Kind.PROTOCOL;
        this.limit = limit;
    }

    /**
     * A {@link Kind#PROTOCOL} failure because a server passed one of the wallet's bounds: the server is
     * treated as faulty and the trip is counted under the limit's name.
     *
     * @param limit   name of the bound passed, such as {@code maxHistoryItems}.
     * @param message one line naming the server, what it sent and the bound (never a secret).
     * @return the failure.
     */
    public static ElectrumException limitExceeded(final String limit, final String message)
    {
        return new ElectrumException(limit, message);
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

    /**
     * The bound a server passed, when that is what this failure is (or what caused it).
     *
     * @return the limit's name, or null for other failures.
     */
    public String limit()
    {
        if (null != limit)
        {
            return limit;
        }
        return getCause() instanceof ElectrumException cause ? cause.limit() : null;
    }
}
