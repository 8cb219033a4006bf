package dev.commandcenter.transport.electrum;

import org.bitcoinj.base.Base58;
import org.bitcoinj.base.exceptions.AddressFormatException;
import org.bitcoinj.crypto.ChildNumber;
import org.bitcoinj.crypto.DeterministicKey;
import org.bitcoinj.crypto.HDKeyDerivation;
import org.bitcoinj.script.Script;
import org.bitcoinj.script.ScriptBuilder;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * A configured extended public key (BIP32) and the kind of script its addresses use, from its
 * version bytes (SLIP-132): xpub/tpub for P2PKH, ypub/upub for P2SH-wrapped P2WPKH, zpub/vpub for
 * native P2WPKH. A prefix such as {@code p2wpkh:} overrides the kind for wallets that export every
 * account as xpub.
 */
public final class ExtendedKey
{
    /**
     * The script kind of addresses derived from a key.
     */
    public enum Kind
    {
        /** Pay to public key hash (1…, m…/n…). */
        P2PKH("p2pkh"),
        /** P2WPKH nested in P2SH (3…, 2…). */
        P2SH_P2WPKH("p2sh-p2wpkh"),
        /** Native segwit v0 P2WPKH (bc1q…, tb1q…, bcrt1q…). */
        P2WPKH("p2wpkh");

        private final String id;

        Kind(final String id)
        {
            this.id = id;
        }

        /**
         * The prefix form.
         *
         * @return such as {@code p2wpkh}.
         */
        public String id()
        {
            return id;
        }
    }

    private static final int XPUB = 0x0488B21E;
    private static final int YPUB = 0x049D7CB2;
    private static final int ZPUB = 0x04B24746;
    private static final int TPUB = 0x043587CF;
    private static final int UPUB = 0x044A5262;
    private static final int VPUB = 0x045F1CF6;
    private static final int[] PRIVATE_VERSIONS = { 0x0488ADE4, 0x049D7878, 0x04B2430C, 0x04358394, 0x044A4E28, 0x045F18BC };
    private static final int SERIALIZED_LENGTH = 78;

    private final String text;
    private final DeterministicKey key;
    private final Kind kind;
    private final WalletNetwork network;

    private ExtendedKey(final String text, final DeterministicKey key, final Kind kind, final WalletNetwork network)
    {
        this.text = text;
        this.key = key;
        this.kind = kind;
        this.network = network;
    }

    /**
     * Parse a configured key.
     *
     * @param value   such as {@code zpub6r…} or {@code p2pkh:tpubD…}.
     * @param network the wallet's network.
     * @return the key.
     * @throws IllegalArgumentException naming the value and what was expected.
     */
    public static ExtendedKey parse(final String value, final WalletNetwork network)
    {
        final String expected = network.isMainnet() ? "expected an xpub, ypub or zpub key for mainnet" :
            "expected a tpub, upub or vpub key for " + network.id();
        if (null == value || value.isBlank())
        {
            throw new IllegalArgumentException("wallet.watch.xpubs: empty key: " + expected);
        }
        String text = value.trim();
        Kind override = null;
        final int colon = text.indexOf(':');
        if (colon > 0)
        {
            final String prefix = text.substring(0, colon).toLowerCase(Locale.ROOT);
            for (final Kind kind : Kind.values())
            {
                if (kind.id().equals(prefix))
                {
                    override = kind;
                }
            }
            if (null == override)
            {
                throw new IllegalArgumentException("wallet.watch.xpubs: '" + abbreviate(value) + "' has prefix '" + WatchList.oneLine(prefix) +
                    "': expected p2pkh:, p2sh-p2wpkh: or p2wpkh: before the key, or none");
            }
            text = text.substring(colon + 1).trim();
        }
        final byte[] bytes;
        try
        {
            bytes = Base58.decodeChecked(text);
        }
        catch (final AddressFormatException ex)
        {
            throw new IllegalArgumentException("wallet.watch.xpubs: '" + abbreviate(value) + "' is not a valid extended key (" +
                WatchList.oneLine(String.valueOf(ex.getMessage())) + "): " + expected);
        }
        if (bytes.length != SERIALIZED_LENGTH)
        {
            throw new IllegalArgumentException("wallet.watch.xpubs: '" + abbreviate(value) + "' decodes to " + bytes.length +
                " bytes, not the 78 of an extended key: " + expected);
        }
        final int version = ByteBuffer.wrap(bytes).getInt();
        for (final int privateVersion : PRIVATE_VERSIONS)
        {
            if (version == privateVersion)
            {
                throw new IllegalArgumentException("wallet.watch.xpubs: '" + abbreviate(value) +
                    "' is a PRIVATE extended key: never configure it; " + expected);
            }
        }
        final Kind kind = kindOf(version);
        if (null == kind)
        {
            throw new IllegalArgumentException("wallet.watch.xpubs: '" + abbreviate(value) +
                "' has unknown version bytes 0x" + Integer.toHexString(version) + ": " + expected);
        }
        final boolean mainnetKey = version == XPUB || version == YPUB || version == ZPUB;
        if (mainnetKey != network.isMainnet())
        {
            throw new IllegalArgumentException("wallet.watch.xpubs: '" + abbreviate(value) + "' is a " +
                (mainnetKey ? "mainnet" : "test-network") + " key: " + expected);
        }
        // bitcoinj reads the P2PKH header of each network; the script kind is kept apart.
        ByteBuffer.wrap(bytes).putInt(mainnetKey ? XPUB : TPUB);
        final DeterministicKey key;
        try
        {
            key = DeterministicKey.deserialize(network.bitcoinNetwork(), bytes);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException("wallet.watch.xpubs: '" + abbreviate(value) + "' is not a valid extended key (" +
                WatchList.oneLine(String.valueOf(ex.getMessage())) + "): " + expected);
        }
        return new ExtendedKey(value.trim(), key, null == override ? kind : override, network);
    }

