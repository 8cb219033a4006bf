package dev.commandcenter.transport.electrum;

import org.bitcoinj.base.BitcoinNetwork;

import java.util.Locale;

/**
 * The Bitcoin network a wallet watches; addresses and extended keys must belong to it.
 */
public enum WalletNetwork
{
    /** Bitcoin main network. */
    MAINNET(BitcoinNetwork.MAINNET, "bc1…, 1…, 3… addresses and xpub/ypub/zpub keys"),
    /** Testnet (3 or 4): tb1…, m…/n…, 2… addresses and tpub/upub/vpub keys. */
    TESTNET(BitcoinNetwork.TESTNET, "tb1…, m…, n…, 2… addresses and tpub/upub/vpub keys"),
    /** Signet: same address forms as testnet. */
    SIGNET(BitcoinNetwork.SIGNET, "tb1…, m…, n…, 2… addresses and tpub/upub/vpub keys"),
    /** Regtest: bcrt1… and m…/n…, 2… addresses and tpub/upub/vpub keys. */
    REGTEST(BitcoinNetwork.REGTEST, "bcrt1…, m…, n…, 2… addresses and tpub/upub/vpub keys");

    private final BitcoinNetwork bitcoinNetwork;
    private final String forms;

    WalletNetwork(final BitcoinNetwork bitcoinNetwork, final String forms)
    {
        this.bitcoinNetwork = bitcoinNetwork;
        this.forms = forms;
    }

    /**
     * Parse the configured name.
     *
     * @param name mainnet, testnet, signet or regtest (case-insensitive).
     * @return the network.
     * @throws IllegalArgumentException naming the value and the accepted names.
     */
    public static WalletNetwork parse(final String name)
    {
        if (null != name)
        {
            final String key = name.trim().toLowerCase(Locale.ROOT);
            for (final WalletNetwork network : values())
            {
                if (network.id().equals(key))
                {
                    return network;
                }
            }
        }
        throw new IllegalArgumentException("wallet.network: '" + name + "' is not a network: expected mainnet, testnet, signet or regtest");
    }

    /**
     * The configuration name.
     *
     * @return mainnet, testnet, signet or regtest.
     */
    public String id()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The bitcoinj network.
     *
     * @return the network.
     */
    public BitcoinNetwork bitcoinNetwork()
    {
        return bitcoinNetwork;
    }

    /**
     * Whether extended keys use the main-network version bytes (xpub/ypub/zpub).
     *
     * @return true for mainnet.
     */
    public boolean isMainnet()
    {
        return this == MAINNET;
    }

    /**
     * The address and key forms of this network, for error messages.
     *
     * @return a short description.
     */
    public String forms()
    {
        return forms;
    }
}
