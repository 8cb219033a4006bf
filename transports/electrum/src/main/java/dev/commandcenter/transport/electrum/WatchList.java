package dev.commandcenter.transport.electrum;

import org.bitcoinj.base.Address;
import org.bitcoinj.base.AddressParser;
import org.bitcoinj.base.exceptions.AddressFormatException;
import org.bitcoinj.crypto.DeterministicKey;
import org.bitcoinj.script.ScriptBuilder;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scripts a wallet watches: configured addresses of any standard type, and addresses derived
 * from extended public keys on the receive (0) and change (1) chains, always {@code gapLimit}
 * addresses past the last used one on each chain.
 * <p>
 * Every used index is recorded, below the highest too, so the tip page can give out the lowest unused address of a
 * chain ({@link #isUsed}, {@link #highestUsed}, {@link #address}).
 * <p>
 * <b>Note:</b> thread safe: the wallet source's thread marks scripts used and derives more; any thread may look
 * scripts up and ask which indexes are used (one lock guards the derivation state; look-ups by hash or address do
 * not take it).
 */
public final class WatchList
{
    /** Default number of unused addresses watched past the last used one on each chain. */
    public static final int GAP_LIMIT_DEFAULT = 20;

    private final WalletNetwork network;
    private final int gapLimit;
    private final List<KeyChains> keys = new ArrayList<>();
    private final Map<String, WatchedScript> byScriptHash = new LinkedHashMap<>();
    private final Map<String, WatchedScript> byAddress = new ConcurrentHashMap<>();
    private final Map<String, WatchedScript> byScriptHashConcurrent = new ConcurrentHashMap<>();
    private final Map<Long, String> derivedAddresses = new ConcurrentHashMap<>();

    private static final class KeyChains
    {
        final ExtendedKey key;
        final DeterministicKey[] chainKeys = new DeterministicKey[2];
        final int[] derived = new int[2];
        final int[] highestUsed = { -1, -1 };
        final BitSet[] used = { new BitSet(), new BitSet() };

        KeyChains(final ExtendedKey key)
        {
            this.key = key;
            chainKeys[0] = key.chainKey(0);
            chainKeys[1] = key.chainKey(1);
        }
    }

    private WatchList(final WalletNetwork network, final int gapLimit)
    {
        this.network = network;
        this.gapLimit = gapLimit;
    }

    /**
     * Build a watch list from configuration, validating every value.
     *
     * @param network   the wallet's network.
     * @param addresses addresses to watch.
     * @param xpubs     extended public keys to watch.
     * @param gapLimit  unused addresses watched past the last used one, 1 or more.
     * @return the watch list.
     * @throws IllegalArgumentException naming the first wrong value and what was expected.
     */
    public static WatchList create(
        final WalletNetwork network, final Collection<String> addresses, final Collection<String> xpubs, final int gapLimit)
    {
        if (gapLimit < 1 || gapLimit > 10_000)
        {
            throw new IllegalArgumentException("wallet.gapLimit: expected 1 to 10000, got " + gapLimit);
        }
        final WatchList list = new WatchList(network, gapLimit);
        for (final String address : addresses)
        {
            list.add(parseAddress(address, network));
        }
        for (final String xpub : xpubs)
        {
            final KeyChains chains = new KeyChains(ExtendedKey.parse(xpub, network));
            final int keyIndex = list.keys.size();
            list.keys.add(chains);
            for (int chain = 0; chain < 2; chain++)
            {
                list.deriveUpTo(keyIndex, chain, gapLimit);
            }
        }
        return list;
    }

    /**
     * Parse and validate one address for a network.
     *
     * @param address such as {@code bc1q…}.
     * @param network the wallet's network.
     * @return the watched script of the address.
     * @throws IllegalArgumentException naming the value and what was expected.
     */
    public static WatchedScript parseAddress(final String address, final WalletNetwork network)
    {
        final Address parsed = parse(address, network, "wallet.watch.addresses");
        final byte[] script = ScriptBuilder.createOutputScript(parsed).program();
        return new WatchedScript(parsed.toString(), script, ScriptHashes.scriptHash(script), -1, -1, -1);
    }

    /**
     * Parse an address for a network with bitcoinj, naming the network it belongs to when it is another.
     *
     * @param address text.
     * @param network expected network.
     * @param key     configuration key for the message.
     * @return the address.
     */
    static Address parse(final String address, final WalletNetwork network, final String key)
    {
        final String expected = "expected a " + network.id() + " address (" + network.forms() + ")";
        if (null == address || address.isBlank())
        {
            throw new IllegalArgumentException(key + ": empty address: " + expected);
        }
        final String text = address.trim();
        try
        {
            return AddressParser.getDefault(network.bitcoinNetwork()).parseAddress(text);
        }
        catch (final AddressFormatException ex)
        {
            for (final WalletNetwork other : WalletNetwork.values())
            {
                if (other != network)
                {
                    try
                    {
                        AddressParser.getDefault(other.bitcoinNetwork()).parseAddress(text);
                        throw new IllegalArgumentException(oneLine(key + ": '" + text + "' is a " + other.id() + " address: " +
                            expected));
                    }
                    catch (final AddressFormatException ignore)
                    {
                        // not that one either
                    }
                }
            }
            throw new IllegalArgumentException(oneLine(key + ": '" + text + "' is not a valid Bitcoin address (" +
                ex.getMessage() + "): " + expected));
        }
    }

    /**
     * A message quoting configured text, control characters (line breaks inside the value) shown as '?' so it stays
     * one line.
     */
    static String oneLine(final String message)
    {
        return message.replaceAll("\\p{Cntrl}", "?");
    }

    /**
     * The network of this watch list.
     *
     * @return the network.
     */
    public WalletNetwork network()
    {
        return network;
    }

    /**
     * Gap limit in force.
     *
     * @return unused addresses watched past the last used one.
     */
    public int gapLimit()
    {
        return gapLimit;
    }

    /**
     * Every watched script, configured addresses first, then derived ones in derivation order.
     *
     * @return a copy of the list.
     */
    public synchronized List<WatchedScript> scripts()
    {
        return new ArrayList<>(byScriptHash.values());
    }

    /**
     * Number of watched scripts.
     *
     * @return the count.
     */
    public int size()
    {
        return byScriptHashConcurrent.size();
    }

    /**
     * Find a watched script by its Electrum script hash.
     *
     * @param scriptHash hex.
     * @return the script, or null.
     */
    public WatchedScript byScriptHash(final String scriptHash)
    {
        return byScriptHashConcurrent.get(scriptHash);
    }

    /**
     * Find a watched script by address (any case for bech32).
     *
     * @param address text.
     * @return the script, or null when not watched or not an address of this network.
     */
    public WatchedScript byAddress(final String address)
    {
        try
        {
            return byAddress.get(parse(address, network, "address").toString());
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    /**
     * Record that a derived script has history, deriving further addresses so that {@code gapLimit}
     * unused ones follow it on its chain. Every used index is recorded, below the highest used one too.
     *
     * @param script that was used.
     * @return scripts newly added to the watch list (empty for configured addresses).
     */
    public synchronized List<WatchedScript> markUsed(final WatchedScript script)
    {
        if (!script.derived())
        {
            return List.of();
        }
        final KeyChains chains = keys.get(script.keyIndex());
        final int chain = script.chain();
        chains.used[chain].set(script.index());
        if (script.index() <= chains.highestUsed[chain])
        {
            return List.of();
        }
        chains.highestUsed[chain] = script.index();
        return deriveUpTo(script.keyIndex(), chain, script.index() + 1 + gapLimit);
    }

    /**
     * Number of extended keys watched, in configuration order ({@code wallet.watch.xpubs}).
     *
     * @return the count.
     */
    public int keyCount()
    {
        return keys.size();
    }

    /**
     * Whether a derived index is known to have history (marked used since start).
     *
     * @param keyIndex position of the extended key.
     * @param chain    0 for receive, 1 for change.
     * @param index    child index.
     * @return true when used.
     * @throws IllegalArgumentException for a key or chain that does not exist.
     */
    public synchronized boolean isUsed(final int keyIndex, final int chain, final int index)
    {
        return index >= 0 && chains(keyIndex, chain).used[chain].get(index);
    }

    /**
     * The highest index of a chain known to have history.
     *
     * @param keyIndex position of the extended key.
     * @param chain    0 for receive, 1 for change.
     * @return the index, or -1 when none is used.
     * @throws IllegalArgumentException for a key or chain that does not exist.
     */
    public synchronized int highestUsed(final int keyIndex, final int chain)
    {
        return chains(keyIndex, chain).highestUsed[chain];
    }

    /**
     * The address of a derived index, watched or not yet (derived on demand and remembered).
     *
     * @param keyIndex position of the extended key.
     * @param chain    0 for receive, 1 for change.
     * @param index    child index, 0 or more.
     * @return the address.
     * @throws IllegalArgumentException for a key, chain or index that does not exist.
     */
    public String address(final int keyIndex, final int chain, final int index)
    {
        if (index < 0)
        {
            throw new IllegalArgumentException("index: expected 0 or more, got " + index);
        }
        final Long key = ((long)keyIndex << 33) | ((long)chain << 32) | index;
        final String cached = derivedAddresses.get(key);
        if (null != cached)
        {
            return cached;
        }
        final String address;
        synchronized (this)
        {
            final KeyChains chains = chains(keyIndex, chain);
            address = chains.key.address(ExtendedKey.child(chains.chainKeys[chain], index));
        }
        derivedAddresses.put(key, address);
        return address;
    }

    private KeyChains chains(final int keyIndex, final int chain)
    {
        if (keyIndex < 0 || keyIndex >= keys.size())
        {
            throw new IllegalArgumentException("key index " + keyIndex + ": expected 0 to " + (keys.size() - 1) +
                " (the keys of wallet.watch.xpubs)");
        }
        if (chain != 0 && chain != 1)
        {
            throw new IllegalArgumentException("chain " + chain + ": expected 0 (receive) or 1 (change)");
        }
        return keys.get(keyIndex);
    }

    private List<WatchedScript> deriveUpTo(final int keyIndex, final int chain, final int count)
    {
        final KeyChains chains = keys.get(keyIndex);
        final List<WatchedScript> added = new ArrayList<>();
        while (chains.derived[chain] < count)
        {
            final int index = chains.derived[chain]++;
            final DeterministicKey child = ExtendedKey.child(chains.chainKeys[chain], index);
            final byte[] script = chains.key.outputScript(child).program();
            final WatchedScript watched = new WatchedScript(chains.key.address(child), script,
                ScriptHashes.scriptHash(script), keyIndex, chain, index);
            derivedAddresses.put(((long)keyIndex << 33) | ((long)chain << 32) | index, watched.address());
            if (add(watched))
            {
                added.add(watched);
            }
        }
        return added;
    }

    private boolean add(final WatchedScript script)
    {
        if (byScriptHash.containsKey(script.scriptHash()))
        {
            return false;
        }
        byScriptHash.put(script.scriptHash(), script);
        byScriptHashConcurrent.put(script.scriptHash(), script);
        byAddress.put(script.address(), script);
        return true;
    }
}
