package dev.commandcenter.persistence;

import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Roll cycles by name, as configuration gives them: every roll cycle Chronicle Queue offers under
 * its own name, such as {@code MINUTELY}, {@code HOURLY}, {@code DAILY}, {@code FAST_HOURLY},
 * {@code FAST_DAILY}, {@code FIVE_MINUTELY}, {@code WEEKLY} or {@code LARGE_DAILY}. A cycle is also the
 * unit of retention: each one is a file.
 */
public final class RollCycleNames
{
    /** Default roll cycle: one file per UTC day, up to 2^32 records a day. */
    public static final String DEFAULT = "FAST_DAILY";

    private RollCycleNames()
    {
    }

    /**
     * The roll cycle of a name, case-insensitive.
     *
     * @param name such as {@code HOURLY}.
     * @return the roll cycle.
     * @throws IllegalArgumentException naming the value and the accepted names.
     */
    public static RollCycle of(final String name)
    {
        if (null != name)
        {
            final String wanted = name.trim().toUpperCase(Locale.ROOT);
            for (final RollCycle cycle : RollCycles.all())
            {
                if (cycle.toString().equals(wanted))
                {
                    return cycle;
                }
            }
        }
        throw new IllegalArgumentException("unknown roll cycle '" + name + "': expected one of " + String.join(", ", names()));
    }

    /**
     * Name of a roll cycle.
     *
     * @param cycle the roll cycle.
     * @return its name.
     */
    public static String nameOf(final RollCycle cycle)
    {
        return cycle.toString();
    }

    /**
     * Every accepted name, except Chronicle's test cycles.
     *
     * @return the names.
     */
    public static List<String> names()
    {
        final List<String> names = new ArrayList<>();
        for (final RollCycle cycle : RollCycles.all())
        {
            final String name = cycle.toString();
            if (!name.startsWith("TEST"))
            {
                names.add(name);
            }
        }
        return names;
    }
}
