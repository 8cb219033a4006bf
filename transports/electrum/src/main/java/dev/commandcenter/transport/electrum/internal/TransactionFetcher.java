package dev.commandcenter.transport.electrum.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.commandcenter.transport.electrum.WalletLedger;
import dev.commandcenter.transport.electrum.client.ElectrumClient;
import dev.commandcenter.transport.electrum.client.ElectrumException;
import dev.commandcenter.transport.electrum.client.HistoryItem;
import dev.commandcenter.transport.electrum.client.ServerAddress;
import org.bitcoinj.core.Transaction;
import org.bitcoinj.core.TransactionOutput;
import org.bitcoinj.script.Script;
import org.bitcoinj.script.ScriptChunk;
import org.bitcoinj.script.ScriptPattern;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches the transactions of a script's history that the ledger has no entry for, with at most
 * {@code maxRequestsInFlight} requests awaiting an answer at a time, refuses a transaction larger than
 * {@code maxTransactionBytes}, and keeps the parsed ones (outputs and memo) in a least-recently-used cache
 * bounded in entries and in raw bytes, so a script reconciled again, or another script paid by the same
 * transaction, needs no new request. What it returns for a script keeps only that script's total of each
 * transaction, so memory stays bounded whatever a server sends.
 * <p>
 * <b>Note:</b> not thread safe; owned by the conductor's thread.
 */
final class TransactionFetcher
{
    private static final int TX_CACHE_SIZE = 4096;
    private static final int MAX_MEMO_CHARS = 200;

    /**
     * An output of a transaction.
     *
     * @param script output script.
     * @param value  amount, in sats.
     */
    record Output(byte[] script, long value)
    {
    }

    /**
     * What the wallet needs of a transaction.
     *
     * @param outputs its outputs.
     * @param memo    text of its first printable OP_RETURN output, or empty.
     */
    record TxInfo(List<Output> outputs, String memo)
    {
        /**
         * Sats the transaction pays to a script.
         *
         * @param script output script.
         * @return the total of its outputs to the script.
         */
        long receivedBy(final byte[] script)
        {
            long total = 0;
            for (final Output output : outputs)
            {
                if (Arrays.equals(output.script(), script))
                {
                    total += output.value();
                }
            }
            return total;
        }

        /**
         * The part of the transaction that concerns one script: its total to the script, and the memo.
         *
         * @param script output script.
         * @return the compact form.
         */
        TxInfo forScript(final byte[] script)
        {
            final long total = receivedBy(script);
            return new TxInfo(total > 0 ? List.of(new Output(script, total)) : List.of(), memo);
        }
    }

    private record Cached(TxInfo tx, int bytes)
    {
    }

    private final WalletLedger ledger;
    private final ServerLimits limits;
    private long cachedBytes;
    private final LinkedHashMap<String, Cached> txCache = new LinkedHashMap<>(256, 0.75f, true);

    /**
     * A fetcher skipping what the ledger already records.
     *
     * @param ledger the wallet ledger.
     * @param limits requests in flight, transaction size and cache bounds.
     */
    TransactionFetcher(final WalletLedger ledger, final ServerLimits limits)
    {
        this.ledger = ledger;
        this.limits = limits;
    }

    /**
     * The transactions of a history that have no ledger entry for the script, each reduced to what it pays
     * the script and its memo.
     *
     * @param connected  connection to ask.
     * @param scriptHash the script whose history it is.
     * @param script     its output script.
     * @param history    its history.
     * @return the transactions by txid.
     * @throws ElectrumException    when a request fails, a transaction is over the size bound or does not parse.
     * @throws InterruptedException when interrupted while awaiting.
     */
    Map<String, TxInfo> fetch(
        final ElectrumClient connected, final String scriptHash, final byte[] script, final List<HistoryItem> history)
        throws ElectrumException, InterruptedException
    {
        final Map<String, TxInfo> transactions = new LinkedHashMap<>();
        final List<String> needed = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        for (final HistoryItem item : history)
        {
            final String txid = item.txid();
            if (null != ledger.entry(txid, scriptHash) || !seen.add(txid))
            {
                continue;
            }
            final Cached cached = txCache.get(txid);
            if (null != cached)
            {
                transactions.put(txid, cached.tx().forScript(script));
            }
            else
            {
                needed.add(txid);
            }
        }
        final int window = limits.maxRequestsInFlight();
        if (needed.size() > window)
        {
            limits.counters().trip(LimitCounters.MAX_REQUESTS_IN_FLIGHT);
        }
        final ArrayDeque<CompletableFuture<JsonNode>> inFlight = new ArrayDeque<>(Math.min(window, needed.size()));
        int sent = 0;
        for (int i = 0; i < needed.size(); i++)
        {
            while (sent < needed.size() && sent - i < window)
            {
                inFlight.add(connected.send("blockchain.transaction.get", needed.get(sent)));
                sent++;
            }
            final String txid = needed.get(i);
            final JsonNode result = connected.await("blockchain.transaction.get", inFlight.poll());
            final int bytes = checkSize(connected.server(), txid, result);
            final TxInfo tx = parseTransaction(connected.server(), txid, result);
            cache(txid, tx, bytes);
            transactions.put(txid, tx.forScript(script));
        }
        return transactions;
    }

