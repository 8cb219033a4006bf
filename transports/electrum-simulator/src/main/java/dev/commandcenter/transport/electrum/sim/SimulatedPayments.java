package dev.commandcenter.transport.electrum.sim;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded, realistic stream of tips driving an {@link ElectrumSimulator}: amounts log-normally
 * distributed around a couple of thousand sats (a few hundred at the low end, rare large ones),
 * memos on some, payments arriving in bursts separated by quiet periods, and blocks mined
 * periodically. The same seed and the same clock steps give the same payments.
 * <p>
 * Tests call {@link #tick()} after stepping their clock; the demo calls {@link #start(ErrorHandler)},
 * which runs the generator as an {@link Agent} on an {@link AgentRunner} sleeping
 * {@code tickIntervalMs} between duty cycles.
 * <p>
 * <b>Note:</b> thread safe.
 */
public final class SimulatedPayments implements Agent, AutoCloseable
{
    /** Name of the agent (and of its thread). */
    public static final String AGENT_NAME = "cc-simulated-payments";

    /** Smallest tip, in sats. */
    public static final long MIN_SATS = 300;
    /** Largest tip, in sats. */
    public static final long MAX_SATS = 5_000_000;

    private static final String[] MEMOS = {
        "gg!", "love the stream", "for the cat", "hydrate!", "first time here, great vibes",
        "keep it up", "greetings from Lisbon", "that clutch play", "coffee money", "thanks for the tutorial",
        "zap zap", "happy birthday!", "more of this please", "🔥🔥🔥", "stay humble, stack sats",
    };

    private final ElectrumSimulator simulator;
    private final Context ctx;
    private final SplittableRandom random;
    private final List<Tip> tips = new ArrayList<>();
    private AgentRunner runner;
    private long nextPaymentAtMs;
    private final BlockSchedule blockSchedule;
    private int burstRemaining;

    /**
     * One simulated tip.
     *
     * @param atMs    clock time it was paid.
     * @param txid    display hex.
     * @param address paid address.
     * @param sats    amount.
     * @param memo    memo, or null.
     */
    public record Tip(long atMs, String txid, String address, long sats, String memo)
    {
    }

    /**
     * A generator over a simulator.
     *
     * @param simulator to pay through.
     * @param ctx       configuration.
     */
    public SimulatedPayments(final ElectrumSimulator simulator, final Context ctx)
    {
        if (ctx.addresses().isEmpty())
        {
            throw new IllegalArgumentException("simulated payments: expected at least one address to pay");
        }
        this.simulator = simulator;
        this.ctx = ctx;
        this.random = new SplittableRandom(ctx.seed());
        final long now = ctx.clock().time();
        this.nextPaymentAtMs = now + ctx.firstPaymentAfterMs();
        this.blockSchedule = new BlockSchedule(now, ctx.blockIntervalMs());
    }

    /**
     * Make the payments and mine the blocks that are due at the clock's time.
     *
     * @return payments made.
     */
    public synchronized int tick()
    {
        final long now = ctx.clock().time();
        int made = 0;
        while (now >= nextPaymentAtMs && made < 64)
        {
            pay(nextPaymentAtMs);
            made++;
            nextPaymentAtMs += nextGapMs();
        }
        if (now >= nextPaymentAtMs)
        {
            nextPaymentAtMs = now + nextGapMs();
        }
        blockSchedule.mineDue(now, simulator);
        return made;
    }

    /**
     * Make one payment now, regardless of the schedule.
     *
     * @return the tip.
     */
    public synchronized Tip payNow()
    {
        return pay(ctx.clock().time());
    }

    /**
     * Draw a tip amount from the distribution (advances the generator).
     *
     * @return sats.
     */
    public synchronized long nextAmount()
    {
        return amount();
    }

    /**
     * Every tip paid so far.
     *
     * @return a copy, in order.
     */
    public synchronized List<Tip> tips()
    {
        return new ArrayList<>(tips);
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        return tick();
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return AGENT_NAME;
    }

    /**
     * Tick on an agent runner of its own, sleeping {@code tickIntervalMs} when idle (the demo's autonomous mode).
     *
     * @param errorHandler receives a failed tick.
     */
    public synchronized void start(final ErrorHandler errorHandler)
    {
        if (null != runner)
        {
            return;
        }
        runner = new AgentRunner(new SleepingMillisIdleStrategy(ctx.tickIntervalMs()), errorHandler, null, this);
        AgentRunner.startOnThread(runner, (task) -> Thread.ofPlatform().daemon().name(AGENT_NAME).unstarted(task));
    }

    /**
     * Stop ticking.
     */
    public void close()
    {
        final AgentRunner current;
        synchronized (this)
        {
            current = runner;
            runner = null;
        }
        CloseHelper.close(current);
    }

    private Tip pay(final long atMs)
    {
        final List<String> addresses = ctx.addresses();
        // The lower of two uniform draws favours the first addresses, as a streamer's QR code does.
        final int index = Math.min(random.nextInt(addresses.size()), random.nextInt(addresses.size()));
        final String address = addresses.get(index);
        final long sats = amount();
        final String memo = random.nextDouble() < ctx.memoProbability() ? MEMOS[random.nextInt(MEMOS.length)] : null;
        final ElectrumSimulator.Payment payment = simulator.pay(address, sats, memo);
        final Tip tip = new Tip(atMs, payment.txid(), address, sats, memo);
        tips.add(tip);
        return tip;
    }

    private long amount()
    {
        if (random.nextDouble() < ctx.largeTipProbability())
        {
            return 100_000 + random.nextLong(1_900_000);
        }
        final double sats = Math.exp(Math.log(ctx.medianSats()) + ctx.sigma() * random.nextGaussian());
        return Math.max(MIN_SATS, Math.min(MAX_SATS, Math.round(sats)));
    }

    private long nextGapMs()
    {
        if (burstRemaining > 0)
        {
            burstRemaining--;
            return 1 + (long)(-Math.log(1.0 - random.nextDouble()) * ctx.burstMeanGapMs());
        }
        if (random.nextDouble() < ctx.burstProbability())
        {
            burstRemaining = 2 + random.nextInt(10);
        }
        return 1 + (long)(-Math.log(1.0 - random.nextDouble()) * ctx.quietMeanGapMs());
    }

    /**
     * Configuration of the generator.
     */
    public static final class Context
    {
        private long seed = 42;
        private EpochClock clock = SystemEpochClock.INSTANCE;
        private List<String> addresses = List.of();
        private long medianSats = 2_000;
        private double sigma = 1.1;
        private double largeTipProbability = 0.01;
        private double memoProbability = 0.35;
        private long quietMeanGapMs = 30_000;
        private long burstMeanGapMs = 2_000;
        private double burstProbability = 0.2;
        private long firstPaymentAfterMs = 3_000;
        private long blockIntervalMs = 60_000;
        private long tickIntervalMs = 250;

        /**
         * Seed of the generator.
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
         * Seed of the generator.
         *
         * @return the seed.
         */
        public long seed()
        {
            return seed;
        }

        /**
         * Clock the schedule follows.
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
         * Clock the schedule follows.
         *
         * @return the clock.
         */
        public EpochClock clock()
        {
            return clock;
        }

        /**
         * Addresses tips are paid to, the first ones more often.
         *
         * @param addresses of the simulator's network.
         * @return this.
         */
        public Context addresses(final List<String> addresses)
        {
            this.addresses = List.copyOf(addresses);
            return this;
        }

        /**
         * Addresses tips are paid to.
         *
         * @return the addresses.
         */
        public List<String> addresses()
        {
            return addresses;
        }

        /**
         * Median of ordinary tips.
         *
         * @param sats median in sats.
         * @return this.
         */
        public Context medianSats(final long sats)
        {
            this.medianSats = sats;
            return this;
        }

        /**
         * Median of ordinary tips.
         *
         * @return sats.
         */
        public long medianSats()
        {
            return medianSats;
        }

        /**
         * Spread of the log-normal distribution of ordinary tips.
         *
         * @param sigma standard deviation of the logarithm.
         * @return this.
         */
        public Context sigma(final double sigma)
        {
            this.sigma = sigma;
            return this;
        }

        /**
         * Spread of the distribution.
         *
         * @return sigma.
         */
        public double sigma()
        {
            return sigma;
        }

        /**
         * Chance that a tip is a large one (0.001 to 0.02 BTC).
         *
         * @param probability 0 to 1.
         * @return this.
         */
        public Context largeTipProbability(final double probability)
        {
            this.largeTipProbability = probability;
            return this;
        }

        /**
         * Chance of a large tip.
         *
         * @return probability.
         */
        public double largeTipProbability()
        {
            return largeTipProbability;
        }

        /**
         * Chance that a tip carries a memo.
         *
         * @param probability 0 to 1.
         * @return this.
         */
        public Context memoProbability(final double probability)
        {
            this.memoProbability = probability;
            return this;
        }

        /**
         * Chance of a memo.
         *
         * @return probability.
         */
        public double memoProbability()
        {
            return memoProbability;
        }

        /**
         * Mean gap between tips outside bursts.
         *
         * @param gapMs milliseconds.
         * @return this.
         */
        public Context quietMeanGapMs(final long gapMs)
        {
            this.quietMeanGapMs = gapMs;
            return this;
        }

        /**
         * Mean gap outside bursts.
         *
         * @return milliseconds.
         */
        public long quietMeanGapMs()
        {
            return quietMeanGapMs;
        }

        /**
         * Mean gap between tips in a burst.
         *
         * @param gapMs milliseconds.
         * @return this.
         */
        public Context burstMeanGapMs(final long gapMs)
        {
            this.burstMeanGapMs = gapMs;
            return this;
        }

        /**
         * Mean gap in a burst.
         *
         * @return milliseconds.
         */
        public long burstMeanGapMs()
        {
            return burstMeanGapMs;
        }

        /**
         * Chance that a quiet gap ends in a burst of 2 to 11 quick tips.
         *
         * @param probability 0 to 1.
         * @return this.
         */
        public Context burstProbability(final double probability)
        {
            this.burstProbability = probability;
            return this;
        }

        /**
         * Chance of a burst.
         *
         * @return probability.
         */
        public double burstProbability()
        {
            return burstProbability;
        }

        /**
         * Delay of the first tip after creation.
         *
         * @param delayMs milliseconds.
         * @return this.
         */
        public Context firstPaymentAfterMs(final long delayMs)
        {
            this.firstPaymentAfterMs = delayMs;
            return this;
        }

        /**
         * Delay of the first tip.
         *
         * @return milliseconds.
         */
        public long firstPaymentAfterMs()
        {
            return firstPaymentAfterMs;
        }

        /**
         * Interval of mined blocks.
         *
         * @param intervalMs milliseconds, 0 for none.
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

        /**
         * Period of the autonomous ticker.
         *
         * @param intervalMs milliseconds.
         * @return this.
         */
        public Context tickIntervalMs(final long intervalMs)
        {
            this.tickIntervalMs = intervalMs;
            return this;
        }

        /**
         * Period of the autonomous ticker.
         *
         * @return milliseconds.
         */
        public long tickIntervalMs()
        {
            return tickIntervalMs;
        }
    }
}
