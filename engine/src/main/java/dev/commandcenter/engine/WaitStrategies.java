package dev.commandcenter.engine;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import dev.commandcenter.engine.core.internal.ParkingWaitStrategy;
import dev.commandcenter.engine.core.internal.slot.IdleStrategies;

import java.util.List;

/**
 * Named wait strategies for the rings. {@code blocking} (the default) uses no CPU while idle, parking a
 * consumer until a publisher wakes it, without a lock on the publish path ({@link ParkingWaitStrategy}; its
 * longest park without a wake-up is the agents' one, {@value IdleStrategies#MAX_PARK_NS_PROP_NAME});
 * {@code sleeping} and {@code yielding} trade CPU for latency; {@code busy-spin} burns a core per
 * consumer and belongs only to opt-in latency profiles on machines with cores to spare.
 */
public final class WaitStrategies
{
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
            case "blocking" -> new ParkingWaitStrategy(10, 5, IdleStrategies.maxParkNs());
            case "sleeping" -> new SleepingWaitStrategy();
            case "yielding" -> new YieldingWaitStrategy();
            case "busy-spin" -> new BusySpinWaitStrategy();
            default -> throw new IllegalArgumentException(
                "unknown wait strategy '" + name + "', expected one of " + NAMES);
        };
    }
}
