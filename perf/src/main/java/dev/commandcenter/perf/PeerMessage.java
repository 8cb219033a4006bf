package dev.commandcenter.perf;

import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The one event every ring peer carries: an SBE {@code TransactionReceived} of typical size (a payment
 * with its address and memo), encoded once and copied into each ring slot or queue element.
 */
public final class PeerMessage
{
    /** Satoshis in every event: what each consumer adds to its sum. */
    public static final long AMOUNT_SATS = 12_345L;

    /** The encoded message, header included, from offset 0. */
    public final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);

    /** Length of the encoded message, header included. */
    public final int length;

    /**
     * Encode the message.
     */
    public PeerMessage()
    {
        final TransactionReceivedEncoder encoder = new TransactionReceivedEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .amountSats(AMOUNT_SATS)
            .height(0)
            .confirmations(0);
        for (int i = 0; i < 32; i++)
        {
            encoder.txid(i, (short)i);
            encoder.scriptHash(i, (short)(31 - i));
        }
        encoder.address("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq").memo("stream tip, thanks for the stream");
        length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
