package dev.commandcenter.plugin.host;

import dev.commandcenter.config.LabelledEnumDeserializer;
import dev.commandcenter.engine.BackPressure;

/**
 * Binds the back-pressure policy of a plugin: {@code block} or {@code detach}; {@code reject} is a producer's
 * policy and is refused with the values a plugin may use.
 */
public final class PluginBackPressureDeserializer extends LabelledEnumDeserializer<BackPressure>
{
    private static final long serialVersionUID = 1L;

    /**
     * Bind the plugin values of {@link BackPressure}.
     */
    public PluginBackPressureDeserializer()
    {
        super(BackPressure.class, BackPressure.BLOCK, BackPressure.DETACH);
    }
}
