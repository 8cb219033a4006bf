package dev.commandcenter.engine;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.util.List;

/**
 * Named wait strategies for the rings. {@code blocking} (the default) uses no CPU while idle, parking a
 * consumer until a publisher wakes it, without a lock on the publish path ({@link ParkingWaitStrategy}; its
 * longest park without a wake-up, shared with the engine's parking agents, is {@link #maxParkNs()});
 * {@code sleeping} and {@code yielding} trade CPU for latency; {@code busy-spin} burns a core per
 * consumer and belongs only to opt-in latency profiles on machines with cores to spare.
 */
public final class WaitStrategies
{
    /** System property overriding the longest park of a {@code blocking} thread without a wake-up, ns. */
    public static final String MAX_PARK_NS_PROP_NAME = "commandcenter.slot.maxParkNs";

    /**
     * Longest park of a {@code blocking} thread without a wake-up. Publishes wake parked threads, so this is
     * only a safety net (ten wake-ups a second per idle thread cost nothing measurable); it bounds how late a
     * thread notices something that does not wake it.
     */
    public static final long MAX_PARK_NS_DEFAULT = 100_000_000;

    private static final long MIN_PARK_NS = 1_000;

    /** Names accepted by {@link #of(String)}. */
    public static final List<String> NAMES = List.of("blocking", "sleeping", "yielding", "busy-spin");

    private WaitStrategies()
    {
    }

    /**
     * A new wait strategy by name.
     *
     * @param name one of {@link #NAMES}.
     * @return the strategy.
     * @throws IllegalArgumentException naming the accepted names.
     */
    public static WaitStrategy of(final String name)
    {
        return switch (name)
        {
            case "blocking" -> new ParkingWaitStrategy(10, 5, maxParkNs());
            case "sleeping" -> new SleepingWaitStrategy();
            case "yielding" -> new YieldingWaitStrategy();
            case "busy-spin" -> new BusySpinWaitStrategy();
            default -> throw new IllegalArgumentException(
                "unknown wait strategy '" + name + "', expected one of " + NAMES);
        };
    }

    /**
     * Longest park of a {@code blocking} thread without a wake-up: the {@value #MAX_PARK_NS_PROP_NAME}
     * property, else {@value #MAX_PARK_NS_DEFAULT}.
     *
     * @return ns.
     * @throws IllegalArgumentException when the property is not a whole number of at least 1000.
     */
    public static long maxParkNs()
    {
        final String value = System.getProperty(MAX_PARK_NS_PROP_NAME);
        if (null == value)
        {
            return MAX_PARK_NS_DEFAULT;
        }
        try
        {
            final long parsed = Long.parseLong(value.trim());
            if (parsed >= MIN_PARK_NS)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ignore)
        {
        }
        throw new IllegalArgumentException(MAX_PARK_NS_PROP_NAME + " is '" + value +
            "', expected a whole number of nanoseconds of at least " + MIN_PARK_NS);
    }
}
