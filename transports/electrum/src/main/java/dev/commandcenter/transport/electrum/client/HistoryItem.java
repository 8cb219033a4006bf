package dev.commandcenter.transport.electrum.client;

/**
 * One entry of {@code blockchain.scripthash.get_history}: a transaction touching a script, with the
 * height of its block, or 0 (all inputs confirmed) or -1 (an unconfirmed input) while in the mempool.
 *
 * @param txid   transaction hash in display hex.
 * @param height block height, or 0 / -1 for mempool transactions.
 */
public record HistoryItem(String txid, int height)
{
    /**
     * Whether the transaction is in a block.
     *
     * @return true when height is positive.
     */
    public boolean confirmed()
    {
        return height > 0;
    }
}
