package dev.commandcenter.transport.electrum.internal;

import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.codecs.sbe.NetworkStatusEncoder;
import dev.commandcenter.codecs.sbe.TipMemoEncoder;
import dev.commandcenter.codecs.sbe.TransactionConfirmedEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.codecs.sbe.TransactionReorgedEncoder;
import dev.commandcenter.codecs.sbe.WalletBalanceEncoder;
import dev.commandcenter.engine.EventPublisher;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Encodes the wallet's SBE messages into one reusable buffer. Hash32 fields take the 32 bytes of
 * the display hex (as explorers show txids and as Electrum names script hashes).
 * <p>
 * <b>Note:</b> not thread safe; owned by the wallet source's thread.
 */
public final class WalletEventEncoder
{
    /** Longest text field (address, memo, reason), in UTF-8 bytes, kept well inside one ring slot. */
    public static final int MAX_TEXT_BYTES = 512;
    /** Longest message of a TipMemo, in UTF-8 bytes: room for the tip page's longest message in any script. */
    public static final int MAX_MEMO_TEXT_BYTES = 3000;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[EventPublisher.MAX_MESSAGE_LENGTH]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TransactionReceivedEncoder received = new TransactionReceivedEncoder();
    private final TransactionConfirmedEncoder confirmed = new TransactionConfirmedEncoder();
    private final TransactionReorgedEncoder reorged = new TransactionReorgedEncoder();
    private final WalletBalanceEncoder balance = new WalletBalanceEncoder();
    private final NetworkStatusEncoder status = new NetworkStatusEncoder();
    private final TipMemoEncoder tipMemo = new TipMemoEncoder();

    /**
     * Buffer the last message was encoded into, from offset 0.
     *
     * @return the buffer.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * Encode TransactionReceived.
     *
     * @param txid          display hex.
     * @param scriptHash    hex.
     * @param address       watched address.
     * @param amountSats    received by the script.
     * @param height        block height, 0 while unconfirmed.
     * @param confirmations count, 0 while unconfirmed.
     * @param memo          memo, empty if none.
     * @param verified      whether a merkle proof against a validated header backs it.
     * @return length of the message.
     */
    public int received(
        final String txid, final String scriptHash, final String address, final long amountSats,
        final int height, final int confirmations, final String memo, final boolean verified)
    {
        received.wrapAndApplyHeader(buffer, 0, header)
            .amountSats(amountSats)
            .height(height)
            .confirmations(confirmations)
            .putTxid(hash(txid), 0, 32)
            .putScriptHash(hash(scriptHash), 0, 32)
            .verified(verified ? BooleanType.TRUE : BooleanType.FALSE)
            .address(clip(address))
            .memo(clip(memo));
        return MessageHeaderEncoder.ENCODED_LENGTH + received.encodedLength();
    }

    /**
     * Encode TipMemo for a payment (the default room: channel empty).
     *
     * @param txid display hex.
     * @param user the payer's display name.
     * @param text the payer's message.
     * @return length of the message.
     */
    public int tipMemo(final String txid, final String user, final String text)
    {
        tipMemo.wrapAndApplyHeader(buffer, 0, header)
            .putTxid(hash(txid), 0, 32)
            .channel("")
            .user(clip(user))
            .text(clip(text, MAX_MEMO_TEXT_BYTES));
        return MessageHeaderEncoder.ENCODED_LENGTH + tipMemo.encodedLength();
    }

    /**
     * Encode TransactionConfirmed.
     *
     * @param txid          display hex.
     * @param scriptHash    hex.
     * @param address       watched address.
     * @param amountSats    received by the script.
     * @param height        block height.
     * @param confirmations count.
     * @param memo          memo, empty if none.
     * @return length of the message.
     */
    public int confirmed(
        final String txid, final String scriptHash, final String address, final long amountSats,
        final int height, final int confirmations, final String memo)
    {
        confirmed.wrapAndApplyHeader(buffer, 0, header)
            .amountSats(amountSats)
            .height(height)
            .confirmations(confirmations)
            .putTxid(hash(txid), 0, 32)
            .putScriptHash(hash(scriptHash), 0, 32)
            .address(clip(address))
            .memo(clip(memo));
        return MessageHeaderEncoder.ENCODED_LENGTH + confirmed.encodedLength();
    }

