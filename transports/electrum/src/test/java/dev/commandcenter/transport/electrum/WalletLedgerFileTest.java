package dev.commandcenter.transport.electrum;

import dev.commandcenter.transport.electrum.internal.WalletEventEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WalletLedgerFileTest
{
    private static final String TXID = "a6c9c361bd0bc536d6a22648efbf8f9b200e425ef6c3a7a9669dc444c532a347";
    private static final String OTHER_TXID = "b6c9c361bd0bc536d6a22648efbf8f9b200e425ef6c3a7a9669dc444c532a347";
    private static final String SCRIPT_HASH = "8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161";

    private final WalletEventEncoder encoder = new WalletEventEncoder();
    private final WalletLedger ledger = new WalletLedger();

    @TempDir
    Path dir;

    @Test
    void shouldLoadWhatWasSaved()
    {
        replay(encoder.received(TXID, SCRIPT_HASH, "addr", 5_000, 0, 0, "for the cat", false));
        replay(encoder.confirmed(TXID, SCRIPT_HASH, "addr", 5_000, 101, 2, "for the cat"));
        replay(encoder.received(OTHER_TXID, SCRIPT_HASH, "addr", 7_000, 0, 0, "", false));
        replay(encoder.reorged(OTHER_TXID, SCRIPT_HASH, "addr", 7_000, 0));
        replay(encoder.balance("addr", 5_000, 0));
        replay(encoder.balance(WalletLedger.WALLET_TOTAL, 5_000, 0));
        ledger.tipHeight(102);
        final Path file = WalletLedgerFile.in(dir);

        assertThat(WalletLedgerFile.save(ledger, file)).isEqualTo(ledger.version());
        final WalletLedger loaded = WalletLedgerFile.load(file);

        assertThat(loaded.entries(SCRIPT_HASH)).containsExactlyElementsOf(ledger.entries(SCRIPT_HASH));
        assertThat(loaded.entry(OTHER_TXID, SCRIPT_HASH).reorged()).isTrue();
        assertThat(loaded.entry(TXID, SCRIPT_HASH).confirmations()).isEqualTo(2);
        assertThat(loaded.balances()).isEqualTo(ledger.balances());
        assertThat(loaded.tipHeight()).isEqualTo(102);
        assertThat(dir.resolve(WalletLedgerFile.FILE_NAME + ".tmp")).doesNotExist();
    }

    @Test
    void shouldReplaceTheFileWholeOnEverySave()
    {
        final Path file = WalletLedgerFile.in(dir);
        replay(encoder.received(TXID, SCRIPT_HASH, "addr", 5_000, 0, 0, "", false));
        WalletLedgerFile.save(ledger, file);
        replay(encoder.received(OTHER_TXID, SCRIPT_HASH, "addr", 7_000, 0, 0, "", false));
        WalletLedgerFile.save(ledger, file);

        assertThat(WalletLedgerFile.load(file).size()).isEqualTo(2);
    }

    @Test
    void shouldCountEveryChangeInItsVersion()
    {
        final long before = ledger.version();
        replay(encoder.received(TXID, SCRIPT_HASH, "addr", 5_000, 0, 0, "", false));
        final long afterPayment = ledger.version();
        ledger.tipHeight(5);
        ledger.tipHeight(5);

        assertThat(afterPayment).isGreaterThan(before);
        assertThat(ledger.version()).isEqualTo(afterPayment + 1);
    }

    @Test
    void shouldRefuseAFileThatIsNotALedgerWithOneLine() throws Exception
    {
        final Path file = WalletLedgerFile.in(dir);
        Files.writeString(file, "{\"format\": \"commandcenter-wallet-ledger\", \"vers");
        assertThatThrownBy(() -> WalletLedgerFile.load(file))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("wallet ledger " + file + " is unreadable: it is not JSON (")
            .hasMessageEndingWith("(payments no longer journaled would then be announced again)")
            .hasMessageNotContaining("\n");

        Files.writeString(file, "{\"format\": \"something-else\", \"version\": 1}");
        assertThatThrownBy(() -> WalletLedgerFile.load(file))
            .hasMessageContaining("it has no \"format\": \"commandcenter-wallet-ledger\"");

        Files.writeString(file, "{\"format\": \"commandcenter-wallet-ledger\", \"version\": 1, \"tipHeight\": 3, " +
            "\"payments\": [{\"txid\": \"zz\"}], \"balances\": []}");
        assertThatThrownBy(() -> WalletLedgerFile.load(file)).hasMessageContaining("payment 0 lacks txid");
    }

    private void replay(final int length)
    {
        final byte[] copy = new byte[length];
        encoder.buffer().getBytes(0, copy);
        ledger.replayJournaled(new UnsafeBuffer(copy), 0, length);
    }
}
