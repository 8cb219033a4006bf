package dev.commandcenter.engine.core.internal.slot;

import dev.commandcenter.engine.WaitStrategies;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.List;
import java.util.function.Supplier;

/**
 * Idle strategies for the engine's agents (journaller, plugin slots, shared groups, detached consumers), named
 * like the rings' wait strategies so one setting ({@code engine.waitStrategy}) governs both:
 * <pre>
 *   name        idle strategy                                        idle CPU    wake-up
 *   blocking    {@link ParkingIdleStrategy}: 10 spins, 5 yields,           none        the publisher unparks it
 *               then parks until woken (at most the max park,
 *               {@value #MAX_PARK_NS_DEFAULT} ns, as a safety net)
 *   sleeping    backoff: 100 spins, 100 yields, then 100 ns parks    ~10% core   a timer tick (~50-100 us)
 *   yielding    yield                                                a core      a scheduler slice
 *   busy-spin   busy spin (opt-in latency profile only)              a core      immediate
 * </pre>
 * With {@code blocking} a parked agent is unparked by whoever publishes its input (the input publisher, the
 * journaller at the end of a batch, a control command), so an idle engine uses no CPU and a sparse event
 * waits for no timer; the max park only bounds a wake-up nobody sends. It can be set with
 * {@value #MAX_PARK_NS_PROP_NAME}.
 */
public final class IdleStrategies
{
    /** Names accepted by {@link #of(String)}, the same as the wait strategies'. */
    public static final List<String> NAMES = List.of("blocking", "sleeping", "yielding", "busy-spin");

    /** System property overriding the longest park of the {@code blocking} idle strategy, ns. */
    public static final String MAX_PARK_NS_PROP_NAME = WaitStrategies.MAX_PARK_NS_PROP_NAME;

    /** Longest park of the {@code blocking} idle strategy without a wake-up, a safety net only. */
    public static final long MAX_PARK_NS_DEFAULT = WaitStrategies.MAX_PARK_NS_DEFAULT;

    private static final long BLOCKING_SPINS = 10;
    private static final long BLOCKING_YIELDS = 5;
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
                yield () -> new ParkingIdleStrategy(BLOCKING_SPINS, BLOCKING_YIELDS, maxParkNs);
            }
            case "sleeping" -> () -> new BackoffIdleStrategy(SLEEPING_SPINS, SLEEPING_YIELDS, SLEEPING_PARK_NS,
                SLEEPING_PARK_NS);
            case "yielding" -> YieldingIdleStrategy::new;
            case "busy-spin" -> BusySpinIdleStrategy::new;
            default -> throw new IllegalArgumentException(
                "unknown wait strategy '" + name + "', expected one of " + NAMES);
        };
    }

    /**
     * Longest park of a {@code blocking} agent or ring consumer without a wake-up (see
     * {@link WaitStrategies#maxParkNs()}).
     *
     * @return ns.
     * @throws IllegalArgumentException when the property is not a number of at least 1000.
     */
    public static long maxParkNs()
    {
        return WaitStrategies.maxParkNs();
    }
}
