package dev.commandcenter.transport.aeron.ingress;

import dev.commandcenter.codecs.sbe.IngressAckEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.engine.EventPublisher;
import io.aeron.Publication;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One ingress client that said hello: its response publication and the acknowledgements it is owed.
 * <p>
 * Pending acknowledgements are a fixed ring of (stream position, engine receipt) pairs, oldest first. When it is
 * full the newest pair is overwritten by the next one: both only grow, so the newer pair covers the older and the
 * client is acknowledged less often, never wrongly. A pair is acknowledged once the journaller has passed its
 * receipt (or at once when it has none: nothing of the client's was published before that position).
 * <p>
 * <b>Note:</b> touched only by the ingress agent's thread; allocates nothing after construction.
 */
final class ClientSession
{
    /** Receipt of a position that covers no event of the client's. */
    static final long NO_RECEIPT = -1;

    private final int sessionId;
    private final String clientName;
    private final String sourceIdentity;
    private final Publication response;
    private final long[] positions;
    private final long[] receipts;
    private final int mask;
    private final UnsafeBuffer ackBuffer = new UnsafeBuffer(new byte[64]);
    private final IngressAckEncoder ackEncoder = new IngressAckEncoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private long head;
    private long tail;
    private long lastReceipt = NO_RECEIPT;
    private long journaledPosition = -1;
    private long journaledReceipt = NO_RECEIPT;
    private long ackedPosition = -1;

    ClientSession(
        final int sessionId,
        final String clientName,
        final String sourceIdentity,
        final Publication response,
        final int pendingCapacity)
    {
        this.sessionId = sessionId;
        this.clientName = clientName;
        this.sourceIdentity = sourceIdentity;
        this.response = response;
        positions = new long[pendingCapacity];
        receipts = new long[pendingCapacity];
        mask = pendingCapacity - 1;
    }

    int sessionId()
    {
        return sessionId;
    }

    String clientName()
    {
        return clientName;
    }

    String sourceIdentity()
    {
        return sourceIdentity;
    }

    Publication response()
    {
        return response;
    }

    long ackedPosition()
    {
        return ackedPosition;
    }

    /**
     * Record that the stream of this client was consumed up to a position, with an event published or not.
     *
     * @param position stream position after the message.
     * @param receipt  engine receipt of the event it carried, or {@link #NO_RECEIPT} when it carried none.
     */
    void onConsumed(final long position, final long receipt)
    {
        if (NO_RECEIPT != receipt)
        {
            lastReceipt = receipt;
        }
        if (tail - head == positions.length)
        {
            final int newest = (int)(tail - 1) & mask;
            positions[newest] = position;
            receipts[newest] = lastReceipt;
        }
        else
        {
            final int index = (int)tail & mask;
            positions[index] = position;
            receipts[index] = lastReceipt;
            tail++;
        }
    }

    /**
     * Pop the pending pairs the journal has passed and send an acknowledgement when there is something new.
     *
     * @param publisher tells what is journaled.
     * @return work done: 1 when an acknowledgement was sent, else 0.
     */
    int sendAcks(final EventPublisher publisher)
    {
        while (head < tail)
        {
            final int index = (int)head & mask;
            final long receipt = receipts[index];
            if (NO_RECEIPT != receipt && !publisher.isJournaled(receipt))
            {
                break;
            }
            journaledPosition = positions[index];
            journaledReceipt = receipt;
            head++;
        }
        if (journaledPosition > ackedPosition)
        {
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + ackEncoder
                .wrapAndApplyHeader(ackBuffer, 0, headerEncoder)
                .ingressSessionId(sessionId)
                .position(journaledPosition)
                .sequence(journaledReceipt)
                .encodedLength();
            if (response.offer(ackBuffer, 0, length) > 0)
            {
                ackedPosition = journaledPosition;
                return 1;
            }
        }
        return 0;
    }

    /**
     * Pairs waiting for the journal.
     *
     * @return how many.
     */
    int pending()
    {
        return (int)(tail - head);
    }
}
