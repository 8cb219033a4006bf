package dev.commandcenter.transport.electrum;

import dev.commandcenter.codecs.sbe.NetworkState;
import dev.commandcenter.transport.electrum.sim.ElectrumSimulator;
import org.agrona.concurrent.CachedEpochClock;
import org.bitcoinj.base.BitcoinNetwork;
import org.bitcoinj.base.SegwitAddress;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.awaitility.Awaitility.await;

/**
 * A simulator, a wallet source pointed at it with an injected clock, and what the source published.
 * The source's conductor runs through its {@link org.agrona.concurrent.AgentInvoker}: every await
 * step invokes one duty cycle on the awaiting thread before checking its condition.
 */
final class WalletHarness implements AutoCloseable
{
    static final long START_MS = 1_700_000_000_000L;

    final CachedEpochClock clock = new CachedEpochClock();
    final RecordingPublisher publisher;
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<ElectrumSimulator> simulators = new ArrayList<>();
    WalletLedger ledger = new WalletLedger();
    ElectrumWalletSource source;

    WalletHarness()
    {
        this(new RecordingPublisher());
    }

    WalletHarness(final RecordingPublisher publisher)
    {
        this.publisher = publisher;
        clock.update(START_MS);
    }

    ElectrumSimulator simulator() throws IOException
    {
        if (simulators.isEmpty())
        {
            simulators.add(ElectrumSimulator.start(new ElectrumSimulator.Context().clock(clock)));
        }
        return simulators.getFirst();
    }

    static String address(final int index)
    {
        final byte[] program = new byte[20];
        Arrays.fill(program, (byte)(index + 1));
        return SegwitAddress.fromProgram(BitcoinNetwork.REGTEST, 0, program).toString();
    }

    ElectrumWalletSource.Context context() throws IOException
    {
        return new ElectrumWalletSource.Context()
            .network(WalletNetwork.REGTEST)
            .servers(List.of(simulator().url()))
            .publisher(publisher)
            .ledger(ledger)
            .epochClock(clock)
            .random(new SplittableRandom(7))
            .errorHandler((throwable) -> errors.add(throwable.getMessage()))
            .useAgentInvoker(true)
            .requestTimeoutMs(600_000)
            .keepaliveIntervalMs(600_000)
            .backoff(1_000, 4_000);
    }

    ElectrumWalletSource start(final ElectrumWalletSource.Context ctx)
    {
        source = ElectrumWalletSource.launch(ctx);
        return source;
    }

    void awaitUntil(final BooleanSupplier condition)
    {
        await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() ->
        {
            invoke();
            return condition.getAsBoolean();
        });
    }

    /**
     * Run one duty cycle of the source's conductor, when it runs through an invoker.
     */
    void invoke()
    {
        if (null != source && null != source.agentInvoker())
        {
            source.agentInvoker().invoke();
        }
    }

    /**
     * Await while stepping the clock, so backoff delays and timeouts elapse.
     */
    void awaitAdvancing(final BooleanSupplier condition)
    {
        await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ofMillis(10)).until(() ->
        {
            clock.advance(250);
            invoke();
            return condition.getAsBoolean();
        });
    }

    long statusCount(final NetworkState state)
    {
        return publisher.statuses().stream().filter((event) -> event.state() == state).count();
    }

    RecordingPublisher.Decoded lastStatus()
    {
        final List<RecordingPublisher.Decoded> statuses = publisher.statuses();
        return statuses.isEmpty() ? null : statuses.getLast();
    }

    void awaitConnected(final long times)
    {
        awaitAdvancing(() -> statusCount(NetworkState.CONNECTED) >= times && source.status().state() == NetworkState.CONNECTED);
    }

    void awaitReceived(final String txid)
    {
        awaitUntil(() -> publisher.receivedCount(txid) >= 1);
    }

    void closeSource()
    {
        if (null != source)
        {
            source.close();
            source = null;
        }
    }

    public void close()
    {
        closeSource();
        simulators.forEach(ElectrumSimulator::close);
    }
}
