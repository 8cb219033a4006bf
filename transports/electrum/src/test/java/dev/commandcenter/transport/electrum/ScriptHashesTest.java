package dev.commandcenter.transport.electrum;

import dev.commandcenter.transport.electrum.client.HistoryItem;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScriptHashesTest
{
    @Test
    void shouldComputeTheProtocolDocsScriptHashOfTheGenesisAddress()
    {
        final WatchedScript script = WatchList.parseAddress("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", WalletNetwork.MAINNET);

        assertThat(HexFormat.of().formatHex(script.scriptPubKey()))
            .isEqualTo("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac");
        assertThat(script.scriptHash()).isEqualTo("8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161");
    }

    @Test
    void shouldComputeTheProtocolDocsScriptHashOfTheGenesisPublicKey()
    {
        final byte[] p2pk = HexFormat.of().parseHex(
            "4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb" +
            "649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac");

        assertThat(ScriptHashes.scriptHash(p2pk)).isEqualTo("740485f380ff6379d11ef6fe7d7cdd68aea7f8bd0d953d9fdf3531fb7d531833");
    }

    @Test
    void shouldReproduceTheProtocolDocsStatusExample()
    {
        final WatchedScript script = WatchList.parseAddress("bcrt1qn7d2x7272lznt5hhk9s07q3cqnrqljnwladrd3", WalletNetwork.REGTEST);
        final List<HistoryItem> history = List.of(
            new HistoryItem("a6c9c361bd0bc536d6a22648efbf8f9b200e425ef6c3a7a9669dc444c532a347", 2472),
            new HistoryItem("9c42f84b2fcdaff676ba25d9d4941741cc0d1a01cce0c23fdc4c0b2afa38431c", 2473),
            new HistoryItem("770f2d4371b3fabb902dd9a103e2dd005fcd3971181078fca4a2a1d6ff127b30", 2473),
            new HistoryItem("80b19848aed792565ab7c5a79b7c2a00fbf985741579396ebe0ab6098e607311", 0),
            new HistoryItem("e02a1dadfa83b996b24175df807b271ea5d02937ef5b35c195fac1e1bdc3198f", 0),
            new HistoryItem("bb4c8ab438c13b89ca80d1d5bee25b0b6b7f55673f4d801998ba97db161d9e85", -1));

        assertThat(script.scriptHash()).isEqualTo("f04bf26fc16a27abaa2f10540da7a24e369e6ec408f2d901202a7c0cd4a6112d");
        assertThat(ScriptHashes.status(history)).isEqualTo("78e96c6562cafa71c115503b9411fdfdc595a45031e2ab76ff75162fe1b0590d");
    }

    @Test
    void shouldHaveNullStatusForEmptyHistoryAndOrderSensitiveStatusOtherwise()
    {
        final HistoryItem a = new HistoryItem("a6c9c361bd0bc536d6a22648efbf8f9b200e425ef6c3a7a9669dc444c532a347", 10);
        final HistoryItem b = new HistoryItem("9c42f84b2fcdaff676ba25d9d4941741cc0d1a01cce0c23fdc4c0b2afa38431c", 0);

        assertThat(ScriptHashes.status(List.of())).isNull();
        assertThat(ScriptHashes.status(List.of(a, b))).isNotEqualTo(ScriptHashes.status(List.of(b, a)));
        assertThat(ScriptHashes.status(List.of(a))).isNotEqualTo(ScriptHashes.status(List.of(new HistoryItem(a.txid(), 11))));
    }
}
