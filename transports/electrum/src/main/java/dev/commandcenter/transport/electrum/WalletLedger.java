package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.MessageHeaderDecoder;
import dev.commandcenter.codecs.sbe.TransactionConfirmedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.codecs.sbe.TransactionReorgedDecoder;
import dev.commandcenter.codecs.sbe.WalletBalanceDecoder;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the wallet source has already emitted: for each (txid, script hash) whether the payment was
 * reported received, how many confirmations were last reported and whether it was reorged out,
 * the last balance reported per address, and the last chain tip seen. The source consults it before
 * emitting, so each payment is emitted exactly once across reconnects, and keeps it in its own file
 * in the data dir ({@link WalletLedgerFile}) so a restart emits nothing twice whatever the journal's
 * retention. An application without a ledger file yet rebuilds it once by passing every journaled
 * wallet event to {@link #replayJournaled}.
 * <p>
 * The source records its own events through the same {@link #replayJournaled} path once the engine
 * has accepted them. Every change bumps {@link #version()}, so a writer can tell when to save.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class WalletLedger
{
    /** Key of the whole-wallet balance (the empty address, as in the WalletBalance message). */
    public static final String WALLET_TOTAL = "";

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TransactionReceivedDecoder received = new TransactionReceivedDecoder();
    private final TransactionConfirmedDecoder confirmed = new TransactionConfirmedDecoder();
    private final TransactionReorgedDecoder reorged = new TransactionReorgedDecoder();
    private final WalletBalanceDecoder balance = new WalletBalanceDecoder();
    private final byte[] hash = new byte[32];
    private final Map<String, Map<String, Entry>> byScriptHash = new HashMap<>();
    private final Map<String, Balance> balances = new HashMap<>();
    private long replayed;
    private long changes;
    private int tipHeight;

    /**
     * What was emitted about one payment to one script.
     *
     * @param txid          display hex.
     * @param scriptHash    Electrum script hash, hex.
     * @param address       the watched address.
     * @param amountSats    satoshis the script received in the transaction.
     * @param memo          memo carried by the payment, empty if none.
     * @param received      whether TransactionReceived was emitted.
     * @param height        last height reported, 0 while unconfirmed or after a reorg.
     * @param confirmations last confirmation count reported, 0 after a reorg.
     * @param reorgs        how many times a TransactionReorged was emitted.
     * @param reorged       whether the last event about it was a TransactionReorged: it left the place it
     *                      was reported at (a block, or the mempool), and is not reported reorged again
     *                      until it is seen in the script's history once more.
     */
    public record Entry(
        String txid, String scriptHash, String address, long amountSats, String memo,
        boolean received, int height, int confirmations, int reorgs, boolean reorged)
    {
    }

    /**
     * A balance last reported.
     *
     * @param confirmedSats   confirmed satoshis.
     * @param unconfirmedSats unconfirmed satoshis (may be negative).
     */
    public record Balance(long confirmedSats, long unconfirmedSats)
    {
        /** No funds. */
        public static final Balance ZERO = new Balance(0, 0);
    }

    /**
     * Rebuild state from one journaled event; events other than the wallet's payment and balance
     * messages (and messages of another schema) are ignored.
     *
     * @param buffer holding the SBE message, header included.
     * @param offset of the header.
     * @param length of the message.
     */
    public synchronized void replayJournaled(final DirectBuffer buffer, final int offset, final int length)
    {
        if (null != MessageSchema.validate(buffer, offset, length))
        {
            return;
        }
        header.wrap(buffer, offset);
        final int templateId = header.templateId();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = header.blockLength();
        final int version = header.version();
        switch (templateId)
        {
            case TransactionReceivedDecoder.TEMPLATE_ID ->
            {
                received.wrap(buffer, bodyOffset, blockLength, version);
                final long amount = received.amountSats();
                final int height = received.height();
                received.getTxid(hash, 0, 32);
                final String txid = hex();
                received.getScriptHash(hash, 0, 32);
                final String scriptHash = hex();
                final String address = received.address();
                final String memo = received.memo();
                final Entry old = entry(txid, scriptHash);
                // Confirmation counts come from TransactionConfirmed only; a payment first seen
                // confirmed is followed by its own TransactionConfirmed.
                final boolean confirmedBefore = null != old && old.confirmations() > 0;
                put(new Entry(txid, scriptHash, address, amount, memo, true,
                    confirmedBefore ? old.height() : height, confirmedBefore ? old.confirmations() : 0,
                    null == old ? 0 : old.reorgs(), false));
            }
            case TransactionConfirmedDecoder.TEMPLATE_ID ->
            {
                confirmed.wrap(buffer, bodyOffset, blockLength, version);
                final long amount = confirmed.amountSats();
                final int height = confirmed.height();
                final int confirmations = confirmed.confirmations();
                confirmed.getTxid(hash, 0, 32);
                final String txid = hex();
                confirmed.getScriptHash(hash, 0, 32);
                final String scriptHash = hex();
                final String address = confirmed.address();
                final String memo = confirmed.memo();
                final Entry old = entry(txid, scriptHash);
                put(new Entry(txid, scriptHash, address, amount, memo, null == old || old.received(),
                    height, confirmations, null == old ? 0 : old.reorgs(), false));
            }
            case TransactionReorgedDecoder.TEMPLATE_ID ->
            {
                reorged.wrap(buffer, bodyOffset, blockLength, version);
                final long amount = reorged.amountSats();
                reorged.getTxid(hash, 0, 32);
                final String txid = hex();
                reorged.getScriptHash(hash, 0, 32);
                final String scriptHash = hex();
                final String address = reorged.address();
                final Entry old = entry(txid, scriptHash);
                put(new Entry(txid, scriptHash, address, amount, null == old ? "" : old.memo(), null == old || old.received(),
                    0, 0, (null == old ? 0 : old.reorgs()) + 1, true));
            }
            case WalletBalanceDecoder.TEMPLATE_ID ->
            {
                balance.wrap(buffer, bodyOffset, blockLength, version);
                final long confirmedSats = balance.confirmedSats();
                final long unconfirmedSats = balance.unconfirmedSats();
                balances.put(balance.address(), new Balance(confirmedSats, unconfirmedSats));
                changes++;
            }
            default ->
            {
                return;
            }
        }
        replayed++;
    }

    /**
     * What was emitted about a payment to a script.
     *
     * @param txid       display hex.
     * @param scriptHash hex.
     * @return the entry, or null when nothing was emitted.
     */
    public synchronized Entry entry(final String txid, final String scriptHash)
    {
        final Map<String, Entry> entries = byScriptHash.get(scriptHash);
        return null == entries ? null : entries.get(txid);
    }

    /**
     * Whether TransactionReceived was emitted for a payment to a script.
     *
     * @param txid       display hex.
     * @param scriptHash hex.
     * @return true if it was.
     */
    public synchronized boolean isReceived(final String txid, final String scriptHash)
    {
        final Entry entry = entry(txid, scriptHash);
        return null != entry && entry.received();
    }

    /**
     * Last confirmation count emitted for a payment to a script.
     *
     * @param txid       display hex.
     * @param scriptHash hex.
     * @return the count, 0 when none (or reorged since).
     */
    public synchronized int confirmations(final String txid, final String scriptHash)
    {
        final Entry entry = entry(txid, scriptHash);
        return null == entry ? 0 : entry.confirmations();
    }

    /**
     * Every payment emitted to a script, in the order first emitted.
     *
     * @param scriptHash hex.
     * @return a copy.
     */
    public synchronized List<Entry> entries(final String scriptHash)
    {
        final Map<String, Entry> entries = byScriptHash.get(scriptHash);
        return null == entries ? List.of() : new ArrayList<>(entries.values());
    }

    /**
     * Last balance emitted for an address, or for the whole wallet with {@link #WALLET_TOTAL}.
     *
     * @param address watched address, or the empty string.
     * @return the balance, {@link Balance#ZERO} when none was emitted.
     */
    public synchronized Balance balance(final String address)
    {
        return balances.getOrDefault(address, Balance.ZERO);
    }

    /**
     * Number of payments (txid, script) known.
     *
     * @return the count.
     */
    public synchronized int size()
    {
        int size = 0;
        for (final Map<String, Entry> entries : byScriptHash.values())
        {
            size += entries.size();
        }
        return size;
    }

    /**
     * Number of wallet events taken in so far (journaled or emitted).
     *
     * @return the count.
     */
    public synchronized long eventCount()
    {
        return replayed;
    }

    /**
     * A payment reported reorged was seen in its script's history again (back in the mempool, or
     * mined again): it may be reported reorged again if it leaves once more.
     *
     * @param txid       display hex.
     * @param scriptHash hex.
     */
    public synchronized void seenAgain(final String txid, final String scriptHash)
    {
        final Entry old = entry(txid, scriptHash);
        if (null != old && old.reorged())
        {
            put(new Entry(old.txid(), old.scriptHash(), old.address(), old.amountSats(), old.memo(), old.received(),
                old.height(), old.confirmations(), old.reorgs(), false));
        }
    }

    /**
     * Record the chain tip last seen.
     *
     * @param height tip height.
     */
    public synchronized void tipHeight(final int height)
    {
        if (height != tipHeight)
        {
            tipHeight = height;
            changes++;
        }
    }

    /**
     * The chain tip last seen.
     *
     * @return tip height, 0 when none was seen.
     */
    public synchronized int tipHeight()
    {
        return tipHeight;
    }

    /**
     * Scripts with at least one payment recorded.
     *
     * @return script hashes, a copy.
     */
    public synchronized List<String> scriptHashes()
    {
        return new ArrayList<>(byScriptHash.keySet());
    }

    /**
     * Every balance recorded, by address ({@link #WALLET_TOTAL} for the whole wallet).
     *
     * @return a copy.
     */
    public synchronized Map<String, Balance> balances()
    {
        return new LinkedHashMap<>(balances);
    }

    /**
     * A number that changes with every change of the ledger's content, so a writer saves only when needed.
     *
     * @return the change count.
     */
    public synchronized long version()
    {
        return changes;
    }

    /**
     * Put a payment as it was saved (used when loading a ledger file).
     *
     * @param entry the payment.
     */
    synchronized void restore(final Entry entry)
    {
        put(entry);
    }

    /**
     * Put a balance as it was saved (used when loading a ledger file).
     *
     * @param address watched address, or {@link #WALLET_TOTAL}.
     * @param value   the balance.
     */
    synchronized void restoreBalance(final String address, final Balance value)
    {
        balances.put(address, value);
        changes++;
    }

    private void put(final Entry entry)
    {
        changes++;
        byScriptHash.computeIfAbsent(entry.scriptHash(), (key) -> new LinkedHashMap<>()).put(entry.txid(), entry);
    }

    private String hex()
    {
        return HexFormat.of().formatHex(hash);
    }
}
