package dev.commandcenter.engine;

import java.util.Locale;

/**
 * What happens when a ring is full or a consumer falls behind: the one back-pressure enum of the engine.
 * Producers of the input ring take {@link #BLOCK} or {@link #REJECT}; plugin slots take {@link #BLOCK} or
 * {@link #DETACH}. Each context refuses the values that do not apply to it.
 */
public enum BackPressure
{
    /**
     * Wait: a producer waits for a free slot, a plugin holds the ring back and sees every event. Nothing
     * is dropped; the slowest party sets the pace.
     */
    BLOCK,

    /** A producer gets {@link EventPublisher#REJECTED} at once and the rejection is counted. */
    REJECT,

    /**
     * A plugin is fed through its own bounded buffer of {@code lagLimit} events by a copier on the ring;
     * when the buffer is full further events are dropped for it, counted and reported (state DEGRADED),
     * and the ring and the other plugins carry on.
     */
    DETACH;

    /** What producers may use. */
    public static final String PRODUCER_VALUES = "block or reject";

    /** What plugins may use. */
    public static final String PLUGIN_VALUES = "block or detach";

    /**
     * Parse a policy name as written in a descriptor or configuration.
     *
     * @param name {@code block}, {@code reject} or {@code detach}, any case.
     * @return the policy, or null when the name is none of them.
     */
    public static BackPressure parse(final String name)
    {
        return switch (name.toLowerCase(Locale.ROOT))
        {
            case "block" -> BLOCK;
            case "reject" -> REJECT;
            case "detach" -> DETACH;
            default -> null;
        };
    }

    /**
     * Whether a producer of the input ring may use this policy.
     *
     * @return true for {@link #BLOCK} and {@link #REJECT}.
     */
    public boolean appliesToProducers()
    {
        return this != DETACH;
    }

    /**
     * Whether a plugin slot may use this policy.
     *
     * @return true for {@link #BLOCK} and {@link #DETACH}.
     */
    public boolean appliesToPlugins()
    {
        return this != REJECT;
    }

    /**
     * Name as written in configuration and descriptors.
     *
     * @return lowercase name.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
