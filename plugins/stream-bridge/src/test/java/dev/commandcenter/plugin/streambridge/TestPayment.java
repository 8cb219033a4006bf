package dev.commandcenter.plugin.streambridge;

import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.TransactionConfirmedEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.engine.MessageWriter;
import org.agrona.MutableDirectBuffer;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A payment as the wallet adapter reports it, for tests, with the writer that encodes it as a
 * {@code TransactionReceived}.
 *
 * @param amountSats satoshis received.
 * @param txid       32 bytes in display order.
 * @param scriptHash 32 bytes.
 * @param address    receiving address.
 * @param memo       memo, may be empty.
 * @param verified   whether a merkle proof backs it.
 */
record TestPayment(long amountSats, byte[] txid, byte[] scriptHash, String address, String memo, boolean verified)
{
    static final String ADDRESS = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";

    static final MessageWriter<TestPayment> WRITER = (buffer, offset, payment) -> payment.encode(buffer, offset);

    static final MessageWriter<TestPayment> CONFIRMED_WRITER = (buffer, offset, payment) ->
    {
        final TransactionConfirmedEncoder encoder = new TransactionConfirmedEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .amountSats(payment.amountSats)
            .height(101)
            .confirmations(1)
            .putTxid(payment.txid, 0, payment.txid.length)
            .putScriptHash(payment.scriptHash, 0, payment.scriptHash.length)
            .address(payment.address)
            .memo(payment.memo);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    };

    static TestPayment of(final long amountSats, final int txidSeed)
    {
        return new TestPayment(amountSats, hash(txidSeed), hash(1000 + txidSeed % 7), ADDRESS, "", false);
    }

    static byte[] hash(final int seed)
    {
        final byte[] bytes = new byte[32];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = (byte)(seed * 31 + i * 17 + (seed >>> 8));
        }
        bytes[0] = (byte)seed;
        bytes[1] = (byte)(seed >>> 8);
        return bytes;
    }

    TestPayment withScriptHash(final byte[] newScriptHash)
    {
        return new TestPayment(amountSats, txid, newScriptHash, address, memo, verified);
    }

    TestPayment withMemo(final String newMemo)
    {
        return new TestPayment(amountSats, txid, scriptHash, address, newMemo, verified);
    }

    TestPayment asVerified()
    {
        return new TestPayment(amountSats, txid, scriptHash, address, memo, true);
    }

    String txidHex()
    {
        return HexFormat.of().formatHex(txid);
    }

    int encode(final MutableDirectBuffer buffer, final int offset)
    {
        final TransactionReceivedEncoder encoder = new TransactionReceivedEncoder();
        encoder.wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .amountSats(amountSats)
            .height(0)
            .confirmations(0)
            .putTxid(txid, 0, txid.length)
            .putScriptHash(scriptHash, 0, scriptHash.length)
            .verified(verified ? BooleanType.TRUE : BooleanType.FALSE)
            .address(address)
            .memo(memo);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    public String toString()
    {
        return "TestPayment[" + amountSats + " sats, txid " + txidHex() + ", scriptHash " +
            HexFormat.of().formatHex(scriptHash) + ", memo '" + memo + "']";
    }

    public boolean equals(final Object other)
    {
        return other instanceof TestPayment that && amountSats == that.amountSats &&
            Arrays.equals(txid, that.txid) && Arrays.equals(scriptHash, that.scriptHash) &&
            address.equals(that.address) && memo.equals(that.memo) && verified == that.verified;
    }

    public int hashCode()
    {
        return Arrays.hashCode(txid);
    }
}
