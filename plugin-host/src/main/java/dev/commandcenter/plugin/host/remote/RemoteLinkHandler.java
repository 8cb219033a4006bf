package dev.commandcenter.plugin.host.remote;

import org.agrona.DirectBuffer;

/**
 * What a transport tells the engine about one {@link RemoteLink}.
 * <p>
 * <b>Note:</b> a transport calls both methods from one thread per link (its poller or event loop); the buffer is
 * valid only during the call.
 */
public interface RemoteLinkHandler
{
    /**
     * One protocol message from the host.
     *
     * @param buffer holding the message.
     * @param offset of its SBE header.
     * @param length of the message, header included.
     */
    void onMessage(DirectBuffer buffer, int offset, int length);

    /**
     * The link is gone (closed by either side, or the transport lost it). Called once; no message follows.
     *
     * @param reason why.
     */
    void onClosed(String reason);
}
