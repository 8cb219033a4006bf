package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.transport.electrum.internal.WalletEventEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WalletLedgerTest
{
    private static final String TXID = "a6c9c361bd0bc536d6a22648efbf8f9b200e425ef6c3a7a9669dc444c532a347";
    private static final String SCRIPT_HASH = "8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161";

    private final WalletEventEncoder encoder = new WalletEventEncoder();
    private final WalletLedger ledger = new WalletLedger();

    @Test
    void shouldRebuildPaymentStateFromJournaledEvents()
    {
        replay(encoder.received(TXID, SCRIPT_HASH, "addr", 5_000, 0, 0, "memo", false));
        assertThat(ledger.isReceived(TXID, SCRIPT_HASH)).isTrue();
        assertThat(ledger.confirmations(TXID, SCRIPT_HASH)).isZero();

        replay(encoder.confirmed(TXID, SCRIPT_HASH, "addr", 5_000, 101, 1, "memo"));
        replay(encoder.confirmed(TXID, SCRIPT_HASH, "addr", 5_000, 101, 2, "memo"));
        final WalletLedger.Entry confirmed = ledger.entry(TXID, SCRIPT_HASH);
        assertThat(confirmed.confirmations()).isEqualTo(2);
        assertThat(confirmed.height()).isEqualTo(101);
        assertThat(confirmed.memo()).isEqualTo("memo");
        assertThat(confirmed.amountSats()).isEqualTo(5_000);

        replay(encoder.reorged(TXID, SCRIPT_HASH, "addr", 5_000, 101));
        final WalletLedger.Entry reorged = ledger.entry(TXID, SCRIPT_HASH);
        assertThat(reorged.received()).isTrue();
        assertThat(reorged.confirmations()).isZero();
        assertThat(reorged.height()).isZero();
        assertThat(reorged.reorgs()).isEqualTo(1);
        assertThat(ledger.entries(SCRIPT_HASH)).hasSize(1);
        assertThat(ledger.size()).isEqualTo(1);
    }

    @Test
    void shouldNotTakeConfirmationsFromAReceivedEvent()
    {
        replay(encoder.received(TXID, SCRIPT_HASH, "addr", 5_000, 101, 4, "", false));

        assertThat(ledger.confirmations(TXID, SCRIPT_HASH)).isZero();
        assertThat(ledger.entry(TXID, SCRIPT_HASH).height()).isEqualTo(101);
    }

    @Test
    void shouldKeepTheLastBalancePerAddressAndIgnoreOtherMessages()
    {
        replay(encoder.balance("addr", 10, 20));
        replay(encoder.balance("", 30, 40));
        replay(encoder.balance("addr", 11, 0));
        replay(encoder.networkStatus(NetworkState.CONNECTED, 100, "tcp://x:1", "ok"));

        assertThat(ledger.balance("addr")).isEqualTo(new WalletLedger.Balance(11, 0));
        assertThat(ledger.balance(WalletLedger.WALLET_TOTAL)).isEqualTo(new WalletLedger.Balance(30, 40));
        assertThat(ledger.balance("other")).isEqualTo(WalletLedger.Balance.ZERO);
        assertThat(ledger.eventCount()).isEqualTo(3);

        ledger.replayJournaled(new UnsafeBuffer(new byte[4]), 0, 4);
        assertThat(ledger.eventCount()).isEqualTo(3);
    }

    private void replay(final int length)
    {
        final byte[] copy = new byte[length];
        encoder.buffer().getBytes(0, copy);
        ledger.replayJournaled(new UnsafeBuffer(copy), 0, length);
    }
}
