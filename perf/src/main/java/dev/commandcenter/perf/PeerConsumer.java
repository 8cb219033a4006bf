package dev.commandcenter.perf;

import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import org.agrona.DirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

abstract class PeerConsumerLhsPadding
{
    long p01, p02, p03, p04, p05, p06, p07, p08;
}

abstract class PeerConsumerFields extends PeerConsumerLhsPadding
{
    long sum;
    long seen;
}

abstract class PeerConsumerRhsPadding extends PeerConsumerFields
{
    long p11, p12, p13, p14, p15, p16, p17, p18;
}

/**
 * The work of one consumer, the same in every ring peer: decode the SBE {@code TransactionReceived} with
 * reused flyweights, add its amount to a sum of this consumer's own, and publish how many events it has
 * seen (a release store the producer's thread reads to tell when the last event is through).
 * <p>
 * <b>Note:</b> {@link #onMessage} is called by one consumer thread; {@link #seen()} and {@link #sum()} by
 * any thread. The hot fields are padded so consumers on different threads do not share a cache line.
 */
public final class PeerConsumer extends PeerConsumerRhsPadding
{
    private static final VarHandle SEEN;

    static
    {
        try
        {
            SEEN = MethodHandles.lookup().findVarHandle(PeerConsumerFields.class, "seen", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TransactionReceivedDecoder decoder = new TransactionReceivedDecoder();

    /**
     * Handle one event.
     *
     * @param buffer holding the message.
     * @param offset of the message header.
     */
    public void onMessage(final DirectBuffer buffer, final int offset)
    {
        sum += decoder.wrapAndApplyHeader(buffer, offset, headerDecoder).amountSats();
        SEEN.setRelease(this, (long)SEEN.get(this) + 1);
    }

    /**
     * Events seen so far.
     *
     * @return the count (acquire).
     */
    public long seen()
    {
        return (long)SEEN.getAcquire(this);
    }

    /**
     * Sum of the amounts seen; exact once {@link #seen()} has been read after the last event.
     *
     * @return the sum.
     */
    public long sum()
    {
        return sum;
    }
}
