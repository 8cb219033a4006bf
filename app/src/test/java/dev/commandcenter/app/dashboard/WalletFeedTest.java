package dev.commandcenter.app.dashboard;

import dev.commandcenter.codecs.sbe.ChatMessageEncoder;
import dev.commandcenter.codecs.sbe.MessageHeaderEncoder;
import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.codecs.sbe.NetworkStatusEncoder;
import dev.commandcenter.codecs.sbe.TransactionReceivedEncoder;
import dev.commandcenter.codecs.sbe.WalletBalanceEncoder;
import dev.commandcenter.engine.Sources;
import dev.commandcenter.plugin.testkit.PluginContract;
import dev.commandcenter.plugin.testkit.PluginHarness;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code wallet} plugin on its own: each wallet event leaves unchanged, other events do not reach it, and the
 * failover history keeps the last changes of state or server, newest first, bounded.
 */
class WalletFeedTest
{
    private static final long T0_MS = 1_764_000_000_000L;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[PluginHarness.MAX_MESSAGE_LENGTH]);

    @Test
    void shouldSatisfyThePluginContract()
    {
        PluginContract.assertSatisfied(WalletFeedPlugin::new, Map.of());
    }

    @Test
    void shouldEmitEachWalletEventUnchangedAndNothingElse() throws Exception
    {
        try (PluginHarness harness = new PluginHarness(new WalletFeedPlugin()))
        {
            harness.start();
            final int paymentLength = payment(buffer);
            final byte[] payment = Arrays.copyOf(buffer.byteArray(), paymentLength);
            assertThat(harness.deliver(1, T0_MS * 1_000_000L, Sources.WALLET, buffer, 0, paymentLength)).isTrue();
            final int balanceLength = balance(buffer);
            final byte[] balance = Arrays.copyOf(buffer.byteArray(), balanceLength);
            assertThat(harness.deliver(2, T0_MS * 1_000_000L, Sources.WALLET, buffer, 0, balanceLength)).isTrue();
            final int statusLength = status(buffer, NetworkState.CONNECTED, "tcp://a:50001", "synchronized 1 scripts");
            final byte[] status = Arrays.copyOf(buffer.byteArray(), statusLength);
            assertThat(harness.deliver(3, T0_MS * 1_000_000L, Sources.WALLET, buffer, 0, statusLength)).isTrue();
            final int chatLength = chat(buffer);
            assertThat(harness.deliver(4, T0_MS * 1_000_000L, Sources.REST, buffer, 0, chatLength)).isFalse();

            assertThat(harness.emitted()).containsExactly(payment, balance, status);
            assertThat(harness.emittedJson().get(0)).contains("\"type\":\"TransactionReceived\"")
                .contains("\"amountSats\":21000");
        }
    }

    @Test
    void shouldKeepTheLastChangesOfStateOrServerNewestFirst() throws Exception
    {
        final WalletFeedPlugin plugin = new WalletFeedPlugin();
        try (PluginHarness harness = new PluginHarness(plugin))
        {
            harness.start();
            deliverStatus(harness, 1, NetworkState.CONNECTED, "tcp://a:50001", "synchronized 1 scripts");
            // Only the reason changed: not a failover.
            deliverStatus(harness, 2, NetworkState.CONNECTED, "tcp://a:50001", "synchronized 2 scripts");
            deliverStatus(harness, 3, NetworkState.DISCONNECTED, "tcp://a:50001", "connection refused");
            deliverStatus(harness, 4, NetworkState.CONNECTED, "tcp://b:50001", "synchronized 2 scripts");

            assertThat(plugin.failovers()).containsExactly(
                new WalletFeedPlugin.Failover(T0_MS + 4, "CONNECTED", "tcp://b:50001", "synchronized 2 scripts"),
                new WalletFeedPlugin.Failover(T0_MS + 3, "DISCONNECTED", "tcp://a:50001", "connection refused"),
                new WalletFeedPlugin.Failover(T0_MS + 1, "CONNECTED", "tcp://a:50001", "synchronized 1 scripts"));

            for (int i = 0; i < 3 * WalletFeedPlugin.FAILOVERS_KEPT; i++)
            {
                deliverStatus(harness, 10 + i, i % 2 == 0 ? NetworkState.DEGRADED : NetworkState.CONNECTED,
                    "tcp://c:" + i, "x".repeat(2 * WalletFeedPlugin.MAX_TEXT_BYTES));
            }
            final List<WalletFeedPlugin.Failover> failovers = plugin.failovers();
            assertThat(failovers).hasSize(WalletFeedPlugin.FAILOVERS_KEPT);
            final int last = 3 * WalletFeedPlugin.FAILOVERS_KEPT - 1;
            assertThat(failovers.get(0).server()).isEqualTo("tcp://c:" + last);
            assertThat(failovers.get(0).atEpochMs()).isEqualTo(T0_MS + 10 + last);
            assertThat(failovers.get(0).reason()).hasSize(WalletFeedPlugin.MAX_TEXT_BYTES);
            assertThat(failovers.get(WalletFeedPlugin.FAILOVERS_KEPT - 1).server())
                .isEqualTo("tcp://c:" + (last - WalletFeedPlugin.FAILOVERS_KEPT + 1));
        }
    }

    private void deliverStatus(
        final PluginHarness harness, final long n, final NetworkState state, final String server, final String reason)
        throws Exception
    {
        final int length = status(buffer, state, server, reason);
        harness.deliver(n, (T0_MS + n) * 1_000_000L, Sources.WALLET, buffer, 0, length);
    }

    private static int payment(final UnsafeBuffer buffer)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new TransactionReceivedEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .amountSats(21_000)
            .height(0)
            .confirmations(0)
            .putTxid(HexFormat.of().parseHex("ab".repeat(32)), 0, 32)
            .putScriptHash(new byte[32], 0, 32)
            .address("bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080")
            .memo("")
            .encodedLength();
    }

    private static int balance(final UnsafeBuffer buffer)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new WalletBalanceEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .confirmedSats(0)
            .unconfirmedSats(21_000)
            .address("")
            .encodedLength();
    }

    private static int status(final UnsafeBuffer buffer, final NetworkState state, final String server, final String reason)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new NetworkStatusEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .state(state)
            .tipHeight(101)
            .server(server)
            .reason(reason)
            .encodedLength();
    }

    private static int chat(final UnsafeBuffer buffer)
    {
        return MessageHeaderEncoder.ENCODED_LENGTH + new ChatMessageEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .messageId(1)
            .channel("")
            .user("viewer")
            .text("hello")
            .encodedLength();
    }
}
