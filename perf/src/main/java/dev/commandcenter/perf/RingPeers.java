package dev.commandcenter.perf;

import dev.commandcenter.engine.ThreadingMode;
import dev.commandcenter.engine.WaitStrategies;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ring peer harness: in one run, the engine (three trivial plugins, journal off and on) against a bare
 * Disruptor of the same thread topology and against the {@code ArrayBlockingQueue} design, for every
 * threading mode and for the {@code blocking} and {@code yielding} wait strategies. One producer publishes
 * a fixed number of events as fast as each peer accepts them; a repetition ends when all three consumers
 * have seen the last one. Each repetition starts a fresh peer, and the repetitions go round-robin over the
 * configurations so that a change in the machine's load spreads over all of them. Prints events per second
 * (median of the repetitions), bytes allocated per event by the whole JVM, and the ratios engine / bare,
 * engine / queues and journal on / off.
 * <p>
 * All configurations share one JVM, so call sites the engine and the bare Disruptor share (the Disruptor's
 * processor loop) see every handler type, as in an application; JMH's {@code RingBenchmark.peers} forks a JVM
 * per configuration instead.
 * <p>
 * Usage: {@code perf/peers-ring [events] [repetitions] [wait strategies] [only]}, for example
 * {@code perf/peers-ring 2000000 5 blocking,yielding}; {@code only} is a regular expression that keeps the
 * configurations whose name ({@code engine/blocking/dedicated}, {@code bare/yielding/shared} ...) it matches,
 * to profile one of them ({@code JDK_JAVA_OPTIONS=-XX:StartFlightRecording=...}).
 */
public final class RingPeers
{
    /** Events per repetition unless given. */
    public static final int EVENTS_DEFAULT = 2_000_000;
    /** Repetitions per configuration unless given. */
    public static final int REPETITIONS_DEFAULT = 5;
    /** Wait strategies unless given. */
    public static final String WAIT_STRATEGIES_DEFAULT = "blocking,yielding";
    /** Events of the warm-up pass of each configuration; a quarter of it warms each fresh peer before timing. */
    public static final int WARMUP_EVENTS = 400_000;

    /** The implementations compared. */
    public enum Kind
    {
        /** The engine, journal off. */
        ENGINE("engine"),
        /** The engine with a Chronicle journal on a temporary directory. */
        ENGINE_JOURNAL("engine-journal"),
        /** A bare Disruptor of the same thread topology. */
        BARE("bare"),
        /** ArrayBlockingQueue consumer threads, a new event object per publish. */
        QUEUE("abq");

        private final String label;

        Kind(final String label)
        {
            this.label = label;
        }

        /**
         * Name in parameters and tables.
         *
         * @return the label.
         */
        public String label()
        {
            return label;
        }

        /**
         * Parse a label.
         *
         * @param name {@code engine}, {@code engine-journal}, {@code bare} or {@code abq}.
         * @return the kind.
         * @throws IllegalArgumentException naming the value and the accepted names.
         */
        public static Kind parse(final String name)
        {
            for (final Kind kind : values())
            {
                if (kind.label.equals(name))
                {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown ring peer '" + name +
                "', expected engine, engine-journal, bare or abq");
        }
    }

    private RingPeers()
    {
    }

    /**
     * A started peer. The bare Disruptor and the queues have one consumer thread per consumer in the
     * dedicated mode and one for all of them in the shared modes (the engine's plugin thread topology).
     *
     * @param kind         which implementation.
     * @param mode         threading mode.
     * @param waitStrategy wait strategy name.
     * @return the running peer.
     */
    public static RingPeer create(final Kind kind, final ThreadingMode mode, final String waitStrategy)
    {
        final boolean shared = mode != ThreadingMode.DEDICATED;
        return switch (kind)
        {
            case ENGINE -> new EnginePeer(mode, waitStrategy, false);
            case ENGINE_JOURNAL -> new EnginePeer(mode, waitStrategy, true);
            case BARE -> new BareDisruptorPeer(shared, waitStrategy);
            case QUEUE -> new QueuePeer(shared, waitStrategy);
        };
    }