    private static Kind kindOf(final int version)
    {
        return switch (version)
        {
            case XPUB, TPUB -> Kind.P2PKH;
            case YPUB, UPUB -> Kind.P2SH_P2WPKH;
            case ZPUB, VPUB -> Kind.P2WPKH;
            default -> null;
        };
    }

    /**
     * The key as configured.
     *
     * @return the configured text.
     */
    public String text()
    {
        return text;
    }

    /**
     * The kind of script derived addresses use.
     *
     * @return the kind.
     */
    public Kind kind()
    {
        return kind;
    }

    /**
     * The bitcoinj key.
     *
     * @return the public deterministic key.
     */
    public DeterministicKey key()
    {
        return key;
    }

    /**
     * Derive the public key of a chain's child.
     *
     * @param chainKey key of the chain (from {@link #chainKey(int)}).
     * @param index    child index, non-hardened.
     * @return the child key.
     */
    public static DeterministicKey child(final DeterministicKey chainKey, final int index)
    {
        return HDKeyDerivation.deriveChildKey(chainKey, new ChildNumber(index, false));
    }

    /**
     * Key of a chain below this account key: 0 for receive, 1 for change.
     *
     * @param chain 0 or 1.
     * @return the chain key.
     */
    public DeterministicKey chainKey(final int chain)
    {
        return HDKeyDerivation.deriveChildKey(key, new ChildNumber(chain, false));
    }

    /**
     * The locking script paying to a derived key.
     *
     * @param child derived key.
     * @return the scriptPubKey.
     */
    public Script outputScript(final DeterministicKey child)
    {
        return switch (kind)
        {
            case P2PKH -> ScriptBuilder.createP2PKHOutputScript(child);
            case P2WPKH -> ScriptBuilder.createP2WPKHOutputScript(child);
            case P2SH_P2WPKH -> ScriptBuilder.createP2SHOutputScript(ScriptBuilder.createP2WPKHOutputScript(child));
        };
    }

    /**
     * The address paying to a derived key.
     *
     * @param child derived key.
     * @return the address string.
     */
    public String address(final DeterministicKey child)
    {
        return outputScript(child).getToAddress(network.bitcoinNetwork()).toString();
    }

    private static String abbreviate(final String value)
    {
        final String trimmed = WatchList.oneLine(value.trim());
        return trimmed.length() <= 24 ? trimmed : trimmed.substring(0, 12) + "…" + trimmed.substring(trimmed.length() - 8);
    }
}
