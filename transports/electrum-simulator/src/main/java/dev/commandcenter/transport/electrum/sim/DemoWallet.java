package dev.commandcenter.transport.electrum.sim;

import dev.commandcenter.transport.electrum.ElectrumWalletSource;
import dev.commandcenter.transport.electrum.WalletNetwork;
import dev.commandcenter.transport.electrum.ExtendedKey;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.bitcoinj.base.ScriptType;
import org.bitcoinj.base.Sha256Hash;
import org.bitcoinj.crypto.ChildNumber;
import org.bitcoinj.crypto.DeterministicKey;
import org.bitcoinj.crypto.HDKeyDerivation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's wallet: an {@link ElectrumSimulator} on an ephemeral loopback port, a regtest watch
 * list derived with bitcoinj from a fixed seed (a vpub account key at m/84'/1'/0' and a P2PKH
 * address at m/44'/1'/0'/0/0), and {@link SimulatedPayments} tipping those addresses. Point an
 * {@link ElectrumWalletSource} at it with {@link #configure}.
 * <pre>{@code
 * try (DemoWallet demo = DemoWallet.start(42, engine.errorHandler());
 *      ElectrumWalletSource wallet = ElectrumWalletSource.launch(
 *          demo.configure(new ElectrumWalletSource.Context()).publisher(engine.publisher())))
 * { ... }
 * }</pre>
 * <b>Note:</b> the keys are public knowledge; never send real coins to the demo's addresses.
 */
public final class DemoWallet implements AutoCloseable
{
    /** Text whose SHA-256 is the demo's BIP32 seed. */
    public static final String DEMO_SEED_TEXT = "commandcenter demo wallet";
    /** Receive addresses of the account key that tips are paid to. */
    public static final int TIP_ADDRESSES = 10;
    /** Amount of the earlier payment each tip address has with {@link Context#seedHistory(boolean)}. */
    public static final long SEED_HISTORY_SATS = 1_000;

    private final ElectrumSimulator simulator;
    private final SimulatedPayments payments;
    private final String accountKey;
    private final List<String> addresses;
    private final List<String> tipAddresses;

    private DemoWallet(
        final ElectrumSimulator simulator, final SimulatedPayments payments, final String accountKey,
        final List<String> addresses, final List<String> tipAddresses)
    {
        this.simulator = simulator;
        this.payments = payments;
        this.accountKey = accountKey;
        this.addresses = addresses;
        this.tipAddresses = tipAddresses;
    }

    /** Mean gap between demo tips outside bursts. */
    public static final long QUIET_MEAN_GAP_MS = 6_000;
    /** Mean gap between demo tips in a burst. */
    public static final long BURST_MEAN_GAP_MS = 1_500;
    /** Chance that a quiet gap ends in a burst. */
    public static final double BURST_PROBABILITY = 0.25;

    /**
     * Start the demo with the system clock and autonomous payments and blocks, each tip address with an earlier
     * payment already mined ({@link Context#seedHistory(boolean)}).
     *
     * @param seed         seed of the payment generator.
     * @param errorHandler receives a failure of the payment generator (the engine's error handler).
     * @return the running demo.
     */
    public static DemoWallet start(final long seed, final ErrorHandler errorHandler)
    {
        return start(new Context().seed(seed).errorHandler(errorHandler).seedHistory(true));
    }

    /**
     * Start the demo.
     *
     * @param ctx configuration.
     * @return the running demo.
     * @throws UncheckedIOException when the simulator cannot bind.
     */
    public static DemoWallet start(final Context ctx)
    {
        if (ctx.autonomous() && null == ctx.errorHandler())
        {
            throw new IllegalArgumentException("demo wallet: expected an ErrorHandler for the autonomous payment generator");
        }
        final DeterministicKey master = HDKeyDerivation.createMasterPrivateKey(
            Sha256Hash.hash(DEMO_SEED_TEXT.getBytes(StandardCharsets.UTF_8)));
        final DeterministicKey account = derive(master, 84, 1, 0);
        final String vpub = serializeVpub(account);
        final DeterministicKey legacy = HDKeyDerivation.deriveChildKey(
            HDKeyDerivation.deriveChildKey(derive(master, 44, 1, 0), ChildNumber.ZERO), ChildNumber.ZERO);
        final String legacyAddress = legacy.toAddress(ScriptType.P2PKH, WalletNetwork.REGTEST.bitcoinNetwork()).toString();

        final ExtendedKey key = ExtendedKey.parse(vpub, WalletNetwork.REGTEST);
        final DeterministicKey receive = key.chainKey(0);
        final List<String> tipAddresses = new ArrayList<>();
        for (int i = 0; i < TIP_ADDRESSES; i++)
        {
            tipAddresses.add(key.address(ExtendedKey.child(receive, i)));
        }
        tipAddresses.add(legacyAddress);

        final ElectrumSimulator simulator;
        try
        {
            simulator = ElectrumSimulator.start(new ElectrumSimulator.Context()
                .network(WalletNetwork.REGTEST).clock(ctx.clock()).seed(ctx.seed()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("demo wallet: cannot start the Electrum simulator: " + ex.getMessage(), ex);
        }
        final SimulatedPayments payments = new SimulatedPayments(simulator, new SimulatedPayments.Context()
            .seed(ctx.seed()).clock(ctx.clock()).addresses(tipAddresses).blockIntervalMs(ctx.blockIntervalMs())
            // A livelier stream than a real wallet, so a first-time user sees alerts within seconds.
            .quietMeanGapMs(QUIET_MEAN_GAP_MS).burstMeanGapMs(BURST_MEAN_GAP_MS).burstProbability(BURST_PROBABILITY));
        if (ctx.seedHistory())
        {
            // One earlier payment on each tip address, mined before any wallet connects: the addresses the simulated
            // stream pays have history, so a tip page gives its viewers the next ones, which only they pay.
            for (final String address : tipAddresses)
            {
                simulator.pay(address, SEED_HISTORY_SATS, null);
            }
            simulator.mine(1);
        }
        if (ctx.autonomous())
        {
            payments.start(ctx.errorHandler());
        }
        return new DemoWallet(simulator, payments, vpub, List.of(legacyAddress), List.copyOf(tipAddresses));
    }

    /**
     * Fill a wallet source context with the demo's network, server and watch list.
     *
     * @param ctx to fill.
     * @return the same context.
     */
    public ElectrumWalletSource.Context configure(final ElectrumWalletSource.Context ctx)
    {
        return ctx.network(WalletNetwork.REGTEST).servers(List.of(serverUrl())).addresses(addresses).xpubs(xpubs());
    }

    /**
     * URL of the simulator.
     *
     * @return {@code tcp://127.0.0.1:port}.
     */
    public String serverUrl()
    {
        return simulator.url();
    }

    /**
     * Network of the demo.
     *
     * @return regtest.
     */
    public WalletNetwork network()
    {
        return WalletNetwork.REGTEST;
    }

    /**
     * Standalone addresses to watch.
     *
     * @return the addresses.
     */
    public List<String> addresses()
    {
        return addresses;
    }

    /**
     * Extended keys to watch.
     *
     * @return the vpub of the demo account.
     */
    public List<String> xpubs()
    {
        return List.of(accountKey);
    }

    /**
     * Addresses the simulated tips go to.
     *
     * @return the first receive addresses of the account, then the standalone address.
     */
    public List<String> tipAddresses()
    {
        return tipAddresses;
    }

    /**
     * The simulator.
     *
     * @return the simulator.
     */
    public ElectrumSimulator simulator()
    {
        return simulator;
    }

    /**
     * The payment generator.
     *
     * @return the generator.
     */
    public SimulatedPayments payments()
    {
        return payments;
    }

    /**
     * Stop payments and the simulator.
     */
    public void close()
    {
        payments.close();
        simulator.close();
    }

    private static DeterministicKey derive(final DeterministicKey master, final int purpose, final int coin, final int account)
    {
        DeterministicKey key = HDKeyDerivation.deriveChildKey(master, new ChildNumber(purpose, true));
        key = HDKeyDerivation.deriveChildKey(key, new ChildNumber(coin, true));
        return HDKeyDerivation.deriveChildKey(key, new ChildNumber(account, true));
    }

    @SuppressWarnings("deprecation")
    private static String serializeVpub(final DeterministicKey account)
    {
        return account.dropPrivateBytes().dropParent().serializePubB58(WalletNetwork.REGTEST.bitcoinNetwork(), ScriptType.P2WPKH);
    }

    /**
     * Configuration of the demo.
     */
    public static final class Context
    {
        private long seed = 42;
        private EpochClock clock = SystemEpochClock.INSTANCE;
        private boolean autonomous = true;
        private boolean seedHistory;
        private long blockIntervalMs = 30_000;
        private ErrorHandler errorHandler;

        /**
         * Receives a failure of the autonomous payment generator; required when autonomous.
         *
         * @param errorHandler the engine's error handler.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * Receives a failure of the autonomous payment generator.
         *
         * @return the handler.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * Seed of the payment generator.
         *
         * @param seed any value.
         * @return this.
         */
        public Context seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /**
         * Seed of the payment generator.
         *
         * @return the seed.
         */
        public long seed()
        {
            return seed;
        }

        /**
         * Clock of payments and blocks.
         *
         * @param clock epoch clock.
         * @return this.
         */
        public Context clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * Clock of payments and blocks.
         *
         * @return the clock.
         */
        public EpochClock clock()
        {
            return clock;
        }

        /**
         * Whether payments tick on their own executor (true) or only when the caller ticks them.
         *
         * @param autonomous true for the demo, false for tests.
         * @return this.
         */
        public Context autonomous(final boolean autonomous)
        {
            this.autonomous = autonomous;
            return this;
        }

        /**
         * Whether each tip address gets one earlier payment, mined before the demo starts (default false).
         *
         * @param seedHistory true for the demo, so the addresses the simulated stream pays are used ones.
         * @return this.
         */
        public Context seedHistory(final boolean seedHistory)
        {
            this.seedHistory = seedHistory;
            return this;
        }

        /**
         * Whether each tip address gets one earlier payment.
         *
         * @return true when seeded.
         */
        public boolean seedHistory()
        {
            return seedHistory;
        }

        /**
         * Whether payments tick on their own.
         *
         * @return true when autonomous.
         */
        public boolean autonomous()
        {
            return autonomous;
        }

        /**
         * Interval of mined blocks.
         *
         * @param intervalMs milliseconds.
         * @return this.
         */
        public Context blockIntervalMs(final long intervalMs)
        {
            this.blockIntervalMs = intervalMs;
            return this;
        }

        /**
         * Interval of mined blocks.
         *
         * @return milliseconds.
         */
        public long blockIntervalMs()
        {
            return blockIntervalMs;
        }
    }
}