    /**
     * Run every configuration and print the table.
     *
     * @param args optional: events per repetition, repetitions, comma-separated wait strategies.
     */
    public static void main(final String[] args)
    {
        final int events = args.length > 0 ? positive("events", args[0]) : EVENTS_DEFAULT;
        final int repetitions = args.length > 1 ? positive("repetitions", args[1]) : REPETITIONS_DEFAULT;
        final String[] waits = (args.length > 2 ? args[2] : WAIT_STRATEGIES_DEFAULT).split(",");
        for (final String wait : waits)
        {
            WaitStrategies.of(wait);
        }
        final Pattern only = Pattern.compile(args.length > 3 ? args[3] : ".*");
        final PrintStream out = System.out;
        out.printf(Locale.ROOT, "Ring peers: 1 producer -> %d consumers, %,d events per repetition, %d repetitions " +
            "(median), ring/queue capacity %d, %d CPUs, %s%n", RingPeer.CONSUMERS, events, repetitions,
            RingPeer.CAPACITY, Runtime.getRuntime().availableProcessors(), Runtime.version());

        final Map<String, Config> configs = new LinkedHashMap<>();
        final List<String[]> rows = new ArrayList<>();
        for (final String wait : waits)
        {
            for (final ThreadingMode mode : ThreadingMode.values())
            {
                final String topology = mode == ThreadingMode.DEDICATED ? "dedicated" : "shared";
                for (final Kind kind : Kind.values())
                {
                    final boolean byTopology = kind == Kind.BARE || kind == Kind.QUEUE;
                    final String key = kind.label() + "/" + wait + "/" + (byTopology ? topology : mode.label());
                    if (only.matcher(key).matches())
                    {
                        configs.putIfAbsent(key, new Config(kind, mode, wait, new double[repetitions],
                            new double[repetitions]));
                    }
                }
                rows.add(new String[]{ wait, mode.label(), topology });
            }
        }

        // One warm-up pass so every configuration runs compiled code, then the repetitions round-robin over the
        // configurations, so a change in the machine's load spreads over all of them rather than a few.
        final int warmup = Math.min(events, WARMUP_EVENTS);
        for (final Config config : configs.values())
        {
            runOnce(config, warmup, warmup);
        }
        for (int r = 0; r < repetitions; r++)
        {
            for (final Config config : configs.values())
            {
                final double[] measured = runOnce(config, warmup / 4, events);
                config.rates[r] = measured[0];
                config.bytesPerEvent[r] = measured[1];
            }
            out.printf(Locale.ROOT, "  repetition %d of %d done%n", r + 1, repetitions);
        }
        final Map<String, Result> results = new HashMap<>();
        for (final Map.Entry<String, Config> entry : configs.entrySet())
        {
            final Result result = entry.getValue().result();
            results.put(entry.getKey(), result);
            out.printf(Locale.ROOT, "  %-40s %s%n", entry.getKey(), result);
        }

        out.println();
        out.println("| wait | mode | engine, journal off | engine, journal on | bare Disruptor | ABQ design | " +
            "engine / bare | engine / ABQ | journal on / off | B/event engine, bare, ABQ |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        Result best = null;
        String[] bestRow = null;
        for (final String[] row : rows)
        {
            final Result engine = results.get("engine/" + row[0] + "/" + row[1]);
            final Result journal = results.get("engine-journal/" + row[0] + "/" + row[1]);
            final Result bare = results.get("bare/" + row[0] + "/" + row[2]);
            final Result queue = results.get("abq/" + row[0] + "/" + row[2]);
            if (null == engine || null == journal || null == bare || null == queue)
            {
                continue;
            }
            out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.2fx | %.2fx | %.2f | %.1f, %.1f, %.1f |%n",
                row[0], row[1], engine.rate(), journal.rate(), bare.rate(), queue.rate(),
                engine.median / bare.median, engine.median / queue.median, journal.median / engine.median,
                engine.bytesPerEvent, bare.bytesPerEvent, queue.bytesPerEvent);
            if (null == best || engine.median > best.median)
            {
                best = engine;
                bestRow = row;
            }
        }
        if (null != bestRow)
        {
            final Result bare = results.get("bare/" + bestRow[0] + "/" + bestRow[2]);
            final Result journal = results.get("engine-journal/" + bestRow[0] + "/" + bestRow[1]);
            final Result queue = results.get("abq/" + bestRow[0] + "/" + bestRow[2]);
            double bestQueue = 0;
            for (final Map.Entry<String, Result> entry : results.entrySet())
            {
                if (entry.getKey().startsWith("abq/"))
                {
                    bestQueue = Math.max(bestQueue, entry.getValue().median);
                }
            }
            out.println();
            out.printf(Locale.ROOT, "best engine configuration: %s, %s: %s%n", bestRow[0], bestRow[1], best.rate());
            out.printf(Locale.ROOT, "  / bare Disruptor of the same topology   %.2fx (target >= 0.9x)%n",
                best.median / bare.median);
            out.printf(Locale.ROOT, "  / ABQ design of the same topology        %.2fx (target >= 3x)%n",
                best.median / queue.median);
            out.printf(Locale.ROOT, "  / best ABQ design of any mode and wait   %.2fx (target >= 3x)%n",
                best.median / bestQueue);
            out.printf(Locale.ROOT, "  journal on / off                         %.2f  (target >= 0.8)%n",
                journal.median / best.median);
        }
    }

