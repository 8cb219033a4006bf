package dev.commandcenter.transport.electrum;

/**
 * One script the wallet watches: its address, locking script and Electrum script hash, and where
 * it came from (a configured address, or an extended key's chain and index).
 *
 * @param address      canonical address string.
 * @param scriptPubKey locking script bytes (not to be modified).
 * @param scriptHash   Electrum script hash, hex.
 * @param keyIndex     position of the extended key in the configuration, or -1 for a configured address.
 * @param chain        0 for receive, 1 for change, -1 for a configured address.
 * @param index        child index on the chain, -1 for a configured address.
 */
public record WatchedScript(String address, byte[] scriptPubKey, String scriptHash, int keyIndex, int chain, int index)
{
    /**
     * Whether this script was derived from an extended key.
     *
     * @return true for xpub-derived scripts.
     */
    public boolean derived()
    {
        return keyIndex >= 0;
    }

    /**
     * Human-readable origin.
     *
     * @return the address with its derivation, if any.
     */
    public String toString()
    {
        return derived() ? address + " (key " + keyIndex + " " + chain + "/" + index + ")" : address;
    }
}
