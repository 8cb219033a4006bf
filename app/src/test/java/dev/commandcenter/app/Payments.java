package dev.commandcenter.app;

import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.MessageWriter;

import java.util.HexFormat;

/**
 * Encodes test payments.
 */
final class Payments
{
    record Payment(String txid, long sats, String address, String memo)
    {
    }

    static final MessageWriter<Payment> WRITER = (buffer, offset, payment) ->
        MessageHeaderEncoder.ENCODED_LENGTH + new TransactionReceivedEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .amountSats(payment.sats())
            .height(0)
            .confirmations(0)
            .putTxid(HexFormat.of().parseHex(payment.txid()), 0, 32)
            .putScriptHash(new byte[32], 0, 32)
            .address(payment.address())
            .memo(payment.memo())
            .encodedLength();

    private Payments()
    {
    }

    static String txid(final int n)
    {
        return String.format("%064x", 0xabc000L + n);
    }
}