    /**
     * Text of an OP_RETURN output when it is printable UTF-8, the way wallets attach a message.
     *
     * @param scriptBytes output script.
     * @return the memo, or empty.
     */
    static String memo(final byte[] scriptBytes)
    {
        try
        {
            final Script script = Script.parse(scriptBytes);
            if (!ScriptPattern.isOpReturn(script))
            {
                return "";
            }
            final ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (final ScriptChunk chunk : script.chunks())
            {
                if (null != chunk.data)
                {
                    data.writeBytes(chunk.data);
                }
            }
            final CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(data.toByteArray()));
            final String text = chars.toString().strip();
            for (int i = 0; i < text.length(); i++)
            {
                if (Character.isISOControl(text.charAt(i)))
                {
                    return "";
                }
            }
            return text.length() <= MAX_MEMO_CHARS ? text : text.substring(0, MAX_MEMO_CHARS);
        }
        catch (final CharacterCodingException | RuntimeException ex)
        {
            return "";
        }
    }

    private int checkSize(final ServerAddress server, final String txid, final JsonNode result) throws ElectrumException
    {
        final long bytes = result.isTextual() ? result.asText().length() / 2 : 0;
        if (bytes > limits.maxTransactionBytes())
        {
            throw ElectrumException.limitExceeded(LimitCounters.MAX_TRANSACTION_BYTES, server + " sent transaction " +
                txid + " of " + bytes + " bytes: over the " + limits.maxTransactionBytes() +
                "-byte limit (wallet.electrum.maxTransactionBytes)");
        }
        return (int)bytes;
    }

    private void cache(final String txid, final TxInfo tx, final int bytes)
    {
        final Cached previous = txCache.put(txid, new Cached(tx, bytes));
        cachedBytes += bytes - (null == previous ? 0 : previous.bytes());
        final Iterator<Cached> eldest = txCache.values().iterator();
        while ((txCache.size() > TX_CACHE_SIZE || cachedBytes > limits.txCacheBytes()) && eldest.hasNext())
        {
            cachedBytes -= eldest.next().bytes();
            eldest.remove();
        }
    }

    private static TxInfo parseTransaction(final ServerAddress server, final String txid, final JsonNode result)
        throws ElectrumException
    {
        final Transaction tx;
        try
        {
            if (!result.isTextual())
            {
                throw new IllegalArgumentException("not a hex string");
            }
            tx = Transaction.read(ByteBuffer.wrap(HexFormat.of().parseHex(result.asText())));
        }
        catch (final RuntimeException ex)
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, server + " sent transaction " + txid +
                " that does not parse (" +
                String.valueOf(ex.getMessage()).replaceAll("\\p{Cntrl}", "?") + "): expected raw transaction hex");
        }
        if (!tx.getTxId().toString().equals(txid))
        {
            throw new ElectrumException(ElectrumException.Kind.PROTOCOL, server + " sent transaction " + tx.getTxId() +
                " when " + txid + " was asked");
        }
        final List<Output> outputs = new ArrayList<>(tx.getOutputs().size());
        String memo = "";
        for (final TransactionOutput output : tx.getOutputs())
        {
            final byte[] script = output.getScriptBytes();
            outputs.add(new Output(script, output.getValue().value));
            if (memo.isEmpty())
            {
                memo = memo(script);
            }
        }
        return new TxInfo(outputs, memo);
    }
}
