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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Fetches the transactions of a script's history that the ledger has no entry for, requesting them all
 * before awaiting any, and keeps the parsed ones (outputs and memo) in a bounded least-recently-used cache
 * so a script reconciled again, or another script paid by the same transaction, needs no new request.
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
    }

    private final WalletLedger ledger;
    private final Map<String, TxInfo> txCache = new LinkedHashMap<>(256, 0.75f, true)
    {
        private static final long serialVersionUID = 1L;

        protected boolean removeEldestEntry(final Map.Entry<String, TxInfo> eldest)
        {
            return size() > TX_CACHE_SIZE;
        }
    };

    /**
     * A fetcher skipping what the ledger already records.
     *
     * @param ledger the wallet ledger.
     */
    TransactionFetcher(final WalletLedger ledger)
    {
        this.ledger = ledger;
    }

    /**
     * The transactions of a history that have no ledger entry for the script.
     *
     * @param connected  connection to ask.
     * @param scriptHash the script whose history it is.
     * @param history    its history.
     * @return the transactions by txid.
     * @throws ElectrumException    when a request fails or a transaction does not parse.
     * @throws InterruptedException when interrupted while awaiting.
     */
    Map<String, TxInfo> fetch(final ElectrumClient connected, final String scriptHash, final List<HistoryItem> history)
        throws ElectrumException, InterruptedException
    {
        final Map<String, TxInfo> transactions = new LinkedHashMap<>();
        final List<String> needed = new ArrayList<>();
        for (final HistoryItem item : history)
        {
            final String txid = item.txid();
            if (null != ledger.entry(txid, scriptHash) || transactions.containsKey(txid) || needed.contains(txid))
            {
                continue;
            }
            final TxInfo cached = txCache.get(txid);
            if (null != cached)
            {
                transactions.put(txid, cached);
            }
            else
            {
                needed.add(txid);
            }
        }
        final List<CompletableFuture<JsonNode>> futures = new ArrayList<>(needed.size());
        for (final String txid : needed)
        {
            futures.add(connected.send("blockchain.transaction.get", txid));
        }
        for (int i = 0; i < needed.size(); i++)
        {
            final String txid = needed.get(i);
            final JsonNode result = connected.await("blockchain.transaction.get", futures.get(i));
            final TxInfo tx = parseTransaction(connected.server(), txid, result);
            txCache.put(txid, tx);
            transactions.put(txid, tx);
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
