package dev.commandcenter.transport.electrum.internal;

import dev.commandcenter.codecs.MessageSchema;
import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.codecs.sbe.TransactionReceivedDecoder;
import dev.commandcenter.engine.EventPublisher;
import org.bitcoinj.script.ScriptBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WalletEventEncoderTest
{
    private static final String TXID = "a6c9c361bd0bc536d6a22648efbf8f9b200e425ef6c3a7a9669dc444c532a347";
    private static final String SCRIPT_HASH = "8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161";

    @Test
    void shouldPutHashesInDisplayOrder()
    {
        final WalletEventEncoder encoder = new WalletEventEncoder();
        final int length = encoder.received(TXID, SCRIPT_HASH, "bc1q...", 1_000, 0, 0, "hi", false);

        assertThat(MessageSchema.validate(encoder.buffer(), 0, length)).isNull();
        assertThat(MessageSchema.templateId(encoder.buffer(), 0)).isEqualTo(TransactionReceivedDecoder.TEMPLATE_ID);
        final TransactionReceivedDecoder decoder = new TransactionReceivedDecoder().wrap(encoder.buffer(),
            MessageSchema.HEADER_LENGTH, TransactionReceivedDecoder.BLOCK_LENGTH, TransactionReceivedDecoder.SCHEMA_VERSION);
        final byte[] hash = new byte[32];
        decoder.getTxid(hash, 0, 32);
        assertThat(HexFormat.of().formatHex(hash)).isEqualTo(TXID);
        assertThat(hash[0]).isEqualTo((byte)0xa6);
        decoder.getScriptHash(hash, 0, 32);
        assertThat(HexFormat.of().formatHex(hash)).isEqualTo(SCRIPT_HASH);
        assertThatThrownBy(() -> WalletEventEncoder.hash("abcd")).hasMessageContaining("expected a 32-byte hash");
    }

    @Test
    void shouldKeepEveryMessageInsideOneRingSlotWhateverTheText()
    {
        final WalletEventEncoder encoder = new WalletEventEncoder();
        final String huge = "🔥".repeat(5_000);

        assertThat(encoder.networkStatus(NetworkState.DEGRADED, 1, huge, huge)).isLessThanOrEqualTo(EventPublisher.MAX_MESSAGE_LENGTH);
        assertThat(encoder.received(TXID, SCRIPT_HASH, huge, 1, 1, 1, huge, false)).isLessThanOrEqualTo(EventPublisher.MAX_MESSAGE_LENGTH);
        assertThat(WalletEventEncoder.clip(huge).getBytes(StandardCharsets.UTF_8).length)
            .isLessThanOrEqualTo(WalletEventEncoder.MAX_TEXT_BYTES);
        assertThat(WalletEventEncoder.clip(huge)).doesNotContain("\uFFFD");
        assertThat(WalletEventEncoder.clip(null)).isEmpty();
    }

    @Test
    void shouldReadAMemoOnlyFromPrintableUtf8OpReturnData()
    {
        assertThat(TransactionFetcher.memo(ScriptBuilder.createOpReturnScript("love the stream 🔥".getBytes(StandardCharsets.UTF_8)).program()))
            .isEqualTo("love the stream 🔥");
        assertThat(TransactionFetcher.memo(ScriptBuilder.createOpReturnScript(new byte[]{ (byte)0xff, (byte)0xfe }).program())).isEmpty();
        assertThat(TransactionFetcher.memo(ScriptBuilder.createOpReturnScript("a\u0007b".getBytes(StandardCharsets.UTF_8)).program())).isEmpty();
        assertThat(TransactionFetcher.memo(ScriptBuilder.createP2WPKHOutputScript(new byte[20]).program())).isEmpty();
    }
}
