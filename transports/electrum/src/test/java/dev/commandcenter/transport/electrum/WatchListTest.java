package dev.commandcenter.transport.electrum;

import org.bitcoinj.base.Base58;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.SegwitAddress;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.crypto.ChildNumber;
import org.bitcoinj.crypto.DeterministicKey;
import org.bitcoinj.crypto.HDKeyDerivation;
import org.bitcoinj.crypto.MnemonicCode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WatchListTest
{
    private static final String BIP39_TEST_MNEMONIC =
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    @Test
    void shouldParseEveryStandardAddressTypeOnMainnet()
    {
        assertType("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", WalletNetwork.MAINNET, "76a914");
        assertType("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", WalletNetwork.MAINNET, "a914");
        assertType("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", WalletNetwork.MAINNET, "0014751e76e8199196d454941c45d1b3a323f1433bd6");
        assertType("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", WalletNetwork.MAINNET,
            "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262");
        assertType("bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr", WalletNetwork.MAINNET,
            "5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c");
    }

    @Test
    void shouldParseEveryStandardAddressTypeOnTestNetworks()
    {
        final byte[] program32 = new byte[32];
        Arrays.fill(program32, (byte)7);
        for (final WalletNetwork network : List.of(WalletNetwork.TESTNET, WalletNetwork.SIGNET, WalletNetwork.REGTEST))
        {
            assertType("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", network, "76a914");
            assertType("2MzQwSSnBHWHqSAqtTVQ6v47XtaisrJa1Vc", network, "a914");
            final BitcoinNetwork bitcoin = network.bitcoinNetwork();
            final String p2wpkh = SegwitAddress.fromProgram(bitcoin, 0, Arrays.copyOf(program32, 20)).toString();
            final String p2wsh = SegwitAddress.fromProgram(bitcoin, 0, program32).toString();
            final String p2tr = SegwitAddress.fromProgram(bitcoin, 1, program32).toString();
            assertThat(p2wpkh).startsWith(network == WalletNetwork.REGTEST ? "bcrt1q" : "tb1q");
            assertType(p2wpkh, network, "0014");
            assertType(p2wsh, network, "0020");
            assertType(p2tr, network, "5120");
        }
        assertType("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7", WalletNetwork.TESTNET,
            "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262");
    }

    @Test
    void shouldRejectAnAddressOfAnotherNetworkNamingItsNetwork()
    {
        assertThatThrownBy(() -> WatchList.parseAddress("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", WalletNetwork.REGTEST))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("wallet.watch.addresses: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa' is a mainnet address: " +
                "expected a regtest address (bcrt1…, m…, n…, 2… addresses and tpub/upub/vpub keys)");
        assertThatThrownBy(() -> WatchList.parseAddress("tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
            WalletNetwork.MAINNET))
            .hasMessageContaining("is a testnet address: expected a mainnet address");
        assertThatThrownBy(() -> WatchList.parseAddress("bcrt1qn7d2x7272lznt5hhk9s07q3cqnrqljnwladrd3", WalletNetwork.SIGNET))
            .hasMessageContaining("is a regtest address: expected a signet address");
    }

    @Test
    void shouldRejectAMalformedAddressInOneLine()
    {
        assertThatThrownBy(() -> WatchList.parseAddress("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", WalletNetwork.MAINNET))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("wallet.watch.addresses: '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb' is not a valid Bitcoin address")
            .hasMessageEndingWith("expected a mainnet address (bc1…, 1…, 3… addresses and xpub/ypub/zpub keys)")
            .satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> WatchList.parseAddress("", WalletNetwork.MAINNET)).hasMessageContaining("empty address");
    }

    @Test
    void shouldDeriveTheBip32TestVector1Chain()
    {
        final DeterministicKey master = HDKeyDerivation.createMasterPrivateKey(
            HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"));
        final DeterministicKey m0h = HDKeyDerivation.deriveChildKey(master, new ChildNumber(0, true));
        final DeterministicKey m0h1 = HDKeyDerivation.deriveChildKey(m0h, new ChildNumber(1, false));
        final DeterministicKey m0h12h = HDKeyDerivation.deriveChildKey(m0h1, new ChildNumber(2, true));
        final DeterministicKey m0h12h2 = HDKeyDerivation.deriveChildKey(m0h12h, new ChildNumber(2, false));
        final DeterministicKey last = HDKeyDerivation.deriveChildKey(m0h12h2, new ChildNumber(1_000_000_000, false));

        assertThat(master.serializePubB58(BitcoinNetwork.MAINNET)).isEqualTo(
            "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8");
        assertThat(m0h.serializePubB58(BitcoinNetwork.MAINNET)).isEqualTo(
            "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw");
        assertThat(m0h1.serializePubB58(BitcoinNetwork.MAINNET)).isEqualTo(
            "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ");
        assertThat(m0h12h.serializePubB58(BitcoinNetwork.MAINNET)).isEqualTo(
            "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5");
        assertThat(m0h12h2.serializePubB58(BitcoinNetwork.MAINNET)).isEqualTo(
            "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV");
        assertThat(last.serializePubB58(BitcoinNetwork.MAINNET)).isEqualTo(
            "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy");
    }

    @Test
    void shouldDeriveNonHardenedChildrenFromAParsedBip32VectorXpub()
    {
        final ExtendedKey m0h = ExtendedKey.parse(
            "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw",
            WalletNetwork.MAINNET);
        final ExtendedKey m0h12h = ExtendedKey.parse(
            "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5",
            WalletNetwork.MAINNET);

        assertThat(m0h.kind()).isEqualTo(ExtendedKey.Kind.P2PKH);
        assertThat(m0h.chainKey(1).serializePubB58(BitcoinNetwork.MAINNET)).isEqualTo(
            "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ");
        assertThat(m0h12h.chainKey(2).serializePubB58(BitcoinNetwork.MAINNET)).isEqualTo(
            "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV");
    }

    @Test
    void shouldDeriveBip84AndBip49VectorAddressesFromZpubAndUpub()
    {
        final String zpub =
            "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs";
        final WatchList list = WatchList.create(WalletNetwork.MAINNET, List.of(), List.of(zpub), 20);

        assertThat(zpub).isEqualTo(accountKey(84, 0, 0x04B24746));
        assertThat(list.scripts()).hasSize(40);
        assertThat(list.scripts().get(0).address()).isEqualTo("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu");
        assertThat(list.scripts().get(1).address()).isEqualTo("bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g");
        assertThat(list.scripts().get(20).address()).isEqualTo("bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el");

        final String upub =
            "upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknFHYfgY";
        assertThat(upub).isEqualTo(accountKey(49, 1, 0x044A5262));
        final WatchList testnet = WatchList.create(WalletNetwork.TESTNET, List.of(), List.of(upub), 5);
        assertThat(testnet.scripts().get(0).address()).isEqualTo("2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2");
        assertThat(ExtendedKey.parse(upub, WalletNetwork.TESTNET).kind()).isEqualTo(ExtendedKey.Kind.P2SH_P2WPKH);
    }

    @Test
    void shouldParseEveryExtendedKeyPrefixAndHonourAKindOverride()
    {
        final DeterministicKey account = HDKeyDerivation.createMasterPrivateKey(new byte[32]).dropPrivateBytes().dropParent();
        final byte[] raw = Base58.decodeChecked(account.serializePubB58(BitcoinNetwork.MAINNET));
        final int[] versions = { 0x0488B21E, 0x049D7CB2, 0x04B24746, 0x043587CF, 0x044A5262, 0x045F1CF6 };
        final String[] prefixes = { "xpub", "ypub", "zpub", "tpub", "upub", "vpub" };
        final ExtendedKey.Kind[] kinds = {
            ExtendedKey.Kind.P2PKH, ExtendedKey.Kind.P2SH_P2WPKH, ExtendedKey.Kind.P2WPKH,
            ExtendedKey.Kind.P2PKH, ExtendedKey.Kind.P2SH_P2WPKH, ExtendedKey.Kind.P2WPKH };
        for (int i = 0; i < versions.length; i++)
        {
            final String text = withVersion(raw, versions[i]);
            assertThat(text).startsWith(prefixes[i]);
            final WalletNetwork network = i < 3 ? WalletNetwork.MAINNET : WalletNetwork.REGTEST;
            assertThat(ExtendedKey.parse(text, network).kind()).isEqualTo(kinds[i]);
            final String first = WatchList.create(network, List.of(), List.of(text), 1).scripts().getFirst().address();
            assertThat(first).matches(switch (kinds[i])
            {
                case P2PKH -> i < 3 ? "1.*" : "[mn].*";
                case P2SH_P2WPKH -> i < 3 ? "3.*" : "2.*";
                case P2WPKH -> i < 3 ? "bc1q.*" : "bcrt1q.*";
            });
        }
        final String xpub = withVersion(raw, versions[0]);
        assertThat(ExtendedKey.parse("p2wpkh:" + xpub, WalletNetwork.MAINNET).kind()).isEqualTo(ExtendedKey.Kind.P2WPKH);
        assertThat(WatchList.create(WalletNetwork.MAINNET, List.of(), List.of("p2sh-p2wpkh:" + xpub), 1)
            .scripts().getFirst().address()).startsWith("3");
    }

    @Test
    void shouldRejectWrongNetworkPrivateAndMalformedKeysInOneLine()
    {
        final String xpub =
            "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8";
        assertThatThrownBy(() -> ExtendedKey.parse(xpub, WalletNetwork.REGTEST))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("wallet.watch.xpubs: 'xpub661MyMwA…1EGMcet8' is a mainnet key: expected a tpub, upub or vpub key for regtest");
        final String xprv =
            "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";
        assertThatThrownBy(() -> ExtendedKey.parse(xprv, WalletNetwork.MAINNET))
            .hasMessageContaining("is a PRIVATE extended key: never configure it");
        assertThatThrownBy(() -> ExtendedKey.parse(xpub.substring(0, xpub.length() - 1) + "9", WalletNetwork.MAINNET))
            .hasMessageContaining("is not a valid extended key")
            .hasMessageEndingWith("expected an xpub, ypub or zpub key for mainnet");
        assertThatThrownBy(() -> ExtendedKey.parse("p2tr:" + xpub, WalletNetwork.MAINNET))
            .hasMessageContaining("has prefix 'p2tr'");
        assertThatThrownBy(() -> WatchList.create(WalletNetwork.MAINNET, List.of(), List.of(xpub), 0))
            .hasMessage("wallet.gapLimit: expected 1 to 10000, got 0");
    }

    @Test
    void shouldKeepGapLimitUnusedAddressesPastTheLastUsedOnEachChain()
    {
        final DeterministicKey account = HDKeyDerivation.createMasterPrivateKey(new byte[32]).dropPrivateBytes().dropParent();
        final WatchList list = WatchList.create(WalletNetwork.REGTEST, List.of("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn"),
            List.of(account.serializePubB58(BitcoinNetwork.REGTEST)), 20);
        assertThat(list.size()).isEqualTo(41);

        final WatchedScript receive5 = list.scripts().stream().filter((s) -> s.chain() == 0 && s.index() == 5).findFirst().orElseThrow();
        final List<WatchedScript> added = list.markUsed(receive5);
        assertThat(added).extracting(WatchedScript::index).containsExactly(20, 21, 22, 23, 24, 25);
        assertThat(added).allMatch((s) -> s.chain() == 0);
        assertThat(list.markUsed(receive5)).isEmpty();

        final WatchedScript receive25 = added.getLast();
        assertThat(list.markUsed(receive25)).hasSize(20);
        assertThat(list.markUsed(list.scripts().getFirst())).isEmpty();
        assertThat(list.byAddress(receive25.address())).isEqualTo(receive25);
        assertThat(list.byScriptHash(receive25.scriptHash())).isEqualTo(receive25);
        assertThat(list.size()).isEqualTo(41 + 6 + 20);
    }

    private static void assertType(final String address, final WalletNetwork network, final String scriptPrefix)
    {
        final WatchedScript script = WatchList.parseAddress(address, network);
        assertThat(HexFormat.of().formatHex(script.scriptPubKey())).startsWith(scriptPrefix);
        assertThat(script.scriptHash()).isEqualTo(ScriptHashes.scriptHash(script.scriptPubKey())).hasSize(64);
    }

    private static String accountKey(final int purpose, final int coin, final int version)
    {
        final byte[] seed = MnemonicCode.toSeed(List.of(BIP39_TEST_MNEMONIC.split(" ")), "");
        DeterministicKey key = HDKeyDerivation.createMasterPrivateKey(seed);
        key = HDKeyDerivation.deriveChildKey(key, new ChildNumber(purpose, true));
        key = HDKeyDerivation.deriveChildKey(key, new ChildNumber(coin, true));
        key = HDKeyDerivation.deriveChildKey(key, new ChildNumber(0, true));
        final BitcoinNetwork network = coin == 0 ? BitcoinNetwork.MAINNET : BitcoinNetwork.TESTNET;
        return withVersion(Base58.decodeChecked(key.dropPrivateBytes().serializePubB58(network)), version);
    }

    private static String withVersion(final byte[] serialized, final int version)
    {
        final byte[] bytes = serialized.clone();
        ByteBuffer.wrap(bytes).putInt(version);
        final byte[] checksum = Arrays.copyOf(Sha256Hash.hashTwice(bytes), 4);
        final byte[] all = Arrays.copyOf(bytes, bytes.length + 4);
        System.arraycopy(checksum, 0, all, bytes.length, 4);
        return Base58.encode(all);
    }
}
