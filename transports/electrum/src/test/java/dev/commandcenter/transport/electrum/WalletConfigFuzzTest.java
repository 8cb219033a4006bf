package dev.commandcenter.transport.electrum;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.commandcenter.transport.electrum.client.ServerAddress;
import org.bitcoinj.crypto.DeterministicKey;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the wallet values a configuration gives: watched addresses, extended public keys and Electrum server URLs,
 * for every network.
 * <p>
 * Invariants: each value is either accepted or refused with an {@link IllegalArgumentException} whose message is
 * one non-empty line; an accepted address yields its output script and a 64-hex script hash; an accepted key
 * derives addresses; an accepted server URL reads back from its own {@code toString()} to the same address.
 */
class WalletConfigFuzzTest
{
    @FuzzTest
    void shouldAcceptAnyWalletValueOrRefuseItWithOneLine(final FuzzedDataProvider data)
    {
        final WalletNetwork network = data.pickValue(WalletNetwork.values());
        final int kind = data.consumeInt(0, 2);
        final String value = data.consumeRemainingAsString();
        try
        {
            switch (kind)
            {
                case 0 ->
                {
                    final WatchedScript script = WatchList.parseAddress(value, network);
                    assertThat(script.scriptPubKey()).isNotEmpty();
                    assertThat(script.scriptHash()).matches("[0-9a-f]{64}");
                    assertThat(WatchList.parseAddress(script.address(), network).scriptHash()).isEqualTo(script.scriptHash());
                }
                case 1 ->
                {
                    final ExtendedKey key = ExtendedKey.parse(value, network);
                    final DeterministicKey child = ExtendedKey.child(key.chainKey(0), 0);
                    assertThat(key.address(child)).isNotBlank();
                }
                default ->
                {
                    final ServerAddress server = ServerAddress.parse(value);
                    assertThat(server.port()).isBetween(1, 65535);
                    assertThat(ServerAddress.parse(server.toString())).isEqualTo(server);
                }
            }
        }
        catch (final IllegalArgumentException ex)
        {
            assertThat(ex.getMessage()).as("message of %s", ex).isNotBlank().doesNotContain("\n", "\r");
        }
    }
}
