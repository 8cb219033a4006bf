package dev.commandcenter.transport.electrum;

import dev.commandcenter.transport.electrum.client.HistoryItem;
import org.bitcoinj.base.Sha256Hash;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The two hashes of the Electrum protocol: the script hash that names a watched script (sha256 of
 * the scriptPubKey, byte-reversed, hex) and the status hash of a script's history.
 */
public final class ScriptHashes
{
    private ScriptHashes()
    {
    }

    /**
     * Electrum script hash of a scriptPubKey.
     *
     * @param scriptPubKey locking script bytes.
     * @return 64 hex digits, in the byte order the server expects.
     */
    public static String scriptHash(final byte[] scriptPubKey)
    {
        return HexFormat.of().formatHex(Sha256Hash.of(scriptPubKey).serialize());
    }

    /**
     * Status of a script's history as the protocol defines it: sha256 of the concatenation of
     * {@code "tx_hash:height:"} for each item, in history order (confirmed by height and position,
     * then mempool), as hex; null for an empty history.
     *
     * @param history as returned by {@code blockchain.scripthash.get_history}.
     * @return the status hash, or null when there is no history.
     */
    public static String status(final List<HistoryItem> history)
    {
        if (history.isEmpty())
        {
            return null;
        }
        final StringBuilder builder = new StringBuilder(history.size() * 72);
        for (final HistoryItem item : history)
        {
            builder.append(item.txid()).append(':').append(item.height()).append(':');
        }
        return HexFormat.of().formatHex(Sha256Hash.hash(builder.toString().getBytes(StandardCharsets.US_ASCII)));
    }
}
