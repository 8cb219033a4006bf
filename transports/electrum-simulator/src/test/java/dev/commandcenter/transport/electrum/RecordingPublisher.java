package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.BooleanType;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.codecs.sbe.NetworkStatusDecoder;
import dev.commandcenter.codecs.sbe.TipMemoDecoder;
import dev.commandcenter.codecs.sbe.TransactionConfirmedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReorgedDecoder;
import dev.commandcenter.codecs.sbe.WalletBalanceDecoder;
import dev.commandcenter.engine.EventPublisher;
import dev.commandcenter.engine.MessageWriter;
import dev.commandcenter.engine.Sources;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * An EventPublisher that keeps a copy of every message (the test's journal) and decodes them.
 */
final class RecordingPublisher implements EventPublisher
{
    final List<byte[]> messages = new CopyOnWriteArrayList<>();
    final List<Integer> sources = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    volatile boolean reject;
    /** Thrown by the next publish of a payment, then cleared: a failure injected into the wallet's conductor. */
    final AtomicReference<Error> failNextPayment = new AtomicReference<>();

    record Decoded(
        int templateId, String txid, String scriptHash, String address, String memo, long amountSats, int height,
        int confirmations, long confirmedSats, long unconfirmedSats, NetworkState state, int tipHeight,
        String server, String reason)
    {
        boolean received()
        {
            return templateId == TransactionReceivedDecoder.TEMPLATE_ID;
        }

        boolean confirmed()
        {
            return templateId == TransactionConfirmedDecoder.TEMPLATE_ID;
        }

        boolean reorged()
        {
            return templateId == TransactionReorgedDecoder.TEMPLATE_ID;
        }

        boolean balance()
        {
            return templateId == WalletBalanceDecoder.TEMPLATE_ID;
        }

        boolean status()
        {
            return templateId == NetworkStatusDecoder.TEMPLATE_ID;
        }

        boolean tipMemo()
        {
            return templateId == TipMemoDecoder.TEMPLATE_ID;
        }
    }

    public long publish(final int source, final DirectBuffer buffer, final int offset, final int length)
    {
        if (reject)
        {
            return REJECTED;
        }
        if (null != failNextPayment.get() && decode(copyOf(buffer, offset, length)).received())
        {
            final Error failure = failNextPayment.getAndSet(null);
            if (null != failure)
            {
                throw failure;
            }
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        sources.add(source);
        messages.add(copy);
        return sequence.getAndIncrement();
    }

    public <A> long publish(final int source, final MessageWriter<A> writer, final A arg)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[MAX_MESSAGE_LENGTH]);
        final int length = writer.write(buffer, 0, arg);
        return publish(source, buffer, 0, length);
    }

    private static byte[] copyOf(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        return copy;
    }

    public boolean isJournaled(final long sequence)
    {
        return true;
    }

    List<Decoded> events()
    {
        final List<Decoded> decoded = new ArrayList<>();
        for (final byte[] message : messages)
        {
            decoded.add(decode(message));
        }
        return decoded;
    }

    List<Decoded> events(final Predicate<Decoded> filter)
    {
        return events().stream().filter(filter).toList();
    }

    List<Decoded> received()
    {
        return events(Decoded::received);
    }

    List<Decoded> confirmed()
    {
        return events(Decoded::confirmed);
    }

    List<Decoded> reorged()
    {
        return events(Decoded::reorged);
    }

    List<Decoded> statuses()
    {
        return events(Decoded::status);
    }

    List<Decoded> balances()
    {
        return events(Decoded::balance);
    }

    boolean allFromWallet()
    {
        return sources.stream().allMatch((source) -> source == Sources.WALLET);
    }

    long receivedCount(final String txid)
    {
        return received().stream().filter((event) -> event.txid().equals(txid)).count();
    }

    /**
     * The verified flag of each TransactionReceived of a transaction, in publication order.
     */
    List<BooleanType> receivedFlags(final String txid)
    {
        final List<BooleanType> flags = new ArrayList<>();
        for (final byte[] message : messages)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(message);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
            if (header.templateId() == TransactionReceivedDecoder.TEMPLATE_ID && decode(message).txid().equals(txid))
            {
                flags.add(new TransactionReceivedDecoder()
                    .wrap(buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version()).verified());
            }
        }
        return flags;
    }

    static Decoded decode(final byte[] message)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(message);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        final int offset = MessageHeaderDecoder.ENCODED_LENGTH;
        final byte[] hash = new byte[32];
        switch (header.templateId())
        {
            case TransactionReceivedDecoder.TEMPLATE_ID ->
            {
                final TransactionReceivedDecoder d = new TransactionReceivedDecoder()
                    .wrap(buffer, offset, header.blockLength(), header.version());
                d.getTxid(hash, 0, 32);
                final String txid = HexFormat.of().formatHex(hash);
                d.getScriptHash(hash, 0, 32);
                final String scriptHash = HexFormat.of().formatHex(hash);
                final long amount = d.amountSats();
                final int height = d.height();
                final int confirmations = d.confirmations();
                final String address = d.address();
                final String memo = d.memo();
                return new Decoded(header.templateId(), txid, scriptHash, address, memo, amount, height, confirmations,
                    0, 0, null, 0, null, null);
            }
            case TransactionConfirmedDecoder.TEMPLATE_ID ->
            {
                final TransactionConfirmedDecoder d = new TransactionConfirmedDecoder()
                    .wrap(buffer, offset, header.blockLength(), header.version());
                d.getTxid(hash, 0, 32);
                final String txid = HexFormat.of().formatHex(hash);
                d.getScriptHash(hash, 0, 32);
                final String scriptHash = HexFormat.of().formatHex(hash);
                final long amount = d.amountSats();
                final int height = d.height();
                final int confirmations = d.confirmations();
                final String address = d.address();
                final String memo = d.memo();
                return new Decoded(header.templateId(), txid, scriptHash, address, memo, amount, height, confirmations,
                    0, 0, null, 0, null, null);
            }
            case TransactionReorgedDecoder.TEMPLATE_ID ->
            {
                final TransactionReorgedDecoder d = new TransactionReorgedDecoder()
                    .wrap(buffer, offset, header.blockLength(), header.version());
                d.getTxid(hash, 0, 32);
                final String txid = HexFormat.of().formatHex(hash);
                d.getScriptHash(hash, 0, 32);
                final String scriptHash = HexFormat.of().formatHex(hash);
                final long amount = d.amountSats();
                final int height = d.previousHeight();
                final String address = d.address();
                return new Decoded(header.templateId(), txid, scriptHash, address, "", amount, height, 0,
                    0, 0, null, 0, null, null);
            }
            case WalletBalanceDecoder.TEMPLATE_ID ->
            {
                final WalletBalanceDecoder d = new WalletBalanceDecoder()
                    .wrap(buffer, offset, header.blockLength(), header.version());
                final long confirmed = d.confirmedSats();
                final long unconfirmed = d.unconfirmedSats();
                return new Decoded(header.templateId(), null, null, d.address(), null, 0, 0, 0,
                    confirmed, unconfirmed, null, 0, null, null);
            }
            case NetworkStatusDecoder.TEMPLATE_ID ->
            {
                final NetworkStatusDecoder d = new NetworkStatusDecoder()
                    .wrap(buffer, offset, header.blockLength(), header.version());
                final NetworkState state = d.state();
                final int tip = d.tipHeight();
                final String server = d.server();
                final String reason = d.reason();
                return new Decoded(header.templateId(), null, null, null, null, 0, 0, 0, 0, 0, state, tip, server, reason);
            }
            case TipMemoDecoder.TEMPLATE_ID ->
            {
                // address: the payer's name; memo: the message
                final TipMemoDecoder d = new TipMemoDecoder().wrap(buffer, offset, header.blockLength(), header.version());
                d.getTxid(hash, 0, 32);
                final String txid = HexFormat.of().formatHex(hash);
                d.channel();
                final String user = d.user();
                final String text = d.text();
                return new Decoded(header.templateId(), txid, null, user, text, 0, 0, 0, 0, 0, null, 0, null, null);
            }
            default -> throw new IllegalStateException("unexpected template " + header.templateId());
        }
    }
}
