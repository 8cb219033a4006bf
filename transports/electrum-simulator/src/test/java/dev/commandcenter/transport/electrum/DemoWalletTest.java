package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.transport.electrum.sim.DemoWallet;
import dev.commandcenter.transport.electrum.sim.SimulatedPayments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class DemoWalletTest
{
    @Test
    void shouldDriveAWalletSourceWithSimulatedTips() throws Exception
    {
        final WalletHarness harness = new WalletHarness();
        try (harness; DemoWallet demo = DemoWallet.start(new DemoWallet.Context()
            .seed(5).clock(harness.clock).autonomous(false).blockIntervalMs(60_000)))
        {
            assertThat(demo.network()).isEqualTo(WalletNetwork.REGTEST);
            assertThat(demo.serverUrl()).startsWith("tcp://127.0.0.1:");
            assertThat(demo.xpubs()).singleElement().asString().startsWith("vpub");
            assertThat(demo.tipAddresses()).hasSize(DemoWallet.TIP_ADDRESSES + 1);
            assertThat(demo.tipAddresses().getFirst()).startsWith("bcrt1q");

            harness.start(demo.configure(harness.context()).servers(List.of(demo.serverUrl())));
            harness.awaitUntil(() -> harness.source.status().state() == NetworkState.CONNECTED);
            final Set<String> watched = harness.source.watchList().scripts().stream()
                .map(WatchedScript::address).collect(Collectors.toSet());
            assertThat(watched).containsAll(demo.tipAddresses());

            for (int i = 0; i < 600; i++)
            {
                harness.clock.advance(1_000);
                demo.payments().tick();
            }
            final List<SimulatedPayments.Tip> tips = demo.payments().tips();
            assertThat(tips).isNotEmpty();
            harness.awaitUntil(() -> harness.publisher.received().size() == tips.size());
            assertThat(harness.publisher.received()).extracting(RecordingPublisher.Decoded::txid)
                .containsExactlyInAnyOrderElementsOf(tips.stream().map(SimulatedPayments.Tip::txid).toList());
            harness.awaitUntil(() -> !harness.publisher.confirmed().isEmpty());
        }
    }

    @Test
    void shouldDeriveTheSameWatchListEveryTime()
    {
        try (DemoWallet first = DemoWallet.start(new DemoWallet.Context().autonomous(false));
             DemoWallet second = DemoWallet.start(new DemoWallet.Context().autonomous(false)))
        {
            assertThat(first.xpubs()).isEqualTo(second.xpubs());
            assertThat(first.addresses()).isEqualTo(second.addresses());
            assertThat(first.addresses()).singleElement().asString().matches("[mn].*");
            assertThat(first.serverUrl()).isNotEqualTo(second.serverUrl());
        }
    }
}
