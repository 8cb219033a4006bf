package dev.commandcenter.engine.plugin.manager;

import java.util.Locale;

/**
 * What happens when a plugin falls behind the input ring by more than its lag limit.
 */
public enum PluginBackPressure
{
    /**
     * The plugin stays on the ring and holds it back: producers wait (or are rejected) once the ring is
     * full, and the plugin sees every event. For plugins that must not miss anything.
     */
    BLOCK,

    /**
     * The plugin is fed through its own bounded buffer of {@code lagLimit} events by a copier on the ring;
     * when the buffer is full further events are dropped for it, counted and reported (state DEGRADED),
     * and the ring and the other plugins carry on.
     */
    DETACH;

    /**
     * Parse a policy name as written in a descriptor or configuration.
     *
     * @param name {@code block} or {@code detach}, any case.
     * @return the policy, or null when the name is neither.
     */
    public static PluginBackPressure parse(final String name)
    {
        return switch (name.toLowerCase(Locale.ROOT))
        {
            case "block" -> BLOCK;
            case "detach" -> DETACH;
            default -> null;
        };
    }

    /**
     * Name as written in descriptors.
     *
     * @return lowercase name.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
