package dev.commandcenter.engine.core.internal.slot;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.List;
import java.util.function.Supplier;

/**
 * Idle strategies for the slot agents, named like the rings' wait strategies so one setting
 * ({@code engine.waitStrategy}) governs both:
 * <pre>
 *   name        idle strategy                                        idle CPU    wake-up
 *   blocking    backoff: 10 spins, 10 yields, parks 1 us doubling    ~2% core    within the max park
 *               to the max park ({@value #MAX_PARK_NS_DEFAULT} ns)
 *   sleeping    backoff: 100 spins, 100 yields, then 100 ns parks    ~10% core   a timer tick (~50-100 us)
 *   yielding    yield                                                a core      a scheduler slice
 *   busy-spin   busy spin (opt-in latency profile only)              a core      immediate
 * </pre>
 * Unlike the rings' {@code blocking} wait strategy, which sleeps until a publisher signals it, a parked slot
 * wakes on its own to look for events and commands, so the slot's loop never blocks; the price is the idle
 * CPU above and, for an event after a quiet spell, up to one max park of extra latency. The maximum park of
 * {@code blocking} can be set with {@value #MAX_PARK_NS_PROP_NAME}.
 */
public final class IdleStrategies
{
    /** Names accepted by {@link #of(String)}, the same as the wait strategies'. */
    public static final List<String> NAMES = List.of("blocking", "sleeping", "yielding", "busy-spin");

    /** System property overriding the longest park of the {@code blocking} idle strategy, ns. */
    public static final String MAX_PARK_NS_PROP_NAME = "commandcenter.slot.maxParkNs";

    /**
     * Longest park of the {@code blocking} idle strategy: the worst extra wake-up delay of an idle slot when an
     * event arrives after a quiet spell. Chosen as Agrona's own default: at about 1 000 wake-ups a second an idle
     * slot thread costs about 2% of a core (measured on the 2-core machine; 100 us cost about 9%), so a few
     * plugins stay within a few percent of one core while idle. Busy slots never park this long: work resets
     * the backoff.
     */
    public static final long MAX_PARK_NS_DEFAULT = 1_000_000;

    private static final long BLOCKING_SPINS = 10;
    private static final long BLOCKING_YIELDS = 10;
    private static final long BLOCKING_MIN_PARK_NS = 1_000;
    private static final long SLEEPING_SPINS = 100;
    private static final long SLEEPING_YIELDS = 100;
    private static final long SLEEPING_PARK_NS = 100;

    private IdleStrategies()
    {
    }

    /**
     * A supplier of a new idle strategy per agent, by name.
     *
     * @param name one of {@link #NAMES}.
     * @return the supplier.
     * @throws IllegalArgumentException naming the accepted names.
     */
    public static Supplier<IdleStrategy> of(final String name)
    {
        return switch (name)
        {
            case "blocking" ->
            {
                final long maxParkNs = maxParkNs();
                yield () -> new BackoffIdleStrategy(BLOCKING_SPINS, BLOCKING_YIELDS, BLOCKING_MIN_PARK_NS, maxParkNs);
            }
            case "sleeping" -> () -> new BackoffIdleStrategy(SLEEPING_SPINS, SLEEPING_YIELDS, SLEEPING_PARK_NS,
                SLEEPING_PARK_NS);
            case "yielding" -> YieldingIdleStrategy::new;
            case "busy-spin" -> BusySpinIdleStrategy::new;
            default -> throw new IllegalArgumentException(
                "unknown wait strategy '" + name + "', expected one of " + NAMES);
        };
    }

    private static long maxParkNs()
    {
        final String value = System.getProperty(MAX_PARK_NS_PROP_NAME);
        if (null == value)
        {
            return MAX_PARK_NS_DEFAULT;
        }
        try
        {
            final long parsed = Long.parseLong(value.trim());
            if (parsed >= BLOCKING_MIN_PARK_NS)
            {
                return parsed;
            }
        }
        catch (final NumberFormatException ignore)
        {
        }
        throw new IllegalArgumentException(MAX_PARK_NS_PROP_NAME + " is '" + value +
            "', expected a whole number of nanoseconds of at least " + BLOCKING_MIN_PARK_NS);
    }
}