    /**
     * Start a fresh peer, publish a warm-up, then time a number of events until every consumer has seen the
     * last; check the consumers' sums and stop the peer.
     *
     * @param config what to run.
     * @param warmup events published before the clock starts.
     * @param events events timed.
     * @return events per second, and bytes allocated by the whole JVM per timed event.
     */
    static double[] runOnce(final Config config, final int warmup, final int events)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final double rate;
        final long allocated;
        final long checksum;
        try (RingPeer peer = create(config.kind, config.mode, config.waitStrategy))
        {
            for (int i = 0; i < warmup; i++)
            {
                peer.publish();
            }
            peer.awaitSeen(warmup);

            final long allocatedBefore = threads.getTotalThreadAllocatedBytes();
            final long start = System.nanoTime();
            for (int i = 0; i < events; i++)
            {
                peer.publish();
            }
            peer.awaitSeen(warmup + (long)events);
            rate = events / ((System.nanoTime() - start) / 1e9);
            allocated = threads.getTotalThreadAllocatedBytes() - allocatedBefore;
            checksum = peer.checksum();
        }
        final long expected = (warmup + (long)events) * RingPeer.CONSUMERS * PeerMessage.AMOUNT_SATS;
        if (checksum != expected)
        {
            throw new IllegalStateException(config.kind.label() + " " + config.mode.label() + " " + config.waitStrategy +
                ": consumers summed " + checksum + ", expected " + expected);
        }
        return new double[]{ rate, allocated / (double)events };
    }

    private static int positive(final String name, final String value)
    {
        try
        {
            final int parsed = Integer.parseInt(value.trim());
            if (parsed > 0)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ignore)
        {
        }
        throw new IllegalArgumentException(name + " is '" + value + "', expected a positive whole number");
    }

    /** One configuration and its measurements, one per repetition. */
    record Config(Kind kind, ThreadingMode mode, String waitStrategy, double[] rates, double[] bytesPerEvent)
    {
        Result result()
        {
            final double[] sorted = rates.clone();
            Arrays.sort(sorted);
            final double[] bytes = bytesPerEvent.clone();
            Arrays.sort(bytes);
            return new Result(sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], bytes[bytes.length / 2]);
        }
    }

    /** Events per second of one configuration: median, lowest and highest repetition; median allocation. */
    record Result(double median, double min, double max, double bytesPerEvent)
    {
        String rate()
        {
            return String.format(Locale.ROOT, "%,.0f/s", median);
        }

        public String toString()
        {
            return String.format(Locale.ROOT, "median %,12.0f events/s (min %,12.0f, max %,12.0f), %.1f B/event",
                median, min, max, bytesPerEvent);
        }
    }
}
