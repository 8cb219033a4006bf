package dev.commandcenter.plugin.host.remote;

import org.agrona.DirectBuffer;

/**
 * One connection to a plugin host, owned by a transport. The engine sends remote plugin protocol messages through
 * it, each a whole SBE message with its header.
 * <p>
 * <b>Note:</b> {@link #offer} never blocks and may be called from any one thread at a time per link; {@link
 * #close(String)} may be called from any thread and more than once.
 */
public interface RemoteLink
{
    /** {@link #offer} result: the message is on its way. */
    int SENT = 0;
    /** {@link #offer} result: the transport cannot take it now (Aeron back-pressure, a full socket); offer it again. */
    int BACK_PRESSURED = 1;
    /** {@link #offer} result: the link is closed; the message was not sent. */
    int CLOSED = 2;

    /**
     * Send one protocol message.
     *
     * @param buffer holding the message.
     * @param offset of its SBE header.
     * @param length of the message, header included.
     * @return {@link #SENT}, {@link #BACK_PRESSURED} or {@link #CLOSED}.
     */
    int offer(DirectBuffer buffer, int offset, int length);

    /**
     * Close the connection; the transport then calls {@link RemoteLinkHandler#onClosed(String)} once.
     *
     * @param reason why, for the log and the host, such as {@code replaced by a newer host}.
     */
    void close(String reason);

    /**
     * The transport's name, as {@code plugins list} shows where a plugin runs.
     *
     * @return {@code aeron} or {@code websocket}.
     */
    String transport();

    /**
     * Who is on the other end, for logs and {@code plugins list}: never a token.
     *
     * @return such as {@code aeron session 1234} or {@code websocket 127.0.0.1:51234}.
     */
    String describe();
}
