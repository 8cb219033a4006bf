package dev.commandcenter.transport.electrum.sim;

import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.WatchList;
import org.agrona.concurrent.CachedEpochClock;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.SegwitAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatedPaymentsTest
{
    private final CachedEpochClock clock = new CachedEpochClock();
    private final List<ElectrumSimulator> simulators = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();

    @BeforeEach
    void setUp()
    {
        clock.update(1_700_000_000_000L);
        for (int i = 0; i < 5; i++)
        {
            final byte[] program = new byte[20];
            Arrays.fill(program, (byte)i);
            addresses.add(SegwitAddress.fromProgram(BitcoinNetwork.REGTEST, 0, program).toString());
        }
    }

    @AfterEach
    void tearDown()
    {
        simulators.forEach(ElectrumSimulator::close);
    }

    @Test
    void shouldProduceTheSamePaymentsForTheSameSeedAndClockSteps() throws Exception
    {
        final List<SimulatedPayments.Tip> first = run(7, 3_600_000);
        final List<SimulatedPayments.Tip> second = run(7, 3_600_000);
        final List<SimulatedPayments.Tip> other = run(8, 3_600_000);

        assertThat(first).isNotEmpty();
        assertThat(first).extracting(SimulatedPayments.Tip::atMs, SimulatedPayments.Tip::address,
            SimulatedPayments.Tip::sats, SimulatedPayments.Tip::memo)
            .containsExactlyElementsOf(second.stream().map((tip) ->
                org.assertj.core.groups.Tuple.tuple(tip.atMs(), tip.address(), tip.sats(), tip.memo())).toList());
        assertThat(other.stream().map(SimulatedPayments.Tip::sats).toList())
            .isNotEqualTo(first.stream().map(SimulatedPayments.Tip::sats).toList());
    }

    @Test
    void shouldDrawRealisticTipAmounts() throws Exception
    {
        final SimulatedPayments payments = new SimulatedPayments(simulator(), new SimulatedPayments.Context()
            .seed(1).clock(clock).addresses(addresses));
        final long[] amounts = new long[10_000];
        for (int i = 0; i < amounts.length; i++)
        {
            amounts[i] = payments.nextAmount();
        }
        Arrays.sort(amounts);

        assertThat(amounts[0]).isGreaterThanOrEqualTo(SimulatedPayments.MIN_SATS);
        assertThat(amounts[amounts.length - 1]).isLessThanOrEqualTo(SimulatedPayments.MAX_SATS);
        assertThat(amounts[amounts.length / 2]).isBetween(1_500L, 2_700L);
        assertThat(amounts[amounts.length / 20]).isLessThan(600L);
        final long large = Arrays.stream(amounts).filter((sats) -> sats >= 100_000).count();
        assertThat(large).isBetween(20L, 300L);
    }

    @Test
    void shouldAlternateBurstsAndQuietPeriodsAndMineOnSchedule() throws Exception
    {
        final ElectrumSimulator simulator = simulator();
        final SimulatedPayments payments = new SimulatedPayments(simulator, new SimulatedPayments.Context()
            .seed(3).clock(clock).addresses(addresses).blockIntervalMs(60_000));
        final int startHeight = simulator.height();
        for (int second = 0; second < 3_600; second++)
        {
            clock.advance(1_000);
            payments.tick();
        }
        final List<SimulatedPayments.Tip> tips = payments.tips();
        final List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < tips.size(); i++)
        {
            gaps.add(tips.get(i).atMs() - tips.get(i - 1).atMs());
        }

        assertThat(simulator.height()).isEqualTo(startHeight + 60);
        assertThat(tips.size()).isBetween(80, 400);
        assertThat(gaps.stream().filter((gap) -> gap < 5_000).count()).isGreaterThan(20);
        assertThat(gaps.stream().filter((gap) -> gap > 30_000).count()).isGreaterThan(10);
        assertThat(tips.stream().filter((tip) -> null != tip.memo()).count()).isBetween(tips.size() / 6L, tips.size() / 2L);
        assertThat(tips.stream().map(SimulatedPayments.Tip::address).distinct().count()).isEqualTo(addresses.size());
        final String paid = tips.getFirst().address();
        assertThat(simulator.history(WatchList.parseAddress(paid, WalletNetwork.REGTEST).scriptHash()))
            .extracting(dev.commandcenter.transport.electrum.client.HistoryItem::txid)
            .contains(tips.getFirst().txid());
        assertThat(simulator.heightOf(tips.getFirst().txid())).isGreaterThan(startHeight);
    }

    @Test
    void shouldRequireAnAddress() throws Exception
    {
        final ElectrumSimulator simulator = simulator();
        assertThatThrownBy(() -> new SimulatedPayments(simulator, new SimulatedPayments.Context()))
            .hasMessage("simulated payments: expected at least one address to pay");
    }

    private List<SimulatedPayments.Tip> run(final long seed, final long durationMs) throws Exception
    {
        clock.update(1_700_000_000_000L);
        final SimulatedPayments payments = new SimulatedPayments(simulator(), new SimulatedPayments.Context()
            .seed(seed).clock(clock).addresses(addresses));
        for (long t = 0; t < durationMs; t += 500)
        {
            clock.advance(500);
            payments.tick();
        }
        return payments.tips();
    }

    private ElectrumSimulator simulator() throws Exception
    {
        final ElectrumSimulator simulator = ElectrumSimulator.start(new ElectrumSimulator.Context().clock(clock));
        simulators.add(simulator);
        return simulator;
    }
}