    /**
     * Encode TransactionReorged.
     *
     * @param txid           display hex.
     * @param scriptHash     hex.
     * @param address        watched address.
     * @param amountSats     received by the script.
     * @param previousHeight height it had been reported at.
     * @return length of the message.
     */
    public int reorged(
        final String txid, final String scriptHash, final String address, final long amountSats, final int previousHeight)
    {
        reorged.wrapAndApplyHeader(buffer, 0, header)
            .amountSats(amountSats)
            .previousHeight(previousHeight)
            .putTxid(hash(txid), 0, 32)
            .putScriptHash(hash(scriptHash), 0, 32)
            .address(clip(address));
        return MessageHeaderEncoder.ENCODED_LENGTH + reorged.encodedLength();
    }

    /**
     * Encode WalletBalance.
     *
     * @param address         watched address, or empty for the whole wallet.
     * @param confirmedSats   confirmed balance.
     * @param unconfirmedSats unconfirmed balance.
     * @return length of the message.
     */
    public int balance(final String address, final long confirmedSats, final long unconfirmedSats)
    {
        balance.wrapAndApplyHeader(buffer, 0, header)
            .confirmedSats(confirmedSats)
            .unconfirmedSats(unconfirmedSats)
            .address(clip(address));
        return MessageHeaderEncoder.ENCODED_LENGTH + balance.encodedLength();
    }

    /**
     * Encode NetworkStatus.
     *
     * @param state     connection state.
     * @param tipHeight last known tip height.
     * @param server    server URL.
     * @param reason    why, one line.
     * @return length of the message.
     */
    public int networkStatus(final NetworkState state, final int tipHeight, final String server, final String reason)
    {
        status.wrapAndApplyHeader(buffer, 0, header)
            .state(state)
            .tipHeight(tipHeight)
            .server(clip(server))
            .reason(clip(reason));
        return MessageHeaderEncoder.ENCODED_LENGTH + status.encodedLength();
    }

    /**
     * Bytes of a 32-byte hash in display hex.
     *
     * @param hex 64 hex digits.
     * @return the bytes in the same order.
     */
    public static byte[] hash(final String hex)
    {
        final byte[] bytes = HexFormat.of().parseHex(hex);
        if (bytes.length != 32)
        {
            throw new IllegalArgumentException("expected a 32-byte hash, got " + bytes.length + " bytes: " + hex);
        }
        return bytes;
    }

    /**
     * Cut text to {@link #MAX_TEXT_BYTES} of UTF-8 on a character boundary.
     *
     * @param text to cut, null treated as empty.
     * @return the text or its prefix.
     */
    public static String clip(final String text)
    {
        return clip(text, MAX_TEXT_BYTES);
    }

    /**
     * Cut text to some bytes of UTF-8 on a character boundary.
     *
     * @param text     to cut, null treated as empty.
     * @param maxBytes most UTF-8 bytes kept.
     * @return the text or its prefix.
     */
    public static String clip(final String text, final int maxBytes)
    {
        if (null == text)
        {
            return "";
        }
        if (text.length() * 3 <= maxBytes || text.getBytes(StandardCharsets.UTF_8).length <= maxBytes)
        {
            return text;
        }
        int end = Math.min(text.length(), maxBytes);
        while (end > 0 && text.substring(0, end).getBytes(StandardCharsets.UTF_8).length > maxBytes)
        {
            end--;
        }
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1)))
        {
            end--;
        }
        return text.substring(0, end);
    }
}
